"""In the reader: a key given to two bindings stays where it was (and the user is told), and
the undo toast names the paper it gave back."""

from __future__ import annotations

from reader import paths
from reader.tui.app import ReaderApp

from support.app import SIZE, current_title, make_app, ready, saved_marks, settle


async def test_a_key_claimed_from_another_binding_stays_with_it_and_is_reported(home, fixture_digests):
    config_file = home / "config" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text('[keys]\ntoggle_star = "s,f"\n', encoding="utf-8")
    app = ReaderApp(sources=[fixture_digests], dirs=paths.user_dirs())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        messages = [str(n.message) for n in pilot.app._notifications]
        assert f'{config_file}:2: keys.toggle_star: "f" is already the key of toggle_filters' in "\n".join(messages)
        await pilot.press("f")  # still the filter pane's key
        await settle(pilot)
        assert not screen._filters_visible() and saved_marks(home)[1] == frozenset()
        await pilot.press("s")
        await settle(pilot)
        assert saved_marks(home)[1] == frozenset({screen.paper_list.highlighted})


async def test_the_undo_toast_names_the_paper(home, fixture_digests):
    async with make_app(fixture_digests).run_test(size=SIZE, notifications=True) as pilot:
        screen = await ready(pilot)
        title = current_title(screen)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        messages = [str(n.message) for n in pilot.app._notifications]
        shown = title if len(title) <= 60 else title[:20]
        assert any(m.startswith(f'Undone: star 1 paper: "{shown}') for m in messages), messages

