"""The message log, failed background jobs, honest feedback for `o` and `y`, and query notices
in the status line (Pilot)."""

from __future__ import annotations

import shutil
import webbrowser

from reader.system import desktop
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.main import MainScreen
from reader.tui.screens.message_log import MessageLogScreen

from support.app import (
    SIZE,
    make_app,
    ready,
    run_from_palette,
    screen_text,
    search,
    settle,
    shows,
    squeezed,
    still_running,
    text_in,
    toasts,
    wait_until,
)

MELANGE_LINK = "https://github.com/tyler-griggs/melange-release"


def log_lines(app) -> list[str]:
    return [entry.line for entry in app.message_log]


# -- the message log -------------------------------------------------------------------------------


async def test_a_digest_warning_stays_in_the_log_after_its_toast_is_gone(home, fixture_digests):
    (fixture_digests / "[a=b c=d] broken.txt").write_bytes(b"Mar 18\n\x00\x01binary\x00")
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: "binary file" in toasts(pilot.app))
        pilot.app.clear_notifications()
        await wait_until(pilot, lambda: "binary file" not in toasts(pilot.app))
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MessageLogScreen))
        body = str(pilot.app.screen.query_one("#message-log-body").render())  # long lines wrap on screen
        assert "[a=b c=d] broken.txt:1: binary file (NUL bytes); skipped" in body
        # On screen, wrapped where the temporary folder's path puts the line's spaces.
        log = pilot.app.screen.query_one("#message-log-body")
        await wait_until(pilot, lambda: squeezed("broken.txt:1: binary file") in squeezed(text_in(pilot.app, log)))
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)


async def test_every_digest_warning_is_in_the_log_not_only_the_first(home, fixture_digests):
    for name in ("one", "two", "three"):
        (fixture_digests / f"{name}.txt").write_bytes(b"\x00binary\x00")
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: "2 more: L shows them all" in toasts(pilot.app))
        for name in ("one", "two", "three"):
            assert any(f"{name}.txt:1: binary file" in line for line in log_lines(pilot.app))


async def test_the_log_opens_from_the_palette_and_records_every_notice(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("u")  # "Nothing to undo."
        await settle(pilot)
        await run_from_palette(pilot, "messages")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, MessageLogScreen))
        await shows(pilot, "Nothing to undo.")
        assert any(line.endswith("Nothing to undo.") for line in log_lines(pilot.app))


async def test_a_background_job_that_fails_is_reported_and_logged(home, fixture_digests, monkeypatch):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await ready(pilot)

        def broken(paper_id):
            raise OSError("the catalog went away [/]")

        monkeypatch.setattr(pilot.app.library, "paper", broken)
        await pilot.press("j")
        expected = "Loading the paper failed: OSError: the catalog went away [/]"
        await wait_until(pilot, lambda: expected in toasts(pilot.app))
        assert any(expected in line and "error" in line for line in log_lines(pilot.app))
        assert still_running(pilot.app)


# -- o and y say what really happened ------------------------------------------------------------


class FakeBrowser(webbrowser.BaseBrowser):
    opened: list[str] = []

    def open(self, url, new=0, autoraise=True):
        self.opened.append(url)
        return True


def no_browser():
    raise webbrowser.Error("could not locate runnable browser")


async def test_o_with_a_browser_opens_the_link_and_says_so(home, fixture_digests, monkeypatch):
    browser = FakeBrowser("firefox")
    browser.opened = []
    monkeypatch.setattr(desktop.webbrowser, "get", lambda *args: browser)
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await search(pilot, "melange")
        await pilot.press("escape", "o")
        await wait_until(pilot, lambda: "Opened in the browser" in toasts(pilot.app))
        assert browser.opened == [MELANGE_LINK]


async def test_o_without_a_browser_shows_the_link_and_offers_to_copy_it(home, fixture_digests, monkeypatch, tmp_path):
    monkeypatch.setattr(desktop.webbrowser, "get", no_browser)
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await search(pilot, "melange")
        await pilot.press("escape", "o")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await shows(pilot, "No web browser found to open the link")
        await shows(pilot, MELANGE_LINK)
        assert "Opening" not in toasts(pilot.app)
        assert any(MELANGE_LINK in line for line in log_lines(pilot.app))
        await pilot.press("y")
        await wait_until(pilot, lambda: "Sent the link to the terminal clipboard (OSC 52)" in toasts(pilot.app))
        assert pilot.app.clipboard == MELANGE_LINK


async def test_y_uses_the_system_clipboard_tool_when_there_is_one(home, fixture_digests, monkeypatch, tmp_path):
    tools = tmp_path / "tools"
    tools.mkdir()
    xclip = tools / "xclip"
    xclip.write_text(f'#!/bin/sh\n{shutil.which("cat")} > "{tools}/copied"\n', encoding="utf-8")
    xclip.chmod(0o755)
    monkeypatch.setenv("PATH", str(tools))
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await search(pilot, "melange")
        await pilot.press("escape", "y")
        await wait_until(pilot, lambda: "Copied the title and link to the clipboard (xclip)" in toasts(pilot.app))
        copied = (tools / "copied").read_text(encoding="utf-8")
        assert copied.startswith("Mélange: Cost Efficient") and MELANGE_LINK in copied


async def test_y_without_a_clipboard_tool_says_the_terminal_may_not_take_it(
    home, fixture_digests, monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        await search(pilot, "melange")
        await pilot.press("escape", "y")
        await wait_until(pilot, lambda: "OSC 52" in toasts(pilot.app))
        assert "your terminal may not accept it" in toasts(pilot.app)
        assert "Copied" not in toasts(pilot.app)
        assert pilot.app.clipboard.startswith("Mélange: Cost Efficient")


# -- query notices in the status line ----------------------------------------------------------------


async def test_a_long_query_notice_is_shown_whole_at_120_columns(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=(120, 36)) as pilot:
        screen = await search(pilot, "model is:averyveryveryveryveryverylongfilter")
        assert screen.notices
        notice = screen.notices[0]
        assert len(notice) > 90
        lines = screen_text(pilot.app).splitlines()
        assert any(f"⚠ {notice}" in line for line in lines)


async def test_a_query_notice_is_logged_once_without_a_toast(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE) as pilot:
        screen = await search(pilot, "model is:bogus")
        (notice,) = screen.notices
        await pilot.press(*" transformer")  # more words: the same notice stays in the status line
        await wait_until(pilot, lambda: screen.search_text == "model is:bogus transformer")
        await pilot.pause(0.3)
        await settle(pilot)
        assert screen.notices == (notice,)
        logged = [line for line in log_lines(pilot.app) if notice in line]
        assert len(logged) == 1 and "warning" in logged[0]
        assert not any(notice in str(toast.message) for toast in pilot.app._notifications)  # no toast
