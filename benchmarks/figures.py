"""Small helpers every benchmark module shares: the log line and how times are summarized."""

from __future__ import annotations

import math
import resource
import statistics
import sys
from collections.abc import Sequence


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: a value that was actually measured."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarize_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    return {
        "p50_ms": round(statistics.median(seconds) * 1000, 2),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 2),
        "max_ms": round(max(seconds) * 1000, 2),
        "queries": len(seconds),
    }


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20, 1)


def hits_summary(hits: Sequence[int]) -> dict[str, float | int]:
    return {"median_hits": int(statistics.median(hits)), "with_hits": round(sum(1 for h in hits if h) / len(hits), 3)}
