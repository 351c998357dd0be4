#!/usr/bin/env bash
# Real router processes at scale (issue 11, point 5): I interior routers on this machine, each its own JVM, in a random
# mesh (router i dials two earlier routers), and E edge routers packed K per JVM (run --config ... --config ...), each
# dialling two random interiors (costs 1 and 10), with one TCP connector (to an echo server) and an MQTT listener of its
# own. Reports the time until every interior sees all others, the time until every edge has an active uplink, one TCP
# stream from the last edge to the first edge's connector through the network, resident memory per process and per
# router, the load; with --hold, keeps the network up that long and counts every link it lost; then stops everything it
# started. Interiors start together, edge JVMs one after another.
#
# Usage:   bench/scale-processes.sh [--routers I] [--edges E] [--edges-per-jvm K] [--heap SIZE] [--edge-heap SIZE]
#                                   [--edge-hello MS] [--hold S] [--timeout S] [--out DIR] [--no-build]
#   --routers I        interior routers, one JVM each (default 50)
#   --edges E          edge routers (default 0)
#   --edges-per-jvm K  edge routers per JVM (default 100)
#   --heap SIZE        -Xmx of each interior (default 128m, as config/jvm.options)
#   --edge-heap SIZE   -Xmx of each edge JVM (default 64m + 3m per edge)
#   --edge-hello MS    the edges' routing.helloIntervalMillis, their dead interval three times it (default 1000, the
#                      router's default); the interiors follow it on the edges' links
#   --hold S           once up, keep the network running S seconds more (default 0), then count the links lost in
#                      that time (interiors' "neighbour lost" and "edge router detached" log lines), check again that
#                      every edge has an uplink and a stream crosses, and report the CPU over the hold
#   --timeout S        give up waiting after S seconds (default 600)
#   --out DIR          configs, logs and results.md in DIR (default: a new temp dir)
#   --no-build         use the existing router-daemon/target/vanrouter.jar
# Refuses to start when MemAvailable is below an estimate of what was asked plus 3 GiB, and stops everything when
# MemAvailable falls below 3 GiB while it runs. Ports come from 10000..32767 (below the ephemeral range), checked free.
# Output:  a Markdown report on stdout and in DIR/results.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
routers=50 edges=0 per_jvm=100 heap=128m edge_heap="" timeout=600 out_dir="" build=1 edge_hello=1000 hold=0
while (($#)); do
    case $1 in
        --routers) routers=${2:?--routers needs a value}; shift 2 ;;
        --edges) edges=${2:?--edges needs a value}; shift 2 ;;
        --edges-per-jvm) per_jvm=${2:?--edges-per-jvm needs a value}; shift 2 ;;
        --heap) heap=${2:?--heap needs a value}; shift 2 ;;
        --edge-heap) edge_heap=${2:?--edge-heap needs a value}; shift 2 ;;
        --timeout) timeout=${2:?--timeout needs a value}; shift 2 ;;
        --edge-hello) edge_hello=${2:?--edge-hello needs a value}; shift 2 ;;
        --hold) hold=${2:?--hold needs a value}; shift 2 ;;
        --out) out_dir=${2:?--out needs a value}; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
((routers >= 2)) || { echo "--routers must be at least 2 (each edge dials two interiors)" >&2; exit 2; }
((per_jvm >= 1)) || { echo "--edges-per-jvm must be at least 1" >&2; exit 2; }
[[ $edge_hello =~ ^[1-9][0-9]*$ ]] || { echo "--edge-hello must be a positive number of ms" >&2; exit 2; }
[[ $hold =~ ^[0-9]+$ ]] || { echo "--hold must be a number of seconds" >&2; exit 2; }
jvms=$(((edges + per_jvm - 1) / per_jvm))
edge_heap=${edge_heap:-$((64 + 3 * per_jvm))m}
if [[ -n $out_dir ]]; then mkdir -p "$out_dir"; work=$(cd "$out_dir" && pwd); else
    work=$(mktemp -d "${TMPDIR:-/tmp}/vanrouter-scale.XXXXXX"); fi
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
trap bench_cleanup EXIT
bench_need_tools scale-processes curl=curl socat=socat python3=python3 ss=iproute2
probe=(python3 "$repo/bench/scale_probe.py")
log() { echo "[$(date +%T)] $*" >&2; }

# Estimates for the refusal only, rounded up from 10 interiors + 200 edges: ~100 MiB per interior, ~190 MiB per JVM of
# 100 edges.
floor_kib=$((3 * 1024 * 1024))
need_kib=$(((routers * 160 + jvms * 120 + edges * 4) * 1024))
avail_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if ((avail_kib < need_kib + floor_kib)); then
    echo "refusing: $routers interiors and $edges edges need about $((need_kib / 1024)) MiB and 3 GiB must stay free;" \
        "MemAvailable is $((avail_kib / 1024)) MiB" >&2
    exit 1
fi
ulimit -n "$(ulimit -Hn)" # an edge JVM holds a few sockets, listeners and epoll descriptors per edge

jar="$repo/router-daemon/target/vanrouter.jar"
if ((build)); then bench_mvn -q -DskipTests -pl router-daemon -am package; fi

mapfile -t ports < <("${probe[@]}" ports $((2 * routers + 2 * edges + 2)) 10000 32767)
next_port=0
interior_mgmt=() interior_link=() edge_mgmt=() edge_mqtt=()
for i in $(seq 0 $((routers - 1))); do
    interior_mgmt+=("${ports[next_port]}") interior_link+=("${ports[next_port + 1]}"); next_port=$((next_port + 2))
done
for e in $(seq 0 $((edges - 1))); do
    edge_mgmt+=("${ports[next_port]}") edge_mqtt+=("${ports[next_port + 1]}"); next_port=$((next_port + 2))
done
echo_port=${ports[next_port]} far_listener=${ports[next_port + 1]}

RANDOM=42 # the same network every run
for i in $(seq 0 $((routers - 1))); do
    {
        printf 'router: {id: r%03d, network: scale}\n' "$i"
        printf 'listen: [{host: 127.0.0.1, port: %d}]\n' "${interior_link[i]}"
        printf 'management: {host: 127.0.0.1, port: %d}\n' "${interior_mgmt[i]}"
        printf 'tls: {insecure: true}\n'
        printf 'routing: {ioThreads: 1, dataConnections: 0}\n'
        if ((i > 0)); then
            printf 'peers:\n'
            for peer in $((RANDOM % i)) $((RANDOM % i)); do
                printf '  - {host: 127.0.0.1, port: %d}\n' "${interior_link[peer]}"
            done | sort -u
        fi
    } > "$work/r$i.yaml"
done
for e in $(seq 0 $((edges - 1))); do
    primary=$((RANDOM % routers))
    backup=$(((primary + 1 + RANDOM % (routers - 1)) % routers)) # another interior
    {
        printf 'router: {id: e%05d, mode: edge, network: scale}\n' "$e"
        printf 'peers:\n'
        printf '  - {host: 127.0.0.1, port: %d, cost: 1}\n' "${interior_link[primary]}"
        printf '  - {host: 127.0.0.1, port: %d, cost: 10}\n' "${interior_link[backup]}"
        printf 'management: {host: 127.0.0.1, port: %d}\n' "${edge_mgmt[e]}"
        printf 'tls: {insecure: true}\n'
        printf 'routing: {ioThreads: 1, dataConnections: 0, helloIntervalMillis: %d, deadIntervalMillis: %d}\n' \
            "$edge_hello" $((3 * edge_hello))
        printf 'mqtt: {listen: {host: 127.0.0.1, port: %d}}\n' "${edge_mqtt[e]}"
        printf 'tcp:\n  connectors: [{address: svc-e%05d, host: 127.0.0.1, port: %d}]\n' "$e" "$echo_port"
        if ((e == edges - 1 && edges > 1)); then # the far edge reaches the first edge's service
            printf '  listeners: [{address: svc-e00000, host: 127.0.0.1, port: %d}]\n' "$far_listener"
        fi
    } > "$work/e$e.yaml"
done

java_opts=$(grep -v '^#' "$repo/config/jvm.options" | tr '\n' ' ')
# Edge JVMs: the routers' own flags with a heap for K edges, C1 only (less start-up CPU and code cache: edges carry
# little traffic) and smaller thread stacks (several threads per edge).
edge_opts="$java_opts -Xmx$edge_heap -XX:TieredStopAtLevel=1 -Xss512k"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
avail_start_kib=$avail_kib
check_memory() {
    local now
    now=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
    if ((now < floor_kib)); then
        log "stopping: MemAvailable $((now / 1024)) MiB is below 3 GiB"
        exit 3
    fi
}
bench_start echo socat "TCP-LISTEN:$echo_port,bind=127.0.0.1,reuseaddr,fork" EXEC:cat
started=$(date +%s.%N)
interior_pids=()
for i in $(seq 0 $((routers - 1))); do
    # shellcheck disable=SC2086 # java_opts is a list of flags
    bench_start "r$i" java $java_opts "-Xmx$heap" -Dlogback.configurationFile="$repo/config/logback.xml" \
        -jar "$jar" run --config "$work/r$i.yaml"
    interior_pids+=("$last_pid")
    check_memory
done
log "$routers interiors started"
edges_started=$(date +%s.%N) edges_up=0
edge_pids=()
for j in $(seq 0 $((jvms - 1))); do
    args=()
    for e in $(seq $((j * per_jvm)) $(((j + 1) * per_jvm - 1))); do
        ((e < edges)) && args+=(--config "$work/e$e.yaml")
    done
    # shellcheck disable=SC2086 # edge_opts is a list of flags
    bench_start "edges$j" java $edge_opts -Dlogback.configurationFile="$repo/config/logback.xml" \
        -jar "$jar" run "${args[@]}"
    edge_pids+=("$last_pid")
    # One edge JVM starting at a time: on a small machine several starting at once starve each other's hello timers
    # (dead intervals expire, links flap) and the figures measure the scheduler.
    until (($(grep -c ' running; management' "$work/edges$j.log") == ${#args[@]} / 2)); do
        kill -0 "$last_pid" 2> /dev/null || { log "edge JVM $j exited; see $work/edges$j.log"; exit 1; }
        check_memory
        sleep 0.5
    done
done
edges_up=$(python3 -c "print(round($(date +%s.%N) - $edges_started, 1))")
log "$edges edges started in $jvms JVMs in $edges_up s; waiting until each interior sees all others and each edge" \
    "has an uplink"

set +e
sample=("${interior_mgmt[0]}" "${interior_mgmt[routers / 2]}" "${interior_mgmt[routers - 1]}")
# three interiors stand for all: their tables need every record
converged=$("${probe[@]}" interiors "$started" "$timeout" "$floor_kib" $((routers - 1)) "${sample[@]}")
(($? == 3)) && { log "stopping: MemAvailable below 3 GiB"; exit 3; }
attached="none" stream="not tried"
if ((edges)); then
    attached=$("${probe[@]}" edges "$edges_started" "$timeout" "$floor_kib" "${edge_mgmt[@]}")
    (($? == 3)) && { log "stopping: MemAvailable below 3 GiB"; exit 3; }
fi
# cross_stream WHEN: one line through the far edge's listener to the first edge's connector, echoed; says how it went,
# counting from WHEN (a phrase: "after the edges were attached").
cross_stream() {
    local reply stream_start
    stream_start=$(date +%s.%N)
    for _ in $(seq 60); do
        reply=$(printf 'hello across the network\n' | timeout 10 socat -t 5 - "TCP:127.0.0.1:$far_listener" 2> /dev/null)
        if [[ $reply == "hello across the network" ]]; then
            echo "echoed (e$((edges - 1)) to e00000's connector) $(python3 -c \
                "print(round($(date +%s.%N) - $stream_start, 1))") s $1"
            return
        fi
        sleep 1 # the first edge's address may still be on its way to the far edge's uplink
    done
    echo "no echo within 60 s"
}
((edges > 1)) && stream=$(cross_stream "after the edges were attached")
set -e
# CPU of every router process over 10 s once the network is up: hellos and timers of idle routers.
cpu_ticks() {
    local pid total=0
    for pid in "${interior_pids[@]}" "${edge_pids[@]}"; do
        pid=$(pgrep -P "$pid" java || echo "$pid")
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2> /dev/null || echo 0)))
    done
    echo "$total"
}
# lost_links: links the interiors dropped so far (a neighbour's or an edge's dead interval, a closed connection).
lost_links() {
    cat "$work"/r*.log | grep -c -e 'neighbour lost' -e 'edge router detached' || true
}
window=$((hold > 0 ? hold : 10))
lost_before=$(lost_links)
ticks_before=$(cpu_ticks)
log "holding the network for $window s"
for _ in $(seq "$window"); do check_memory; sleep 1; done
idle_cpu=$(python3 -c "print(round(($(cpu_ticks) - $ticks_before) / $(getconf CLK_TCK) / $window * 100))")
held="not held"
if ((hold > 0)); then
    lost=$(($(lost_links) - lost_before))
    set +e
    reattached=$("${probe[@]}" edges "$(date +%s.%N)" "$timeout" "$floor_kib" "${edge_mgmt[@]}")
    set -e
    again="not tried"
    ((edges > 1)) && again=$(cross_stream "after the check began")
    held="$hold s: $lost links lost by the interiors in that time; then every edge still had an active uplink"
    held="$held (asking each took $reattached s); TCP edge to edge: $again"
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
avail_end_kib=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)

# proc_facts PID: "rss_kib threads fds" of the JVM (bench_start's setsid may stand between).
proc_facts() {
    local pid
    pid=$(pgrep -P "$1" java || echo "$1")
    echo "$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2> /dev/null || echo 0)" \
        "$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status" 2> /dev/null || echo 0)" \
        "$(find "/proc/$pid/fd" -mindepth 1 2> /dev/null | wc -l)"
}
{
    for pid in "${interior_pids[@]}"; do echo "interior $(proc_facts "$pid")"; done
    for j in $(seq 0 $((jvms - 1))); do
        n=$((j == jvms - 1 ? edges - j * per_jvm : per_jvm))
        echo "edges $(proc_facts "${edge_pids[j]}") $n"
    done
} > "$work/processes.txt"

python3 - "$routers" "$edges" "$per_jvm" "$heap" "$edge_heap" "$converged" "$attached" "$stream" "$load_start" \
    "$edge_hello" "$window" "$held" "$load_end" "$avail_start_kib" "$avail_end_kib" "$edges_up" "$idle_cpu" \
    "$(bench_commit "$repo")" "$(bench_machine)" "$work/processes.txt" <<'PY' | tee "$work/results.md"
import statistics, sys
(routers, edges, per_jvm, heap, edge_heap, converged, attached, stream, load_start, edge_hello, window, held, load_end,
 avail_start, avail_end,
 edges_up, idle_cpu, commit, machine, facts) = sys.argv[1:]
interiors, edge_jvms = [], []
for line in open(facts):
    kind, *values = line.split()
    (interiors if kind == "interior" else edge_jvms).append([int(v) for v in values])
mib = lambda kib: kib / 1024
print(f"### {routers} interior processes and {edges} edges, {per_jvm} per JVM (commit {commit})\n")
print(f"`bench/scale-processes.sh --routers {routers} --edges {edges} --edges-per-jvm {per_jvm} --heap {heap} "
      f"--edge-heap {edge_heap} --edge-hello {edge_hello}`; {machine}.\n")
print(f"- every interior saw all {int(routers) - 1} others reachable after: {converged} s (from the first start, "
      "JVM start-up included)")
if int(edges):
    print(f"- edge JVMs started one after another (each once all its edges run): all {edges} edges running after "
          f"{edges_up} s")
    print(f"- every edge had an active uplink after: {attached} s (from the first edge JVM's start)")
    print(f"- TCP edge to edge through the network: {stream}")
    print(f"- edges' hello interval {edge_hello} ms, dead interval {3 * int(edge_hello)} ms; held up: {held}")
rss = [mib(f[0]) for f in interiors if f[0]]
if rss:
    print(f"- interiors, resident memory per process: median {statistics.median(rss):.0f} MiB, min {min(rss):.0f}, "
          f"max {max(rss):.0f}; threads median {statistics.median(f[1] for f in interiors):.0f}, "
          f"file descriptors max {max(f[2] for f in interiors)}")
jvm_rss = [mib(f[0]) for f in edge_jvms if f[0]]
if jvm_rss:
    per_edge = [mib(f[0]) / f[3] for f in edge_jvms if f[0]]
    print(f"- edge JVMs, resident memory per JVM: median {statistics.median(jvm_rss):.0f} MiB, min "
          f"{min(jvm_rss):.0f}, max {max(jvm_rss):.0f}; per edge (JVM / edges in it) median "
          f"{statistics.median(per_edge):.1f} MiB; threads per JVM median {statistics.median(f[1] for f in edge_jvms):.0f},"
          f" file descriptors max {max(f[2] for f in edge_jvms)}")
total = sum(rss) + sum(jvm_rss)
print(f"- all routers: {total / 1024:.1f} GiB resident; MemAvailable {mib(int(avail_start)) / 1024:.1f} GiB before, "
      f"{mib(int(avail_end)) / 1024:.1f} GiB after")
print(f"- CPU of all router processes once up, over {window} s: {idle_cpu} % of one core; load average {load_start} at "
      f"the start, {load_end} at the end")
PY
