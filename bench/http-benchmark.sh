#!/usr/bin/env bash
# HTTP/2 adaptor benchmark (issue 12, acceptance point 4): requests/s and p99 through A->B against direct, a socat
# relay and nghttpx, in the same run, paths alternated.
#
# Paths:   each a TCP port h2load connects to (cleartext HTTP/2, prior knowledge), in front of the same backend:
#          nghttpd --no-tls serving two files (100 bytes and 16 KiB).
#          direct   h2load -> nghttpd
#          socat    socat TCP-LISTEN,fork -> nghttpd: an opaque TCP relay (one child per connection; it does not know
#                   HTTP, so every request of a connection goes where the connection went)
#          nghttpx  nghttpx (Debian's HTTP/2 proxy; frontend h2c, backend h2, one worker per core): an HTTP-aware
#                   proxy that ends HTTP/2 and routes each request, as the adaptor does
#          vr-ab    router A (http listener, protocol http2) -> link -> router B (http connector, http2) -> nghttpd
#          vr-abc   A -> B -> C, the connector on C
# Cases:   c1m1      -c 1 -m 1, 100 bytes: one request at a time on one connection (the latency floor)
#          c1m10     -c 1 -m 10, 100 bytes: one connection, 10 concurrent streams (the gRPC-like case: a gRPC client
#                    keeps one connection; the case the adaptor exists for)
#          c1m100    -c 1 -m 100, 100 bytes: one connection, deep multiplexing
#          c8m10     -c 8 -m 10, 100 bytes: several connections in parallel
#          c1m10big  -c 1 -m 10, 16 KiB responses: bodies, not only heads
#          h2load -t 1 (one client thread on every path), -D SECONDS after --warm-up-time (1 s, 2 s from
#          --seconds 5 on). req/s from h2load's counts; p50/p90/p99 from its --log-file (one line per request of the
#          measured duration). failed, errored, timeout, non-2xx and unfinished (started, not done) requests are
#          counted: a valid run has none. With --warm-up-time h2load counts only requests done in the measured
#          window, so a request left in flight at the end (or stalled) is in none of its counts: the routers' own
#          counters at the end of the report show those as failed.
# CPU:     utime+stime (/proc/PID/stat) of the relays over the measured duration (sampled after the warm-up and when
#          h2load ends): socat with its forked children, nghttpx's processes, the routers of the path. Reported per
#          10,000 requests answered with a 2xx.
# Output:  progress on stderr, a Markdown report on stdout and in RESULTS_DIR/results.md (a warning at the top when
#          the machine was busy at the start; load average and busiest processes; per case the medians per path,
#          per-round ratios to socat and to direct, CPU; the spread and every round's figures; the routers' own HTTP
#          counters at the end), raw numbers per round in RESULTS_DIR/raw.csv (RESULTS_DIR is a new temp dir unless
#          --out is given; logs and configs are kept there).
#
# Usage:   bench/http-benchmark.sh [--seconds N] [--rounds N] [--quick] [--paths LIST] [--cases LIST] [--no-build]
#                                  [--jar PATH] [--out DIR]
#   --seconds N   measured length of each case, after the warm-up (default 10; all cases and paths, 3 rounds: about
#                 18 minutes)
#   --rounds N    rounds; each round runs every case once on every path, paths in rotated order (default 3)
#   --quick       smoke run: --seconds 2 --rounds 1 (about 3 minutes with all paths)
#   --paths LIST  comma-separated subset of direct,socat,nghttpx,vr-ab,vr-abc (default all)
#   --cases LIST  comma-separated subset of c1m1,c1m10,c1m100,c8m10,c1m10big (default all)
#   --no-build    use the existing router-daemon/target/vanrouter.jar instead of building it first
#   --jar PATH    use this vanrouter jar (implies --no-build)
#   --out DIR     write results.md, raw.csv, configs and logs to DIR (created if needed) instead of a new temp dir
# Run it alone on a quiet machine, under flock /tmp/vanrouter-bench.lock. Builds with Maven online (BENCH_MVN_ARGS=-o
# for offline, see bench/lib.sh); installs missing Debian packages when run as root (nghttp2-client for h2load,
# nghttp2-proxy for nghttpx, nghttp2-server for nghttpd, socat), otherwise prints the apt-get line. See
# docs/benchmarks.md, section "HTTP/2 adaptor".
set -euo pipefail

secs=10
rounds=3
build=1
jar=""
paths_arg="direct,socat,nghttpx,vr-ab,vr-abc"
all_cases="c1m1,c1m10,c1m100,c8m10,c1m10big"
cases_arg=$all_cases
out_dir=""
cmdline="bench/http-benchmark.sh $*"
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --seconds=secs --rounds=rounds --quick:secs=2,rounds=1 --paths=paths_arg --cases=cases_arg \
    --no-build:build=0 --jar=jar:build=0 --out=out_dir -- "$@"
bench_need_ints positive --seconds "$secs" --rounds "$rounds"
bench_list paths path direct,socat,nghttpx,vr-ab,vr-abc "$paths_arg"
bench_list cases case "$all_cases" "$cases_arg"
# The h2load arguments and file of each case, and the report's label.
declare -A case_args=([c1m1]="-c 1 -m 1" [c1m10]="-c 1 -m 10" [c1m100]="-c 1 -m 100" [c8m10]="-c 8 -m 10"
    [c1m10big]="-c 1 -m 10")
declare -A case_file=([c1m1]=small [c1m10]=small [c1m100]=small [c8m10]=small [c1m10big]=big)
declare -A case_label=(
    [c1m1]="1 connection, 1 stream at a time, 100-byte responses (latency floor)"
    [c1m10]="1 connection, 10 concurrent streams, 100-byte responses (gRPC-like: one client connection)"
    [c1m100]="1 connection, 100 concurrent streams, 100-byte responses"
    [c8m10]="8 connections, 10 concurrent streams each, 100-byte responses"
    [c1m10big]="1 connection, 10 concurrent streams, 16 KiB responses")
# The warm-up before each measurement: connections up, the routers' JIT warm, the nghttpx backend connection open.
warm=$((secs < 5 ? 1 : 2))

helper="$repo/bench/h2_bench.py"
jar=${jar:-$repo/router-daemon/target/vanrouter.jar}
PATH="$PATH:/usr/sbin:/sbin"

# ---------------------------------------------------------------------------------------------------------- tools
tools=(h2load=nghttp2-client nghttpd=nghttp2-server nghttpx=nghttp2-proxy socat=socat python3=python3
    java=openjdk-17-jre-headless flock=util-linux setsid=util-linux timeout=coreutils)
if ((build)) && [[ " ${paths[*]} " == *" vr-"* ]]; then tools+=("${bench_build_tools[@]}"); fi
bench_need_tools http-benchmark "${tools[@]}"
bench_real_python3

# ---------------------------------------------------------------------------------------------------------- setup
bench_snapshot_start "$helper" # before anything of ours runs
bench_workdir httpbench
start() { bench_start "$@"; }
if ((build)) && [[ " ${paths[*]} " == *" vr-"* ]]; then bench_build; fi

read -r -a port < <(python3 "$helper" free-ports 11)
((${#port[@]} == 11)) || die "could not find free ports"
declare -A fport=([direct]=${port[0]} [socat]=${port[1]} [nghttpx]=${port[2]} [vr-ab]=${port[3]} [vr-abc]=${port[4]})
link_a=${port[5]} link_b=${port[6]} link_c=${port[7]}
mgmt_a=${port[8]} mgmt_b=${port[9]} mgmt_c=${port[10]}

# The backend: nghttpd serves files from a directory; one worker thread (it is not the bottleneck: the direct path
# shows its rate).
mkdir -p "$work/www"
head -c 100 /dev/zero | tr '\0' x > "$work/www/small"
head -c 16384 /dev/zero | tr '\0' y > "$work/www/big"
start nghttpd nghttpd --no-tls -a 127.0.0.1 -d "$work/www" "${fport[direct]}"

declare -A relay_sids=()
if [[ " ${paths[*]} " == *" socat "* ]]; then
    start socat socat "TCP-LISTEN:${fport[socat]},bind=127.0.0.1,fork,reuseaddr,backlog=1024" \
        "TCP:127.0.0.1:${fport[direct]}"
    relay_sids[socat]=$last_pid
fi
if [[ " ${paths[*]} " == *" nghttpx "* ]]; then
    # --conf=/dev/null: not /etc/nghttpx/nghttpx.conf. Frontend cleartext HTTP/2 (no-tls: h2c with prior knowledge
    # or HTTP/1.1), backend HTTP/2 (proto=h2; cleartext since no ;tls). One worker per core, as the routers' event
    # loops; access log off (the default).
    start nghttpx nghttpx --conf=/dev/null -f "127.0.0.1,${fport[nghttpx]};no-tls" \
        -b "127.0.0.1,${fport[direct]};;proto=h2" -n "$(nproc)"
    relay_sids[nghttpx]=$last_pid
fi

# Routers: A peers B, B peers C. A has the listeners of both paths; B the connector of vr-ab, C that of vr-abc.
http_section() { # http_section KIND(listeners|connectors) PATH...
    local kind=$1 path p
    shift
    echo "http:"
    echo "  $kind:"
    for path in "$@"; do
        p=${fport[$path]}
        if [[ $kind == connectors ]]; then p=${fport[direct]}; fi
        printf '    - address: web-%s\n      host: 127.0.0.1\n      port: %s\n      protocol: http2\n' "${path#vr-}" "$p"
    done
}
declare -A unavailable=() router_pid=()
bench_abc_routers httpbench http_section "run without --no-build, or give --jar"
sleep 0.5

# ---------------------------------------------------------------------------------------------------------- cases
bench_raw_csv "round,path,case,metric,value,note"
out="$work/out"
reqlog="$work/requests.log" # h2load's per-request log of the current measurement (overwritten: it can be large)


# h2run PATH CASE SECS WARM [SID...]: one h2load run; sets res to the parsed figures (see h2_bench.py parse-h2load)
# and cpu to the CPU seconds of the sessions SID... over the measured duration (empty without SIDs), returns 0; or
# sets res to the reason and returns 1. h2load runs in the background so that the CPU sample can start when its
# warm-up ends: CPU is then divided by the requests of the same window.
h2run() {
    local path=$1 case=$2 t=$3 w=$4 h2pid cpu0="" rc=0
    shift 4
    rm -f "$reqlog" # h2load appends to its log file
    # shellcheck disable=SC2086 # case_args holds h2load's words
    timeout "$((t + w + 30))" h2load ${case_args[$case]} -t 1 -D "$t" --warm-up-time "$w" --log-file="$reqlog" \
        "http://127.0.0.1:${fport[$path]}/${case_file[$case]}" > "$out" 2> "$out.err" &
    h2pid=$!
    if (($#)); then
        sleep "$w"
        cpu0=$(python3 "$helper" cpu "$@")
    fi
    wait "$h2pid" || rc=$?
    cpu=""
    if [[ -n $cpu0 ]]; then cpu=$(python3 -c "print(round($(python3 "$helper" cpu "$@") - $cpu0, 3))"); fi
    if ((rc != 0)); then
        res="h2load failed or timed out (exit $rc): $(tail -c 300 "$out.err") $(tail -n 3 "$out" | tr '\n' ' ')"
        return 1
    fi
    res=$(python3 "$helper" parse-h2load "$out" "$reqlog" "$t" 2>&1) || return 1
}

# measure ROUND PATH CASE: one measurement, recorded in the CSV.
measure() {
    local round=$1 path=$2 case=$3 sids rps ndone ok failed errored tmo non2xx unfinished p50 p90 p99 pmax errs
    if bench_path_down "$round" "$path" "$case"; then return 0; fi
    mapfile -t sids < <(bench_carriers "$path")
    if h2run "$path" "$case" "$secs" "$warm" "${sids[@]}"; then
        read -r rps ndone ok failed errored tmo non2xx unfinished p50 p90 p99 pmax <<< "$res"
        if [[ -n $cpu ]]; then row "$round" "$path" "$case" cpu_s "$cpu"; fi
        row "$round" "$path" "$case" rps "$rps"
        row "$round" "$path" "$case" "done" "$ndone"
        row "$round" "$path" "$case" ok "$ok"
        row "$round" "$path" "$case" failed "$failed"
        row "$round" "$path" "$case" errored "$errored"
        row "$round" "$path" "$case" timeout "$tmo"
        row "$round" "$path" "$case" non2xx "$non2xx"
        row "$round" "$path" "$case" unfinished "$unfinished"
        row "$round" "$path" "$case" p50_ms "$p50"
        row "$round" "$path" "$case" p90_ms "$p90"
        row "$round" "$path" "$case" p99_ms "$p99"
        row "$round" "$path" "$case" max_ms "$pmax"
        errs=$((failed + errored + tmo + non2xx + unfinished))
        log "round $round $case $path: $rps req/s, p50 $p50 ms, p99 $p99 ms, max $pmax ms${cpu:+, relay CPU $cpu s}" \
            "$( ((errs == 0)) || echo "; ERRORS: failed $failed errored $errored timeout $tmo non-2xx $non2xx" \
                "unfinished $unfinished")"
    else
        row "$round" "$path" "$case" all NA "$res"
        log "round $round $case $path: FAILED: $res"
    fi
    bench_rss_rows "$round" "$path" "$case"
}

# Readiness: routes, then requests through every path until all are answered with 2xx (the address reaches router A
# a moment after the routes; before that the listener answers 503). This also warms the routers' JIT; none of it is
# recorded.
if ((vr_wanted)); then bench_wait_abc; fi
h2clean() { # h2clean PATH: a short h2load run with every request answered 2xx; or res says why not, returns 1
    local failed errored tmo non2xx unfinished
    h2run "$1" c1m10 1 1 || return 1
    read -r _ _ _ failed errored tmo non2xx unfinished _ <<< "$res"
    if ((failed + errored + tmo + non2xx + unfinished == 0)); then return 0; fi
    res="not all answered 2xx: $res"
    return 1
}
log "warm-up (not recorded)"
for path in "${paths[@]}"; do
    if [[ -n ${unavailable[$path]:-} ]]; then continue; fi
    bench_first_pass "$path" 15 "clean h2load run" "warm-up" h2clean "$path" || continue
    h2run "$path" c8m10 1 1 || log "warm-up c8m10 on $path failed: $res"
    # The routers' JIT: C2 still compiles for seconds when a case brings new code paths (seen: 1.4 s of a C2 thread's
    # CPU in the first 8 s of a case), which a 1-2 s warm-up does not absorb and which would land in the first
    # measured case's CPU. So each case runs once on a vanrouter path before the rounds (the C relays need none).
    if [[ $path == vr-* ]]; then
        for case in "${cases[@]}"; do h2run "$path" "$case" 2 1 || log "warm-up $case on $path failed: $res"; done
    fi
done
bench_log_unavailable

bench_rotated_rounds
rm -f "$reqlog"

# The routers' own view over the whole run (warm-up included): requests per address and site, statuses, failures,
# latency as the listener measured it.
bench_router_counters http-counters

# ---------------------------------------------------------------------------------------------------------- report
results="$work/results.md"
{
    bench_report_head HTTP/2 "--seconds $secs --rounds $rounds --paths $paths_arg --cases $cases_arg;" \
        "warm-up $warm s before each case"
    echo "- tools: $(h2load --version | head -n 1), nghttpd and $(nghttpx --version | head -n 1) (nghttpx -n $(nproc)," \
        "backend proto=h2), socat $(socat -V | sed -n 's/^socat version \([^ ]*\).*/\1/p'), $(java -version 2>&1 |
            head -n 1)"
    if ((vr_wanted)); then echo "- routers: java ${java_opts[*]}; jar $jar"; fi
    echo
} > "$results"
cat "$results"
labels=()
for c in "${cases[@]}"; do labels+=("$c=${case_label[$c]} (h2load ${case_args[$c]})"); done
python3 "$helper" report "$csv" "$results" "$rounds" "$secs" "${labels[@]}"
if [[ -n $counters ]]; then
    {
        echo
        echo "Router HTTP counters at the end of the run (all cases and the warm-up; docs/adaptors.md, \"Status\";"
        echo "latency from the request's head to the response's end at router A, log buckets, at most 19 % high)."
        echo "\`failed\` includes the requests h2load leaves in flight when each run (warm-up included) ends: it closes"
        echo "its connections then, and the listener counts those streams as failed; h2load does not count them:"
        echo
        echo "| router | address | site | requests | 2xx | 3xx+4xx | 5xx | failed | served | bad requests" \
            "| p50 ms | p99 ms |"
        echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        printf '%s' "$counters"
    } | tee -a "$results"
fi
echo
echo "results: $results"
echo "raw per-round numbers: $csv"
