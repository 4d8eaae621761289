"""Combining wrk steps: sums, rates and percentiles.

Percentiles are never averaged. Each step's wrk histogram is summarised by its quantile function
at ~35 points (mix.lua prints them, plus min and max); a window's percentile is the percentile
of the MIXTURE of its steps' distributions, each weighted by its request count: the combined CDF
is F(x) = sum_i n_i F_i(x) / sum_i n_i with F_i interpolated linearly between the step's quantile
points, and F^-1(q) is found by bisection. That is what one histogram over the window would give,
up to the interpolation between the recorded quantiles. The worst step's percentile is reported
beside it. (The step histograms are wrk's, which already include wrk 4's coordinated-omission
samples: see the LATENCY note in scripts/wrk/mix.lua.)
"""
import math


def nearest_rank(sorted_xs, q):
    """Percentile q (0..100) of a few samples by the nearest-rank rule: the smallest sample with at least q % of
    the samples at or below it (no interpolation: with 60 samples p99 is the maximum). None when empty."""
    if not sorted_xs:
        return None
    return sorted_xs[max(0, math.ceil(q / 100.0 * len(sorted_xs)) - 1)]


def _points(step):
    lat = step["latency_ms"]
    pts = [(0.0, lat["min"])]
    for p, v in step.get("quantiles_ms", []):
        pts.append((float(p), float(v)))
    pts.append((100.0, lat["max"]))
    pts.sort()
    out, hi = [], 0.0
    for p, v in pts:  # values must not decrease with p
        hi = max(hi, v)
        out.append((p, hi))
    return out


def _cdf(points, x):
    """Fraction (0..1) of the step's requests with latency <= x."""
    if x < points[0][1]:
        return 0.0
    if x >= points[-1][1]:
        return 1.0
    best = 0.0
    for (p0, v0), (p1, v1) in zip(points, points[1:]):
        if v0 <= x < v1:
            return (p0 + (p1 - p0) * (x - v0) / (v1 - v0)) / 100.0
        if x >= v1:
            best = p1 / 100.0
    return best


def mixed_percentile(steps, q):
    """Percentile q (0..100) of the request-weighted mixture of the steps' latency distributions."""
    parts = [(s["requests"], _points(s)) for s in steps if s.get("requests", 0) > 0]
    if not parts:
        return None
    total = sum(n for n, _ in parts)
    lo = min(pts[0][1] for _, pts in parts)
    hi = max(pts[-1][1] for _, pts in parts)
    if q >= 100:
        return hi
    target = q / 100.0
    for _ in range(80):
        mid = (lo + hi) / 2
        f = sum(n * _cdf(pts, mid) for n, pts in parts) / total
        if f >= target:
            hi = mid
        else:
            lo = mid
    return round(hi, 3)


def window(steps, expected_total=None):
    """Totals and combined figures over a list of step dicts (wrk results merged into them)."""
    steps = [s for s in steps if "requests" in s]
    if not steps:
        return None
    req = sum(s["requests"] for s in steps)
    dur = sum(s["duration_s"] for s in steps)
    counts = {k: sum(s["counts"][k] for s in steps) for k in ("302", "200", "201", "other")}
    socket = sum(s["socket_errors_total"] for s in steps)
    failed_attempts = sum(s["socket_errors"]["connect"] + s["socket_errors"]["read"] + s["socket_errors"]["write"]
                          for s in steps)
    errors = counts["other"] + socket
    res = {
        "steps": [s["index"] for s in steps],
        "seconds": round(dur, 3),
        "requests": req,
        "tps": round(req / dur, 1) if dur > 0 else None,
        "counts": counts,
        "errors": errors,
        "error_rate": round(errors / max(1, req + failed_attempts), 6),
        "p50_ms": mixed_percentile(steps, 50),
        "p90_ms": mixed_percentile(steps, 90),
        "p95_ms": mixed_percentile(steps, 95),
        "p99_ms": mixed_percentile(steps, 99),
        "p999_ms": mixed_percentile(steps, 99.9),
        "max_ms": max(s["latency_ms"]["max"] for s in steps),
        "p95_worst_step_ms": max(s["latency_ms"]["p95"] for s in steps),
        "p99_worst_step_ms": max(s["latency_ms"]["p99"] for s in steps),
    }
    return res
