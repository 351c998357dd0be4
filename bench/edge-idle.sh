#!/usr/bin/env bash
# What an idle edge router costs (issue 11, point 5): 2 interior routers (a JVM each) and N edge routers in one JVM
# (run --config ... --config ...), each edge dialling both interiors (costs 1 and 10, primaries alternating) with a TCP
# connector and an MQTT listener of its own, as bench/scale-processes.sh builds them. Once every edge has an active
# uplink and the network has settled, measures over a window with nothing happening: CPU seconds of the edge JVM per
# edge per minute (utime + stime from /proc/PID/stat), the same split by thread kind (jcmd Thread.print), threads and
# resident memory per edge, and each interior's CPU. Several jars are measured alternately, round after round, so that
# a before/after comparison sees the same machine.
#
# Usage:   bench/edge-idle.sh [--edges N] [--settle S] [--measure S] [--rounds R] [--out DIR] LABEL=JAR[@MS]...
#   --edges N      edge routers in the edge JVM (default 100)
#   --settle S     seconds to wait after every edge is attached (default 20)
#   --measure S    the measurement window in seconds (default 60)
#   --rounds R     how many times each jar is measured, alternating (default 2)
#   --out DIR      configs, logs, results.tsv and results.md in DIR (default: a new temp dir)
#   LABEL=JAR      a vanrouter.jar to measure and its name in the report, e.g. before=/tmp/a.jar after=target/vanrouter.jar
#   LABEL=JAR@MS   the same with the edges' routing.helloIntervalMillis set to MS (dead interval 3 x MS); without it
#                  the router's default (1000)
# Run it under the bench lock, beside no build: flock /tmp/vanrouter-bench.lock flock /tmp/vanrouter-mvn.lock ...
# Output:  a Markdown report on stdout and in DIR/results.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
edges=100 settle=20 measure=60 rounds=2 out_dir="" jars=()
while (($#)); do
    case $1 in
        --edges) edges=${2:?--edges needs a value}; shift 2 ;;
        --settle) settle=${2:?--settle needs a value}; shift 2 ;;
        --measure) measure=${2:?--measure needs a value}; shift 2 ;;
        --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
        --out) out_dir=${2:?--out needs a value}; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *=*) jars+=("$1"); shift ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
((${#jars[@]})) || { echo "name at least one LABEL=JAR (see --help)" >&2; exit 2; }
if [[ -n $out_dir ]]; then mkdir -p "$out_dir"; work=$(cd "$out_dir" && pwd); else
    work=$(mktemp -d "${TMPDIR:-/tmp}/vanrouter-edge-idle.XXXXXX"); fi
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
trap bench_cleanup EXIT
bench_need_tools edge-idle curl=curl socat=socat python3=python3 ss=iproute2 jcmd=openjdk-17-jdk-headless
probe=(python3 "$repo/bench/scale_probe.py")
idle=(python3 "$repo/bench/edge_idle.py")
log() { echo "[$(date +%T)] $*" >&2; }
ulimit -n "$(ulimit -Hn)"

mapfile -t ports < <("${probe[@]}" ports $((4 + 2 * edges + 1)) 10000 32767)
r_mgmt=("${ports[0]}" "${ports[1]}") r_link=("${ports[2]}" "${ports[3]}")
edge_mgmt=() edge_mqtt=()
for e in $(seq 0 $((edges - 1))); do edge_mgmt+=("${ports[4 + 2 * e]}") edge_mqtt+=("${ports[5 + 2 * e]}"); done
echo_port=${ports[4 + 2 * edges]}
for i in 0 1; do
    {
        printf 'router: {id: r%03d, network: idle}\n' "$i"
        printf 'listen: [{host: 127.0.0.1, port: %d}]\n' "${r_link[i]}"
        printf 'management: {host: 127.0.0.1, port: %d}\n' "${r_mgmt[i]}"
        printf 'tls: {insecure: true}\n'
        printf 'routing: {ioThreads: 1, dataConnections: 0}\n'
        ((i == 1)) && printf 'peers: [{host: 127.0.0.1, port: %d}]\n' "${r_link[0]}"
    } > "$work/r$i.yaml"
done
# write_edge_configs DIR HELLO_MS: the edges' configurations, HELLO_MS empty for the router's default intervals.
write_edge_configs() {
    local dir=$1 hello=$2 e primary backup
    mkdir -p "$dir"
    for e in $(seq 0 $((edges - 1))); do
        primary=$((e % 2)) backup=$((1 - e % 2))
        {
            printf 'router: {id: e%05d, mode: edge, network: idle}\n' "$e"
            printf 'peers:\n'
            printf '  - {host: 127.0.0.1, port: %d, cost: 1}\n' "${r_link[primary]}"
            printf '  - {host: 127.0.0.1, port: %d, cost: 10}\n' "${r_link[backup]}"
            printf 'management: {host: 127.0.0.1, port: %d}\n' "${edge_mgmt[e]}"
            printf 'tls: {insecure: true}\n'
            if [[ -n $hello ]]; then
                printf 'routing: {ioThreads: 1, dataConnections: 0, helloIntervalMillis: %d, deadIntervalMillis: %d}\n' \
                    "$hello" $((3 * hello))
            else
                printf 'routing: {ioThreads: 1, dataConnections: 0}\n'
            fi
            printf 'mqtt: {listen: {host: 127.0.0.1, port: %d}}\n' "${edge_mqtt[e]}"
            printf 'tcp:\n  connectors: [{address: svc-e%05d, host: 127.0.0.1, port: %d}]\n' "$e" "$echo_port"
        } > "$dir/e$e.yaml"
    done
}
java_opts=$(grep -v '^#' "$repo/config/jvm.options" | tr '\n' ' ')
edge_opts="$java_opts -Xmx$((64 + 3 * edges))m -XX:TieredStopAtLevel=1 -Xss512k" # as bench/scale-processes.sh
bench_start echo socat "TCP-LISTEN:$echo_port,bind=127.0.0.1,reuseaddr,fork" EXEC:cat

# jvm_pid PID: the java process bench_start's setsid started.
jvm_pid() { pgrep -P "$1" java || echo "$1"; }
stop_all_but_echo() {
    local pid
    for pid in "${pids[@]:1}"; do kill -TERM -- "-$pid" 2> /dev/null || true; done
    for pid in "${pids[@]:1}"; do while kill -0 "$pid" 2> /dev/null; do sleep 0.2; done; done
    pids=("${pids[0]}")
}

: > "$work/results.tsv"
for round in $(seq 1 "$rounds"); do
    for spec in "${jars[@]}"; do
        label=${spec%%=*} jar=${spec#*=} hello=""
        if [[ $jar == *@* ]]; then hello=${jar##*@} jar=${jar%@*}; fi
        [[ -z $hello || $hello =~ ^[1-9][0-9]*$ ]] || { echo "bad hello interval in $spec" >&2; exit 2; }
        write_edge_configs "$work/$label" "$hello"
        edge_args=()
        for e in $(seq 0 $((edges - 1))); do edge_args+=(--config "$work/$label/e$e.yaml"); done
        log "round $round, $label ($jar): starting 2 interiors and $edges edges"
        interior_pids=()
        for i in 0 1; do
            # shellcheck disable=SC2086 # java_opts is a list of flags
            bench_start "$label-$round-r$i" java $java_opts -Dlogback.configurationFile="$repo/config/logback.xml" \
                -jar "$jar" run --config "$work/r$i.yaml"
            interior_pids+=("$last_pid")
        done
        "${probe[@]}" interiors "$(date +%s)" 120 0 1 "${r_mgmt[@]}" > /dev/null \
            || { log "interiors did not see each other; see $work/$label-$round-r*.log"; exit 1; }
        # shellcheck disable=SC2086 # edge_opts is a list of flags
        bench_start "$label-$round-edges" java $edge_opts -Dlogback.configurationFile="$repo/config/logback.xml" \
            -jar "$jar" run "${edge_args[@]}"
        edge_pid=$last_pid
        attached=$("${probe[@]}" edges "$(date +%s)" 300 0 "${edge_mgmt[@]}") \
            || { log "edges not attached; see $work/$label-$round-edges.log"; exit 1; }
        log "all $edges edges attached after $attached s; settling $settle s"
        sleep "$settle" # the window must see idle routers, not start-up
        jvm=$(jvm_pid "$edge_pid") r0=$(jvm_pid "${interior_pids[0]}") r1=$(jvm_pid "${interior_pids[1]}")
        load=$(cut -d' ' -f1 /proc/loadavg)
        "${idle[@]}" threads "$jvm" > "$work/threads-before"
        e0=$("${idle[@]}" cpu "$jvm") i0=$(($("${idle[@]}" cpu "$r0") + $("${idle[@]}" cpu "$r1")))
        t0=$(date +%s.%N)
        sleep "$measure" # the measurement window: nothing but the routers' own timers runs
        e1=$("${idle[@]}" cpu "$jvm") i1=$(($("${idle[@]}" cpu "$r0") + $("${idle[@]}" cpu "$r1")))
        t1=$(date +%s.%N)
        "${idle[@]}" threads "$jvm" > "$work/threads-after"
        load="$load-$(cut -d' ' -f1 /proc/loadavg)"
        read -r rss threads < <("${idle[@]}" facts "$jvm")
        read -r irss ithreads < <("${idle[@]}" facts "$r0")
        kinds=$(join -a1 -a2 -e0 -o 0,1.2,2.2,2.3 <(sort "$work/threads-before") <(sort "$work/threads-after") \
            | awk '{ printf "%s%s=%.1f/%s", (NR > 1 ? "," : ""), $1, $3 - $2, $4 }')
        tck=$(getconf CLK_TCK)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$round" "$edges" \
            "$(python3 -c "print(round($t1 - $t0, 2))")" "$load" \
            "$(python3 -c "print(($e1 - $e0) / $tck)")" "$threads" "$rss" \
            "$(python3 -c "print(($i1 - $i0) / $tck)")" "$ithreads" "$irss" "$kinds" >> "$work/results.tsv"
        log "round $round, $label: $(tail -n 1 "$work/results.tsv" | cut -f 5-10)"
        stop_all_but_echo
    done
done
{
    echo "### Idle edges: $edges in one JVM, 2 interiors (commit $(bench_commit "$repo"))"
    echo
    echo "\`bench/edge-idle.sh --edges $edges --settle $settle --measure $measure --rounds $rounds ${jars[*]}\`;" \
        "$(bench_machine). Load: 1-minute load average at the start and the end of each window."
    echo
    "${idle[@]}" report "$work/results.tsv"
} | tee "$work/results.md"
