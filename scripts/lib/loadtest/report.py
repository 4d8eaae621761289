"""The Markdown report, the SVG chart (hand-written, no libraries) and the stdout summary."""
import math
from xml.sax.saxutils import escape


def _f(v, nd=1, unit=""):
    if v is None:
        return "–"
    if isinstance(v, float):
        if nd == 0:
            return "{:,.0f}{}".format(v, unit)
        return "{:,.{}f}{}".format(v, nd, unit)
    return "{:,}{}".format(v, unit)


def _b(v):
    """A count that fails the run when above 0: in bold then."""
    return "**%s**" % _f(v) if v else _f(v)


def _pct(v, nd=3):
    return "–" if v is None else "{:.{}f} %".format(v * 100, nd)


def _cpu(res, key):
    c = res.get("cpu_s_per_1k") or {}
    return c.get(key)


# ---- Markdown -------------------------------------------------------------------------------------

def markdown(r):
    b = r.get("baseline")
    ra = r.get("ratios") or {}
    srv = r.get("server") or {}
    L = []
    L.append("# loadtest %s x%g — %s" % (r["profile"], r["scale"], r["started"]))
    L.append("")
    L.append("- command: `%s`" % r["command"])
    L.append("- commit: `%s`%s; JDK: %s" % (r.get("commit"), " (work tree has changes)" if r.get("commit_dirty") else "",
                                           r.get("jdk") or "?"))
    L.append("- target: %s, pid %s, `%s`; CPU affinity %s" % (r["url"], srv.get("pid"), " ".join(srv.get("command") or []),
                                                             srv.get("cpu_affinity")))
    if b:
        bs = b.get("server") or {}
        L.append("- no-op: %s, JVM flags `%s` (%s), CPU affinity %s" % (bs.get("url"), " ".join(bs.get("jvm_flags") or []) or "none",
                                                                     bs.get("jvm_flags_from"), bs.get("cpu_affinity")))
    svcs = srv.get("services") or {}
    L.append("- services: %s" % (", ".join("%s (pid %d%s)" % (k, v["pid"], "" if v["server_connected"] else ", not connected to the server")
                                           for k, v in svcs.items()) or "none found under .services/"))
    lg = r.get("load_generator") or {}
    L.append("- load generator: %s, -t%s, --timeout %ss, not pinned; script `%s`" % (lg.get("tool"), lg.get("threads"),
                                                                                  lg.get("timeout_s"), lg.get("script")))
    L.append("- codes: %s from `%s`, Zipf s = %s, seed %s; mix %s" % (_f(r.get("codes")), r.get("codes_file"), r.get("zipf_s"),
                                                                   r.get("seed"), ", ".join("%s %g %%" % (k, v * 100) for k, v in r["mix"].items())))
    L.append("- pacing: %s; hold window: %s" % (r.get("pacing"), r.get("hold_window_rule")))
    L.append("- percentiles: %s" % r.get("percentiles"))
    if r.get("error"):
        L.append("- **run failed: %s**" % r["error"])
    L.append("")
    if "tps_hold" not in r:
        return "\n".join(L) + "\n"

    L.append("## Summary")
    L.append("")
    L.append("| figure | project | no-op | project vs no-op |")
    L.append("|---|---:|---:|---:|")

    def row(name, key, nd=1, cmp=None, fmt=None):
        fmt = fmt or (lambda v: _f(v, nd))
        pv = r.get(key) if not callable(key) else key(r)
        bv = (b.get(key) if not callable(key) else key(b)) if b else None
        c = ""
        if cmp == "ratio" and pv is not None and bv:
            c = "x%.3f" % (pv / bv)
        elif cmp == "diff" and pv is not None and bv is not None:
            c = "%+.2f ms" % (pv - bv)
        L.append("| %s | %s | %s | %s |" % (name, fmt(pv), fmt(bv) if b else "–", c))
    row("TPS, hold window", "tps_hold", 1, "ratio")
    row("TPS, whole run", "tps_avg", 1, "ratio")
    for name, key in (("p50 ms", "p50_ms"), ("p90 ms", "p90_ms"), ("p95 ms", "p95_ms"), ("p99 ms", "p99_ms"),
                      ("p99.9 ms", "p999_ms"), ("max ms", "max_ms"), ("p95 ms, worst step", "p95_worst_step_ms"),
                      ("p99 ms, worst step", "p99_worst_step_ms")):
        row(name + ", hold window", key, 2, "diff")
    row("error rate, hold window", "error_rate", fmt=_pct)
    row("error rate, whole run", "error_rate_run", fmt=_pct)
    row("requests, whole run", "requests", 0)
    row("server CPU s / 1k requests", lambda x: _cpu(x, "server"), 4, "ratio", fmt=lambda v: _f(v, 4))
    row("total CPU s / 1k (no wrk)", lambda x: _cpu(x, "total"), 4, "ratio", fmt=lambda v: _f(v, 4))
    row("wrk CPU s / 1k", lambda x: _cpu(x, "wrk"), 4, "ratio", fmt=lambda v: _f(v, 4))
    row("machine CPU busy (all cores)", "machine_cpu_busy", fmt=lambda v: _pct(v, 1))
    L.append("")

    if r.get("thresholds"):
        L.append("## Thresholds")
        L.append("")
        L.append("Latency and error thresholds are judged over the whole run, as k6 does; the hold window's value is beside it.")
        L.append("")
        L.append("| threshold | value | pass | value, hold window | pass |")
        L.append("|---|---:|---|---:|---|")
        for t in r["thresholds"]:
            show = _pct if t["metric"] == "error_rate" else (lambda v: _f(v, 2))
            L.append("| %s | %s | %s | %s | %s |" % (t["name"], show(t["value"]), "pass" if t["pass"] else "**FAIL**",
                                                   show(t.get("value_hold")) if "value_hold" in t else "–",
                                                   ("pass" if t["pass_hold"] else "**FAIL**") if "pass_hold" in t else "–"))
        L.append("")

    acc = r.get("accounting")
    if acc:
        L.append("## Accounting")
        L.append("")
        L.append("Judged on the client's count: seen = 302s wrk saw + the canary's; unanswered = redirects sent and "
                 "never answered (in flight when wrk stopped a step, or abandoned by a socket error: the most the "
                 "server can have served unseen); lost = seen − recorded, duplicated = recorded − (seen + "
                 "unanswered), each at least 0 (unanswered redirects the server served can mask as many lost clicks: "
                 "lost ≤ seen + unanswered − recorded is shown beside it when larger); a click the server dropped "
                 "fails the run too.")
        L.append("")
        L.append("| redirects sent | 302s seen (wrk + canary) | other answers | unanswered (bound) | clicks recorded | lost | duplicated | dropped (server) | verdict | drain |")
        L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        L.append("| %s | %s (%s + %s) | %s | %s (≤ %s) | %s | %s | %s | %s | %s | %s s: %s |" % (
            _f(acc["redirects_sent"]), _f(acc["redirects_302"]), _f(acc["redirects_302_wrk"]),
            _f(acc["redirects_302_canary"]), _f(acc["redirects_other"]), _f(acc["redirects_unanswered"]),
            _f(acc["redirects_unanswered_bound"]), _f(acc["clicks_recorded"]), _b(acc["clicks_lost"]) + (
                " (≤ %s)" % _f(acc["clicks_lost_max"]) if acc.get("clicks_lost_max", 0) > acc["clicks_lost"] else ""),
            _b(acc["clicks_duplicated"]), _b(acc["clicks_dropped"]),
            acc["verdict"] if acc["verdict"] == "ok" else "**%s**" % acc["verdict"].upper(), acc["drain_s"],
            acc["drain_end"]))
        L.append("")
        for reason in acc.get("failures") or []:
            L.append("- **%s**" % reason)
        if acc.get("failures"):
            L.append("")
        srv_c = acc.get("server")
        if srv_c:
            L.append("The server's click counters over the run (deltas from before the first step to after the "
                     "drain, from /observe/metrics): shown, not judged, except dropped.")
            L.append("")
            L.append("| " + " | ".join(k.replace("_", " ") for k in srv_c) + " |")
            L.append("|" + "---:|" * len(srv_c))
            L.append("| " + " | ".join(_f(v) for v in srv_c.values()) + " |")
        else:
            L.append("The server exported no click counters (/observe/metrics): dropped clicks not checked.")
        L.append("")
        cn = acc.get("canary")
        if cn:
            L.append("Click freshness (canary `/%s`, one click at a time, once a second during the measured steps; from "
                     "its 302 to the first `GET /api/v1/links/%s/stats` answer that counts it, polled every %g ms):"
                     % (cn["code"], cn["code"], cn["poll_interval_ms"]))
            L.append("")
            L.append("| samples | p50 ms | p99 ms | max ms | timeouts (> %d s) | canary hits: 302 / other / unanswered |"
                     % cn["give_up_s"])
            L.append("|---:|---:|---:|---:|---:|---|")
            L.append("| %s | %s | %s | %s | %s | %s / %s / %s |" % (
                _f(acc["click_freshness_samples"]), _f(acc["click_freshness_p50_ms"]),
                _f(acc["click_freshness_p99_ms"]), _f(acc["click_freshness_max_ms"]),
                _f(acc["click_freshness_timeouts"]), _f(cn["redirects_302"]), _f(cn["other"]), _f(cn["unanswered"])))
            L.append("")
            L.append("Percentiles by nearest rank over the samples (few: p99 of fewer than 100 is the maximum); "
                     "timeouts are not samples.")
            L.append("")

    L.append("## CPU")
    L.append("")
    L.append("| process | pid | CPU s | s / 1k requests | in total |")
    L.append("|---|---:|---:|---:|---|")
    procs = {"server": srv.get("pid")}
    procs.update({k: v["pid"] for k, v in (srv.get("services") or {}).items()})
    incl = (r.get("cpu_s_per_1k") or {}).get("total_includes", [])
    for k, v in (r.get("cpu_s") or {}).items():
        L.append("| %s | %s | %s | %s | %s |" % (k, procs.get(k, "–"), _f(v, 3), _f(_cpu(r, k), 4),
                                               "yes" if k in incl else ("load generator" if k == "wrk" else "no")))
    if b:
        for k, v in (b.get("cpu_s") or {}).items():
            L.append("| no-op %s | %s | %s | %s | |" % (k, (b.get("server") or {}).get("pid") if k == "server" else "–",
                                                       _f(v, 3), _f(_cpu(b, k), 4)))
    L.append("")

    for title, steps in (("project", r.get("steps")), ("no-op", b.get("steps") if b else None)):
        if not steps:
            continue
        L.append("## Steps — %s" % title)
        L.append("")
        L.append("| # | stage | conns | s | requests | req/s | req/s/conn | p50 | p90 | p95 | p99 | p99.9 | max | 302 | 200 | 201 | other | socket err | late | server CPU s/1k | unanswered (≤ bound) |")
        L.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in steps:
            lat = s["latency_ms"]
            pc = s.get("pacing") or {}
            late = "%.1f %%" % (100.0 * pc["late"] / max(1, pc["delays"] - pc.get("initial", 0))) if pc.get("delays") else "–"
            L.append("| %d%s | %d %s | %d | %.1f | %s | %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                s["index"], " H" if s["hold_window"] else "", s["stage"] + 1, s["kind"], s["connections"], s["duration_s"],
                _f(s["requests"]), _f(s["rps"]), _f(s["rate_per_conn"], 2), lat["p50"], lat["p90"], lat["p95"], lat["p99"],
                lat["p99.9"], lat["max"], _f(s["counts"]["302"]), _f(s["counts"]["200"]), _f(s["counts"]["201"]),
                _f(s["counts"]["other"]) + ((" " + str(s["other_by_status"])) if s["counts"]["other"] else ""),
                _f(s["socket_errors_total"]), late, _f((s.get("cpu_s_per_1k") or {}).get("server"), 4),
                "%s (≤ %s)" % (_f(s.get("redirects_unanswered")), _f(s.get("unanswered_bound")))))
        L.append("")
        L.append("H = hold window. Latency in ms from wrk's histogram; late = paced delays that were already past 1/r; "
                 "unanswered = redirects with no answer when wrk stopped, bound = connections + read/write errors.")
        L.append("")

    if r.get("notes"):
        L.append("## Notes")
        L.append("")
        for n in r["notes"]:
            L.append("- " + n)
        L.append("")
    return "\n".join(L) + "\n"


# ---- stdout summary -------------------------------------------------------------------------------

def summary_text(r):
    b = r.get("baseline") or {}
    acc = r.get("accounting") or {}
    out = ["", "%s x%g @ %s (commit %s)" % (r["profile"], r["scale"], r["url"], r.get("commit"))]
    out.append("%-28s %14s %14s" % ("", "project", "no-op" if b else ""))
    for name, key, nd in (("TPS hold window", "tps_hold", 1), ("TPS whole run", "tps_avg", 1), ("p50 ms", "p50_ms", 2),
                          ("p95 ms", "p95_ms", 2), ("p99 ms", "p99_ms", 2), ("p99.9 ms", "p999_ms", 2), ("max ms", "max_ms", 2)):
        out.append("%-28s %14s %14s" % (name, _f(r.get(key), nd), _f(b.get(key), nd) if b else ""))
    out.append("%-28s %14s %14s" % ("error rate (hold)", _pct(r.get("error_rate")), _pct(b.get("error_rate")) if b else ""))
    out.append("%-28s %14s %14s" % ("server CPU s/1k req", _f(_cpu(r, "server"), 4), _f(_cpu(b, "server"), 4) if b else ""))
    out.append("%-28s %14s" % ("total CPU s/1k (no wrk)", _f(_cpu(r, "total"), 4)))
    if r.get("ratios"):
        out.append("ratio TPS project/no-op %s, p99 difference %s ms" % (r["ratios"]["tps_ratio"], r["ratios"]["p99_diff_ms"]))
    if acc:
        out.append("accounting (client's count): 302s seen %s (wrk %s + canary %s), unanswered %s, clicks recorded %s, "
                   "lost %s, duplicated %s, dropped (server) %s: %s" % (
                       _f(acc["redirects_302"]), _f(acc["redirects_302_wrk"]), _f(acc["redirects_302_canary"]),
                       _f(acc["redirects_unanswered"]), _f(acc["clicks_recorded"]), _f(acc["clicks_lost"]),
                       _f(acc["clicks_duplicated"]), _f(acc["clicks_dropped"]), acc["verdict"].upper()))
        if acc.get("server"):
            out.append("server click counters (shown, not judged): " + ", ".join(
                "%s %s" % (k, _f(v)) for k, v in acc["server"].items()))
        out.append("click freshness: p50 %s ms, p99 %s ms, max %s ms over %s samples, %s timeouts" % (
            _f(acc["click_freshness_p50_ms"]), _f(acc["click_freshness_p99_ms"]), _f(acc["click_freshness_max_ms"]),
            _f(acc["click_freshness_samples"]), _f(acc["click_freshness_timeouts"])))
    for t in r.get("thresholds") or []:
        out.append("threshold %-20s %s (value %s)" % (t["name"], "pass" if t["pass"] else "FAIL", t["value"]))
    return "\n".join(out)


# ---- SVG ------------------------------------------------------------------------------------------

W, H = 980, 640
ML, MR = 78, 78
PANEL1 = (60, 300)    # top, bottom of the TPS panel
PANEL2 = (370, 580)   # top, bottom of the latency panel
C_PROJ, C_NOOP = "#1f5fbf", "#8c8c8c"
C_P95, C_P99 = "#e08a00", "#c0282d"
C_TARGET = "#2a9d3a"


def _nice_max(v):
    if v <= 0:
        return 1
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * e >= v:
            return m * e
    return 10 * e


def _nice_125(v, down=False):
    """The next 1-2-5 value above v (or below it with down=True)."""
    e = 10 ** math.floor(math.log10(v))
    seq = [m * e for m in (0.5, 1, 2, 5, 10, 20)]
    return max(x for x in seq if x <= v) if down else min(x for x in seq if x >= v)


def _ticks(vmax, n=5):
    step = vmax / n
    return [step * i for i in range(n + 1)]


def svg(r, profile):
    b = r.get("baseline") or {}
    proj = r.get("steps") or []
    noop = b.get("steps") or []
    total_s = max([s["start_s"] + s["duration_s"] for s in proj + noop] + [1])
    x_max = _nice_max(total_s)
    target_tps = profile.target_tps
    tps_all = [s["rps"] for s in proj + noop] + ([target_tps] if target_tps else [])
    y1_max = _nice_max(max(tps_all + [1]) * 1.08)
    conns_max = _nice_max(max([s["connections"] for s in proj + noop] + [1]))
    lat_vals = [v for s in proj + noop for v in (s["latency_ms"]["p95"], s["latency_ms"]["p99"]) if v > 0]
    lat_vals += [v for v in (profile.p95_ms, profile.p99_ms) if v]
    lo = _nice_125(max(0.01, min(lat_vals or [1])) / 1.15, down=True)
    hi = _nice_125(max(lat_vals or [10]) * 1.15)
    if hi <= lo * 2:
        hi = lo * 10

    x0, x1 = ML, W - MR

    def X(t):
        return x0 + (x1 - x0) * t / x_max

    def Y1(v):
        return PANEL1[1] - (PANEL1[1] - PANEL1[0]) * v / y1_max

    def Yc(v):
        return PANEL1[1] - (PANEL1[1] - PANEL1[0]) * v / conns_max

    def Y2(v):
        v = max(v, lo)
        return PANEL2[1] - (PANEL2[1] - PANEL2[0]) * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    o = []
    o.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
             'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">' % (W, H, W, H))
    o.append('<rect width="100%" height="100%" fill="#ffffff"/>')
    title = "%s x%g  —  %s  commit %s  —  wrk -t1, %s" % (r["profile"], r["scale"], r["started"], r.get("commit"),
                                                         r.get("pacing"))
    o.append('<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>' % (x0, escape(title)))
    sub = "TPS per step (project solid, no-op dashed grey), connections (light, right axis); p95/p99 per step (log scale)"
    o.append('<text x="%d" y="44" fill="#555">%s</text>' % (x0, escape(sub)))

    # hold window band (project)
    hold = [s for s in proj if s.get("hold_window")]
    if hold:
        hx0 = X(min(s["start_s"] for s in hold))
        hx1 = X(max(s["start_s"] + s["duration_s"] for s in hold))
        for top, bot in (PANEL1, PANEL2):
            o.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="#fff3c4"/>' % (hx0, top, hx1 - hx0, bot - top))
        o.append('<text x="%.1f" y="%d" fill="#9a7b00" font-size="11" text-anchor="middle">hold window</text>'
                 % ((hx0 + hx1) / 2, PANEL1[0] + 12))

    # axes and grids
    for top, bot in (PANEL1, PANEL2):
        o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>' % (x0, top, x1 - x0, bot - top))
    for v in _ticks(y1_max):
        y = Y1(v)
        o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#e4e4e4"/>' % (x0, x1, y, y))
        o.append('<text x="%d" y="%.1f" text-anchor="end" dy="4">%s</text>' % (x0 - 6, y, _f(float(v), 0)))
    for v in _ticks(conns_max):
        o.append('<text x="%d" y="%.1f" dy="4" fill="#999">%s</text>' % (x1 + 6, Yc(v), _f(float(v), 0)))
    o.append('<text transform="translate(18,%d) rotate(-90)" text-anchor="middle">requests / s</text>' % ((PANEL1[0] + PANEL1[1]) / 2))
    o.append('<text transform="translate(%d,%d) rotate(90)" text-anchor="middle" fill="#999">connections</text>'
             % (W - 16, (PANEL1[0] + PANEL1[1]) / 2))
    d = 10 ** math.floor(math.log10(lo))
    while d <= hi * 1.0001:
        for m in (1, 2, 5):
            v = d * m
            if lo <= v <= hi:
                y = Y2(v)
                o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s"/>' % (x0, x1, y, y, "#d8d8d8" if m == 1 else "#f0f0f0"))
                o.append('<text x="%d" y="%.1f" text-anchor="end" dy="4">%s</text>' % (x0 - 6, y, ("%g" % v)))
        d *= 10
    o.append('<text transform="translate(18,%d) rotate(-90)" text-anchor="middle">latency ms (log)</text>' % ((PANEL2[0] + PANEL2[1]) / 2))
    for v in _ticks(x_max, 6):
        x = X(v)
        for top, bot in (PANEL1, PANEL2):
            o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#f0f0f0"/>' % (x, x, top, bot))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x, PANEL2[1] + 16, _f(float(v), 0)))
    o.append('<text x="%d" y="%d" text-anchor="middle">elapsed s (from each target\'s first measured step)</text>'
             % ((x0 + x1) / 2, PANEL2[1] + 34))

    def step_path(steps, key, Y):
        pts = []
        for s in steps:
            v = key(s)
            pts.append((X(s["start_s"]), Y(v)))
            pts.append((X(s["start_s"] + s["duration_s"]), Y(v)))
        return " ".join("%.1f,%.1f" % p for p in pts)

    # connections (project)
    if proj:
        o.append('<polyline points="%s" fill="none" stroke="#c9d6ea" stroke-width="6" stroke-linejoin="round"/>'
                 % step_path(proj, lambda s: s["connections"], Yc))
    # targets
    if target_tps:
        y = Y1(target_tps)
        o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="6,4" stroke-width="1.5"/>'
                 % (x0, x1, y, y, C_TARGET))
        o.append('<text x="%d" y="%.1f" fill="%s" text-anchor="end">target %s TPS</text>' % (x1 - 4, y - 5, C_TARGET,
                                                                                           _f(float(target_tps), 0)))
    for lim, name, col in ((profile.p95_ms, "p95 < %g ms", C_P95), (profile.p99_ms, "p99 < %g ms", C_P99)):
        if lim:
            y = Y2(lim)
            o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="6,4" stroke-width="1.5"/>'
                     % (x0, x1, y, y, col))
            o.append('<text x="%d" y="%.1f" fill="%s" text-anchor="end">%s</text>' % (x1 - 4, y - 5, col, escape(name % lim)))
    # TPS
    if noop:
        o.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="5,3"/>'
                 % (step_path(noop, lambda s: s["rps"], Y1), C_NOOP))
    if proj:
        o.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>' % (step_path(proj, lambda s: s["rps"], Y1), C_PROJ))
    # latency: a point per step at its middle, joined
    for steps, dashed, width in ((noop, True, 1.5), (proj, False, 2.2)):
        if not steps:
            continue
        for key, col in (("p95", C_P95), ("p99", C_P99)):
            pts = [(X(s["start_s"] + s["duration_s"] / 2), Y2(s["latency_ms"][key])) for s in steps if s["requests"]]
            o.append('<polyline points="%s" fill="none" stroke="%s" stroke-width="%s"%s opacity="%s"/>' % (
                " ".join("%.1f,%.1f" % p for p in pts), col, width, ' stroke-dasharray="5,3"' if dashed else "",
                "0.55" if dashed else "1"))
            for x, y in pts:
                if dashed:
                    o.append('<rect x="%.1f" y="%.1f" width="5" height="5" fill="#fff" stroke="%s" opacity="0.7"/>' % (x - 2.5, y - 2.5, col))
                else:
                    o.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (x, y, col))

    # legend
    lx, ly = x0 + 8, PANEL1[1] + 26
    items = [("line", C_PROJ, False, "project TPS"), ("line", C_NOOP, True, "no-op TPS"),
             ("band", "#c9d6ea", False, "connections (project)"),
             ("line", C_P95, False, "p95"), ("line", C_P99, False, "p99"),
             ("line", "#666", True, "no-op latency (dashed)"), ("line", C_TARGET, True, "targets")]
    for kind, col, dashed, name in items:
        if kind == "band":
            o.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="6"/>' % (lx, lx + 24, ly, ly, col))
        else:
            o.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" stroke-width="2.2"%s/>'
                     % (lx, lx + 24, ly, ly, col, ' stroke-dasharray="5,3"' if dashed else ""))
        o.append('<text x="%d" y="%d" dy="4">%s</text>' % (lx + 30, ly, escape(name)))
        lx += 36 + 7 * len(name)
    # figures line
    acc = r.get("accounting") or {}
    fig = "hold window: %s TPS (no-op %s), p95 %s ms, p99 %s ms (no-op %s), errors %s; clicks lost %s, dup. %s, dropped %s; freshness p99 %s ms" % (
        _f(r.get("tps_hold"), 0), _f(b.get("tps_hold"), 0) if b else "–", _f(r.get("p95_ms"), 2), _f(r.get("p99_ms"), 2),
        _f(b.get("p99_ms"), 2) if b else "–", _pct(r.get("error_rate")), acc.get("clicks_lost", "–"),
        acc.get("clicks_duplicated", "–"), _f(acc.get("clicks_dropped")), _f(acc.get("click_freshness_p99_ms")))
    o.append('<text x="%d" y="%d" fill="#333">%s</text>' % (x0, PANEL2[0] - 16, escape(fig)))
    o.append('<text x="%d" y="%d" fill="#555" font-size="11">p95 / p99 per step</text>' % (x0 + 4, PANEL2[0] + 14))
    o.append("</svg>")
    return "\n".join(o) + "\n"
