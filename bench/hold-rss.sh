#!/usr/bin/env bash
# The tcp-benchmark.sh hold step alone: routers A->B in front of redis-server, N connections held open through them,
# peak RSS of each router; optionally Native Memory Tracking of both while the connections are held.
#
# Usage:   bench/hold-rss.sh [--hold N] [--secs N] [--warm N] [--nmt] [--jar PATH] [--out DIR]
#   --hold N    connections held open through A->B (default 1000)
#   --secs N    seconds the connections stay open after every one answered two PINGs (default 8)
#   --warm N    seconds of traffic first (redis-benchmark, 50 clients, then 50 new connections at a time), as the
#               full benchmark's cases leave the routers before its hold step (default 0: none)
#   --nmt       start the routers with -XX:NativeMemoryTracking=summary; writes nmt-a.txt and nmt-b.txt (jcmd
#               VM.native_memory summary) while the connections are held. NMT itself costs a few MiB of RSS.
#   --jar PATH  the router jar (default router-daemon/target/vanrouter.jar; not built here)
#   --out DIR   configs, logs and NMT files go to DIR (default a new temp dir)
# JVM flags from config/jvm.options (VANROUTER_JAVA_OPTS replaces them); BENCH_TLS and BENCH_ROUTING shape the routers'
# configs as in the other scripts (bench/lib.sh, bench_router_conf). Run it under the shared locks, like every
# benchmark. Prints ok=N and peak_rss_mib_a/b. See docs/benchmarks.md, "Memory holding 1,000 connections".
set -euo pipefail

hold_n=1000
secs=8
warm=0
nmt=0
jar=""
out_dir=""
while (($#)); do
    case "$1" in
        --hold) hold_n=${2:?}; shift 2 ;;
        --secs) secs=${2:?}; shift 2 ;;
        --warm) warm=${2:?}; shift 2 ;;
        --nmt) nmt=1; shift ;;
        --jar) jar=${2:?}; shift 2 ;;
        --out) out_dir=${2:?}; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
        *) echo "hold-rss: unknown option $1" >&2; exit 2 ;;
    esac
done

repo=$(cd "$(dirname "$0")/.." && pwd)
helper="$repo/bench/tcp_bench.py"
jar=${jar:-$repo/router-daemon/target/vanrouter.jar}
[[ -f $jar ]] || { echo "hold-rss: no $jar" >&2; exit 1; }
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
if [[ -n $out_dir ]]; then mkdir -p "$out_dir"; work=$(cd "$out_dir" && pwd); else work=$(mktemp -d); fi
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
ulimit -n "$(ulimit -Hn | sed 's/unlimited/65536/')" 2> /dev/null || true

read -r -a port < <(python3 "$helper" free-ports 6)
p_redis=${port[0]} p_front=${port[1]} link_a=${port[2]} link_b=${port[3]} mgmt_a=${port[4]} mgmt_b=${port[5]}
bench_start redis-server redis-server --port "$p_redis" --bind 127.0.0.1 --save '' --appendonly no \
    --protected-mode no --dir "$work" --maxclients 10000

tcp_section() { # tcp_section KIND PORT
    printf 'tcp:\n  %s:\n    - address: hold-redis\n      host: 127.0.0.1\n      port: %s\n' "$1" "$2"
}
{ bench_router_conf holdrss a "$link_a" "$mgmt_a" "$link_b"; tcp_section listeners "$p_front"; } > "$work/router-a.yaml"
{ bench_router_conf holdrss b "$link_b" "$mgmt_b" -; tcp_section connectors "$p_redis"; } > "$work/router-b.yaml"

bench_java_opts
if ((nmt)); then java_opts+=(-XX:NativeMemoryTracking=summary); fi
declare -A pid=()
for r in b a; do
    bench_start "router-$r" java "${java_opts[@]}" -jar "$jar" run --config "$work/router-$r.yaml"
    pid[$r]=$last_pid
done
python3 "$helper" wait-routes "$mgmt_a" 30 b > /dev/null
python3 "$helper" probe "$p_front" 30

if ((warm > 0)); then
    log "warm-up: ${warm} s of redis-benchmark, 50 clients, kept and new connections"
    timeout "$((warm + 30))" redis-benchmark -h 127.0.0.1 -p "$p_front" -c 50 -k 1 -n "$((warm * 10000))" \
        -t ping_mbulk -q > /dev/null 2>&1 || log "warm-up (kept connections) failed"
    timeout "$((warm + 30))" redis-benchmark -h 127.0.0.1 -p "$p_front" -c 50 -k 0 -n "$((warm * 1000))" \
        -t ping_mbulk -q > /dev/null 2>&1 || log "warm-up (new connections) failed"
fi

log "holding $hold_n connections through A->B for $secs s"
python3 "$helper" hold "$p_front" "$hold_n" "$secs" "${pid[a]}" "${pid[b]}" > "$work/hold.out" 2>&1 &
hold_pid=$!
if ((nmt)); then
    # Every connection is carried end to end once B has opened N to redis (plus its own probe's).
    for _ in $(seq 120); do
        n=$(ss -Htn state established "( dport = :$p_redis )" | wc -l)
        ((n >= hold_n)) && break
        sleep 0.5
    done
    sleep 2
    for r in a b; do
        jcmd "${pid[$r]}" VM.native_memory summary > "$work/nmt-$r.txt" 2>&1 || true
        # RSS split into anonymous (heap, malloc, metaspace, stacks) and file-backed (libjvm, CDS, jar) pages.
        grep -E '^(VmRSS|RssAnon|RssFile|RssShmem)' "/proc/${pid[$r]}/status" >> "$work/nmt-$r.txt" || true
    done
    log "NMT while holding ($n to redis): $work/nmt-a.txt, $work/nmt-b.txt"
fi
wait "$hold_pid" || { cat "$work/hold.out" >&2; exit 1; }
sed 's/peak_rss_mib_0/peak_rss_mib_a/; s/peak_rss_mib_1/peak_rss_mib_b/' "$work/hold.out"
echo "work=$work"
