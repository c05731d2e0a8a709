"""The human tables printed after a run (the JSON holds every figure)."""

from __future__ import annotations

from benchmarks.queries import KINDS

# -- output ---------------------------------------------------------------------------------


def cell(value: float | None, unit: str = "") -> str:
    return "–" if value is None else f"{value:,.1f}{unit}" if isinstance(value, float) else f"{value:,}{unit}"


def summary_table(results: dict) -> str:
    """A human table: headline figures, then search p50 / p95 per kind for the three engines."""
    lines = [
        f"reader benchmark at {results['papers']:,} papers ({results['machine']['cpus']} CPUs, "
        f"Python {results['machine']['python']}, commit {results['commit']})",
        "",
        f"  index build            {cell(results['build_papers_per_s'])} papers/s ({cell(results['build_s'])} s)",
        f"  add one digest         {cell(results['add_digest_s'])} s",
        f"  first painted list     {cell(results['first_paint_s'])} s"
        f" (seeds: {cell(results['first_paint_seeds_s'])} s)",
        f"  peak RSS               {cell(results['rss_mb'])} MB",
        f"  view switch (p95)      {cell(results['view_switch_ms'])} ms (in the app, key to rows drawn: "
        f"{ui_p95(results['view_switch']['ui'])} ms)",
        f"  star toggle (p95)      {cell(results['star_toggle_ms'])} ms"
        f" (in the app: {ui_p95(results['star_toggle']['ui'])} ms)",
        "",
        f"  {'search p50 / p95 ms':<20}{'reader':>20}{'SQLite FTS5':>20}{'grep -ril':>20}",
    ]
    for kind in KINDS:
        row = [results["search"][kind], results["search"]["fts5"][kind], results["search"]["grep"].get(kind)]
        lines.append(f"  {kind:<20}" + "".join(f"{p50_p95(figures):>20}" for figures in row))
    lines += ["", app_table(results, header=False)]
    return "\n".join(lines)


def ui_p95(figures: dict | None) -> str:
    return "–" if not figures else f"{figures['p95_ms']:,.1f}"


def p50_p95(figures: dict | None) -> str:
    if not figures:
        return "–"
    return f"{figures['p50_ms']:,.1f} / {figures['p95_ms']:,.1f}"




def p50_p95_max(figures: dict | None) -> str:
    if not figures:
        return "–"
    return f"{figures['p50_ms']:,.1f} / {figures['p95_ms']:,.1f} / {figures['max_ms']:,.1f}"


def app_table(results: dict, header: bool = True) -> str:
    """The in-app figures (headless), holding a key, the UI thread's blocks, and tmux."""
    lines = [f"reader app figures at {results['papers']:,} papers, commit {results['commit']}", ""] if header else []
    lines.append(f"  {'in the app, key to drawn':<28}{'p50 / p95 / max ms':>26}")
    rows = [("view switch 2 3 1", results["view_switch"]["ui"]), ("typed search, last key", results["typed_search_ui"]),
            ("scroll to end G", results["scroll_to_end_ui"])]
    rows += [(f"key {key}", figures) for key, figures in results["keys_ui"].items()]
    for label, figures in rows:
        lines.append(f"  {label:<28}{p50_p95_max(figures):>26}")
    for key, held in results["hold_key_ui"].items():
        if held:
            last = held["last_key_to_row"]
            lines.append(f"  {'hold ' + key + ' 30/s, lag':<28}{p50_p95_max(held['lag']):>26}"
                         f"   after the last key: {last['p50_ms']:,.1f} (max {last['max_ms']:,.1f}) ms;"
                f" lag first / last second {held['lag_first_second_ms']:,.1f} / {held['lag_last_second_ms']:,.1f} ms")
    blocks = results["ui_block_ms"]
    lines.append("  longest UI-thread block (max ms): " + ", ".join(
        f"{name} {figures['max_ms']:,.0f}" for name, figures in blocks.items() if figures))
    terminal = results.get("terminal") or {}
    if terminal.get("note"):
        lines.append(f"  terminal: {terminal['note']}")
    elif terminal:
        floor = terminal.get("floor") or {}
        lines += ["", f"  {'tmux, key to pane changed':<28}{'p50 / p95 / max ms':>26}"
                  f"   (floor: echo {p50_p95_max(floor.get('echo'))} ms)"]
        for program in ("less", "minimal_app", "seeds", "corpus"):
            for key, figures in (terminal.get(program) or {}).items():
                if key == "hold_j":
                    lines.append(f"  {program + ' hold j 30/s, lag':<28}{p50_p95_max(figures['lag']):>26}"
                                 f"   after the last key: {figures['last_key_to_row_ms']:,.1f} ms;"
                        f" lag first / last second {figures['lag_first_second_ms']:,.1f}"
                        f" / {figures['lag_last_second_ms']:,.1f} ms")
                else:
                    lines.append(f"  {program + ' ' + key:<28}{p50_p95_max(figures):>26}")
    for note in results["notes"] + results["first_paint"].get("notes", []) + terminal.get("notes", []):
        lines.append(f"  note: {note}")
    return "\n".join(lines)
