# Helpers for scripts/services: pid files, bounded waits, bounded stops, apt installs.
# Source it after setting SVC_ROOT (the repo root) and SVC_STATE (its .services/ folder).
# Nothing here touches a process that a pid file of ours does not name, nor any system service.

# Progress and errors go to stderr, prefixed so they stand out in CI logs.
svc_say() { echo "services: $*" >&2; }
svc_err() { echo "services: ERROR: $*" >&2; }

# Prints the last lines of a log file, indented, to stderr (for failure reports).
svc_tail_log() {
    local file=$1 lines=${2:-40}
    if [ -s "$file" ]; then
        echo "---- last $lines lines of $file ----" >&2
        tail -n "$lines" "$file" | sed 's/^/    /' >&2
        echo "----" >&2
    else
        echo "(no log at $file)" >&2
    fi
}

# svc_pid_of PIDFILE MARKER: prints the pid named by PIDFILE when that process is alive and
# its command line contains MARKER (a path or port of ours, so a recycled pid is never taken
# for ours); returns 1 otherwise.
svc_pid_of() {
    local pidfile=$1 marker=$2 pid cmd
    [ -s "$pidfile" ] || return 1
    pid=$(tr -dc '0-9' <"$pidfile" 2>/dev/null | head -c 10)
    [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    case "$cmd" in
        *"$marker"*) echo "$pid"; return 0 ;;
    esac
    return 1
}

# svc_port_busy PORT: true when something listens on 127.0.0.1:PORT or on all addresses.
svc_port_busy() {
    local port=$1
    [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]
}

# svc_wait_until NAME TIMEOUT_S PIDFILE MARKER LOG CMD...: runs CMD (quietly) about once a
# second until it succeeds, at most TIMEOUT_S seconds and 2*TIMEOUT_S tries. Fails at once,
# with the log's tail, when the process named by PIDFILE dies meanwhile (PIDFILE may be empty
# to skip that check).
svc_wait_until() {
    local name=$1 timeout=$2 pidfile=$3 marker=$4 log=$5; shift 5
    local start=$SECONDS tries=0
    while [ $((SECONDS - start)) -lt "$timeout" ] && [ "$tries" -lt $((timeout * 2)) ]; do
        tries=$((tries + 1))
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        if [ -n "$pidfile" ] && ! svc_pid_of "$pidfile" "$marker" >/dev/null; then
            # one more try: the check may have raced with the pid file being written
            sleep 1
            if "$@" >/dev/null 2>&1; then return 0; fi
            if ! svc_pid_of "$pidfile" "$marker" >/dev/null; then
                svc_err "$name exited while starting (after $((SECONDS - start)) s)"
                svc_tail_log "$log"
                return 1
            fi
        fi
        sleep 1
    done
    svc_err "$name did not answer within $timeout s"
    svc_tail_log "$log"
    return 1
}

# svc_stop NAME PIDFILE MARKER [GRACE_S]: TERM the process named by PIDFILE (only if it is
# ours, see svc_pid_of), wait up to GRACE_S seconds (default 60), then KILL and wait up to
# 10 s more. Removes the pid file. Returns 0 when stopped or not running, 1 when it survived.
svc_stop() {
    local name=$1 pidfile=$2 marker=$3 grace=${4:-60} pid start
    if ! pid=$(svc_pid_of "$pidfile" "$marker"); then
        if [ -e "$pidfile" ]; then
            svc_say "$name: not running (removing stale pid file)"
            rm -f "$pidfile"
        else
            svc_say "$name: not running"
        fi
        return 0
    fi
    svc_say "$name: stopping pid $pid (TERM, up to $grace s)"
    kill -TERM "$pid" 2>/dev/null || true
    start=$SECONDS
    while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - start)) -lt "$grace" ]; do
        sleep 0.5
    done
    if kill -0 "$pid" 2>/dev/null; then
        svc_say "$name: still running after $grace s, sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
        start=$SECONDS
        while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - start)) -lt 10 ]; do
            sleep 0.5
        done
        if kill -0 "$pid" 2>/dev/null; then
            svc_err "$name: pid $pid survived KILL"
            return 1
        fi
    fi
    rm -f "$pidfile"
    svc_say "$name: stopped"
    return 0
}

# svc_detach PIDFILE LOG CMD...: starts CMD in its own session (so a Ctrl-C or the end of
# this script does not reach it), stdin from /dev/null, stdout+stderr appended to LOG, and
# writes its pid to PIDFILE (the launcher shell writes its own pid, then execs CMD in place).
svc_detach() {
    local pidfile=$1 log=$2; shift 2
    local i
    rm -f "$pidfile"
    # 9>&-: the daemon must not inherit the lock file of scripts/services (fd 9), or that lock
    # would be held for as long as the daemon lives.
    setsid -f bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >>"$log" 2>&1 9>&- || return 1
    for i in $(seq 1 50); do   # the pid file appears within milliseconds; 5 s at most
        [ -s "$pidfile" ] && return 0
        sleep 0.1
    done
    svc_err "no pid file $pidfile after 5 s"
    return 1
}

# Package installs -------------------------------------------------------------------------

SVC_APT_UPDATED=0
SVC_POLICY_RC_CREATED=0

svc_policy_rc_cleanup() {
    if [ "$SVC_POLICY_RC_CREATED" = 1 ]; then
        rm -f /usr/sbin/policy-rc.d
        SVC_POLICY_RC_CREATED=0
    fi
}

# svc_apt_install PKG...: apt-get install -y the packages (apt-get update first, once per
# run). While installing, a temporary /usr/sbin/policy-rc.d (exit 101) keeps the packages'
# maintainer scripts from starting the system's own mariadb/redis on 3306/6379; an existing
# policy-rc.d is left as it is. apt's output goes to .services/apt.log (its tail to stderr on
# failure). Needs root (or sudo).
svc_apt_install() {
    local sudo=() log=$SVC_STATE/apt.log rc=0
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null 2>&1 || { svc_err "installing $* needs root (or sudo)"; return 1; }
        sudo=(sudo)
    fi
    mkdir -p "$SVC_STATE"
    if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" = 0 ]; then
        printf '#!/bin/sh\n# temporary, by shortlink scripts/services: no service starts during its apt-get install\nexit 101\n' \
            >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        SVC_POLICY_RC_CREATED=1
        trap svc_policy_rc_cleanup EXIT
    fi
    if [ "$SVC_APT_UPDATED" = 0 ]; then
        svc_say "apt-get update (log: .services/apt.log)"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update >>"$log" 2>&1 || rc=$?
        SVC_APT_UPDATED=1
    fi
    if [ "$rc" = 0 ]; then
        svc_say "apt-get install -y $* (log: .services/apt.log)"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" >>"$log" 2>&1 || rc=$?
    fi
    svc_policy_rc_cleanup
    if [ "$rc" != 0 ]; then
        svc_err "apt-get failed (exit $rc) installing $*"
        svc_tail_log "$log" 30
    fi
    return "$rc"
}

# svc_missing_packages "PKG..." CMD...: prints PKGs when any CMD is missing from PATH.
svc_missing_packages() {
    local pkgs=$1 c; shift
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || { echo "$pkgs"; return 0; }
    done
}

# svc_need_commands "PKG..." CMD...: installs PKGs when any CMD is missing from PATH, then
# checks that every CMD is there.
svc_need_commands() {
    local pkgs=$1 c; shift
    if [ -n "$(svc_missing_packages "$pkgs" "$@")" ]; then
        # shellcheck disable=SC2086
        svc_apt_install $pkgs || return 1
    fi
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || { svc_err "$c is missing (package: $pkgs)"; return 1; }
    done
}
