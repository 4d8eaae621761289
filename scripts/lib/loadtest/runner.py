"""scripts/loadtest: runs a profile with wrk against the target and the no-op ceiling server."""
import argparse
import datetime
import json
import math
import os
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

from . import profiles as P
from . import report
from . import stats
from . import system as S

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
LUA = os.path.join("scripts", "wrk", "mix.lua")
JAR = os.path.join("server-helidon", "target", "shortlink-server.jar")
TOOLS_JAR = os.path.join("tools", "target", "shortlink-tools.jar")
DEFAULT_CODES = os.path.join("build", "seed", "codes.txt")
OUT_DIR = os.path.join("build", "loadtest")
WRK_TIMEOUT_S = 10          # wrk --timeout: answers slower than this leave the histogram (and count as timeouts)
SMOKE_LINKS = 100
WARMUP_CONNS = 50
DRAIN_SETTLE_S = 2          # after the last step, once every 302 seen is recorded: the count must stand still this long
DRAIN_STABLE_S = 15         # ... before that: give up (clicks lost) when the count has not moved for this long
DRAIN_MAX_S = 180           # ... or after this long
QUIESCE_SETTLE_S = 2        # after the warm-up: its 302s recorded and the count still for this long
QUIESCE_MAX_S = 30          # ... within this long, or the run fails (exit 2)
CANARY_POLL_S = 0.025       # freshness canary: its link's stats polled this often while its click is pending
CANARY_GIVE_UP_S = 30       # ... for at most this long (a timeout)
CANARY_HIT_TIMEOUT_S = 5.0  # its GET /{code}

EXIT_OK, EXIT_LOST, EXIT_FAILED, EXIT_THRESHOLDS = 0, 1, 2, 3


class RunFailed(Exception):
    pass


def log(msg):
    print("loadtest: " + msg, file=sys.stderr, flush=True)


def fmt_secs(s):
    s = int(round(s))
    return "%d:%02d" % (s // 60, s % 60)


# ---- progress -------------------------------------------------------------------------------------

class Progress(threading.Thread):
    """Prints a line to stderr every few seconds while a target runs."""

    def __init__(self, every):
        super().__init__(daemon=True)
        self.every = every
        self.lock = threading.Lock()
        self.state = None
        self.stop_event = threading.Event()
        self._last_m = None

    def set(self, **kw):
        with self.lock:
            if kw.get("reset"):
                self.state = {}
                self._last_m = None
                kw.pop("reset")
            if self.state is None:
                self.state = {}
            if "phase" in kw and (kw["phase"] == "step") != (self.state.get("phase") == "step"):
                self._last_m = None  # a server rate only over an interval inside the measured steps
            self.state.update(kw)

    def clear(self):
        with self.lock:
            self.state = None

    def run(self):
        while not self.stop_event.wait(self.every):
            with self.lock:
                st = dict(self.state) if self.state else None
            if st:
                try:
                    self._print(st)
                except Exception as e:  # progress must never kill a run
                    log("progress: %s" % e)

    def _print(self, st):
        now = time.monotonic()
        parts = ["[%s %s]" % (st.get("profile"), st.get("target"))]
        phase = st.get("phase", "")
        if phase == "step":
            parts.append("stage %d/%d %s, step %d/%d, %d connections" % (st["stage"], st["stages"], st["kind"], st["step"],
                                                                         st["steps"], st["conns"]))
            parts.append("%s/%s" % (fmt_secs(now - st["t0"]), fmt_secs(st["planned"])))
        else:
            parts.append(phase)
        if st.get("last_rps") is not None:
            parts.append("last step %.0f req/s, p99 %.1f ms" % (st["last_rps"], st["last_p99"]))
        if st.get("metrics_url"):
            m = S.metrics(st["metrics_url"], timeout=2.0)
            if m and self._last_m:
                t_prev, m_prev = self._last_m
                rate = (m["http_total"] - m_prev["http_total"]) / max(1e-3, now - t_prev)
                parts.append("now %.0f req/s (server)" % rate)
            if m:
                self._last_m = (now, m)
                if st.get("m0"):
                    parts.append("server 4xx/5xx %d" % ((m["http_4xx"] + m["http_5xx"])
                                                        - (st["m0"]["http_4xx"] + st["m0"]["http_5xx"])))
        parts.append("errors %d" % st.get("errors", 0))
        if st.get("extra"):
            parts.append(st["extra"])
        log(" | ".join(parts))


# ---- wrk ------------------------------------------------------------------------------------------

def run_wrk(ctx, url, conns, secs, rate, seed, tag, label):
    env = dict(os.environ)
    env.update({"CODES_FILE": ctx.codes_file, "LT_CONNECTIONS": str(conns), "LT_THREADS": "1",
                "LT_SEED": str(seed), "LT_ZIPF_S": str(ctx.zipf_s), "LT_RUN_TAG": tag,
                "LT_TIMEOUT_MS": str(WRK_TIMEOUT_S * 1000), "LT_PACING_RATE": str(rate or 0),
                "SHORTLINK_API_KEY": S.api_key(url.rstrip("/")) or ""})
    argv = ["wrk", "-t1", "-c%d" % conns, "-d%ds" % secs, "--latency", "--timeout", "%ds" % WRK_TIMEOUT_S,
            "-s", LUA, url]
    ctx.load_started = True
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        ctx.children.add(proc.pid)
        deadline = time.monotonic() + secs + 60
        rusage, status = None, None
        try:
            while True:
                pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
                if pid == proc.pid:
                    rusage, status = ru, st
                    break
                if time.monotonic() > deadline:
                    log("wrk overran its %d s by 60 s: stopping it (pid %d)" % (secs, proc.pid))
                    os.kill(proc.pid, signal.SIGTERM)
                    time.sleep(3)
                    try:
                        os.kill(proc.pid, signal.SIGKILL)
                    except OSError:
                        pass
                    _, st, ru = os.wait4(proc.pid, 0)
                    rusage, status = ru, st
                    break
                time.sleep(0.1)
        except BaseException:  # interrupted: never leave a wrk behind
            if status is None:
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                    os.wait4(proc.pid, 0)
                except OSError:
                    pass
            raise
        finally:
            ctx.children.discard(proc.pid)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    with open(ctx.wrk_log, "a") as f:
        f.write("==== %s: %s\n%s\n" % (label, " ".join(shlex.quote(a) for a in argv), text))
    result = None
    for line in reversed(text.splitlines()):
        if line.startswith('{"lt_step"'):
            result = json.loads(line)
            break
    if proc.returncode != 0 or result is None:
        raise RunFailed("wrk failed for %s (exit %s): %s" % (label, proc.returncode, text.strip()[-400:]))
    result.pop("lt_step", None)
    result["wrk_cpu_s"] = round(rusage.ru_utime + rusage.ru_stime, 3)
    check_unanswered(result, label)
    return result


def unanswered_bound(r):
    """The most redirects mix.lua can count unanswered in one wrk run: one in flight per connection when wrk
    stops, plus one abandoned per read or write error (the proof: UNANSWERED REDIRECTS in scripts/wrk/mix.lua)."""
    se = r["socket_errors"]
    return r["connections"] + se["read"] + se["write"]


def check_unanswered(r, label):
    """A count outside its bound means wrk's figures cannot carry the click accounting: the run fails (exit 2)."""
    red = r["redirects"]
    unknown = r["other_by_kind"].get("unknown", 0)
    low, bound = red["unanswered"] - unknown, unanswered_bound(r)
    if red["unanswered"] < 0 or low > bound:
        se = r["socket_errors"]
        raise RunFailed("%s: %d redirects sent, %d answered (302: %d, other: %d, and %d answers of unknown kind), so %d "
                        "unanswered; but at most %d can be (%d connections with at most one request in flight when "
                        "wrk stops + %d read and %d write errors that may each abandon one): wrk's counts are "
                        "inconsistent and cannot carry the click accounting"
                        % (label, red["sent"], red["302"] + red["other"], red["302"], red["other"], unknown,
                           red["unanswered"], bound, r["connections"], se["read"], se["write"]))


def enrich(step_result):
    r = step_result
    se = r["socket_errors"]
    r["socket_errors_total"] = se["connect"] + se["read"] + se["write"] + se["timeout"]
    attempts = r["requests"] + se["connect"] + se["read"] + se["write"]
    r["error_rate"] = round((r["counts"]["other"] + r["socket_errors_total"]) / max(1, attempts), 6)
    r["rate_per_conn"] = round(r["rps"] / max(1, r["connections"]), 3)
    return r


# ---- servers --------------------------------------------------------------------------------------

def start_noop(ctx, server_pid):
    for jar in (JAR, TOOLS_JAR):
        if not os.path.exists(os.path.join(ROOT, jar)):
            raise RunFailed("%s is missing: build it first (cd %s && mvn -B -q -o -Dmaven.test.skip=true package "
                            "-pl tools -am, with JAVA_HOME on a JDK 21+)" % (jar, ROOT))
    java, version = S.find_java()
    if not java:
        raise RunFailed("no JDK 21+ found for the no-op server (set JAVA_HOME)")
    # same JVM flags and CPU affinity as the target server when it is a local java process
    flags = S.jvm_flags(S.cmdline(server_pid)) if server_pid else []
    flags_from = "copied from the target server's command line"
    if not flags and os.environ.get("JAVA_OPTS"):
        flags, flags_from = shlex.split(os.environ["JAVA_OPTS"]), "JAVA_OPTS"
    elif not flags:
        flags_from = "JVM defaults, like the target server"
    cpus = S.affinity(server_pid) if server_pid else None
    port = S.free_port()
    logf = open(ctx.base + "-noop.log", "w")
    argv = [java] + flags + ["-cp", TOOLS_JAR + os.pathsep + JAR, "io.shortlink.tools.NoopServer", str(port)]

    def pin():
        if cpus:
            os.sched_setaffinity(0, cpus)
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            preexec_fn=pin)
    logf.close()
    ctx.noop_proc = proc
    url = "http://127.0.0.1:%d" % port
    if not S.wait_http_up(url + "/api/v1/stats", 60, proc):
        stop_noop(ctx)
        raise RunFailed("the no-op server did not come up on %s (log: %s-noop.log)" % (url, ctx.base))
    log("no-op server up: %s (pid %d, %s)" % (url, proc.pid, " ".join(flags) or "default JVM flags"))
    return {"url": url, "pid": proc.pid, "java": java, "jdk": version, "jvm_flags": flags,
            "jvm_flags_from": flags_from, "cpu_affinity": cpus, "command": argv}


def stop_noop(ctx):
    proc = ctx.noop_proc
    if proc is None:
        return
    ctx.noop_proc = None
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    log("no-op server stopped (pid %d)" % proc.pid)


# ---- links and codes ------------------------------------------------------------------------------

def create_links(url, n, path):
    codes = []
    for i in range(n):
        body = json.dumps({"url": "https://example.org/lt/smoke-%d-%d" % (int(time.time()), i)}).encode()
        status, data = S.http("POST", url + "/api/v1/links", body=body,
                              headers={"Content-Type": "application/json"})
        if status != 201:
            raise RunFailed("creating smoke links: POST %s/api/v1/links answered %s %s"
                            % (url, status, data[:200].decode("utf-8", "replace")))
        codes.append(json.loads(data)["code"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(codes) + "\n")
    return codes


def read_codes(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def check_codes(url, codes):
    """HEAD (which counts no click) the first, middle and last codes: each must answer 302."""
    for code in {codes[0], codes[len(codes) // 2], codes[-1]}:
        status, _ = S.http("HEAD", "%s/%s" % (url, code), follow=False)
        if status != 302:
            raise RunFailed("the codes file does not match the target's data: HEAD %s/%s answered %s "
                            "(seed this server with scripts/seed-data, or pass --codes FILE)" % (url, code, status))


# ---- accounting -----------------------------------------------------------------------------------

def _click_readings(url, clicks_before, t0, delta):
    """Reads the server's click total every 0.25 s, for as long as the caller iterates; yields (read, delta, since,
    now): whether this reading got a total, the clicks recorded since clicks_before (the given delta until a total is
    read, the last one read after that), when that last changed (t0 at first) and the reading's time.monotonic()."""
    last, since = None, t0
    while True:
        c = S.total_clicks(url)
        now = time.monotonic()
        if c is not None:
            delta = c - clicks_before
            if delta != last:
                last, since = delta, now
        yield c is not None, delta, since, now
        time.sleep(0.25)


def quiesce(url, clicks_before, seen_302, m_before, progress):
    """After the warm-up: wait until its clicks are written, so that none of them counts in the run: the 302s wrk
    saw are all recorded and the count has stood still for QUIESCE_SETTLE_S (the answers wrk never saw have landed
    too). Returns what it saw. Not settled within QUIESCE_MAX_S (or short of the 302s with no change for
    DRAIN_STABLE_S): RunFailed (exit 2), as the run's count would not start from a settled total."""
    t0 = time.monotonic()
    for read, delta, since, now in _click_readings(url, clicks_before, t0, None):
        if read and delta >= seen_302 and now - since >= QUIESCE_SETTLE_S:
            return {"clicks_recorded": delta, "quiesce_s": round(now - t0, 1)}
        stuck = delta is not None and delta < seen_302 and now - since >= DRAIN_STABLE_S
        if now - t0 >= QUIESCE_MAX_S or stuck:
            if delta is None:
                got = "GET /api/v1/stats gave no click count"
            elif delta < seen_302:
                got = "%s of its %s 302s recorded%s" % (_f(delta), _f(seen_302),
                                                         ", no change for %d s" % DRAIN_STABLE_S if stuck else "")
            else:
                got = "all %s 302s recorded but the count was still moving (%s)" % (_f(seen_302), _f(delta))
            server = S.counter_deltas(m_before, S.metrics(url) if m_before else None)
            if server and server.get("clicks_dropped"):
                got += "; the server counted %s clicks dropped meanwhile" % _f(server["clicks_dropped"])
            raise RunFailed("the warm-up's clicks were not written after %.0f s (QUIESCE_MAX_S %d s): %s; the run's "
                            "count cannot start from a settled total" % (now - t0, QUIESCE_MAX_S, got))
        progress.set(phase="letting the warm-up's clicks be written: %s of %s" % (_f(delta), _f(seen_302)))


def drain(url, clicks0, seen_302, progress):
    """After the last step: wait until the clicks recorded since the run began reach the 302s the client saw, then
    stand still for DRAIN_SETTLE_S (so that the clicks of answers wrk never saw, and any duplicates, land too).
    Gives up when the count has not moved for DRAIN_STABLE_S or after DRAIN_MAX_S (the caller then fails the run:
    clicks lost). Returns (recorded, seconds waited, how it ended)."""
    t0 = time.monotonic()
    for _, delta, since, now in _click_readings(url, clicks0, t0, 0):
        progress.set(phase="waiting for clicks: %s of %s recorded" % (_f(delta), _f(seen_302)))
        if delta >= seen_302 and now - since >= DRAIN_SETTLE_S:
            how = "every 302 recorded, then no change for %d s" % DRAIN_SETTLE_S
            break
        if now - since >= DRAIN_STABLE_S:
            how = "stopped: no change for %d s at %s of %s recorded" % (DRAIN_STABLE_S, _f(delta), _f(seen_302))
            break
        if now - t0 >= DRAIN_MAX_S:
            how = "stopped after %d s (DRAIN_MAX_S) at %s of %s recorded%s" % (
                DRAIN_MAX_S, _f(delta), _f(seen_302), ", still moving" if delta >= seen_302 else "")
            break
    return delta, round(time.monotonic() - t0, 1), how


def judge(acc):
    """The verdict on the client's count: a list of reasons the clicks do not add up (empty: they do)."""
    out = []
    if acc["clicks_lost"] > 0:
        out.append("%s clicks lost: the client saw %s 302s (wrk %s + canary %s), %s clicks were recorded; drain: %s"
                   % (_f(acc["clicks_lost"]), _f(acc["redirects_302"]), _f(acc["redirects_302_wrk"]),
                      _f(acc["redirects_302_canary"]), _f(acc["clicks_recorded"]), acc["drain_end"]))
    if acc["clicks_duplicated"] > 0:
        out.append("%s clicks duplicated: %s recorded, but the client saw %s 302s and at most %s more redirects can "
                   "have been served unseen (unanswered)" % (_f(acc["clicks_duplicated"]), _f(acc["clicks_recorded"]),
                                                             _f(acc["redirects_302"]), _f(acc["redirects_unanswered"])))
    if acc["clicks_dropped"]:
        out.append("%s clicks dropped by the server (its shortlink_clicks_dropped_total): answered 302, never recorded"
                   % _f(acc["clicks_dropped"]))
    return out


def _f(v):
    return "?" if v is None else "{:,}".format(v)


# ---- the freshness canary -------------------------------------------------------------------------

def create_canary(url, stamp):
    """The canary's own link (not in the codes file, so nothing else clicks it)."""
    body = json.dumps({"url": "https://example.org/lt/canary-%s" % stamp}).encode()
    status, data = S.http("POST", url + "/api/v1/links", body=body, headers={"Content-Type": "application/json"})
    if status != 201:
        raise RunFailed("creating the freshness canary's link: POST %s/api/v1/links answered %s %s"
                        % (url, status, data[:200].decode("utf-8", "replace")))
    return json.loads(data)["code"]


class Canary(threading.Thread):
    """Click freshness during the measured steps: GET /{code} on the canary's link (302 expected), then its
    GET /api/v1/links/{code}/stats every CANARY_POLL_S until totalClicks counts every canary click so far; the
    delay is from the 302's arrival to the arrival of the first stats answer that counts it (resolution: the poll
    interval plus one stats request). Gives up after CANARY_GIVE_UP_S (a timeout, not a sample). One click in
    flight at a time: the next starts at the next whole second (counted from `anchor`) after the previous one
    finished. Its 302s and unanswered hits go into the run's accounting like wrk's."""

    def __init__(self, url, code, anchor):
        super().__init__(daemon=True, name="loadtest-canary")
        self.url, self.code, self.anchor = url, code, anchor
        self.stop_event = threading.Event()
        self.hits = self.n302 = self.other = self.unanswered = self.polls = self.timeouts = 0
        self.samples = []
        self.error = None

    def run(self):
        try:
            base = S.link_total_clicks(self.url, self.code)
            if base is None:
                raise RunFailed("GET %s/api/v1/links/%s/stats gave no totalClicks" % (self.url, self.code))
            while not self.stop_event.is_set():
                self._one(base)
                wait = self.anchor + math.floor(time.monotonic() - self.anchor) + 1 - time.monotonic()
                if self.stop_event.wait(max(0.0, wait)):
                    break
        except Exception as e:  # the canary must never kill a run; its figures say it stopped
            self.error = "%s: %s" % (type(e).__name__, e)
            log("freshness canary stopped: %s" % self.error)

    def _one(self, base):
        self.hits += 1
        status, _ = S.http("GET", "%s/%s" % (self.url, self.code), follow=False, timeout=CANARY_HIT_TIMEOUT_S)
        t_302 = time.monotonic()
        if status is None:  # no answer: like wrk's unanswered, the server may have counted it
            self.unanswered += 1
            return
        if status != 302:
            self.other += 1
            return
        self.n302 += 1
        while True:
            total = S.link_total_clicks(self.url, self.code)
            self.polls += 1
            now = time.monotonic()
            if total is not None and total - base >= self.n302:
                self.samples.append(round((now - t_302) * 1000, 1))
                return
            if now - t_302 >= CANARY_GIVE_UP_S:
                self.timeouts += 1
                return
            time.sleep(CANARY_POLL_S)

    def figures(self):
        xs = sorted(self.samples)
        return {"click_freshness_p50_ms": stats.nearest_rank(xs, 50),
                "click_freshness_p99_ms": stats.nearest_rank(xs, 99),
                "click_freshness_max_ms": xs[-1] if xs else None,
                "click_freshness_samples": len(xs), "click_freshness_timeouts": self.timeouts}

    def detail(self):
        return {"code": self.code, "hits": self.hits, "redirects_302": self.n302, "other": self.other,
                "unanswered": self.unanswered, "stats_polls": self.polls, "poll_interval_ms": CANARY_POLL_S * 1000,
                "give_up_s": CANARY_GIVE_UP_S, "error": self.error}


FRESHNESS_KEYS = ("click_freshness_p50_ms", "click_freshness_p99_ms", "click_freshness_max_ms",
                  "click_freshness_samples", "click_freshness_timeouts")


# ---- one target -----------------------------------------------------------------------------------

def _run_step(ctx, url, procs, step, t_run0, planned, tag, label, res, errors, progress):
    """One wrk invocation of the profile: its record goes to res["steps"]; returns the running error count."""
    progress.set(phase="step", step=step.index, steps=len(ctx.steps), conns=step.connections, kind=step.kind,
                 stage=step.stage + 1, stages=len(ctx.profile.stages), t0=t_run0, planned=planned)
    c_before = {k: S.cpu_seconds(p) for k, p in procs.items()}
    start_s = time.monotonic() - t_run0
    r = run_wrk(ctx, url, step.connections, step.seconds, ctx.rate, ctx.seed + step.index, tag + "-%d" % step.index,
                "%s step %d" % (label, step.index))
    c_after = {k: S.cpu_seconds(p) for k, p in procs.items()}
    rec = step.to_dict()
    rec.update(enrich(r))
    rec["start_s"] = round(start_s, 3)
    rec["cpu_s"] = {k: round(c_after[k] - c_before[k], 3) for k in procs
                    if c_after.get(k) is not None and c_before.get(k) is not None}
    rec["cpu_s"]["wrk"] = r["wrk_cpu_s"]
    rec["cpu_s_per_1k"] = {k: round(v / (r["requests"] / 1000), 4) if r["requests"] else None
                           for k, v in rec["cpu_s"].items()}
    rec["redirects_unanswered"] = r["redirects"]["unanswered"]
    rec["unanswered_bound"] = unanswered_bound(r)
    res["steps"].append(rec)
    errors += r["counts"]["other"] + rec["socket_errors_total"]
    progress.set(last_rps=r["rps"], last_p99=r["latency_ms"]["p99"], errors=errors)
    return errors


def run_target(ctx, name, url, procs, accounting, progress):
    """Runs the profile's steps against one target. Returns its result dict."""
    res = {"target": name, "url": url, "completed": False, "steps": []}
    has_metrics = accounting and S.metrics(url) is not None
    label = "%s %s" % (ctx.profile.name, name)
    progress.set(reset=True, profile=ctx.profile.name, target=name, phase="starting",
                 metrics_url=url if has_metrics else None, errors=0)
    tag = "%s-%s" % (ctx.stamp, name)

    if ctx.warmup > 0:
        wc = min(WARMUP_CONNS, ctx.steps[0].connections)
        progress.set(phase="warm-up: %d connections, %d s, unpaced (not measured)" % (wc, ctx.warmup))
        clicks_w0 = S.total_clicks(url) if accounting else None
        m_w0 = S.metrics(url) if has_metrics else None
        if accounting and clicks_w0 is None:
            raise RunFailed("GET %s/api/v1/stats gave no click count" % url)
        w = run_wrk(ctx, url, wc, ctx.warmup, None, ctx.seed - 1, tag + "-w", label + " warm-up")
        res["warmup"] = {"connections": wc, "seconds": ctx.warmup, "requests": w["requests"], "rps": w["rps"],
                         "unexpected": w["counts"]["other"], "socket_errors": sum(w["socket_errors"].values()),
                         "redirects_302": w["counts"]["302"], "redirects_unanswered": w["redirects"]["unanswered"]}
        if accounting:
            progress.set(phase="letting the warm-up's clicks be written")
            res["warmup"].update(quiesce(url, clicks_w0, w["counts"]["302"], m_w0, progress))

    clicks0 = S.total_clicks(url) if accounting else None
    m0 = S.metrics(url) if has_metrics else None
    if accounting and clicks0 is None:
        raise RunFailed("GET %s/api/v1/stats gave no click count" % url)
    cpu0 = {k: S.cpu_seconds(p) for k, p in procs.items()}
    mach0 = S.machine_cpu()
    t_run0 = time.monotonic()
    planned = sum(s.seconds for s in ctx.steps)
    progress.set(m0=m0)
    errors = 0
    canary = Canary(url, ctx.canary_code, t_run0) if accounting and ctx.canary_code else None
    if canary:
        canary.start()
    try:
        for step in ctx.steps:
            errors = _run_step(ctx, url, procs, step, t_run0, planned, tag, label, res, errors, progress)
    finally:
        if canary:  # no new canary click; the pending one finishes (bounded by CANARY_GIVE_UP_S)
            canary.stop_event.set()
    t_load = time.monotonic() - t_run0
    cpu1 = {k: S.cpu_seconds(p) for k, p in procs.items()}
    mach1 = S.machine_cpu()
    if canary:
        progress.set(phase="waiting for the freshness canary's last click")
        canary.join(CANARY_GIVE_UP_S + CANARY_HIT_TIMEOUT_S + 5)
    res["completed"] = True
    res["load_seconds"] = round(t_load, 3)
    res["machine_cpu_busy"] = round((mach1[0] - mach0[0]) / max(1, mach1[1] - mach0[1]), 4)

    # figures
    steps = res["steps"]
    hold = [s for s in steps if s["hold_window"]]
    res["hold_window"] = stats.window(hold)
    res["whole_run"] = stats.window(steps)
    total_req = res["whole_run"]["requests"]
    cpu = {}
    for k in procs:
        if cpu0.get(k) is not None and cpu1.get(k) is not None:
            cpu[k] = round(cpu1[k] - cpu0[k], 3)
    cpu["wrk"] = round(sum(s["cpu_s"]["wrk"] for s in steps), 3)
    res["cpu_s"] = cpu
    counted = [k for k in procs if k in cpu and ctx.cpu_counted.get(k, True)]
    per1k = {k: (round(v / (total_req / 1000), 4) if total_req else None) for k, v in cpu.items()}
    per1k["total"] = round(sum(cpu[k] for k in counted) / (total_req / 1000), 4) if total_req else None
    per1k["total_includes"] = counted
    res["cpu_s_per_1k"] = per1k

    if accounting:
        res["accounting"] = account(url, steps, canary, clicks0, m0, progress)
    progress.set(phase="done")
    return res


def account(url, steps, canary, clicks0, m0, progress):
    """The click accounting on the client's count: the 302s wrk and the canary saw, and the redirects left
    unanswered (the most the server can have served unseen); the server's counters beside it, not judged
    (shortlink_clicks_dropped_total excepted: a dropped click fails the run even if the numbers balance)."""
    cn = canary.detail() if canary else {"redirects_302": 0, "unanswered": 0, "other": 0, "hits": 0}
    wrk_302 = sum(s["counts"]["302"] for s in steps)
    acc = {
        "basis": "client",
        "redirects_sent": sum(s["redirects"]["sent"] for s in steps) + cn["hits"],
        "redirects_302": wrk_302 + cn["redirects_302"],
        "redirects_302_wrk": wrk_302,
        "redirects_302_canary": cn["redirects_302"],
        "redirects_other": sum(s["redirects"]["other"] for s in steps) + cn["other"],
        "redirects_unanswered": sum(s["redirects_unanswered"] for s in steps) + cn["unanswered"],
        "redirects_unanswered_bound": sum(s["unanswered_bound"] for s in steps) + cn["unanswered"],
        "answers_unknown_kind": sum(s["other_by_kind"].get("unknown", 0) for s in steps),
    }
    recorded, waited, how = drain(url, clicks0, acc["redirects_302"], progress)
    server = S.counter_deltas(m0, S.metrics(url) if m0 else None)
    acc.update({
        "clicks_recorded": recorded,
        "clicks_lost": max(0, acc["redirects_302"] - recorded),
        # recorded may include unanswered redirects the server served, which can mask as many lost ones
        "clicks_lost_max": max(0, acc["redirects_302"] + acc["redirects_unanswered"] - recorded),
        "clicks_duplicated": max(0, recorded - (acc["redirects_302"] + acc["redirects_unanswered"])),
        "clicks_dropped": server.get("clicks_dropped") if server else None,
        "drain_s": waited,
        "drain_end": how,
        "server": server,
    })
    acc.update(canary.figures() if canary else {k: None for k in FRESHNESS_KEYS})
    acc["canary"] = canary.detail() if canary else None
    acc["failures"] = judge(acc)
    acc["verdict"] = "lost" if acc["failures"] else "ok"
    return acc


# ---- thresholds -----------------------------------------------------------------------------------

def thresholds(profile, res):
    out = []
    run, hold = res["whole_run"], res["hold_window"]

    def lat(metric, limit, key):
        v, vh = run[key], hold[key]
        out.append({"name": "%s < %g" % (metric, limit), "metric": key, "op": "<", "limit": limit,
                    "value": v, "pass": v is not None and v < limit, "window": "run",
                    "value_hold": vh, "pass_hold": vh is not None and vh < limit})
    if profile.p95_ms is not None:
        lat("p95", profile.p95_ms, "p95_ms")
    if profile.p99_ms is not None:
        lat("p99", profile.p99_ms, "p99_ms")
    if profile.error_rate is not None:
        v, vh = run["error_rate"], hold["error_rate"]
        out.append({"name": "error rate < %g %%" % (profile.error_rate * 100), "metric": "error_rate", "op": "<",
                    "limit": profile.error_rate, "value": v, "pass": v < profile.error_rate, "window": "run",
                    "value_hold": vh, "pass_hold": vh < profile.error_rate})
    if profile.target_tps:
        v = hold["tps"]
        out.append({"name": "TPS >= %g" % profile.target_tps, "metric": "tps_hold", "op": ">=",
                    "limit": profile.target_tps, "value": v, "pass": v is not None and v >= profile.target_tps,
                    "window": "hold"})
    return out


def accounting_notes(acc, project):
    out = []
    if acc["clicks_dropped"] is None:
        out.append("the server exports no shortlink_clicks_dropped_total: dropped clicks were not checked "
                   "(lost and duplicated were, on the client's count)")
    if acc["answers_unknown_kind"]:
        out.append("%d answers with an unexpected status had no problem+json instance: any of them may be a "
                   "redirect's, so redirects_unanswered (%d) is an upper bound (see scripts/wrk/mix.lua)"
                   % (acc["answers_unknown_kind"], acc["redirects_unanswered"]))
    cn = acc.get("canary")
    if cn:
        secs = max(1e-3, project.get("load_seconds") or 0)
        out.append("freshness canary: its own link /%s (created for this run, not in the codes file), one GET per "
                   "whole second during the measured steps (%d, their 302s counted in the accounting), then its "
                   "GET /api/v1/links/%s/stats every %g ms until the click shows (%d polls): %.1f canary requests/s "
                   "beside wrk's %s, too little to move the figures; not run against the no-op"
                   % (cn["code"], cn["hits"], cn["code"], cn["poll_interval_ms"], cn["stats_polls"],
                      (cn["hits"] + cn["stats_polls"]) / secs, "{:,.0f}".format(project["whole_run"]["tps"] or 0)))
        if cn["error"]:
            out.append("the freshness canary stopped early: %s" % cn["error"])
        if acc["click_freshness_timeouts"]:
            out.append("%d canary clicks did not show in their link's stats within %d s: timeouts, not in the "
                       "freshness percentiles" % (acc["click_freshness_timeouts"], CANARY_GIVE_UP_S))
    return out


def headline(res):
    """The flat figures of one target (the top level of the JSON, and `baseline`)."""
    h, run = res["hold_window"], res["whole_run"]
    out = {
        "tps_hold": h["tps"], "tps_avg": run["tps"],
        "p50_ms": h["p50_ms"], "p90_ms": h["p90_ms"], "p95_ms": h["p95_ms"], "p99_ms": h["p99_ms"],
        "p999_ms": h["p999_ms"], "max_ms": h["max_ms"],
        "p95_worst_step_ms": h["p95_worst_step_ms"], "p99_worst_step_ms": h["p99_worst_step_ms"],
        "error_rate": h["error_rate"], "error_rate_run": run["error_rate"],
        "requests": run["requests"], "redirects": run["counts"]["302"],
        "cpu_s_per_1k": res["cpu_s_per_1k"],
    }
    acc = res.get("accounting")
    for k in ("redirects_302", "redirects_unanswered", "clicks_recorded", "clicks_lost", "clicks_duplicated",
              "clicks_dropped") + FRESHNESS_KEYS:
        out[k] = acc.get(k) if acc else None
    out["accounting_basis"] = acc["basis"] if acc else "skipped (no-op)"
    return out


# ---- main -----------------------------------------------------------------------------------------

class Ctx:
    pass


def git(*args):
    try:
        return subprocess.run(["git", "--no-optional-locks"] + list(args), cwd=ROOT, capture_output=True, text=True,
                              timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/loadtest",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    ap.add_argument("profile", choices=list(P.PROFILES))
    ap.add_argument("--url", default="http://127.0.0.1:8080", help="the target server (default %(default)s)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every stage's duration (steps >= 5 s)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the no-op ceiling run")
    ap.add_argument("--codes", help="codes file, one per line in rank order (phases: default %s; smoke creates "
                                    "its own)" % DEFAULT_CODES)
    ap.add_argument("--pacing", type=int, choices=(0, 1), default=1,
                    help="1 (default): each connection paces itself at 1.2 x target TPS / target VUs req/s; "
                         "0: no think time (stress reading, like k6's PACING=0). smoke is never paced")
    ap.add_argument("--warmup", type=int, default=5, help="seconds of unmeasured, unpaced load before each target "
                                                          "(default %(default)s; 0 = none)")
    ap.add_argument("--zipf", type=float, default=1.0,
                    help="skew of the code choice: weight of rank k = k^-s (default %(default)s, the k6 scripts'; 0 = "
                         "uniform, every code equally likely: the most distinct links per second)")
    ap.add_argument("--drain-max", type=int, default=DRAIN_MAX_S,
                    help="seconds to wait after the load for every 302 to be recorded (default %(default)s; raise it for "
                         "unpaced runs whose click backlog, e.g. consumer lag, takes longer to drain)")
    ap.add_argument("--strict", action="store_true", help="exit 3 when a threshold fails (phases)")
    ap.add_argument("--seed", type=int, default=42, help="seed of the request sequence (default %(default)s)")
    ap.add_argument("--progress", type=float, default=5.0, help="seconds between progress lines (default %(default)s)")
    ap.add_argument("--dry-run", action="store_true", help="print the steps and exit")
    a = ap.parse_args(argv)
    if a.scale <= 0:
        ap.error("--scale must be > 0")
    a.url = a.url.rstrip("/")
    return a


EPILOG = """
Runs a profile of the plan with wrk (-t1, one invocation per step) against --url and, first, against
the no-op ceiling server (started here from %s on a free port, stopped after its run).
Writes build/loadtest/<profile>-<UTC time>.{json,md,svg} (+ .wrk.log, the raw wrk output).
Accounting, on the client's count: seen = 302s wrk and the canary saw; clicks lost = max(0, seen -
recorded); duplicated = max(0, recorded - (seen + redirects unanswered)); the server's counters are
shown, not judged, except dropped > 0, which fails the run.
Exit: 0 completed, nothing lost, duplicated or dropped; 1 clicks lost, duplicated or dropped, or the
drain ended short of the 302s seen; 2 the run failed (incl. the warm-up's clicks not written within
%d s, or a step's unanswered redirects above their bound); 3 a threshold failed (smoke always,
phases with --strict).
""" % (JAR, QUIESCE_MAX_S)


def main(argv):
    global DRAIN_MAX_S
    args = parse_args(argv)
    DRAIN_MAX_S = max(1, args.drain_max)
    os.chdir(ROOT)
    profile = P.PROFILES[args.profile]
    steps = P.plan(profile, args.scale)
    rate = profile.pacing_rate if args.pacing == 1 else None
    if args.dry_run:
        print("%s x%g: %d steps, %s of load per target, pacing %s req/s per connection; hold window: %s"
              % (profile.name, args.scale, len(steps), fmt_secs(sum(s.seconds for s in steps)), rate,
                 P.describe_hold(profile)))
        for s in steps:
            print("  step %2d  stage %d %-9s  %5d connections  %4d s%s" % (s.index, s.stage + 1, s.kind, s.connections,
                                                                         s.seconds, "  (hold window)" if s.hold_window else ""))
        return EXIT_OK

    if not _which("wrk"):
        log("wrk is missing: installing it (apt-get install -y wrk)")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], stdout=subprocess.DEVNULL)
        if not _which("wrk"):
            log("error: wrk is not installed")
            return EXIT_FAILED

    ctx = Ctx()
    ctx.profile, ctx.steps, ctx.rate, ctx.seed, ctx.warmup = profile, steps, rate, args.seed, max(0, args.warmup)
    ctx.zipf_s = max(0.0, args.zipf)
    ctx.children, ctx.noop_proc, ctx.load_started, ctx.canary_code = set(), None, False, None
    started = datetime.datetime.now(datetime.timezone.utc)
    ctx.stamp = started.strftime("%Y%m%dT%H%M%SZ")
    os.makedirs(OUT_DIR, exist_ok=True)
    ctx.base = os.path.join(OUT_DIR, "%s-%s" % (profile.name, ctx.stamp))
    ctx.wrk_log = ctx.base + ".wrk.log"
    notes = []

    def on_signal(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, on_signal)

    # file descriptors for the connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = max(s.connections for s in steps) + 256
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, need) if hard != resource.RLIM_INFINITY else need, hard))

    result = {
        "profile": profile.name, "scale": args.scale, "url": args.url,
        "commit": git("rev-parse", "--short", "HEAD") or None,
        "commit_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "scripts/loadtest " + " ".join(shlex.quote(a) for a in argv),
        "pacing_rate": rate, "pacing": "off" if rate is None else "per connection, %g req/s" % rate,
        "mix": P.MIX, "zipf_s": args.zipf, "seed": args.seed,
        "stages": [{"seconds": d, "vus": v} for d, v in profile.stages],
        "hold_window_rule": P.describe_hold(profile),
        "percentiles": "latency from wrk's per-request histogram (write of the request to the end of the answer; "
                       "think time excluded). wrk 4 adds coordinated-omission samples before reporting (expected "
                       "interval = step time / requests per connection: ~1/r when paced, ~the mean latency when not), "
                       "and answers slower than the %d s timeout leave the histogram and count as errors. Window "
                       "percentiles are of the request-weighted mixture of the steps' histograms (see "
                       "scripts/lib/loadtest/stats.py), never averages; *_worst_step_ms is the worst single step"
                       % WRK_TIMEOUT_S,
        "error_rate_definition": "(answers with an unexpected status + socket errors incl. timeouts) / (answers + "
                                 "connect/read/write errors); expected: 302 redirect, 200 reads, 201 create",
        "order": "no-op first, then the project, each the whole profile after its own %d s warm-up; the no-op is "
                 "stopped before the project runs, so nothing of ours competes for the 2 cores" % args.warmup
                 if not args.no_baseline else "project only (--no-baseline)",
        "load_generator": {"tool": _wrk_version(), "threads": 1, "timeout_s": WRK_TIMEOUT_S, "pinned": False,
                           "script": LUA},
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": list(os.getloadavg())},
        "notes": notes,
        "completed": False,
    }
    progress = Progress(args.progress)
    progress.start()
    exit_code = EXIT_FAILED
    project = noop = None
    try:
        # the target
        if S.total_clicks(args.url) is None:
            raise RunFailed("the target %s does not answer GET /api/v1/stats with a click count: is it running?"
                            % args.url)
        server_pid = S.listening_pid(S.url_port(args.url)) if S.is_local(args.url) else None
        procs = {}
        server_info = {"pid": server_pid}
        if server_pid:
            procs["server"] = server_pid
            argv_s = S.cmdline(server_pid) or []
            server_info.update({"command": argv_s, "jvm_flags": S.jvm_flags(argv_s), "jdk": S.jdk_of_pid(server_pid),
                                "cpu_affinity": S.affinity(server_pid)})
        else:
            notes.append("the target's process was not found (not local?): no server CPU figures")
        used = S.connected_ports(server_pid) if server_pid else set()
        ctx.cpu_counted = {"server": True}
        services = {}
        for lab, pid in S.service_pids(ROOT).items():
            if pid == server_pid:
                continue
            ports = S.listening_ports(pid)
            connected = bool(ports & used)
            procs[lab] = pid
            ctx.cpu_counted[lab] = connected
            services[lab] = {"pid": pid, "ports": sorted(ports), "server_connected": connected}
            if not connected:
                notes.append("%s (pid %d) is running but the server had no connection to it when the run started: "
                             "its CPU is reported but not in the total" % (lab, pid))
        server_info["services"] = services
        if server_pid and not services:
            notes.append("no service pid files under .services/: database/cache/queue CPU is inside the server "
                         "process (embedded stack) or not measured")
        result["server"] = server_info
        result["jdk"] = server_info.get("jdk")

        # the codes
        if profile.name == "smoke" and not args.codes:
            ctx.codes_file = ctx.base + "-codes.txt"
            log("creating %d links on %s for the smoke run" % (SMOKE_LINKS, args.url))
            codes = create_links(args.url, SMOKE_LINKS, ctx.codes_file)
        else:
            ctx.codes_file = args.codes or DEFAULT_CODES
            if not os.path.isfile(ctx.codes_file):
                raise RunFailed("codes file %s is missing: run scripts/seed-data first (it writes one code per line "
                                "in rank order), or pass --codes FILE" % ctx.codes_file)
            codes = read_codes(ctx.codes_file)
            if not codes:
                raise RunFailed("codes file %s is empty" % ctx.codes_file)
        check_codes(args.url, codes)
        ctx.codes_file = os.path.abspath(ctx.codes_file)
        result["codes_file"] = os.path.relpath(ctx.codes_file, ROOT)
        result["codes"] = len(codes)
        if profile.name == "smoke" and args.pacing == 1 and "--pacing" in " ".join(argv):
            notes.append("smoke is never paced (max throughput); --pacing ignored")
        ctx.canary_code = create_canary(args.url, ctx.stamp)
        result["canary_code"] = ctx.canary_code

        log("%s x%g: %d steps, %s of load per target, pacing %s; output %s.*"
            % (profile.name, args.scale, len(steps), fmt_secs(sum(s.seconds for s in steps)),
               result["pacing"], ctx.base))

        # the no-op first, then the target: each runs the whole profile, ramp included, with nothing else of
        # ours alive; the no-op is stopped before the target runs
        if not args.no_baseline:
            info = start_noop(ctx, server_pid)
            try:
                noop = run_target(ctx, "noop", info["url"], {"server": info["pid"]}, False, progress)
            finally:
                stop_noop(ctx)
            noop["server"] = info
            time.sleep(2)
        project = run_target(ctx, "project", args.url, procs, True, progress)
        result["completed"] = True
        exit_code = EXIT_OK
    except RunFailed as e:
        log("error: %s" % e)
        result["error"] = str(e)
    except Exception as e:  # a bug or an environment problem: still stop everything and say so
        import traceback
        traceback.print_exc()
        log("error: %s: %s" % (type(e).__name__, e))
        result["error"] = "%s: %s" % (type(e).__name__, e)
    except KeyboardInterrupt:
        log("interrupted")
        result["error"] = "interrupted"
        exit_code = 130
    finally:
        progress.stop_event.set()
        for pid in list(ctx.children):
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        stop_noop(ctx)

    # assemble
    if project:
        result.update(headline(project))
        result["hold_window"] = project["hold_window"]
        result["whole_run"] = project["whole_run"]
        result["accounting"] = project.get("accounting")
        result["cpu_s"] = project["cpu_s"]
        result["machine_cpu_busy"] = project["machine_cpu_busy"]
        result["warmup"] = project.get("warmup")
        result["steps"] = project["steps"]
        result["thresholds"] = thresholds(profile, project)
        result["thresholds_pass"] = all(t["pass"] for t in result["thresholds"])
    if noop:
        b = headline(noop)
        b.update({"hold_window": noop["hold_window"], "whole_run": noop["whole_run"], "cpu_s": noop["cpu_s"],
                  "machine_cpu_busy": noop["machine_cpu_busy"], "server": noop["server"], "steps": noop["steps"],
                  "warmup": noop.get("warmup")})
        result["baseline"] = b
    if project and noop:
        bp, bn = result, result["baseline"]
        result["ratios"] = {
            "tps_ratio": _ratio(bp["tps_hold"], bn["tps_hold"]),
            "tps_avg_ratio": _ratio(bp["tps_avg"], bn["tps_avg"]),
            "p95_diff_ms": _diff(bp["p95_ms"], bn["p95_ms"]),
            "p99_diff_ms": _diff(bp["p99_ms"], bn["p99_ms"]),
            "p999_diff_ms": _diff(bp["p999_ms"], bn["p999_ms"]),
            "max_diff_ms": _diff(bp["max_ms"], bn["max_ms"]),
            "server_cpu_per_1k_ratio": _ratio(bp["cpu_s_per_1k"].get("server"), bn["cpu_s_per_1k"].get("server")),
        }
    elif args.no_baseline:
        notes.append("--no-baseline: no no-op figures in this run (PERF.md wants them beside every figure)")

    if project and exit_code == EXIT_OK:
        acc = result["accounting"]
        for reason in acc["failures"]:
            log("FAILED: " + reason)
        if acc["failures"]:
            exit_code = EXIT_LOST
        notes.extend(accounting_notes(acc, project))
        if exit_code == EXIT_OK and not result["thresholds_pass"] and (args.strict or profile.name == "smoke"):
            exit_code = EXIT_THRESHOLDS
    result["exit_code"] = exit_code
    if not ctx.load_started:  # failed before any load: nothing worth a file
        return exit_code

    with open(ctx.base + ".json", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    if project:
        with open(ctx.base + ".md", "w") as f:
            f.write(report.markdown(result))
        with open(ctx.base + ".svg", "w") as f:
            f.write(report.svg(result, profile))
        print(report.summary_text(result))
    log("wrote %s.json%s (exit %d)" % (ctx.base, " .md .svg" if project else "", exit_code))
    return exit_code


def _which(cmd):
    from shutil import which
    return which(cmd)


def _wrk_version():
    try:
        out = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10).stdout
        return out.split("Copyright")[0].strip() or "wrk"
    except (OSError, subprocess.SubprocessError):
        return "wrk"


def _ratio(a, b):
    return round(a / b, 4) if a is not None and b else None


def _diff(a, b):
    return round(a - b, 3) if a is not None and b is not None else None
