#!/usr/bin/env bash
# One-client PINGs beside a bulk stream, with the PINGs' path and the bulk's path crossed: each of socat and routers
# a - b carries the PINGs while no bulk, a bulk through socat, or a bulk through the routers runs beside them. It tells
# a router that slows its own PINGs by what it does with its bulk (PINGs through the routers slower beside the routers'
# bulk than beside socat's) from PINGs that lose to any busy core (the same loss beside either).
#
# Usage:   bench/cross-bulk.sh [--rounds N] [--requests N] [--rate R] [--jar PATH] [--out DIR]
#   --rounds N    rounds; each runs all six pairs in turn (default 2)
#   --requests N  redis-benchmark requests per measurement (default 40000)
#   --rate R      the bulk stream's cap (iperf3 -b), the same on both paths so that they carry the same load
#                 (default 5G; 0 for none)
#   --jar PATH    the router jar (default router-daemon/target/vanrouter.jar; not built here)
#   --out DIR     configs, logs and raw.csv go to DIR (default a new temp dir)
# JVM flags from config/jvm.options (VANROUTER_JAVA_OPTS replaces them). Run it on a quiet machine. Prints a Markdown
# table, one row per measurement (req/s, p50 and p99 in ms, the bulk's Gbit/s), also in raw.csv. See
# docs/benchmarks.md, "Session 23".
set -euo pipefail

rounds=2
requests=40000
rate=5G
jar=""
out_dir=""
repo=$(cd "$(dirname "$0")/.." && pwd)
helper="$repo/bench/tcp_bench.py"
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
bench_parse_options --rounds=rounds --requests=requests --rate=rate --jar=jar --out=out_dir -- "$@"
bench_need_ints positive --rounds "$rounds" --requests "$requests"
jar=${jar:-$repo/router-daemon/target/vanrouter.jar}
[[ -f $jar ]] || die "no $jar (build it: mvn -B -q install -DskipTests)"
for tool in redis-server redis-benchmark iperf3 socat; do
    command -v "$tool" > /dev/null || die "$tool is missing (apt-get install -y redis-server redis-tools iperf3 socat)"
done
bench_workdir crossbulk
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

read -r -a port < <(python3 "$helper" free-ports 10)
((${#port[@]} == 10)) || die "could not find free ports"
p_redis=${port[0]} p_iperf=${port[1]} link_a=${port[4]} link_b=${port[5]} mgmt_a=${port[6]} mgmt_b=${port[7]}
declare -A front=([socat:redis]=${port[2]} [socat:iperf]=${port[3]} [vr:redis]=${port[8]} [vr:iperf]=${port[9]})
bench_start redis-server redis-server --port "$p_redis" --bind 127.0.0.1 --save '' --appendonly no \
    --protected-mode no --dir "$work"
bench_start iperf3-server iperf3 -s -B 127.0.0.1 -p "$p_iperf"
for svc in redis iperf; do
    target=$p_redis
    if [[ $svc == iperf ]]; then target=$p_iperf; fi
    bench_start "socat-$svc" socat "TCP-LISTEN:${front[socat:$svc]},fork,reuseaddr" "TCP:127.0.0.1:$target"
done

tcp_section() { # tcp_section KIND REDIS_PORT IPERF_PORT
    printf 'tcp:\n  %s:\n' "$1"
    printf '    - address: cross-redis\n      host: 127.0.0.1\n      port: %s\n' "$2"
    printf '    - address: cross-iperf\n      host: 127.0.0.1\n      port: %s\n' "$3"
}
{ bench_router_conf crossbulk a "$link_a" "$mgmt_a" "$link_b"; tcp_section listeners "${front[vr:redis]}" \
    "${front[vr:iperf]}"; } > "$work/router-a.yaml"
{ bench_router_conf crossbulk b "$link_b" "$mgmt_b" -; tcp_section connectors "$p_redis" "$p_iperf"; } \
    > "$work/router-b.yaml"
bench_java_opts
for r in b a; do
    bench_start "router-$r" java "${java_opts[@]}" -jar "$jar" run --config "$work/router-$r.yaml"
done
python3 "$helper" wait-routes "$mgmt_a" 30 b > /dev/null
python3 "$helper" probe "${front[vr:redis]}" 30
python3 "$helper" probe "${front[socat:redis]}" 10

pings() { # pings PATH N: "rps p50 p99" of N one-client PINGs through PATH
    redis-benchmark -h 127.0.0.1 -p "${front[$1:redis]}" -c 1 -k 1 -n "$2" -t ping_mbulk --csv --precision 3 \
        > "$work/pings.csv" 2> "$work/pings.err" || die "redis-benchmark through $1 failed: $(head -c 300 "$work/pings.err")"
    python3 "$helper" parse-redis "$work/pings.csv"
}
log "warm-up (not recorded): PINGs and a 3 s bulk through the routers"
pings vr "$requests" > /dev/null
iperf3 -c 127.0.0.1 -p "${front[vr:iperf]}" -t 3 > /dev/null
pings vr "$requests" > /dev/null

bulk_args=()
if [[ $rate != 0 ]]; then bulk_args=(-b "$rate"); fi
csv="$work/raw.csv"
echo "round,pings,bulk,rps,p50_ms,p99_ms,bulk_gbps" > "$csv"
echo "# vanrouter cross-bulk benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: bench/cross-bulk.sh --rounds $rounds --requests $requests --rate $rate"
echo "- commit: $(bench_commit "$repo"), machine: $(bench_machine), load at the start: $load_start"
echo "- routers: java ${java_opts[*]}"
echo
echo "| round | PINGs through | bulk through | req/s | p50 ms | p99 ms | bulk Gbit/s |"
echo "|---:|---|---|---:|---:|---:|---:|"
for round in $(seq "$rounds"); do
    for ping_path in socat vr; do
        for bulk_path in none socat vr; do
            bulk_pid="" gbps=""
            if [[ $bulk_path != none ]]; then
                # Long enough to outlast the PINGs at any rate this machine gives; stopped once they are done.
                iperf3 -c 127.0.0.1 -p "${front[$bulk_path:iperf]}" -t 60 -f g "${bulk_args[@]}" \
                    > "$work/bulk.txt" 2>&1 &
                bulk_pid=$!
                sleep 1
            fi
            read -r rps p50 p99 <<< "$(pings "$ping_path" "$requests")"
            if [[ -n $bulk_pid ]]; then
                kill -INT "$bulk_pid" 2> /dev/null || true
                wait "$bulk_pid" || true
                # Interrupted, iperf3 reports what its sender sent (the receiver's side is not exchanged).
                gbps=$(awk '/sender$/ { for (i = 2; i <= NF; i++) if ($i == "Gbits/sec") print $(i - 1) }' \
                    "$work/bulk.txt")
            fi
            echo "$round,$ping_path,$bulk_path,$rps,$p50,$p99,$gbps" >> "$csv"
            echo "| $round | $ping_path | $bulk_path | $rps | $p50 | $p99 | ${gbps:--} |"
        done
    done
done
echo
echo "- load at the end: $(cut -d' ' -f1-3 /proc/loadavg); raw: $csv"
