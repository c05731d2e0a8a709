"""End to end: the installed `reader` command in a real terminal (tmux), as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

import pytest

from support.tmux import READER, start

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


QUIT_KEY = "q quit"  # in the footer while the list has the focus


def top_row(screen: str) -> str:
    """The first row of the paper list (under the pane borders, at 120 columns)."""
    lines = screen.splitlines()
    return lines[1][26:78] if len(lines) > 1 else ""


def squeezed(text: str) -> str:
    """The text without its white space: the same however a pane wraps or folds it."""
    return "".join(text.split())


def right_pane(screen: str) -> str:
    """The text of the rightmost pane on each line: the detail pane, side by side or
    stacked under the list (then the list's rows come first)."""
    return "\n".join(line.split("│")[-2] for line in screen.splitlines() if line.count("│") >= 2)


def test_search_star_quit_and_the_star_is_saved(home):
    terminal = start(home, "reader-e2e")
    try:
        terminal.wait_for("Aug 7")
        terminal.wait_for(QUIT_KEY)
        terminal.keys("/")
        # The footer names the keys of the focused widget: the search box has no q.
        terminal.wait_until(lambda screen: QUIT_KEY not in screen)
        terminal.keys("melange")
        terminal.wait_until(lambda screen: "Mélange: Cost" in top_row(screen))
        terminal.keys("Escape")
        terminal.wait_for(QUIT_KEY)  # back in the list
        terminal.keys("s")
        terminal.wait_for("★")
        terminal.keys("q")
        terminal.wait_until(lambda screen: "Mélange" not in screen)
    finally:
        terminal.close()
    result = subprocess.run(
        [str(READER), "search", "melange", "--json"],
        capture_output=True, text=True, env={**os.environ, "READER_HOME": str(home)}, check=True,
    )
    hits = json.loads(result.stdout)
    assert hits[0]["title"].startswith("Mélange:") and hits[0]["starred"] is True


@pytest.mark.parametrize("width", [80, 120])  # the detail pane stacked under the list, or beside it
def test_hostile_titles_show_literally_and_leave_the_terminal_intact(home, tmp_path, width):
    digest = tmp_path / "2026-01-05.txt"
    digest.write_bytes(
        b"Jan 5\n\n"
        b"[bold red]Bold Claim[/] About [link=file:///etc/passwd]Links[/link]\n\n"
        b"An abstract that tries \x1b[2J to clear the screen and \x1b]52;c;cHduZWQ=\x07 set the clipboard.\n\n"
        b"Plain Neighbour Paper\n\nA quiet abstract about nothing in particular, for contrast.\n"
    )
    terminal = start(home, "reader-hostile", "--digests", str(digest), width=width)
    try:
        terminal.wait_for("Plain Neighbour Paper")
        # The detail pane loads the selected paper a moment after the list is drawn. The
        # abstract is there, its escapes are not (wrapped to the pane's width, wherever it is).
        shown = "An abstract that tries to clear the screen and set the clipboard."
        screen = terminal.wait_until(lambda screen: squeezed(shown) in squeezed(right_pane(screen)))
        detail = squeezed(right_pane(screen))
        assert squeezed("[bold red]Bold Claim[/] About [link=file:///etc/passwd]Links[/link]") in detail
        raw = terminal.raw_screen()
        assert "52;c;" not in raw and "cHduZWQ=" not in raw
        terminal.keys("q")
    finally:
        terminal.close()


@pytest.mark.slow  # looks at a paper for longer than read_on_open
def test_a_paper_only_shown_is_not_read(seeded_home):
    """Launch, look at the first paper for 5 s (read_on_open is 2 s), quit: nothing was read."""
    home = seeded_home  # a second start: the seeds are indexed
    terminal = start(home, "reader-unread")
    try:
        terminal.wait_for("Aug 7")
        terminal.wait_for("1 of ")  # the first paper is shown in the detail pane
        time.sleep(5)  # a real user's look: the app's own clock, in another process
        terminal.keys("q")
        terminal.wait_until(lambda screen: "1 of " not in screen)
    finally:
        terminal.close()
    result = subprocess.run(
        [str(READER), "search", "is:read", "--json"],
        capture_output=True, text=True, env={**os.environ, "READER_HOME": str(home)}, check=False,
    )  # exit status not checked: "no hits" may be an exit status of its own
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout) == []


def starred_ids(home) -> set[str]:
    result = subprocess.run(
        [str(READER), "search", "is:starred", "--json"],
        capture_output=True, text=True, env={**os.environ, "READER_HOME": str(home)},
    )
    assert result.returncode in (0, 1), result.stderr  # 1: nothing starred, as grep
    return {hit["id"] for hit in json.loads(result.stdout)}


def test_three_papers_selected_starred_with_semicolon_s_and_one_u_undoes_it(home):
    terminal = start(home, "reader-select")
    try:
        terminal.wait_for("Aug 7")
        terminal.wait_for(QUIT_KEY)
        terminal.keys("v", "v", "v")
        terminal.wait_for("3 selected")
        terminal.keys("\\;")  # a bare ";" would end the tmux command
        terminal.wait_for("star selection")
        terminal.keys("s")
        terminal.wait_for("Starred 3 papers")
        assert len(starred_ids(home)) == 3  # saved before it was shown
        terminal.keys("u")
        terminal.wait_for("Undone: star 3 papers")
        assert starred_ids(home) == set()
        terminal.keys("q")
    finally:
        terminal.close()
