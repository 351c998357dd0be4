#!/usr/bin/env bash
# UDP adaptor benchmark (issue 12, acceptance point 4): throughput and loss against socat UDP, paths alternated.
#
# Paths:   direct (client -> server port), socat relays (TCP and UDP on one port number), vanrouter A->B, A->B->C.
#          iperf3 -u controls its test over TCP and sends its datagrams over UDP to the same port number, so each
#          path has a TCP and a UDP relay on one port: two socat processes, or a tcp: and a udp: listener (router A)
#          and connector (router B or C) for one address name. socat: TCP-LISTEN,fork -> TCP and
#          socat -T 30 UDP4-LISTEN,fork -> UDP4 (one child per client), rcvbuf 1 MiB on its UDP sockets; iperf3 runs
#          with -w 1M: the receive buffer the vanrouter listener asks for, so no path loses to a small default buffer.
# Cases:   rate100m, rate500m, rate1g   iperf3 -u -l 1400 at an offered rate: received Mbit/s, loss %, jitter
#          ratemax                      iperf3 -u -l 1400 -b 0 (as fast as the client sends): offered and received
#          knee                         bisection over offered rates: the highest with loss <= 1 % (steps of
#                                       min(S, 3) s)
#          small64                      iperf3 -u -l 64 -b 0: received datagrams/s, loss %
#          dns                          dnsperf (4 clients, 100 outstanding) against dnsmasq: queries/s, lost %,
#                                       latency (skipped with a note when dnsperf is missing and cannot be installed)
# CPU:     utime+stime (/proc/PID/stat) of the routers of a vanrouter path, or of the socat relays (forked children
#          included), before and after every case: CPU seconds per GiB received (and per million datagrams for
#          small64, per 10,000 answered queries for dns).
# Output:  progress on stderr, a Markdown report on stdout and in RESULTS_DIR/results.md (a warning at the top when the
#          machine was busy at the start; load average and busiest processes; medians, per-round ratios to socat,
#          spread and every round's figures; the routers' UDP drop counters at the end), raw numbers per round in
#          RESULTS_DIR/raw.csv (RESULTS_DIR is a new temp dir unless --out is given; logs and configs are kept there).
#
# Usage:   bench/udp-benchmark.sh [--seconds N] [--rounds N] [--quick] [--paths LIST] [--cases LIST] [--no-build]
#   --seconds N   length of each measurement (default 10; all cases and paths, 3 rounds: about 20 minutes)
#   --rounds N    rounds; each round runs every case once on every path, paths in rotated order (default 3)
#   --quick       smoke run: --seconds 1 --rounds 2 (a few minutes with all four paths)
#   --paths LIST  comma-separated subset of direct,socat,vr-ab,vr-abc (default all)
#   --cases LIST  comma-separated subset of rate100m,rate500m,rate1g,ratemax,knee,small64,dns (default all)
#   --no-build    use the existing router-daemon/target/vanrouter.jar instead of building it first
#   --out DIR     write results.md, raw.csv, configs and logs to DIR (created if needed) instead of a new temp dir
# Run it alone on a quiet machine, under flock /tmp/vanrouter-bench.lock. Builds with Maven online (BENCH_MVN_ARGS=-o
# for offline, see bench/lib.sh); installs missing Debian packages when run as root (iperf3, socat, dnsmasq-base,
# dnsperf), otherwise prints the apt-get line. See docs/benchmarks.md, section "UDP adaptor".
set -euo pipefail

secs=10
rounds=3
build=1
paths_arg="direct,socat,vr-ab,vr-abc"
all_cases="rate100m,rate500m,rate1g,ratemax,knee,small64,dns"
cases_arg=$all_cases
out_dir=""
cmdline="bench/udp-benchmark.sh $*"
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --seconds=secs --rounds=rounds --quick:secs=1,rounds=2 --paths=paths_arg --cases=cases_arg \
    --no-build:build=0 --out=out_dir -- "$@"
bench_need_ints positive --seconds "$secs" --rounds "$rounds"
bench_list paths path direct,socat,vr-ab,vr-abc "$paths_arg"
bench_list cases case "$all_cases" "$cases_arg"
want_dns=0
if [[ ,$cases_arg, == *,dns,* ]]; then want_dns=1; fi

helper="$repo/bench/udp_bench.py"
jar="$repo/router-daemon/target/vanrouter.jar"
PATH="$PATH:/usr/sbin:/sbin"

# ---------------------------------------------------------------------------------------------------------- tools
tools=(iperf3=iperf3 socat=socat python3=python3 java=openjdk-17-jre-headless flock=util-linux setsid=util-linux
    timeout=coreutils)
if ((build)) && [[ " ${paths[*]} " == *" vr-"* ]]; then tools+=("${bench_build_tools[@]}"); fi
bench_need_tools udp-benchmark "${tools[@]}"
dns_skip=""
if ((want_dns)); then
    # dnsperf is not in every distribution: without it (and not root to install it) the dns case is skipped, not fatal.
    if ! command -v dnsperf > /dev/null || ! command -v dnsmasq > /dev/null; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
            (bench_need_tools udp-benchmark dnsperf=dnsperf dnsmasq=dnsmasq-base) || true
        fi
    fi
    if ! command -v dnsperf > /dev/null; then dns_skip="dnsperf not installed (apt-get install dnsperf)"; fi
    if ! command -v dnsmasq > /dev/null; then dns_skip="dnsmasq not installed (apt-get install dnsmasq-base)"; fi
    if [[ -n $dns_skip ]]; then log "dns case skipped: $dns_skip"; fi
fi

bench_real_python3

# ---------------------------------------------------------------------------------------------------------- setup
bench_snapshot_start "$helper" # before anything of ours runs
bench_workdir udpbench
start() { bench_start "$@"; }
if ((build)) && [[ " ${paths[*]} " == *" vr-"* ]]; then bench_build; fi

read -r -a port < <(python3 "$helper" free-ports 14)
((${#port[@]} == 14)) || die "could not find free ports"
# Front ports per path and service (iperf3: TCP and UDP on the same number; dns: UDP).
declare -A fport=(
    [direct:iperf]=${port[0]} [direct:dns]=${port[1]}
    [socat:iperf]=${port[2]} [socat:dns]=${port[3]}
    [vr-ab:iperf]=${port[4]} [vr-ab:dns]=${port[5]}
    [vr-abc:iperf]=${port[6]} [vr-abc:dns]=${port[7]}
)
link_a=${port[8]} link_b=${port[9]} link_c=${port[10]}
mgmt_a=${port[11]} mgmt_b=${port[12]} mgmt_c=${port[13]}

start_iperf() { start iperf3-server iperf3 -s -B 127.0.0.1 -p "${fport[direct:iperf]}"; iperf_pid=$last_pid; }
start_iperf
if ((want_dns)) && [[ -z $dns_skip ]]; then
    # Answers every name under bench.test itself: no upstream, no cache misses, nothing leaves the machine.
    start dnsmasq dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --port="${fport[direct:dns]}" \
        --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --address=/bench.test/10.1.2.3
    for i in $(seq 1000); do echo "h$i.bench.test A"; done > "$work/queries.txt"
fi

# Socket buffers: the vanrouter listener asks for a 1 MiB receive buffer (docs/adaptors.md), so the iperf3 server and
# client (-w) and both of socat's UDP sockets get 1 MiB too; a small default buffer would measure the kernel's drops
# on a moment's delay rather than the relay.
sockbuf=1M
socat_udp() { # socat_udp LISTEN_PORT SERVER_PORT: the arguments of a forking socat UDP relay
    local opt=rcvbuf=1048576
    echo -T 30 "UDP4-LISTEN:$1,bind=127.0.0.1,fork,reuseaddr,$opt" "UDP4:127.0.0.1:$2,$opt"
}
declare -A relay_sids=()
if [[ " ${paths[*]} " == *" socat "* ]]; then
    start socat-iperf-tcp socat "TCP-LISTEN:${fport[socat:iperf]},bind=127.0.0.1,fork,reuseaddr,backlog=1024" \
        "TCP:127.0.0.1:${fport[direct:iperf]}"
    relay_sids[socat]+="$last_pid "
    # One forked child per client (source address and port), gone after 30 s without a datagram either way.
    # shellcheck disable=SC2046 # socat_udp's words are the arguments
    start socat-iperf-udp socat $(socat_udp "${fport[socat:iperf]}" "${fport[direct:iperf]}")
    relay_sids[socat]+="$last_pid "
    if ((want_dns)) && [[ -z $dns_skip ]]; then
        # shellcheck disable=SC2046
        start socat-dns socat $(socat_udp "${fport[socat:dns]}" "${fport[direct:dns]}")
        relay_sids[socat]+="$last_pid "
    fi
fi

# Routers: A peers B, B peers C. A has the listeners of both paths; B the connectors of vr-ab, C those of vr-abc.
adaptor_section() { # adaptor_section KIND(listeners|connectors) PATH...
    local kind=$1 path svc proto p; shift
    for proto in tcp udp; do
        echo "$proto:"
        echo "  $kind:"
        for path in "$@"; do
            for svc in iperf dns; do
                if [[ $proto == tcp && $svc == dns ]]; then continue; fi
                p=${fport[$path:$svc]}
                if [[ $kind == connectors ]]; then p=${fport[direct:$svc]}; fi
                printf '    - address: bench-%s-%s\n      host: 127.0.0.1\n      port: %s\n' "$svc" "${path#vr-}" "$p"
            done
        done
    done
}
declare -A unavailable=() router_pid=()
bench_abc_routers udpbench adaptor_section "run without --no-build"
sleep 0.5

# ---------------------------------------------------------------------------------------------------------- cases
bench_raw_csv "round,path,case,metric,value,note"
out="$work/out"

# iperf_udp PATH SECS RATE LEN: one iperf3 -u test; sets res to the parsed figures (see udp_bench.py
# parse-iperf-udp) and returns 0, or sets res to the reason and returns 1. A failed test can leave the iperf3 server
# busy (it runs one test at a time): then a fresh server is started.
iperf_udp() {
    local path=$1 t=$2 rate=$3 len=$4
    if timeout "$((t * 3 + 20))" iperf3 -c 127.0.0.1 -p "${fport[$path:iperf]}" -u -b "$rate" -l "$len" -t "$t" \
        -w "$sockbuf" -J --connect-timeout 3000 > "$out" 2> "$out.err"; then
        res=$(python3 "$helper" parse-iperf-udp "$out" 2>&1) && return 0
        return 1
    fi
    res=$(python3 "$helper" parse-iperf-udp "$out" 2>&1 || head -c 300 "$out.err")
    res="iperf3 failed or timed out: $res"
    kill -TERM -- "-$iperf_pid" 2> /dev/null || true
    sleep 0.3
    start_iperf
    sleep 0.3
    return 1
}

# knee PATH: bisection in the logarithm of the offered rate between 10 and 4,000 Mbit/s, 6 steps of min(S, 3) s; sets
# res to "highest_ok_mbps received_mbps_there steps" (0 when no step kept loss <= 1 %).
knee() {
    local path=$1 t=$((secs < 3 ? secs : 3)) lo=10 hi=4000 mid best=0 best_rx=0 steps="" step rx loss
    for step in 1 2 3 4 5 6; do
        mid=$(python3 -c "print(round(($lo * $hi) ** 0.5))")
        if ! iperf_udp "$path" "$t" "${mid}M" 1400; then res="step $step at ${mid}M: $res"; return 1; fi
        read -r rx loss _ <<< "$res"
        steps+="${mid}M:${loss}% "
        if python3 -c "import sys; sys.exit(0 if $loss <= 1.0 else 1)"; then
            lo=$mid best=$mid best_rx=$rx
        else
            hi=$mid
        fi
    done
    res="$best $best_rx ${steps% }"
}

# run_case CASE PATH: one measurement; sets res and returns 0, or sets res to the reason and returns 1.
run_case() {
    local case=$1 path=$2
    case "$case" in
        rate100m) iperf_udp "$path" "$secs" 100M 1400 ;;
        rate500m) iperf_udp "$path" "$secs" 500M 1400 ;;
        rate1g) iperf_udp "$path" "$secs" 1G 1400 ;;
        ratemax) iperf_udp "$path" "$secs" 0 1400 ;;
        small64) iperf_udp "$path" "$secs" 0 64 ;;
        knee) knee "$path" ;;
        dns)
            if [[ -n $dns_skip ]]; then res=$dns_skip; return 1; fi
            if timeout "$((secs * 3 + 20))" dnsperf -s 127.0.0.1 -p "${fport[$path:dns]}" -d "$work/queries.txt" \
                -l "$secs" -c 4 -q 100 -t 2 > "$out" 2> "$out.err"; then
                res=$(python3 "$helper" parse-dnsperf "$out" 2>&1) && return 0
                return 1
            fi
            res="dnsperf failed or timed out: $(tail -c 300 "$out.err")"
            return 1 ;;
    esac
}

# measure ROUND PATH CASE: one measurement, recorded in the CSV.
measure() {
    local round=$1 path=$2 case=$3 cpu0="" cpu1 sids rx loss jitter gib pkts pps tx qps lat answered
    local knee_mbps knee_rx steps
    if bench_path_down "$round" "$path" "$case"; then return 0; fi
    mapfile -t sids < <(bench_carriers "$path")
    # CPU of the carrying processes over the case; not for knee, whose steps run at different rates.
    if ((${#sids[@]})) && [[ $case != knee ]]; then cpu0=$(python3 "$helper" cpu "${sids[@]}"); fi
    if run_case "$case" "$path"; then
        if [[ -n $cpu0 ]]; then
            cpu1=$(python3 "$helper" cpu "${sids[@]}")
            row "$round" "$path" "$case" cpu_s "$(python3 -c "print(round($cpu1 - $cpu0, 2))")"
        fi
        case "$case" in
            knee)
                read -r knee_mbps knee_rx steps <<< "$res"
                row "$round" "$path" "$case" knee_mbps "$knee_mbps" "steps $steps"
                row "$round" "$path" "$case" knee_rx_mbps "$knee_rx"
                log "round $round $case $path: loss <= 1 % up to $knee_mbps Mbit/s offered ($steps)" ;;
            dns)
                read -r qps loss lat answered <<< "$res"
                row "$round" "$path" "$case" qps "$qps"
                row "$round" "$path" "$case" lost_pct "$loss"
                row "$round" "$path" "$case" latency_ms "$lat"
                row "$round" "$path" "$case" completed "$answered"
                log "round $round $case $path: $qps queries/s, $loss % lost, $lat ms average" ;;
            *)
                read -r rx loss jitter gib pkts pps tx <<< "$res"
                row "$round" "$path" "$case" rx_mbps "$rx"
                row "$round" "$path" "$case" loss_pct "$loss"
                row "$round" "$path" "$case" jitter_ms "$jitter"
                row "$round" "$path" "$case" rx_gib "$gib"
                row "$round" "$path" "$case" rx_pkts "$pkts"
                row "$round" "$path" "$case" rx_pps "$pps"
                row "$round" "$path" "$case" tx_mbps "$tx"
                log "round $round $case $path: offered $tx Mbit/s, received $rx Mbit/s ($pps datagrams/s), loss $loss %," \
                    "jitter $jitter ms" ;;
        esac
    else
        row "$round" "$path" "$case" all NA "$res"
        log "round $round $case $path: FAILED: $res"
    fi
    bench_rss_rows "$round" "$path" "$case"
}

# Readiness: routes, then one short iperf3 -u test (its TCP control and its UDP flow) and a DNS answer through each
# vanrouter path. This also warms the routers' JIT; none of it is recorded.
if ((vr_wanted)); then bench_wait_abc; fi
log "warm-up (not recorded)"
for path in "${paths[@]}"; do
    if [[ -n ${unavailable[$path]:-} ]]; then continue; fi
    bench_first_pass "$path" 3 "iperf3 -u test" "warm-up iperf3 -u" iperf_udp "$path" 1 100M 1400 || continue
    iperf_udp "$path" 1 0 64 || log "warm-up small datagrams on $path failed: $res"
    if ((want_dns)) && [[ -z $dns_skip ]]; then
        if ! err=$(python3 "$helper" probe-dns "${fport[$path:dns]}" 15 2>&1); then
            log "no DNS answer through $path: $err"
            if [[ $path == vr-* ]]; then unavailable[$path]=$(bench_router_reason "$err" a b c); fi
        fi
    fi
done
bench_log_unavailable

bench_rotated_rounds

# The routers' own view: datagrams taken in and out and dropped by cause, over the whole run (warm-up included).
bench_router_counters udp-counters

# ---------------------------------------------------------------------------------------------------------- report
results="$work/results.md"
{
    bench_report_head UDP "--seconds $secs --rounds $rounds --paths $paths_arg --cases $cases_arg"
    dnsperf_v=none
    if command -v dnsperf > /dev/null; then dnsperf_v="dnsperf $(dnsperf -h 2>&1 | sed -n 's/^Version //p')"; fi
    dnsmasq_v=none
    if command -v dnsmasq > /dev/null; then dnsmasq_v=$(dnsmasq --version | head -n 1 | cut -d' ' -f1-3); fi
    echo "- tools: $(iperf3 --version | head -n 1 | cut -d' ' -f1-2), socat $(socat -V | sed -n \
        's/^socat version \([^ ]*\).*/\1/p'), $dnsperf_v, $dnsmasq_v, $(java -version 2>&1 | head -n 1)"
    echo "- UDP buffers: iperf3 -w $sockbuf, socat rcvbuf 1 MiB; net.core.rmem_default" \
        "$(cat /proc/sys/net/core/rmem_default), rmem_max $(cat /proc/sys/net/core/rmem_max) (caps them)"
    echo
} > "$results"
cat "$results"
python3 "$helper" report "$csv" "$results" "$rounds" "$secs"
if [[ -n $counters ]]; then
    {
        echo
        echo "Router UDP counters at the end of the run (all cases and the warm-up; docs/adaptors.md, \"Congestion and"
        echo "limits\"). Datagrams the routers dropped are here; the rest of iperf3's loss was dropped by a kernel"
        echo "(a full socket receive buffer: the router's listener, the server's) or still on its way when the test"
        echo "ended:"
        echo
        echo "| router | address | flows started | flows served | datagrams in | datagrams out | dropped congested" \
            "| dropped socket busy | dropped other |"
        echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
        printf '%s' "$counters"
    } | tee -a "$results"
fi
echo
echo "results: $results"
echo "raw per-round numbers: $csv"
