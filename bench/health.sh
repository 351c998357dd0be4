#!/usr/bin/env bash
# Is this machine quiet enough to benchmark on? Run it before any end-to-end benchmark (docs/benchmarks.md,
# "Machine health").
#
# Starts one redis-server on loopback and runs redis-benchmark with one client (PING, --requests of them): two
# processes waking each other over loopback, the shape of the TCP benchmark's 1-client case and the most sensitive to a
# host that runs other guests on this VM's cores. Prints its rate, the CPU steal during it (the share of the busy CPU
# time that the host gave to others, which the load average does not show) and the load average.
#
# Steal does not explain every slow day: the rate is also compared with --min-rate, three quarters of what this
# machine class (2 cores, AMD EPYC, docs/benchmarks.md) gives on a healthy day, about 26,000 req/s.
#
# Usage:   bench/health.sh [--requests N] [--min-rate N]
#   --requests N  PINGs (default 60000: about 2-5 s)
#   --min-rate N  the lowest healthy rate, req/s (default BENCH_HEALTH_MIN_RATE or 20000; 1 to judge by steal only)
# Exit status: 0 quiet; 3 degraded (steal above BENCH_STEAL_LIMIT %, default 10, the rate below --min-rate, or the
# 1-minute load average above 1.0 per core); 1 the check itself failed.
set -euo pipefail

requests=60000
min_rate=${BENCH_HEALTH_MIN_RATE:-20000}
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --requests=requests --min-rate=min_rate -- "$@"
bench_need_ints positive --requests "$requests" --min-rate "$min_rate"
PATH="$PATH:/usr/sbin:/sbin"
bench_need_tools health redis-server=redis-server redis-benchmark=redis-tools python3=python3

out_dir=""
bench_workdir health
read -r port < <(python3 "$repo/bench/tcp_bench.py" free-ports 1)
bench_start redis redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no
for ((i = 0; i < 100; i++)); do
    if (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then break; fi
    sleep 0.1
done
((i < 100)) || die "redis-server did not listen on port $port within 10 s (see $work/redis.log)"

mark=$(bench_cpu_mark)
redis-benchmark -p "$port" -c 1 -n "$requests" -t ping_mbulk --csv > "$work/ping.csv" 2> "$work/ping.err" \
    || die "redis-benchmark failed: $(head -c 300 "$work/ping.err")"
steal=$(bench_steal_pct "$mark")
rate=$(awk -F'"' 'NR == 2 { printf "%.0f", $4 }' "$work/ping.csv")
[[ -n $rate ]] || die "no rate in redis-benchmark's output: $(head -c 300 "$work/ping.csv")"
load=$(cut -d' ' -f1 /proc/loadavg)

echo "redis PING, 1 client, direct: $rate req/s (healthy: at least $min_rate); CPU steal $steal % of the busy CPU" \
    "time (limit $bench_steal_limit %); load average $load on $(nproc) cores"
if awk -v s="$steal" -v l="$bench_steal_limit" -v a="$load" -v n="$(nproc)" -v r="$rate" -v m="$min_rate" \
    'BEGIN { exit !(s > l || a > n || r < m) }'; then
    echo "degraded: figures measured now are not results (docs/benchmarks.md, \"Machine health\")"
    exit 3
fi
echo "quiet"
