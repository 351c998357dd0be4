#!/usr/bin/env bash
# TCP adaptor benchmark (issue 3, acceptance point 6): one run, paths alternated, medians and ratios.
#
# Paths:   direct (client -> server port), socat relay, vanrouter A->B, vanrouter A->B->C; and, when asked for,
#          socat2: two socat relays in series, the yardstick for what any path of two relay processes can do.
# Cases:   iperf3 1 stream, iperf3 8 streams, redis-benchmark PING_MBULK with 1 and 50 clients, wrk against nginx
#          with 50 connections, new connections per second (redis-benchmark -k 0, 50 clients), router RSS after each
#          case and peak RSS while 1,000 connections are held open through A->B.
# CPU:     utime+stime (/proc/PID/stat) of the routers of a vanrouter path, or of the socat relays (forked children
#          included), before and after every case: CPU seconds per GiB carried (iperf3) or per 10,000 requests.
# Output:  progress on stderr, a Markdown report on stdout and in RESULTS_DIR/results.md (a warning at the top when the
#          machine was busy at the start; load average and busiest processes; medians, spread and every round's
#          figures), raw numbers per round in RESULTS_DIR/raw.csv (RESULTS_DIR is a new temp dir unless --out is
#          given, printed at the end; logs and configs are kept there).
#
# Usage:   bench/tcp-benchmark.sh [--seconds N] [--rounds N] [--quick] [--paths LIST] [--hold N] [--no-build]
#   --seconds N   length of each measurement (default 10)
#   --rounds N    rounds; each round runs every case once on every path, paths in rotated order (default 3)
#   --quick       smoke run: --seconds 1 --rounds 2 (about 2 minutes with all four paths)
#   --paths LIST  comma-separated subset of direct,socat,socat2,vr-ab,vr-abc (default all but socat2)
#   --cases LIST  comma-separated subset of iperf1,iperf8,redis1,redis1bulk,redis50,wrk50,newconn50 (default all)
#   --hold N      connections held open through A->B for the peak RSS step (default 1000; 0 skips it)
#   --no-build    use the existing router-daemon/target/vanrouter.jar instead of building it first
#   --out DIR     write results.md, raw.csv, configs and logs to DIR (created if needed) instead of a new temp dir
# BENCH_ROUTING='key: value; ...' adds a routing: section to the routers' configs (docs/configuration.md), for
# comparing settings. BENCH_BULK_RATE=3G caps redis1bulk's bulk stream (iperf3 -b) so that every path carries the
# same bulk load. BENCH_FLOW_LOG=1 turns each router's flow log on (flowLog: {file: WORK/flows-ID.log}), to
# measure its cost (docs/benchmarks.md, "Flow log"). Builds with Maven online (BENCH_MVN_ARGS=-o for offline, see bench/lib.sh); installs missing
# Debian packages when run as root, otherwise prints the apt-get line. See docs/benchmarks.md, section "TCP adaptor".
set -euo pipefail

secs=10
rounds=3
hold_n=1000
build=1
paths_arg="direct,socat,vr-ab,vr-abc"
cases_arg="iperf1,iperf8,redis1,redis1bulk,redis50,wrk50,newconn50"
out_dir=""
cmdline="bench/tcp-benchmark.sh $*"
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --seconds=secs --rounds=rounds --quick:secs=1,rounds=2 --paths=paths_arg --cases=cases_arg \
    --hold=hold_n --no-build:build=0 --out=out_dir -- "$@"
bench_need_ints positive --seconds "$secs" --rounds "$rounds"
bench_need_ints non-negative --hold "$hold_n"
bench_list paths path direct,socat,socat2,vr-ab,vr-abc "$paths_arg"

helper="$repo/bench/tcp_bench.py"
jar="$repo/router-daemon/target/vanrouter.jar"
PATH="$PATH:/usr/sbin:/sbin"

# ---------------------------------------------------------------------------------------------------------- tools
tools=(iperf3=iperf3 socat=socat redis-server=redis-server redis-benchmark=redis-tools nginx=nginx-light wrk=wrk
    python3=python3 java=openjdk-17-jre-headless flock=util-linux setsid=util-linux timeout=coreutils)
if ((build)) && [[ " ${paths[*]} " == *" vr-"* ]]; then tools+=("${bench_build_tools[@]}"); fi
bench_need_tools tcp-benchmark "${tools[@]}"
bench_real_python3

# Enough descriptors for 1,000 held connections (client, redis, routers) on machines where the default is 1024.
hard=$(ulimit -Hn)
if [[ $hard == unlimited ]] || ((hard > 65536)); then hard=65536; fi
if (($(ulimit -n) < hard)); then ulimit -n "$hard"; fi
(($(ulimit -n) >= 4096)) || log "warning: only $(ulimit -n) file descriptors; the 1,000-connection step may fail"
if [[ $(cat /proc/sys/net/ipv4/tcp_tw_reuse 2>/dev/null || echo 1) == 0 ]]; then
    log "warning: net.ipv4.tcp_tw_reuse=0; the new-connections case may run out of ports"
fi

# ---------------------------------------------------------------------------------------------------------- setup
bench_snapshot_start "$helper" # before anything of ours runs
bench_workdir tcpbench
start() { bench_start "$@"; }
if ((build)) && [[ " ${paths[*]} " == *" vr-"* ]]; then bench_build; fi

read -r -a port < <(python3 "$helper" free-ports 24)
((${#port[@]} == 24)) || die "could not find free ports"
p_iperf=${port[0]} p_redis=${port[1]} p_http=${port[2]}
# Front ports per path: iperf3, redis, http.
declare -A fport=(
    [direct:iperf]=$p_iperf [direct:redis]=$p_redis [direct:http]=$p_http
    [socat:iperf]=${port[3]} [socat:redis]=${port[4]} [socat:http]=${port[5]}
    [vr-ab:iperf]=${port[6]} [vr-ab:redis]=${port[7]} [vr-ab:http]=${port[8]}
    [vr-abc:iperf]=${port[9]} [vr-abc:redis]=${port[10]} [vr-abc:http]=${port[11]}
    [socat2:iperf]=${port[18]} [socat2:redis]=${port[19]} [socat2:http]=${port[20]}
)
# socat2's second relay listens here and dials the server; its first relay dials it.
declare -A socat2_mid=([iperf]=${port[21]} [redis]=${port[22]} [http]=${port[23]})
link_a=${port[12]} link_b=${port[13]} link_c=${port[14]}
mgmt_a=${port[15]} mgmt_b=${port[16]} mgmt_c=${port[17]}

start_iperf() { start iperf3-server iperf3 -s -B 127.0.0.1 -p "$p_iperf"; iperf_pid=$last_pid; }
start_iperf
start redis-server redis-server --port "$p_redis" --bind 127.0.0.1 --save '' --appendonly no --protected-mode no \
    --dir "$work" --maxclients 10000
mkdir -p "$work/www" "$work/nginx-tmp"
head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/index.html"
{
    if [[ $(id -u) -eq 0 ]]; then echo "user root;"; fi
    cat << EOF
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/nginx-tmp/body;
    proxy_temp_path $work/nginx-tmp/proxy;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$p_http;
        root $work/www;
    }
}
EOF
} > "$work/nginx.conf"
start nginx nginx -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log"

declare -A relay_sids=()
for svc in iperf redis http; do
    if [[ " ${paths[*]} " == *" socat "* ]]; then
        start "socat-$svc" socat "TCP-LISTEN:${fport[socat:$svc]},fork,reuseaddr,backlog=1024" \
            "TCP:127.0.0.1:${fport[direct:$svc]}"
        relay_sids[socat]+="$last_pid "
    fi
    if [[ " ${paths[*]} " == *" socat2 "* ]]; then
        start "socat2-near-$svc" socat "TCP-LISTEN:${fport[socat2:$svc]},fork,reuseaddr,backlog=1024" \
            "TCP:127.0.0.1:${socat2_mid[$svc]}"
        relay_sids[socat2]+="$last_pid "
        start "socat2-far-$svc" socat "TCP-LISTEN:${socat2_mid[$svc]},fork,reuseaddr,backlog=1024" \
            "TCP:127.0.0.1:${fport[direct:$svc]}"
        relay_sids[socat2]+="$last_pid "
    fi
done

# Routers: A peers B, B peers C. A has the listeners of both paths; B the connectors of *-ab, C those of *-abc.
tcp_section() { # tcp_section KIND(listeners|connectors) PATH...
    local kind=$1 path svc; shift
    echo "tcp:"
    echo "  $kind:"
    for path in "$@"; do
        for svc in iperf redis http; do
            local p=${fport[$path:$svc]}
            if [[ $kind == connectors ]]; then p=${fport[direct:$svc]}; fi
            printf '    - address: bench-%s-%s\n      host: 127.0.0.1\n      port: %s\n' "$svc" "${path#vr-}" "$p"
        done
    done
}
declare -A unavailable=() router_pid=()
bench_abc_routers tcpbench tcp_section "run without --no-build"

sleep 0.5
python3 "$helper" probe "$p_redis" 10 || die "redis-server did not answer, see $work/redis-server.log"

if ((vr_wanted)); then
    bench_wait_abc
    for path in vr-ab vr-abc; do
        if [[ -n ${unavailable[$path]:-} ]]; then continue; fi
        if ! err=$(python3 "$helper" probe "${fport[$path:redis]}" 15 2>&1); then
            unavailable[$path]=$(bench_router_reason "$err" a b c)
        fi
    done
    bench_log_unavailable
fi

# ---------------------------------------------------------------------------------------------------------- cases
bench_raw_csv "round,path,case,metric,value,note"

declare -A redis_n=()
out="$work/out"

# redis_cmd PATH CASE N: the redis-benchmark command line of a case.
redis_cmd() {
    local clients=50 keep=1
    if [[ $2 == redis1 || $2 == redis1bulk ]]; then clients=1; fi
    if [[ $2 == newconn50 ]]; then keep=0; fi
    echo redis-benchmark -h 127.0.0.1 -p "${fport[$1:redis]}" -c "$clients" -k "$keep" -n "$3" -t ping_mbulk \
        --csv --precision 3
}

# calibrate PATH CASE: a short redis-benchmark run gives the request count that lasts about $secs seconds.
calibrate() {
    local path=$1 case=$2 probe_n=2000 rps cmd
    if [[ $case == redis50 ]]; then probe_n=10000; fi
    if [[ $case == newconn50 ]]; then probe_n=500; fi
    read -r -a cmd <<< "$(redis_cmd "$path" "$case" "$probe_n")"
    if ! timeout 60 "${cmd[@]}" > "$out" 2> "$out.err" || ! rps=$(python3 "$helper" parse-redis "$out" 2>&1); then
        log "calibration of $case on $path failed: $(head -c 300 "$out.err")"
        return 0
    fi
    rps=${rps%% *}
    local n=$((${rps%%.*} * secs))
    if ((n < 200)); then n=200; fi
    redis_n[$path:$case]=$n
}

# run_tool CASE PATH: one measurement; sets res to the parsed figures ("gbps gib" or "rps p50 p99 requests") and
# returns 0, or sets res to the reason and returns 1. Runs in the main shell (it may restart the iperf3 server).
run_tool() {
    local case=$1 path=$2 guard=$((secs * 3 + 20)) cmd
    case "$case" in
        iperf1|iperf8)
            local par=1
            if [[ $case == iperf8 ]]; then par=8; fi
            if timeout "$guard" iperf3 -c 127.0.0.1 -p "${fport[$path:iperf]}" -t "$secs" -P "$par" -J \
                --connect-timeout 3000 > "$out" 2> "$out.err"; then
                res=$(python3 "$helper" parse-iperf "$out" 2>&1) && return 0
                return 1
            fi
            res=$(python3 "$helper" parse-iperf "$out" 2>&1 || head -c 300 "$out.err")
            res="iperf3 failed or timed out: $res"
            # A failed test can leave the iperf3 server busy: start a fresh one.
            kill -TERM -- "-$iperf_pid" 2> /dev/null || true
            sleep 0.3
            start_iperf
            sleep 0.3
            return 1 ;;
        redis1bulk)
            # Small requests while a bulk transfer shares the same path: does one stream starve the others?
            local bulk_pid status=0
            # BENCH_BULK_RATE (e.g. 3G) caps the bulk stream, so that every path carries the same bulk load.
            timeout "$guard" iperf3 -c 127.0.0.1 -p "${fport[$path:iperf]}" -t "$((secs + 2))" -P 1 -J \
                ${BENCH_BULK_RATE:+-b "$BENCH_BULK_RATE"} --connect-timeout 3000 > "$out.bulk" 2>&1 &
            bulk_pid=$!
            sleep 1
            read -r -a cmd <<< "$(redis_cmd "$path" redis1 "${redis_n[$path:redis1]:-10000}")"
            if timeout "$guard" "${cmd[@]}" > "$out" 2> "$out.err"; then
                res=$(python3 "$helper" parse-redis "$out" 2>&1) || status=1
            else
                res="redis-benchmark under bulk failed or timed out: $(head -c 300 "$out.err")"
                status=1
            fi
            wait "$bulk_pid" || true
            # What the bulk stream carried beside the PINGs: a path that moves more bulk leaves less CPU to them.
            bulk_gbps=$(python3 "$helper" parse-iperf "$out.bulk" 2> /dev/null) && bulk_gbps=${bulk_gbps%% *} \
                || bulk_gbps=""
            return $status ;;
        redis1|redis50|newconn50)
            if [[ -z ${redis_n[$path:$case]:-} ]]; then calibrate "$path" "$case"; fi
            local n=${redis_n[$path:$case]:-10000}
            read -r -a cmd <<< "$(redis_cmd "$path" "$case" "$n")"
            if timeout "$guard" "${cmd[@]}" > "$out" 2> "$out.err"; then
                res=$(python3 "$helper" parse-redis "$out" 2>&1) && res="$res $n" && return 0
                return 1
            fi
            res="redis-benchmark failed or timed out: $(head -c 300 "$out.err")"
            return 1 ;;
        wrk50)
            if timeout "$guard" wrk -t 2 -c 50 -d "${secs}s" --timeout 5s --latency \
                "http://127.0.0.1:${fport[$path:http]}/index.html" > "$out" 2> "$out.err"; then
                res=$(python3 "$helper" parse-wrk "$out" 2>&1) && return 0
                return 1
            fi
            res="wrk failed or timed out: $(head -c 300 "$out.err")"
            return 1 ;;
    esac
}

# measure ROUND PATH CASE: one measurement, recorded in the CSV.
measure() {
    local round=$1 path=$2 case=$3 rps p50 p99 gbps units cpu0="" cpu1 sids mark bulk_gbps=""
    if bench_path_down "$round" "$path" "$case"; then return 0; fi
    mapfile -t sids < <(bench_carriers "$path")
    # CPU of the carrying processes over the case; not for redis1bulk, whose work is two kinds at once.
    if ((${#sids[@]})) && [[ $case != redis1bulk ]]; then cpu0=$(python3 "$helper" cpu "${sids[@]}"); fi
    mark=$(bench_cpu_mark)
    if run_tool "$case" "$path"; then
        row "$round" "$path" "$case" steal_pct "$(bench_steal_pct "$mark")"
        if [[ -n $cpu0 ]]; then
            cpu1=$(python3 "$helper" cpu "${sids[@]}")
            row "$round" "$path" "$case" cpu_s "$(python3 -c "print(round($cpu1 - $cpu0, 2))")"
        fi
        if [[ $case == iperf* ]]; then
            read -r gbps units <<< "$res"
            row "$round" "$path" "$case" gbps "$gbps"
            row "$round" "$path" "$case" gib "$units"
            log "round $round $case $path: $gbps Gbit/s"
        else
            read -r rps p50 p99 units <<< "$res"
            row "$round" "$path" "$case" rps "$rps"
            row "$round" "$path" "$case" p50_ms "$p50"
            row "$round" "$path" "$case" p99_ms "$p99"
            if [[ -n $units ]]; then row "$round" "$path" "$case" requests "$units"; fi
            if [[ $case == redis1bulk && -n $bulk_gbps ]]; then row "$round" "$path" "$case" bulk_gbps "$bulk_gbps"; fi
            log "round $round $case $path: $rps/s p50 $p50 ms p99 $p99 ms"
        fi
    else
        row "$round" "$path" "$case" all NA "$res"
        log "round $round $case $path: FAILED: $res"
    fi
    bench_rss_rows "$round" "$path" "$case"
}

IFS=, read -r -a cases <<< "$cases_arg"

# Warm-up, not recorded: JIT of the routers, connection pools, and the redis request counts (calibration).
log "warm-up and calibration (not recorded)"
saved_secs=$secs
secs=1
for path in "${paths[@]}"; do
    if [[ -n ${unavailable[$path]:-} ]]; then continue; fi
    for case in iperf1 iperf8 wrk50; do run_tool "$case" "$path" || log "warm-up $case $path failed: $res"; done
done
secs=$saved_secs
for path in "${paths[@]}"; do
    if [[ -n ${unavailable[$path]:-} ]]; then continue; fi
    for case in redis1 redis50 newconn50; do calibrate "$path" "$case"; done
done

bench_rotated_rounds

if ((hold_n > 0)) && [[ " ${paths[*]} " == *" vr-ab "* ]]; then
    if [[ -z ${unavailable[vr-ab]:-} ]]; then
        log "holding $hold_n connections through A->B"
        if res=$(python3 "$helper" hold "${fport[vr-ab:redis]}" "$hold_n" 3 "${router_pid[a]}" "${router_pid[b]}" 2>&1); then
            ok=$(sed -n 's/^ok=//p' <<< "$res")
            row hold vr-ab hold1000 ok "$ok"
            row hold vr-ab hold1000 peak_a_mib "$(sed -n 's/^peak_rss_mib_0=//p' <<< "$res")"
            row hold vr-ab hold1000 peak_b_mib "$(sed -n 's/^peak_rss_mib_1=//p' <<< "$res")"
            log "hold: $(tr '\n' ' ' <<< "$res")"
        else
            row hold vr-ab hold1000 all NA "$res"
            log "hold failed: $res"
        fi
    else
        row hold vr-ab hold1000 all NA "vanrouter path unavailable: ${unavailable[vr-ab]}"
    fi
fi

# ---------------------------------------------------------------------------------------------------------- report
results="$work/results.md"
{
    bench_report_head TCP "--seconds $secs --rounds $rounds --paths $paths_arg --hold $hold_n"
    echo "- tools: $(iperf3 --version | head -n 1 | cut -d' ' -f1-2), redis-benchmark $(redis-benchmark --version \
        | cut -d' ' -f2), $(nginx -v 2>&1 | cut -d' ' -f3), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2)," \
        "socat $(socat -V | sed -n 's/^socat version \([^ ]*\).*/\1/p'), $(java -version 2>&1 | head -n 1)"
    echo
} > "$results"
cat "$results"
python3 "$helper" report "$csv" "$results" "$rounds" "$secs"
echo
echo "results: $results"
echo "raw per-round numbers: $csv"
