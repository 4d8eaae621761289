"""Processes, /proc sampling, HTTP to the target, the JDK. Python stdlib only."""
import glob
import ipaddress
import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---- HTTP to the target (loopback; no proxies) -------------------------------------------------

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener_noredirect = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


_ACCEPTED_KEYS = {}


def _key_candidates():
    env = os.environ.get("SHORTLINK_API_KEY", "").strip()
    if env:
        yield env
    # the embedded database's first admin key, then the MariaDB stacks' (application-phase1.yaml)
    for name in ("admin-key", "admin-key-mariadb"):
        try:
            with open(os.path.join(_ROOT, "data", name)) as f:
                key = f.read().strip()
        except OSError:
            continue
        if key:
            yield key


def api_key(base=None):
    """The API key calls to /api/ send: the first of $SHORTLINK_API_KEY, data/admin-key and
    data/admin-key-mariadb that the server at `base` accepts (asked once per server; without
    `base`, the first that exists); None when there is none.

    The files are read when asked: a server writes its first admin key when it starts on a new
    database, after this process may have begun."""
    if base is None:
        return next(_key_candidates(), None)
    if base in _ACCEPTED_KEYS:
        return _ACCEPTED_KEYS[base]
    for key in _key_candidates():
        req = urllib.request.Request(base + "/api/v1/stats", headers={"Authorization": "Bearer " + key})
        try:
            with _opener.open(req, timeout=5) as r:
                ok = r.status == 200
        except urllib.error.HTTPError as e:
            ok = False
            if e.code not in (401, 403):
                return key  # not a refusal of the key (the server is failing): keep it, the call will tell
        except (urllib.error.URLError, OSError, socket.timeout):
            return key
        if ok:
            _ACCEPTED_KEYS[base] = key
            return key
    return None


def http(method, url, body=None, headers=None, timeout=5.0, follow=True):
    """Returns (status, body bytes); status None when the target cannot be reached. Requests to the
    API (/api/...) carry the API key (api_key()); redirects and /observe never do."""
    headers = dict(headers or {})
    parts = urllib.parse.urlsplit(url)
    if "/api/" in parts.path:
        key = api_key("%s://%s" % (parts.scheme, parts.netloc))
        if key:
            headers.setdefault("Authorization", "Bearer " + key)
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with (_opener if follow else _opener_noredirect).open(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read() if e.fp else b""
    except (urllib.error.URLError, OSError, socket.timeout):
        return None, b""


def get_json(url, timeout=5.0):
    status, body = http("GET", url, timeout=timeout)
    if status != 200:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def total_clicks(base):
    data = get_json(base + "/api/v1/stats")
    if not data or "clicks" not in data:
        return None
    return int(data["clicks"])


_METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eEnaINF]+)')
_LABEL = re.compile(r'(\w+)="([^"]*)"')
# every click counter the server exports, whatever it is called: shortlink_clicks_accepted_total ->
# "clicks_accepted", shortlink_click_batches_failed_total -> "click_batches_failed"; counters that
# appear or vanish as the click path changes are simply present or absent
_CLICK_COUNTER = re.compile(r'^shortlink_(clicks?_[a-z0-9_]+)_total$')


def metrics(base, timeout=5.0):
    """The server's Prometheus figures the runner shows, or None when there is no endpoint.

    {"http_total", "http_4xx", "http_5xx": request counts, "clicks": {counter: value}} where
    "clicks" holds every shortlink_click*_total counter (summed over its labels) that is exported.
    Shown beside the client's accounting, never used for its verdict."""
    status, body = http("GET", base + "/observe/metrics", headers={"Accept": "text/plain"}, timeout=timeout)
    if status != 200 or not body:
        return None
    out = {"http_total": 0.0, "http_4xx": 0.0, "http_5xx": 0.0, "clicks": {}}
    found = False
    for line in body.decode("utf-8", "replace").splitlines():
        if not line or line[0] == "#":
            continue
        m = _METRIC_LINE.match(line)
        if not m:
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        try:
            v = float(value)
        except ValueError:
            continue
        c = _CLICK_COUNTER.match(name)
        if c:
            out["clicks"][c.group(1)] = out["clicks"].get(c.group(1), 0.0) + v
            found = True
        elif name == "shortlink_http_requests_seconds_count":
            lab = dict(_LABEL.findall(labels))
            out["http_total"] += v
            found = True
            if lab.get("outcome") == "4xx":
                out["http_4xx"] += v
            elif lab.get("outcome") == "5xx":
                out["http_5xx"] += v
    return out if found else None


def counter_deltas(m0, m1):
    """{counter: m1 - m0} for the click counters of the later reading (None if either reading is missing).

    A counter absent from the first reading counts from 0: meters may be registered on first use."""
    if not m0 or not m1:
        return None
    return {k: int(round(v - m0["clicks"].get(k, 0.0))) for k, v in sorted(m1["clicks"].items())}


def link_total_clicks(base, code, timeout=2.0):
    """totalClicks of one link from GET /api/v1/links/{code}/stats, or None."""
    data = get_json("%s/api/v1/links/%s/stats" % (base, code), timeout=timeout)
    if not data or "totalClicks" not in data:
        return None
    return int(data["totalClicks"])


def wait_http_up(url, timeout_s, proc=None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        status, _ = http("GET", url, timeout=2.0)
        if status == 200:
            return True
        time.sleep(0.3)
    return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def is_local(url):
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_port(url):
    u = urllib.parse.urlsplit(url)
    return u.port or (443 if u.scheme == "https" else 80)


# ---- /proc ---------------------------------------------------------------------------------------

def listening_pid(port):
    """The pid of the process with a LISTEN socket on this TCP port (any local address), or None."""
    inodes = {"socket:[%s]" % ino for lp, rp, st, ino in _tcp_rows() if st == "0A" and lp == port}
    if not inodes:
        return None
    for pid_dir in glob.glob("/proc/[0-9]*"):
        try:
            for fd in os.listdir(pid_dir + "/fd"):
                try:
                    if os.readlink(pid_dir + "/fd/" + fd) in inodes:
                        return int(pid_dir.rsplit("/", 1)[1])
                except OSError:
                    continue
        except OSError:
            continue
    return None


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds; None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            data = f.read()
    except (OSError, TypeError):
        return None
    fields = data[data.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_cpu():
    """(busy, total) jiffies over all cores from /proc/stat."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts[:8]]
    idle = vals[3] + vals[4]
    return sum(vals) - idle, sum(vals)


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return None


def affinity(pid):
    try:
        return sorted(os.sched_getaffinity(pid))
    except OSError:
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def service_pids(root):
    """Pid files under .services/ (any depth), labelled by their folder: {label: pid} for live ones."""
    out = {}
    for path in sorted(glob.glob(os.path.join(root, ".services", "**", "*.pid"), recursive=True)):
        try:
            with open(path) as f:
                pid = int(re.sub(r"\D", "", f.read())[:10] or 0)
        except (OSError, ValueError):
            continue
        if pid <= 1 or not alive(pid):
            continue
        folder = os.path.basename(os.path.dirname(path))
        label = folder if folder != ".services" else os.path.splitext(os.path.basename(path))[0]
        if label in out and out[label] != pid:
            label = folder + "/" + os.path.splitext(os.path.basename(path))[0]
        out[label] = pid
    return out


# ---- the JDK -------------------------------------------------------------------------------------

def java_version(java):
    try:
        out = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True,
                             timeout=30).stderr
    except (OSError, subprocess.SubprocessError):
        return None, None
    spec = re.search(r"java\.specification\.version = (\S+)", out)
    full = re.search(r"java\.runtime\.version = (\S+)", out) or re.search(r"java\.version = (\S+)", out)
    vendor = re.search(r"java\.vendor = (.+)", out)
    return (spec.group(1) if spec else None,
            ((vendor.group(1).strip() + " ") if vendor else "") + (full.group(1) if full else "?"))


def find_java():
    """A JDK 21+ java: JAVA_HOME, then java on PATH, then Temurin 25, then any under /usr/lib/jvm."""
    candidates = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(os.path.join(os.environ["JAVA_HOME"], "bin", "java"))
    for d in os.environ.get("PATH", "").split(os.pathsep):
        candidates.append(os.path.join(d, "java"))
    candidates.append("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
    candidates += sorted(glob.glob("/usr/lib/jvm/*/bin/java"))
    seen = set()
    for c in candidates:
        real = os.path.realpath(c)
        if real in seen or not os.access(real, os.X_OK):
            continue
        seen.add(real)
        spec, full = java_version(real)
        try:
            if spec and int(spec.split(".")[0]) >= 21:
                return real, full
        except ValueError:
            continue
    return None, None


def jdk_of_pid(pid):
    """The JDK a running java process uses, from its executable's release file."""
    try:
        exe = os.path.realpath("/proc/%d/exe" % pid)
    except OSError:
        return None
    home = os.path.dirname(os.path.dirname(exe))
    try:
        with open(os.path.join(home, "release")) as f:
            rel = dict(re.findall(r'^(\w+)="?([^"\n]*)"?', f.read(), re.M))
        return "%s %s (%s)" % (rel.get("IMPLEMENTOR", "?"), rel.get("JAVA_RUNTIME_VERSION", rel.get("JAVA_VERSION", "?")), home)
    except OSError:
        return exe


def jvm_flags(argv):
    """The -X / -XX options of a java command line (what the no-op server copies)."""
    if not argv:
        return []
    flags = []
    for a in argv[1:]:
        if a in ("-jar", "-cp", "-classpath", "--class-path") or not a.startswith("-"):
            break
        if a.startswith("-X"):
            flags.append(a)
    return flags


# ---- which services the server talks to ----------------------------------------------------------

def _socket_inodes(pid):
    out = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if link.startswith("socket:["):
                out.add(link[8:-1])
    except OSError:
        pass
    return out


def _tcp_rows():
    rows = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    p = line.split()
                    rows.append((int(p[1].rsplit(":", 1)[1], 16), int(p[2].rsplit(":", 1)[1], 16), p[3], p[9]))
        except OSError:
            continue
    return rows


def listening_ports(pid):
    inodes = _socket_inodes(pid)
    return {lp for lp, rp, st, ino in _tcp_rows() if st == "0A" and ino in inodes}


def connected_ports(pid):
    """Remote ports of the process's established TCP connections."""
    inodes = _socket_inodes(pid)
    return {rp for lp, rp, st, ino in _tcp_rows() if st == "01" and ino in inodes}
