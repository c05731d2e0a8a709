"""The statistics' series (papers per digest, reading per day, rising terms, tags and views)
and `reader stats` showing them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from reader.domain.annotations import Annotations
from reader.domain.library_view import DigestInfo, LibraryView, PaperSummary
from reader.domain.models import SavedView
from reader.library.reading_stats import papers_per_digest, reading_per_day, term_periods
from reader.paths import private_user_dirs
from reader.search.rising_terms import rising_terms
from reader.state.reading_days import read_times_since
from reader.state.store import StateStore, open_state

from support.cli import as_json, paper_id, run, write_digest

OLD_KEYS = {"papers", "digests", "entries", "read", "unread", "starred", "muted"}
NEW_KEYS = {"per_digest", "reading_per_day", "rising_terms", "rising_week", "tags", "views"}


def library_view(digests: dict[date, list[str]]) -> LibraryView:
    infos, members, papers = [], {}, {}
    for number, (day, ids) in enumerate(sorted(digests.items(), reverse=True)):
        infos.append(DigestInfo(number, f"{day}.txt", str(day), day, len(ids), ()))
        members[number] = frozenset(ids)
        for pid in ids:
            papers.setdefault(pid, PaperSummary(pid, pid, day, (number,)))
    return LibraryView(infos, papers, list(papers), members)


def test_papers_per_digest_counts_read_and_starred_per_date_oldest_first_muted_left_out():
    view = library_view({date(2026, 1, 2): ["a", "b", "c"], date(2026, 1, 1): ["c", "d"]})
    days = papers_per_digest(view, read={"a", "c", "zzz"}, starred={"b", "d"}, hidden={"b"})
    assert [(d.day, d.papers, d.read, d.starred, d.starred_unread) for d in days] == [
        (date(2026, 1, 1), 2, 1, 1, 1),
        (date(2026, 1, 2), 2, 2, 0, 0),
    ]


def test_reading_per_day_counts_each_day_of_eight_weeks_in_the_given_zone():
    times = [
        "2026-03-10T09:00:00+00:00",
        "2026-03-10T23:30:00+00:00",
        "2026-03-09T12:00:00+00:00",
        "2026-01-01T12:00:00+00:00",  # before the eight weeks
        "not a time",
    ]
    days = reading_per_day(times, today=date(2026, 3, 10), tz=UTC)
    assert len(days) == 56 and days[-1].day == date(2026, 3, 10) and days[0].day == date(2026, 1, 14)
    assert [d.read for d in days[-3:]] == [0, 1, 2]
    assert sum(d.read for d in days) == 3


def test_read_times_are_the_read_marks_kept_with_the_time_they_were_made(tmp_path):
    now = [datetime(2026, 3, 1, 8, tzinfo=UTC)]
    state = StateStore(tmp_path / "state.sqlite3", clock=lambda: now[0])
    state.set_read(["a", "b"], True)
    now[0] = datetime(2026, 3, 2, 8, tzinfo=UTC)
    state.set_read(["c"], True)
    now[0] = datetime(2026, 3, 3, 8, tzinfo=UTC)
    state.set_read(["b"], False)  # taken back: no longer read
    assert sorted(read_times_since(state, "2026-03-01")) == [
        "2026-03-01T08:00:00+00:00", "2026-03-02T08:00:00+00:00"
    ]
    assert read_times_since(state, "2026-03-02") == ["2026-03-02T08:00:00+00:00"]
    state.close()


def test_rising_terms_rank_words_whose_share_grew_shown_as_written():
    week = [f"Sparse diffusion models for task {n}" for n in range(4)] + ["Graph networks", "A graph study"]
    before = [f"Graph networks for task {n}" for n in range(10)] + ["One diffusion model"]
    rising = rising_terms(week, before)
    words = [term.word for term in rising]
    # 4 of 6 papers now; before, none or 1 of 11 (counted as 3 of 11, the fewest that count)
    assert set(words[:3]) == {"sparse", "diffusion", "models"}
    assert "graph" not in words and "task" not in words  # fell or stayed
    assert "for" not in words and "a" not in words  # stop words are no terms
    assert next(term for term in rising if term.term == "model").word == "models"
    sparse = next(term for term in rising if term.word == "sparse")
    assert sparse.papers == 4 and sparse.share == 4 / 6 and sparse.share_before == 0
    assert sparse.growth == (4 / 6) / (3 / 11)


def test_rising_terms_are_words_a_search_reads_as_words():
    week = ["x*y 2025 ab"] * 4
    assert rising_terms(week, ["other"] * 4) == []  # a wildcard, a number, a two-letter word


def test_rising_terms_leave_out_words_in_fewer_than_three_papers():
    assert rising_terms(["rare words here", "rare words there", "plain"], ["plain"]) == []
    assert rising_terms([], ["anything"]) == []
    assert rising_terms(["same word"] * 5, []) == []  # nothing before: nothing to rise against


def test_term_periods_are_the_newest_digests_week_and_the_four_weeks_before():
    view = library_view({
        date(2025, 6, 30): ["new1"], date(2025, 6, 24): ["new2"], date(2025, 6, 23): ["old1"],
        date(2025, 5, 27): ["old2"], date(2025, 5, 26): ["ancient"],
    })
    week, before, newest = term_periods(view)
    assert (week, before, newest) == ({"new1", "new2"}, {"old1", "old2"}, date(2025, 6, 30))


def test_term_periods_compare_with_every_earlier_paper_when_the_four_weeks_had_none():
    view = library_view({date(2025, 8, 7): ["new", "again"], date(2025, 3, 1): ["old", "again"]})
    assert term_periods(view) == ({"new", "again"}, {"old"}, date(2025, 8, 7))


def test_tags_counted_by_the_filter_pane_counter():
    annotations = Annotations({"a": ("moe",), "b": ("moe", "rl")})
    assert annotations.counts == {"moe": 2, "rl": 1}


def test_stats_json_gains_the_series_and_text_names_them(home, tmp_path):
    folder = tmp_path / "digests"
    folder.mkdir()
    write_digest(folder / "2025-06-02.txt", "Jun 2", [f"Graph Networks {n}" for n in range(6)])
    names = ("Alpha", "Beta", "Gamma", "Delta")
    write_digest(folder / "2025-06-30.txt", "Jun 30", [f"Sparse Diffusion Kernels {name}" for name in names])
    pid = paper_id(home, folder, "title:alpha")
    run(home, "--digests", str(folder), "mark", "read", pid)
    run(home, "--digests", str(folder), "mark", "star", pid)
    state, _ = open_state(private_user_dirs()[0].data, "default")
    state.change_tags(pid, add=["diff"])
    state.save_view(SavedView("Kernels", "kernels"))
    state.close()
    stats = as_json(run(home, "--digests", str(folder), "stats", "--json"))
    assert OLD_KEYS | NEW_KEYS == set(stats)
    assert stats["papers"] == 10 and stats["read"] == 1  # the keys there before are as before
    assert stats["per_digest"] == [
        {"date": "2025-06-02", "papers": 6, "read": 0, "starred": 0, "starred_unread": 0},
        {"date": "2025-06-30", "papers": 4, "read": 1, "starred": 1, "starred_unread": 0},
    ]
    assert len(stats["reading_per_day"]) == 56 and stats["reading_per_day"][-1]["read"] == 1
    assert stats["rising_week"] == ["2025-06-24", "2025-06-30"]
    assert {term["word"] for term in stats["rising_terms"]} >= {"sparse", "diffusion", "kernels"}
    assert stats["tags"] == {"diff": 1} and stats["views"] == {"Kernels": 4}
    text = run(home, "--digests", str(folder), "stats").stdout
    assert "busiest day" in text and "rising" in text and "diff (1)" in text
