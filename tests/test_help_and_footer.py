"""The help screen and the footer as a user reads them, at 80x24 and 120x36."""

from __future__ import annotations

import io
import re

from reader.tui.bindings import COMMANDS, keys_label
from reader.tui.screens.help import HelpScreen, help_content
from rich.console import Console

from support.app import make_app, ready, settle, wait_until


def screen_lines(app) -> list[str]:
    """The terminal's text, as the user sees it (what a screenshot shows)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()


async def test_the_footer_fits_80_columns_after_a_resize_from_120(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert "palette" in screen_lines(pilot.app)[-1]
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        footer = screen_lines(pilot.app)[-1]
        assert "? help" in footer and footer.rstrip().endswith("q quit")
        assert "palette" not in footer  # ctrl+p is in help; at 80 columns the keys need the room
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert "palette" in screen_lines(pilot.app)[-1]


async def test_help_at_80x24_keeps_each_key_description_and_id_on_one_line(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        await settle(pilot)
        body = pilot.app.screen.query_one("#help-body")
        lines = str(body.render()).splitlines()
        assert max(map(len, lines)) <= body.size.width
        for command in COMMANDS:
            row = next((line for line in lines if line.rstrip().endswith(" " + command.id)), None)
            assert row is not None, f"{command.id} is not at the end of a row"
            assert row.strip().startswith(keys_label(command, {})) and command.description.split()[0] in row
        assert not any(line.strip() in {command.id for command in COMMANDS} for line in lines)  # no id alone
        shown = "\n".join(screen_lines(pilot.app))
        assert "next_paper" in shown and "Next paper" in shown


def test_help_says_what_the_paper_keys_do_in_the_detail_pane():
    text = " ".join(str(help_content({}, width=75)).split())
    assert "In the detail pane, ↓ ↑ Home End PgDn PgUp scroll the paper's text; j k g G still change paper." in text
    rebound = " ".join(str(help_content({"next_paper": "down,ctrl+n"}, width=75)).split())
    assert "j k g G" not in rebound and "ctrl+n k g G still change paper" in rebound


def test_help_explains_read_on_open_and_how_to_turn_it_off():
    text = " ".join(str(help_content({}, width=75, read_on_open=2.0)).split())
    assert re.search(r"counts as read once you have looked at it for 2 s with the list or the detail focused", text)
    assert 'read_on_open = "never" in config.toml turns it off' in text
    assert "read on open is off" in " ".join(str(help_content({}, width=75, read_on_open=None)).split())


async def test_in_the_detail_down_scrolls_and_j_changes_paper(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(80, 24)) as pilot:
        screen = await ready(pilot)
        paper = screen.paper_list.highlighted
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.focused is screen.detail and screen.detail.max_scroll_y > 0
        await pilot.press("down")
        await settle(pilot)
        assert screen.detail.scroll_y > 0 and screen.paper_list.highlighted == paper
        await pilot.press("j")
        await settle(pilot)
        assert screen.paper_list.highlighted != paper
