"""The clipboard tool and the browser: which is used, and whether it worked (pure tests with
a fake PATH and a fake webbrowser)."""

from __future__ import annotations

import os
import shutil
import webbrowser
from datetime import datetime, timedelta
from functools import partial

from reader.domain.message_log import MessageLog
from reader.system.desktop import (
    clipboard_commands,
    copy_with_system_tool,
    open_in_browser,
)


def fake_tool(folder, name: str, body: str = 'cat > "$(dirname "$0")/copied"') -> None:
    tool = folder / name
    tool.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    tool.chmod(0o755)


def which_in(folder):
    return partial(shutil.which, path=str(folder))


def test_tools_that_need_a_display_are_used_only_with_one(tmp_path):
    for name in ("wl-copy", "xclip", "xsel", "pbcopy"):
        fake_tool(tmp_path, name)
    which = which_in(tmp_path)
    assert [os.path.basename(c[0]) for c in clipboard_commands(which, {})] == ["pbcopy"]
    assert [os.path.basename(c[0]) for c in clipboard_commands(which, {"DISPLAY": ":0"})] == ["xclip", "xsel", "pbcopy"]
    assert clipboard_commands(which, {"WAYLAND_DISPLAY": "wayland-0"})[0][0].endswith("wl-copy")
    assert clipboard_commands(which_in(tmp_path / "nothing"), {"DISPLAY": ":0"}) == []


def test_the_first_tool_that_works_copies_the_text(tmp_path):
    fake_tool(tmp_path, "xclip", "exit 1")  # no display answering
    fake_tool(tmp_path, "xsel")
    text = "Mélange: a title [/]\nhttps://example.org/x"
    assert copy_with_system_tool(text, which_in(tmp_path), {"DISPLAY": ":0"}) == "xsel"
    assert (tmp_path / "copied").read_text(encoding="utf-8") == text


def test_no_tool_or_none_working_says_none(tmp_path):
    assert copy_with_system_tool("x", which_in(tmp_path), {"DISPLAY": ":0"}) is None
    fake_tool(tmp_path, "pbcopy", "exit 3")
    assert copy_with_system_tool("x", which_in(tmp_path), {}) is None


def test_a_tool_that_hangs_is_given_up(tmp_path):
    # Waited for, the tool would get to its last line; given up, it is stopped before.
    fake_tool(tmp_path, "pbcopy", 'sleep 30; touch "$(dirname "$0")/finished"')
    assert copy_with_system_tool("x", which_in(tmp_path), {}, timeout=0.5) is None
    assert not (tmp_path / "finished").exists()


class FakeBrowser(webbrowser.BaseBrowser):
    def __init__(self, name: str = "firefox", works: bool = True) -> None:
        super().__init__(name)
        self.opened: list[str] = []
        self.works = works

    def open(self, url, new=0, autoraise=True):
        self.opened.append(url)
        return self.works


def no_browser():
    raise webbrowser.Error("could not locate runnable browser")


def test_a_link_opens_only_in_a_graphical_browser_that_takes_it():
    browser = FakeBrowser()
    assert open_in_browser("https://example.org", lambda: browser) is True
    assert browser.opened == ["https://example.org"]
    assert open_in_browser("https://example.org", no_browser) is False
    assert open_in_browser("https://example.org", lambda: FakeBrowser(works=False)) is False
    lynx = FakeBrowser("lynx")  # would take over the reader's terminal
    assert open_in_browser("https://example.org", lambda: lynx) is False and lynx.opened == []
    assert open_in_browser("https://example.org", lambda: FakeBrowser("/usr/bin/w3m")) is False


def test_the_message_log_keeps_the_newest_entries_with_time_and_severity():
    clock = iter(datetime(2026, 1, 1, 9, 0, 0) + timedelta(seconds=n) for n in range(100))
    log = MessageLog(limit=3, clock=lambda: next(clock))
    for n in range(5):
        log.add(f"notice {n}", "warning" if n % 2 else "information")
    log.add("[/] broken", "nonsense", title="Digest problems")
    assert [entry.text for entry in log] == ["notice 3", "notice 4", "[/] broken"]
    assert log.dropped == 3
    assert list(log)[-1].severity == "information"
    assert list(log)[-1].line == "09:00:05  information  Digest problems: [/] broken"
    assert log.counts() == {"information": 2, "warning": 1, "error": 0}
