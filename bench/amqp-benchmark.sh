#!/usr/bin/env bash
# AMQP benchmark (issue 12, acceptance point 4): AMQP 1.0 100-byte messages/s through vanrouter against the
# skupper-router anchor (32,900 acked/s on this machine kind), one run.
#
# Scenarios (100-byte data bodies, one sender link, one receiver link, the same load generator, AmqpLoad, for all):
#   ceiling      unsettled, sender and receiver on router A: the generator's (and one router's) ceiling
#   vr-ab        unsettled, sender -> router A -> router B -> receiver (the skupper-router anchor's case)
#   ceiling-pre  pre-settled, sender and receiver on router A
#   vr-ab-pre    pre-settled, sender -> router A -> router B -> receiver
#   mqtt-ab-q1   reference: MQTT QoS 1 (MqttLoad, as bench/mqtt-benchmark.sh's vr-ab-q1) through the same two routers
# Unsettled: a message counts when the router's ACCEPTED disposition reaches the sender ("acked/s"; ACCEPTED means
#          the receiver accepted it), at most --window without an outcome (and within the router's link credit,
#          250 by default). Pre-settled: counted at the receiver; the sender stays at most --window ahead of it.
#          RELEASED, REJECTED and MODIFIED outcomes, losses and duplicates are counted (a valid run has none).
# CPU:     utime+stime (/proc/PID/stat) of the scenario's routers before and after every run: CPU seconds per
#          10,000 messages sent (probe, warm-up, measurement and drain included).
# Output:  progress on stderr, a Markdown report on stdout and in RESULTS_DIR/results.md (a warning at the top when the
#          machine was busy at the start; load average and busiest processes; medians, spread and every round's
#          figures), every run's figures in RESULTS_DIR/raw.csv (RESULTS_DIR is a new temp dir unless --out is given,
#          printed at the end; configs and logs are kept there).
#
# Usage:   flock /tmp/vanrouter-bench.lock bench/amqp-benchmark.sh [options]
#   --seconds N      measured seconds per run (default 10), after --warmup seconds of load that are not recorded
#   --warmup N       seconds of load before each measurement (default 2)
#   --rounds N       rounds; each runs every scenario once, ceiling first in odd rounds, A->B first in even rounds
#                    (default 3)
#   --quick          smoke run: --seconds 3 --warmup 1 --rounds 1 --router-warmup 2
#   --router-warmup N  before round 1, N seconds of unrecorded AMQP load (unsettled, then pre-settled) on each path
#                    the scenarios use, so that round 1 does not measure the routers' JIT warming up (default 5; 0: none)
#   --window N       unsettled: at most N messages without an outcome; pre-settled: at most N ahead of the receiver
#                    (default 1000)
#   --credit N       credit the receiver grants, topped up when half is used (default 500)
#   --link-credit N  the routers' amqp.linkCredit (credit per sender link; default: the router's default, 250)
#   --scenarios L    comma-separated subset of the scenarios above (default all)
#   --no-build       use the existing jar, test classes and classpath instead of building them first
#   --out DIR        write results.md, raw.csv, configs and logs to DIR (created if needed) instead of a new temp dir
# Builds with Maven online (BENCH_MVN_ARGS=-o for offline, see bench/lib.sh); installs missing Debian packages when
# run as root, otherwise prints the apt-get line. See docs/benchmarks.md, section "AMQP adaptor".
set -euo pipefail

secs=10
warmup=2
rounds=3
router_warmup=5
window=1000
credit=500
link_credit=""
build=1
all_scenarios="ceiling,vr-ab,ceiling-pre,vr-ab-pre,mqtt-ab-q1"
scen_arg=$all_scenarios
out_dir=""
cmdline="bench/amqp-benchmark.sh $*"
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --seconds=secs --warmup=warmup --rounds=rounds --quick:secs=3,warmup=1,rounds=1,router_warmup=2 \
    --router-warmup=router_warmup --window=window --credit=credit --link-credit=link_credit --scenarios=scen_arg \
    --no-build:build=0 --out=out_dir -- "$@"
bench_need_ints positive --seconds "$secs" --rounds "$rounds" --window "$window" --credit "$credit"
[[ -z $link_credit || $link_credit =~ ^[1-9][0-9]*$ ]] || die "--link-credit must be a positive integer"
bench_need_ints non-negative --warmup "$warmup" --router-warmup "$router_warmup"
bench_list scenarios scenario "$all_scenarios" "$scen_arg"

helper="$repo/bench/tcp_bench.py"
report_py="$repo/bench/amqp_report.py"
jar="$repo/router-daemon/target/vanrouter.jar"
cpfile="$repo/router-transport/target/bench-classpath.txt"
PATH="$PATH:/usr/sbin:/sbin"

# ---------------------------------------------------------------------------------------------------------- tools
tools=(java=openjdk-17-jre-headless python3=python3 flock=util-linux setsid=util-linux timeout=coreutils)
if ((build)); then tools+=("${bench_build_tools[@]}"); fi
bench_need_tools amqp-benchmark "${tools[@]}"
bench_real_python3

# ---------------------------------------------------------------------------------------------------------- setup
bench_snapshot_start "$helper" # before anything of ours runs
bench_workdir amqpbench
if ((build)); then bench_build generator; fi
[[ -f $jar ]] || die "no $jar (run without --no-build)"
for c in AmqpLoad MqttLoad; do
    [[ -f $cpfile && -f $repo/router-transport/target/test-classes/io/vanrouter/bench/$c.class ]] \
        || die "no load generator build ($c) in router-transport/target (run without --no-build)"
done
gen_cp="$repo/router-transport/target/test-classes:$(cat "$cpfile")"
read -r -a gen_opts <<< "${AMQPLOAD_JAVA_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC}"
bench_java_opts

read -r -a port < <(python3 "$helper" free-ports 8)
((${#port[@]} == 8)) || die "could not find free ports"
# vanrouter a and b: inter-router link port, management port, AMQP port, MQTT port (b dials a).
declare -A link_port=([a]=${port[0]} [b]=${port[1]})
declare -A mgmt_port=([a]=${port[2]} [b]=${port[3]})
declare -A amqp_port=([a]=${port[4]} [b]=${port[5]})
declare -A mqtt_port=([a]=${port[6]} [b]=${port[7]})

router_conf() { # router_conf ID
    printf 'router:\n  id: %s\n  network: amqpbench\nlisten:\n  - host: 127.0.0.1\n    port: %s\n' "$1" \
        "${link_port[$1]}"
    if [[ $1 != a ]]; then printf 'peers:\n  - host: 127.0.0.1\n    port: %s\n' "${link_port[a]}"; fi
    printf 'management:\n  host: 127.0.0.1\n  port: %s\n' "${mgmt_port[$1]}"
    printf 'amqp:\n  listen: {host: 127.0.0.1, port: %s}\n' "${amqp_port[$1]}"
    if [[ -n $link_credit ]]; then printf '  linkCredit: %s\n' "$link_credit"; fi
    printf 'mqtt:\n  listen: {host: 127.0.0.1, port: %s}\n' "${mqtt_port[$1]}"
    bench_tls "$work" "$1"
}
declare -A router_pid=()
vr_routers=(a)
if bench_want_any "*-ab*"; then vr_routers=(a b); fi
for r in "${vr_routers[@]}"; do
    router_conf "$r" > "$work/router-$r.yaml"
    bench_start_router "$r"
done

sleep 0.5
others=("${vr_routers[@]:1}")
log "waiting for router a${others[*]:+ and its routes to ${others[*]}}"
bench_wait_hub || log "routers unavailable: $vr_unavailable"

# ---------------------------------------------------------------------------------------------------------- runs
bench_raw_csv "round,scenario,metric,value,note"
clk=$(getconf CLK_TCK)

# measure ROUND SCENARIO: one run of the load generator; figures (and the CPU of the routers) in the CSV.
measure() {
    local round=$1 sc=$2 procs=() cmd
    local out="$work/run-$round-$sc.out"
    if [[ -n $vr_unavailable ]]; then
        row "$round" "$sc" all NA "routers unavailable: $vr_unavailable"
        return 0
    fi
    case "$sc" in
        ceiling|ceiling-pre)
            procs=("${router_pid[a]}")
            cmd=(io.vanrouter.bench.AmqpLoad --send "127.0.0.1:${amqp_port[a]}" --recv "127.0.0.1:${amqp_port[a]}"
                --await-router a) ;;
        vr-ab|vr-ab-pre)
            procs=("${router_pid[a]}" "${router_pid[b]}")
            cmd=(io.vanrouter.bench.AmqpLoad --send "127.0.0.1:${amqp_port[a]}" --recv "127.0.0.1:${amqp_port[b]}"
                --await-router b) ;;
        mqtt-ab-q1)
            procs=("${router_pid[a]}" "${router_pid[b]}")
            cmd=(io.vanrouter.bench.MqttLoad --pub "127.0.0.1:${mqtt_port[a]}" --sub "127.0.0.1:${mqtt_port[b]}"
                --topic "q1/bench/$sc/$round" --qos 1 --window 500 --inflight 100) ;;
    esac
    if [[ $sc != mqtt-* ]]; then
        local mode=unsettled
        if [[ $sc == *-pre ]]; then mode=presettled; fi
        cmd+=(--mode "$mode" --address "bench/$sc/$round" --window "$window" --credit "$credit"
            --await-url "http://127.0.0.1:${mgmt_port[a]}/status")
    fi
    if bench_gen_run "$round" "$sc" "$out" "${cmd[@]}" --size 100 --seconds "$secs" --warmup "$warmup"; then
        if ((gen_sent > 0)); then
            # CPU of the scenario's routers over the whole run (probe, warm-up, measurement, drain).
            row "$round" "$sc" cpu_s "$(python3 -c "print(round(($gen_ticks)/$clk, 2))")"
            row "$round" "$sc" cpu_s_per_10k "$(python3 -c "print(round(($gen_ticks)/$clk/$gen_sent*1e4, 4))")"
            row "$round" "$sc" cpu_cores "$(python3 -c "print(round(($gen_ticks)/$clk/(($gen_ns)/1e9), 2))")"
        fi
        log "round $round $sc: $(sed 's/^result //; s/ p90_us=[^ ]*//; s/ p999_us=[^ ]*//; s/ rate_subs=[^ ]*//' \
            <<< "$gen_line")"
        if [[ -s $out.err ]]; then log "  stderr: $(head -n 3 "$out.err" | tr '\n' ' ')"; fi
    fi
    for r in "${vr_routers[@]}"; do
        if ! kill -0 "${router_pid[$r]}" 2> /dev/null; then
            vr_unavailable="router $r exited: $(grep -v '^\s*$' "$work/router-$r.log" | tail -n 1)"
            log "no more runs: $vr_unavailable"
        fi
    done
}

# Router warm-up: unrecorded load on each path the scenarios use (the generator's own JIT warms up in --warmup).
if ((router_warmup > 0)) && [[ -z $vr_unavailable ]]; then
    paths=()
    if bench_want_any "ceiling*"; then paths+=(a); fi
    if bench_want_any "*-ab*"; then paths+=(b); fi
    for to in "${paths[@]}"; do
        for mode in unsettled presettled; do
            log "router warm-up: ${router_warmup} s $mode, sender on a, receiver on $to (not recorded)"
            timeout $((router_warmup + 60)) java "${gen_opts[@]}" -cp "$gen_cp" io.vanrouter.bench.AmqpLoad \
                --send "127.0.0.1:${amqp_port[a]}" --recv "127.0.0.1:${amqp_port[$to]}" --mode "$mode" \
                --address "bench/warmup/$to/$mode" --seconds "$router_warmup" --warmup 0 --window "$window" \
                --credit "$credit" --await-url "http://127.0.0.1:${mgmt_port[a]}/status" --await-router "$to" \
                > "$work/warmup-$to-$mode.out" 2>&1 || log "router warm-up failed: $(tail -n 2 "$work/warmup-$to-$mode.out")"
        done
    done
fi

# Pairs measured back to back; the ceiling first in odd rounds, A->B first in even rounds.
bench_group_rounds "ceiling vr-ab" "ceiling-pre vr-ab-pre" "mqtt-ab-q1"

# ---------------------------------------------------------------------------------------------------------- report
# What the routers counted (AMQP outcomes, receiver drops), for the record.
for r in "${vr_routers[@]}"; do
    python3 - "${mgmt_port[$r]}" > "$work/router-$r-amqp.json" 2> /dev/null << 'EOF' || true
import json, sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/status", timeout=5) as r:
    print(json.dumps(json.load(r).get("amqp"), indent=1))
EOF
done
results="$work/results.md"
{
    bench_report_head AMQP "--seconds $secs --warmup $warmup --rounds $rounds" \
        "--router-warmup $router_warmup --window $window" \
        "--credit $credit --link-credit ${link_credit:-default} --scenarios $scen_arg"
    echo "- $(java -version 2>&1 | head -n 1), routers: java ${java_opts[*]}, load generator: java ${gen_opts[*]}" \
        "(AmqpLoad: proton-j Engine, one thread per connection; MqttLoad for mqtt-ab-q1)"
    for r in "${vr_routers[@]}"; do
        if [[ -s $work/router-$r-amqp.json ]]; then
            echo "- router $r AMQP counters at the end: $(tr -d ' \n' < "$work/router-$r-amqp.json" | cut -c1-400)"
        fi
    done
    echo
} > "$results"
python3 "$report_py" "$csv" "$rounds" >> "$results"
cat "$results"
echo
echo "results: $results"
echo "raw per-run numbers: $csv"
