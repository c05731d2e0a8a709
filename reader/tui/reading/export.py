"""Exports: the papers listed now, every starred paper, or the selection (`;e`), to Markdown,
BibTeX, CSV or JSON."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import work

from reader.domain.models import Mark
from reader.library.export import export_papers
from reader.system.files import write_file
from reader.tui.reading.loading import LoadingScreen
from reader.tui.screens.export import ExportRequest, ExportScreen


class ExportCommands(LoadingScreen):
    def action_export(self, which: str) -> None:
        view = self.model.library_view
        if view is None:
            self.notify("The library is still loading.")
            return
        if which == "starred":
            ids = [pid for pid in view.order if pid in self.model.marks.starred]
            what, stem = "the starred papers", "reader-starred"
        else:
            ids = list(self.paper_list.rows.ids)
            what, stem = f"this view ({self._summary().rsplit(':', 1)[0]})", "reader-export"
        self._offer_export(ids, what, stem)

    def _offer_export(self, ids: list[str], what: str, stem: str) -> None:
        """Ask where and how to export `ids` (named `what` in the dialog), then write them."""
        if not ids:
            self.notify("Nothing to export: no papers here.", severity="warning")
            return

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.export_to_file(ids, request)

        self.app.push_screen(ExportScreen(what, len(ids), stem), chosen)

    @work(exclusive=True, group="export", exit_on_error=False, description="export")
    async def export_to_file(self, ids: list[str], request: ExportRequest) -> None:
        library, annotations = self.library, self.model.annotations

        def write(marks: dict[str, Mark]) -> Path:
            papers = [paper for paper in map(library.paper, ids) if paper is not None]
            text = export_papers(papers, marks, request.fmt, annotations)
            return write_file(request.path, text, create_folder=request.create_folder)

        try:
            marks = await self._state_call(self.client.state.marks, ids)
            written = await asyncio.to_thread(write, marks)
        except Exception as error:  # noqa: BLE001 - a full disk or a broken catalog: say so, keep running
            self.notify(f"Could not export: {error}", severity="error", markup=False, timeout=10)
            return
        noun = "paper" if len(ids) == 1 else "papers"
        self.notify(f"Exported {len(ids):,} {noun} to {written}", markup=False, timeout=8)
