# Shared by the scripts: finds a JDK 21+ and Maven. Source it; it changes nothing else.

# Sets JAVA_HOME to a JDK 21+ and puts it first on PATH. Order: the user's JAVA_HOME if it is
# 21+, then `java` on PATH if 21+, then Temurin 25 where this project's machines have it, then
# any 21+ JDK under /usr/lib/jvm.
shortlink_find_java() {
    local candidates=() c v
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v java >/dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    fi
    candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
    for c in /usr/lib/jvm/*; do candidates+=("$c"); done
    for c in "${candidates[@]}"; do
        [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
        v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
        if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
            export JAVA_HOME="$c"
            export PATH="$JAVA_HOME/bin:$PATH"
            return 0
        fi
    done
    echo "shortlink: no JDK 21+ found (set JAVA_HOME; Helidon 4 needs 21+, the default java here is 17)" >&2
    return 1
}

# Makes sure `mvn` exists (Debian's maven package if not).
shortlink_find_maven() {
    command -v mvn >/dev/null 2>&1 && return 0
    echo "shortlink: installing Maven (apt-get install maven)" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq maven >/dev/null
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq maven >/dev/null
    fi
}

# Sets SHORTLINK_TOOLS_CP, the class path of the measurement tools (tools/: NoopServer, SeedData,
# QueryTiming) beside the server's jar, whose manifest brings the libraries; builds both jars
# (tests skipped) when one is missing.
shortlink_tools_classpath() {
    local server=server-helidon/target/shortlink-server.jar tools=tools/target/shortlink-tools.jar
    if [ ! -f "$server" ] || [ ! -f "$tools" ]; then
        shortlink_find_maven
        echo "shortlink: building the server and the tools (tests skipped)..." >&2
        mvn -B -q -Dmaven.test.skip=true package -pl tools -am
    fi
    SHORTLINK_TOOLS_CP="$tools:$server"
}
