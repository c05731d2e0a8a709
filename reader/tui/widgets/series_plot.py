"""A plotext plot drawn again for its size whenever it renders (textual-plotext's widget)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import RenderResult
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

Draw = Callable[[Any, Any, int, int], None]  # (plt, data, width, height)


class SeriesPlot(PlotextPlot):
    """Shows one series; `draw` lays it out for the width and height the plot has now, so a
    narrow window gets fewer bars and shorter labels instead of a squeezed picture."""

    def __init__(self, draw: Draw, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._draw = draw
        self._data: Any = None

    def show(self, data: Any) -> None:
        self._data = data
        self.refresh()

    def render(self) -> RenderResult:
        # A new figure each time, so nothing of an earlier size or series carries over
        # (textual-plotext notes that resizing a figure in place is unreliable).
        self._plot = plt = Plot()
        if self._data is not None and self.size.width and self.size.height:
            self._draw(plt, self._data, self.size.width, self.size.height)
        return super().render()
