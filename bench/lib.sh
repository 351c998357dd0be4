# shellcheck shell=bash disable=SC2034,SC2154 # globals go both ways between this file and the scripts sourcing it
# Shared by the bench/*.sh scripts (sourced, not run). See docs/benchmarks.md, "Running the benchmarks".
#
# Environment:
#   BENCH_MVN_ARGS   extra Maven arguments for every build, split on spaces: "-o" to build offline (opt-in; the
#                    default lets Maven download what ~/.m2 lacks), "-Dmaven.repo.local=/tmp/m2-fresh" for another
#                    local repository
#   BENCH_STEAL_LIMIT  CPU steal (% of busy CPU time) above which a run or measurement is called degraded (10)
#   VANROUTER_BENCH_LOCKED=1   set by a script that already holds /tmp/vanrouter-mvn.lock (no second flock)

bench_lock=/tmp/vanrouter-mvn.lock

# The script's name in its messages (tcp-benchmark), and die, log and usage (the header comment from line 2 to
# `set -euo`) unless the script defined its own before sourcing this file.
bench_name=$(basename "$0" .sh)
declare -F die > /dev/null || die() { echo "$bench_name: $*" >&2; exit 1; }
declare -F log > /dev/null || log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
declare -F usage > /dev/null || usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-0}"; }

# bench_parse_options SPEC... -- ARG...: the scripts' option loop. SPEC "--name=var" takes a value into var;
# "--name:var=value,var=value" is a flag that sets variables; a value option may set some too ("--jar=jar:build=0").
# -h/--help print the usage; an unknown option is named, then the usage, exit status 2; a missing value is fatal.
bench_parse_options() {
    local _specs=() _spec _opt _rest _kv _hit
    while [[ $1 != -- ]]; do _specs+=("$1"); shift; done
    shift
    while (($#)); do
        case "$1" in -h|--help) usage 0 ;; esac
        _hit=0
        for _spec in "${_specs[@]}"; do
            _opt=${_spec%%[=:]*}
            [[ $1 == "$_opt" ]] || continue
            _hit=1
            _rest=${_spec#"$_opt"}
            if [[ $_rest == =* ]]; then
                _rest=${_rest#=}
                [[ -n ${2:-} ]] || die "$1 needs a value"
                printf -v "${_rest%%:*}" '%s' "$2"
                shift
            fi
            if [[ $_rest == *:* ]]; then
                IFS=, read -r -a _rest <<< "${_rest#*:}"
                for _kv in "${_rest[@]}"; do printf -v "${_kv%%=*}" '%s' "${_kv#*=}"; done
            fi
            shift
            break
        done
        ((_hit)) || { echo "$bench_name: unknown option $1" >&2; usage 2; }
    done
}

# bench_need_ints positive|non-negative OPTION VALUE [OPTION VALUE]...: dies at the first VALUE that is not such an
# integer.
bench_need_ints() {
    local kind=$1 re='^[1-9][0-9]*$'
    if [[ $kind == non-negative ]]; then re='^[0-9]+$'; fi
    shift
    while (($#)); do
        [[ $2 =~ $re ]] || die "$1 must be a $kind integer, got '$2'"
        shift 2
    done
}

# bench_list ARRAY WHAT ALL VALUE: splits the comma-separated VALUE into ARRAY; dies at an item that is not in ALL
# (comma-separated): "unknown WHAT 'item' (use ALL)".
bench_list() {
    local -n _items=$1
    local _item
    IFS=, read -r -a _items <<< "$4"
    for _item in "${_items[@]}"; do
        [[ ,$3, == *",$_item,"* ]] || die "unknown $2 '$_item' (use $3)"
    done
}

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

# bench_offline_ready: with -o (or --offline) in BENCH_MVN_ARGS, dies unless the local Maven repository (~/.m2, or
# -Dmaven.repo.local=) holds the maven-dependency-plugin version pom.xml names: the MQTT and SPF builds need it, and
# a fresh ~/.m2 that never built online lacks it. Without the check run-all would find out after its TCP part.
bench_offline_ready() {
    local extra=() arg offline=0 local_repo="$HOME/.m2/repository" version dir
    read -r -a extra <<< "${BENCH_MVN_ARGS:-}"
    for arg in "${extra[@]}"; do
        case "$arg" in
            -o|--offline) offline=1 ;;
            -Dmaven.repo.local=*) local_repo=${arg#-Dmaven.repo.local=} ;;
        esac
    done
    ((offline)) || return 0
    version=$(grep -A 1 '<artifactId>maven-dependency-plugin</artifactId>' "$repo/pom.xml" \
        | sed -n 's:.*<version>\(.*\)</version>.*:\1:p' | head -n 1)
    dir="$local_repo/org/apache/maven/plugins/maven-dependency-plugin/${version:-?}"
    compgen -G "$dir/*.jar" > /dev/null || die "BENCH_MVN_ARGS asks for an offline build, but $dir holds no jar:" \
        "the MQTT and SPF builds would fail. Run once without -o (Maven downloads what it needs), or drop -o."
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

# CPU steal: time the host gave to its other guests while this VM had work to run (the "st" of vmstat). The load
# average does not show it, and it slows the paths of a run unevenly (most those that sleep and wake often): a run
# with more than bench_steal_limit % of its busy CPU time stolen is degraded, and so is any ratio whose yardstick
# (socat, direct, mosquitto) ran that way.
bench_steal_limit=${BENCH_STEAL_LIMIT:-10}
export BENCH_STEAL_LIMIT=$bench_steal_limit # for the report helpers (benchlib.steal_limit)

# bench_cpu_mark: the machine's busy and stolen CPU time so far (clock ticks over all cores, /proc/stat: user, nice,
# system, irq, softirq and steal; then steal), for bench_steal_pct.
bench_cpu_mark() {
    awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $9; exit }' /proc/stat
}

# bench_steal_pct MARK: the CPU time stolen since MARK (bench_cpu_mark), in % of the busy CPU time, one decimal.
bench_steal_pct() {
    awk -v mark="$1" '$1 == "cpu" {
        split(mark, m, " ")
        busy = $2 + $3 + $4 + $7 + $8 + $9 - m[1]
        printf "%.1f\n", (busy > 0 ? 100 * ($9 - m[2]) / busy : 0)
        exit
    }' /proc/stat
}

# bench_steal_warning PCT: a bold warning and a blank line when PCT (bench_steal_pct) is above bench_steal_limit, else
# nothing: the first lines of a report, next to the busy warning.
bench_steal_warning() {
    if awk -v p="$1" -v l="$bench_steal_limit" 'BEGIN { exit !(p > l) }'; then
        echo "**Warning: degraded machine: the host took $1 % of this VM's busy CPU time during the run (steal," \
            "above $bench_steal_limit %); these figures, ratios included, are not results.**"
        echo
    fi
}

# bench_steal_line PCT: the report header's line on the run's steal.
bench_steal_line() {
    echo "- CPU steal during the run: $1 % of the busy CPU time (above $bench_steal_limit %: degraded)"
}

# bench_load_snapshot PY HELPER: load average and the 5 busiest other processes over one second (Markdown lines).
bench_load_snapshot() {
    echo "- load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
    echo "- busiest other processes at the start (CPU over 1 s): $("$1" "$2" busiest 5 $$)"
}

# bench_real_python3: $python3 is the real interpreter, not a version-manager shim (it is started several times per
# measurement), and python3 runs it.
bench_real_python3() {
    python3=$(python3 -c 'import sys; print(sys.executable)')
    # shellcheck disable=SC2317 # called by the script
    python3() { "$python3" "$@"; }
}

# bench_snapshot_start HELPER: busy_warning (logged too) and load_lines, the report header's view of how busy the
# machine was before anything of ours ran.
bench_snapshot_start() {
    busy_warning=$(bench_busy_warning)
    if [[ -n $busy_warning ]]; then log "${busy_warning//\*/}"; fi
    load_lines=$(bench_load_snapshot "$python3" "$1")
    run_cpu_mark=$(bench_cpu_mark)
}

# bench_workdir PREFIX: $work is $out_dir (created if needed) or a new temp dir vanrouter-PREFIX.XXXXXX; from here on
# bench_cleanup stops what bench_start started, at exit and on INT or TERM.
bench_workdir() {
    if [[ -n $out_dir ]]; then
        mkdir -p "$out_dir"
        work=$(cd "$out_dir" && pwd)
    else
        work=$(mktemp -d "${TMPDIR:-/tmp}/vanrouter-$1.XXXXXX")
    fi
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
}

# bench_build [generator]: builds router-daemon, with "generator" also the load generator (router-transport's test
# classes and their classpath in target/bench-classpath.txt), under the shared Maven lock; output in $work/build.log.
bench_build() {
    local what="router-daemon" args=(-pl router-daemon -am package)
    if [[ ${1:-} == generator ]]; then
        what="router-daemon and the load generator"
        # shellcheck disable=SC2054 # -pl takes a comma-separated list
        args=(-pl router-daemon,router-transport -am package dependency:build-classpath
            -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test)
    fi
    log "building $what (under the shared Maven lock)"
    (cd "$repo" && bench_mvn -q -DskipTests "${args[@]}") > "$work/build.log" 2>&1 \
        || die "build failed, see $work/build.log"
}

# bench_java_opts: the routers' JVM options in java_opts: VANROUTER_JAVA_OPTS, or else config/jvm.options.
bench_java_opts() {
    read -r -a java_opts <<< "${VANROUTER_JAVA_OPTS:-$(grep -v '^#' "$repo/config/jvm.options" | tr '\n' ' ')}"
}

# bench_report_head TITLE EFFECTIVE...: a report's first lines: "# vanrouter TITLE benchmark" and the date, the busy
# and steal warnings, the command line with its effective options (the words of EFFECTIVE), commit, machine, the load
# at the start and at the end, and the CPU steal since bench_snapshot_start.
bench_report_head() {
    local title=$1
    shift
    local steal
    steal=$(bench_steal_pct "$run_cpu_mark")
    echo "# vanrouter $title benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    if [[ -n $busy_warning ]]; then echo "$busy_warning"; echo; fi
    bench_steal_warning "$steal"
    echo "- command: $cmdline (effective: $*)"
    echo "- commit: $(bench_commit "$repo"), machine: $(bench_machine)"
    echo "$load_lines"
    echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    bench_steal_line "$steal"
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

# bench_start_router ID: starts router ID from $work/router-ID.yaml with $jar and java_opts; its pid in router_pid[ID].
bench_start_router() {
    bench_start "router-$1" java "${java_opts[@]}" -jar "$jar" run --config "$work/router-$1.yaml"
    router_pid[$1]=$last_pid
}

# The line of routers a - b - c of the TCP, UDP and HTTP benches: path vr-ab ends at b, vr-abc at c. They need the
# associative arrays router_pid and unavailable (path -> why it cannot be measured), $helper (a *_bench.py with
# wait-routes and rss), the ports link_a.._c and mgmt_a.._c, and row.

# bench_abc_routers NETWORK SECTION HINT: writes $work/router-ID.yaml for a, b and c of the network NETWORK: a peers
# b and has the listeners of both paths ("SECTION listeners vr-ab vr-abc" prints them), b peers c and has the
# connectors of vr-ab (SECTION connectors vr-ab), c those of vr-abc. Then, when a vanrouter path is asked for
# (vr_wanted=1), starts c, b and a; HINT ends the message when there is no jar ("run without --no-build").
bench_abc_routers() {
    local net=$1 section=$2 r
    { bench_router_conf "$net" a "$link_a" "$mgmt_a" "$link_b"; "$section" listeners vr-ab vr-abc; } \
        > "$work/router-a.yaml"
    { bench_router_conf "$net" b "$link_b" "$mgmt_b" "$link_c"; "$section" connectors vr-ab; } > "$work/router-b.yaml"
    { bench_router_conf "$net" c "$link_c" "$mgmt_c" -; "$section" connectors vr-abc; } > "$work/router-c.yaml"
    vr_wanted=0
    if [[ " ${paths[*]} " == *" vr-"* ]]; then vr_wanted=1; fi
    ((vr_wanted)) || return 0
    [[ -f $jar ]] || die "no $jar ($3)"
    bench_java_opts
    for r in c b a; do bench_start_router "$r"; done
}

# bench_wait_abc: waits up to 30 s for routes A<->B<->C; without them, both vanrouter paths are unavailable.
bench_wait_abc() {
    local reason err
    log "waiting for routes A<->B<->C"
    reason="routes not ready after 30 s"
    for _ in $(seq 30); do
        reason=$(bench_router_reason "" a b c)
        if [[ -n $reason ]]; then break; fi
        if err=$(python3 "$helper" wait-routes "$mgmt_a" 1 b c 2>&1 \
            && python3 "$helper" wait-routes "$mgmt_c" 1 a b 2>&1); then
            reason=""
            break
        fi
        reason="routes not ready after 30 s: $err"
    done
    if [[ -n $reason ]]; then unavailable[vr-ab]=$reason unavailable[vr-abc]=$reason; fi
}

# bench_first_pass PATH TRIES WHAT LABEL CMD...: runs CMD (which sets res) up to TRIES times, a second apart, until it
# succeeds. If it never does, a vanrouter PATH is unavailable ("no WHAT through it: $res"), "LABEL on PATH failed"
# is logged, and it returns 1.
bench_first_pass() {
    local path=$1 tries=$2 what=$3 label=$4 i
    shift 4
    for ((i = 0; i < tries; i++)); do
        if "$@"; then return 0; fi
        sleep 1
    done
    # shellcheck disable=SC2004 # unavailable is an associative array, declared by the script
    if [[ $path == vr-* ]]; then unavailable[$path]=$(bench_router_reason "no $what through it: $res" a b c); fi
    log "$label on $path failed: $res"
    return 1
}

# bench_log_unavailable: logs why each vanrouter path cannot be measured.
bench_log_unavailable() {
    local path
    for path in vr-ab vr-abc; do
        if [[ -n ${unavailable[$path]:-} ]]; then log "vanrouter path unavailable: $path: ${unavailable[$path]}"; fi
    done
}

bench_routers_of() { if [[ $1 == vr-ab ]]; then echo "a b"; else echo "a b c"; fi; } # bench_routers_of PATH

# bench_router_pids PATH: the pids (and session ids) of the routers of a vanrouter path, one a line.
bench_router_pids() {
    local r
    for r in $(bench_routers_of "$1"); do echo "${router_pid[$r]}"; done
}

# bench_carriers PATH: the session ids of the processes that carry a path's traffic: its routers, or the relays in
# relay_sids[PATH] (words); none for direct.
bench_carriers() {
    local sid
    case "$1" in
        vr-*) bench_router_pids "$1" ;;
        *) for sid in ${relay_sids[$1]:-}; do echo "$sid"; done ;;
    esac
}

# bench_path_down ROUND PATH CASE: true, with an NA row, when PATH is a vanrouter path that was found unavailable or
# one of whose routers has exited.
bench_path_down() {
    local r
    [[ $2 == vr-* ]] || return 1
    if [[ -z ${unavailable[$2]:-} ]]; then
        for r in $(bench_routers_of "$2"); do
            if ! kill -0 "${router_pid[$r]}" 2> /dev/null; then unavailable[$2]=$(bench_router_reason "" a b c); fi
        done
    fi
    [[ -n ${unavailable[$2]:-} ]] || return 1
    row "$1" "$2" "$3" all NA "vanrouter path unavailable: ${unavailable[$2]}"
}

# bench_rss_rows ROUND PATH CASE: on a vanrouter path, a row with each of its routers' RSS in MiB.
bench_rss_rows() {
    local r rss
    [[ $2 == vr-* ]] || return 0
    for r in $(bench_routers_of "$2"); do
        if rss=$(python3 "$helper" rss "${router_pid[$r]}" 2> /dev/null); then
            row "$1" "$2" "$3" "rss_${r}_mib" "$rss"
        fi
    done
}

# bench_rotated_rounds: runs measure ROUND PATH CASE for every round, case and path; the order of the paths rotates
# with the round and the case, so that no path always runs first or after the same one.
bench_rotated_rounds() {
    local round ci np k
    np=${#paths[@]}
    for ((round = 1; round <= rounds; round++)); do
        for ci in "${!cases[@]}"; do
            for ((k = 0; k < np; k++)); do
                measure "$round" "${paths[$(((round - 1 + ci + k) % np))]}" "${cases[$ci]}"
            done
        done
    done
}

# bench_router_counters SUBCOMMAND: counters, the Markdown rows of $helper's SUBCOMMAND for routers a, b and c (or
# why a router gave none); empty without routers.
bench_router_counters() {
    local r c mgmt_var
    counters=""
    ((vr_wanted)) || return 0
    for r in a b c; do
        mgmt_var="mgmt_$r"
        if c=$(python3 "$helper" "$1" "${!mgmt_var}" "${r^^}" 2>&1); then
            counters+=$c$'\n'
        else
            counters+="| ${r^^} | no status: ${c//$'\n'/ } |"$'\n'
        fi
    done
}

# The MQTT and AMQP benches: scenarios (array) asked for, routers vr_routers with router a their hub, one load
# generator run per measurement.

bench_want() { [[ " ${scenarios[*]} " == *" $1 "* ]]; } # bench_want SCENARIO: asked for
# shellcheck disable=SC2053 # $1 is a pattern
bench_want_any() { local s; for s in "${scenarios[@]}"; do [[ $s == $1 ]] && return 0; done; return 1; } # PATTERN

# bench_wait_hub: waits up to 30 s until router a routes to the other vr_routers; if not, vr_unavailable says why
# (the last of the routers that has exited, or the wait's error) and bench_wait_hub returns 1.
bench_wait_hub() {
    local err rev
    vr_unavailable=""
    err=$(python3 "$helper" wait-routes "${mgmt_port[a]}" 30 "${vr_routers[@]:1}" 2>&1) && return 0
    mapfile -t rev < <(printf '%s\n' "${vr_routers[@]}" | tac)
    vr_unavailable=$(bench_router_reason "$err" "${rev[@]}")
    return 1
}

# bench_gen_run ROUND SCENARIO OUT ARG...: one load generator run (java gen_opts -cp gen_cp ARG...), output in OUT and
# OUT.err. On success a row per key=value of its last "result" line, which is in gen_line; gen_sent, the messages
# sent; gen_ticks, the CPU clock ticks of the pids in the array procs over the run; gen_ns, its length. On failure
# an NA row and a log line, and it returns 1.
bench_gen_run() {
    local round=$1 sc=$2 out=$3 cpu0 cpu1 t0 t1 kv why
    shift 3
    cpu0=$(bench_cpu_ticks "${procs[@]}")
    t0=$(date +%s%N)
    if timeout $((warmup + secs + 90)) java "${gen_opts[@]}" -cp "$gen_cp" "$@" > "$out" 2> "$out.err"; then
        cpu1=$(bench_cpu_ticks "${procs[@]}")
        t1=$(date +%s%N)
        gen_ticks=$((cpu1 - cpu0)) gen_ns=$((t1 - t0))
        gen_line=$(grep '^result ' "$out" | tail -n 1)
        for kv in ${gen_line#result }; do
            row "$round" "$sc" "${kv%%=*}" "${kv#*=}"
        done
        gen_sent=$(sed -n 's/.* sent=\([0-9]*\).*/\1/p' <<< "$gen_line")
        return 0
    fi
    why=$(tail -n 3 "$out.err" | tr '\n' ' ')
    row "$round" "$sc" all NA "load generator failed: ${why:-timeout}"
    log "round $round $sc: FAILED: ${why:-timeout}"
    return 1
}

# bench_group_rounds GROUP...: every round measures the wanted scenarios of each GROUP (words) back to back, in the
# GROUP's order in odd rounds and reversed in even rounds (measure ROUND SCENARIO).
bench_group_rounds() {
    local round g sc members
    for ((round = 1; round <= rounds; round++)); do
        for g in "$@"; do
            read -r -a members <<< "$g"
            if ((round % 2 == 0)); then mapfile -t members < <(printf '%s\n' "${members[@]}" | tac); fi
            for sc in "${members[@]}"; do
                if bench_want "$sc"; then measure "$round" "$sc"; fi
            done
        done
    done
}

# bench_raw_csv COLUMNS: $csv is $work/raw.csv with the header line COLUMNS (comma-separated, the last one a note),
# to which row FIELD... [NOTE] appends a line.
bench_raw_csv() {
    local commas=${1//[^,]/}
    csv="$work/raw.csv"
    csv_fields=${#commas}
    echo "$1" > "$csv"
}
row() { bench_csv_row "$csv" "$csv_fields" "$@"; }

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
