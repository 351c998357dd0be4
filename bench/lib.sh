# shellcheck shell=bash
# Shared by the bench/*.sh scripts (sourced, not run). See docs/benchmarks.md, "Running the benchmarks".
#
# Environment:
#   BENCH_MVN_ARGS   extra Maven arguments for every build, split on spaces: "-o" to build offline (opt-in; the
#                    default lets Maven download what ~/.m2 lacks), "-Dmaven.repo.local=/tmp/m2-fresh" for another
#                    local repository
#   VANROUTER_BENCH_LOCKED=1   set by a script that already holds /tmp/vanrouter-mvn.lock (no second flock)

bench_lock=/tmp/vanrouter-mvn.lock

# bench_mvn ARGS...: Maven in batch mode under the shared build lock, with BENCH_MVN_ARGS; never offline unless asked.
bench_mvn() {
    local extra=()
    read -r -a extra <<< "${BENCH_MVN_ARGS:-}"
    if [[ -n ${VANROUTER_BENCH_LOCKED:-} ]]; then
        mvn -B "${extra[@]}" "$@"
    else
        flock "$bench_lock" mvn -B "${extra[@]}" "$@"
    fi
}

# bench_need_tools NAME TOOL=PACKAGE...: installs the Debian packages of missing tools with apt-get when run as root,
# otherwise stops and prints the apt-get line to run.
bench_need_tools() {
    local name=$1 spec missing=()
    shift
    for spec in "$@"; do
        command -v "${spec%%=*}" > /dev/null || missing+=("${spec#*=}")
    done
    ((${#missing[@]})) || return 0
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
        echo "[$(date +%H:%M:%S)] $name: installing ${missing[*]} (apt-get)" >&2
        apt-get update -q > /dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" > /dev/null
    else
        echo "$name: missing tools; install them first: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

# The tools a Maven build of the project needs (a JDK, not only a JRE).
# shellcheck disable=SC2034 # used by the scripts that source this file
bench_build_tools=(mvn=maven javac=openjdk-17-jdk-headless flock=util-linux)

# bench_commit REPO: short commit, with " dirty" when the work tree has uncommitted changes to tracked files.
bench_commit() {
    local c
    c=$(git -C "$1" rev-parse --short HEAD 2> /dev/null) || { echo unknown; return; }
    if [[ -n $(git -C "$1" status --porcelain --untracked-files=no 2> /dev/null) ]]; then c="$c dirty"; fi
    echo "$c"
}

# bench_machine: one line of machine facts.
bench_machine() {
    local model mem
    model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    mem=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "$(nproc) cores (${model:-unknown CPU}), $mem, $(uname -sr)"
}

# bench_busy_warning: a warning line when the 1-minute load average is above 1.0 per core, else nothing.
bench_busy_warning() {
    local msg="**Warning: busy machine at the start: 1-minute load average %s on %d cores (above 1.0 per core);"
    msg+=" other work skews these figures.**\n"
    awk -v n="$(nproc)" -v msg="$msg" '$1 > n { printf msg, $1, n }' /proc/loadavg
}

# bench_settle [MAX_SECONDS]: waits (at most MAX_SECONDS, default 180) until the 1-minute load average is at most 1.0
# per core. The load average lags: a script started right after another benchmark sees that benchmark's own load and
# would call a quiet machine busy. Returns at once on a quiet machine; says how long it waited.
bench_settle() {
    local max=${1:-180} waited=0
    while awk -v n="$(nproc)" '$1 <= n { exit 1 }' /proc/loadavg && ((waited < max)); do
        sleep 10
        waited=$((waited + 10))
    done
    if ((waited > 0)); then
        echo "[$(date +%H:%M:%S)] waited ${waited} s for the load average to settle: $(cut -d' ' -f1 /proc/loadavg)" >&2
    fi
}

# bench_load_snapshot PY HELPER: load average and the 5 busiest other processes over one second (Markdown lines).
bench_load_snapshot() {
    echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
    echo "- busiest other processes at the start (CPU over 1 s): $("$1" "$2" busiest 5 $$)"
}

# Processes a bench script starts: bench_start runs one in its own session (so forked children go with it), logging
# to $work/NAME.log, and sets last_pid; bench_cleanup (on EXIT) resumes, stops, then kills them all.
pids=()
bench_start() { # bench_start NAME CMD...
    local name=$1; shift
    setsid "$@" > "$work/$name.log" 2>&1 < /dev/null &
    pids+=("$!")
    last_pid=$!
}
bench_cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -CONT "$pid" 2> /dev/null || true; kill -TERM -- "-$pid" 2> /dev/null || true; done
    for _ in $(seq 50); do
        local alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2> /dev/null && alive=1; done
        ((alive)) || break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2> /dev/null || true; done
}

# bench_tls DIR ROUTER_ID: the tls section of a router's config. Plain links (tls: insecure) unless BENCH_TLS=1: then
# a network CA is made once in DIR/pki/ca with the jar's certs commands, and each router gets credentials of its own.
bench_tls() {
    local dir=$1 id=$2
    if [[ ${BENCH_TLS:-0} != 1 ]]; then
        printf 'tls: {insecure: true}\n'
        return
    fi
    if [[ ! -f $dir/pki/ca/ca.crt ]]; then
        java -jar "$jar" certs ca --network bench --out "$dir/pki/ca" > /dev/null || return 1
    fi
    java -jar "$jar" certs issue --ca "$dir/pki/ca" --router "$id" --out "$dir/pki" --force > /dev/null || return 1
    printf 'tls: {ca: %s, cert: %s, key: %s}\n' "$dir/pki/ca.crt" "$dir/pki/$id.crt" "$dir/pki/$id.key"
}

# bench_router_conf NETWORK ID LISTEN_PORT MGMT_PORT PEER_PORT|-: the router, listen, peers, management and tls
# sections of a bench router's config on 127.0.0.1 (needs $work; $jar when BENCH_TLS=1). Optional environment:
# BENCH_ROUTING ('ioThreads: 4; dataConnections: 2': a routing section), BENCH_FLOW_LOG=1 ($work/flows-ID.log).
bench_router_conf() {
    local net=$1 id=$2 listen=$3 mgmt=$4 peer=$5
    printf 'router:\n  id: %s\n  network: %s\nlisten:\n  - host: 127.0.0.1\n    port: %s\n' "$id" "$net" "$listen"
    if [[ $peer != - ]]; then printf 'peers:\n  - host: 127.0.0.1\n    port: %s\n' "$peer"; fi
    printf 'management:\n  host: 127.0.0.1\n  port: %s\n' "$mgmt"
    bench_tls "$work" "$id"
    if [[ -n ${BENCH_ROUTING:-} ]]; then
        printf 'routing:\n'
        tr ';' '\n' <<< "$BENCH_ROUTING" | sed 's/^ */  /'
    fi
    if [[ ${BENCH_FLOW_LOG:-0} == 1 ]]; then
        printf 'flowLog:\n  file: %s/flows-%s.log\n' "$work" "$id"
    fi
}

# bench_router_reason TEXT ID...: why a vanrouter path is unavailable: the last log line ($work/router-ID.log) of the
# first of the routers (pids in the associative array router_pid) that has exited, or else TEXT.
bench_router_reason() {
    local text=$1 r
    shift
    for r in "$@"; do
        if ! kill -0 "${router_pid[$r]}" 2> /dev/null; then
            echo "router $r exited: $(grep -v '^\s*$' "$work/router-$r.log" | tail -n 1)"
            return
        fi
    done
    echo "$text"
}

# bench_csv_row CSV N FIELD1..FIELDN [NOTE]: appends one line of N fields and a free-text note to CSV (commas and
# newlines in the note made safe, the note cut at 300 characters).
bench_csv_row() {
    local csv=$1 n=$2
    shift 2
    local note=${*:n+1:1}
    note=${note//,/;}
    note=${note//$'\n'/ }
    local IFS=,
    echo "${*:1:n},${note:0:300}" >> "$csv"
}

# bench_cpu_ticks PID...: the processes' total utime + stime (/proc/PID/stat), in clock ticks; gone processes count 0.
bench_cpu_ticks() {
    local pid sum=0 f
    for pid in "$@"; do
        if read -r -a f < <(sed 's/^.*) //' "/proc/$pid/stat" 2> /dev/null); then
            sum=$((sum + f[11] + f[12]))
        fi
    done
    echo "$sum"
}
