#!/usr/bin/env bash
# MQTT benchmark (issue 4, acceptance point 6): vanrouter against bridged mosquitto, one run, systems alternated.
#
# Scenarios (100-byte payloads, MQTT 3.1.1, one publisher, the same load generator for all):
#   ceiling      QoS 0, publisher and subscriber on one mosquitto: the generator's (and this machine's) ceiling
#   mosq-ab      QoS 0, publisher -> mosquitto A -> bridge -> mosquitto B -> subscriber
#   vr-ab        QoS 0, publisher -> router A -> router B -> subscriber
#   mosq-fan3    QoS 0, publisher on mosquitto A, bridged to B, C, D (star), one subscriber on each of B, C, D
#   vr-fan3      QoS 0, publisher on router A, linked to B, C, D (star), one subscriber on each of B, C, D
#   ceiling-q1, mosq-ab-q1, vr-ab-q1   the same with QoS 1 (publisher and subscriptions), at most --inflight unacked
# CPU:     utime+stime (/proc/PID/stat) of the scenario's brokers or routers before and after every run: CPU seconds
#          per 10,000 published messages and per GiB of payload delivered, vanrouter next to mosquitto.
# Output:  progress on stderr, a Markdown report on stdout and in RESULTS_DIR/results.md (a warning at the top when the
#          machine was busy at the start; load average and busiest processes; medians, spread and every round's
#          figures), every run's figures in RESULTS_DIR/raw.csv (RESULTS_DIR is a new temp dir unless --out is given,
#          printed at the end; configs and logs are kept there).
#
# Usage:   flock /tmp/vanrouter-bench.lock bench/mqtt-benchmark.sh [options]
#   --seconds N     measured seconds per run (default 10), after --warmup seconds of load that are not recorded
#   --warmup N      seconds of load before each measurement (default 2)
#   --rounds N      rounds; each runs every scenario once, mosquitto first in odd rounds, vanrouter first in even
#                   rounds (default 3)
#   --quick         smoke run: --seconds 3 --warmup 1 --rounds 1
#   --window N      QoS 0: the publisher stays at most N messages ahead of its slowest subscriber (default 2000)
#   --window-q1 N   the same for QoS 1 (default 500: mosquitto drops QoS 1 messages to a client past its default
#                   queue, 1,000 + 20 in flight, and lost a few hundred per run with a window of 1,000)
#   --inflight N    QoS 1: at most N unacknowledged PUBLISHes (default 100)
#   --scenarios L   comma-separated subset of the scenarios above (default all)
#   --no-build      use the existing jar, test classes and classpath instead of building them first
#   --out DIR       write results.md, raw.csv, configs and logs to DIR (created if needed) instead of a new temp dir
# Builds with Maven online (BENCH_MVN_ARGS=-o for offline, see bench/lib.sh); installs missing Debian packages when
# run as root, otherwise prints the apt-get line. See docs/benchmarks.md, section "MQTT".
set -euo pipefail

secs=10
warmup=2
rounds=3
window=2000
window_q1=500
inflight=100
build=1
all_scenarios="ceiling,mosq-ab,vr-ab,mosq-fan3,vr-fan3,ceiling-q1,mosq-ab-q1,vr-ab-q1"
scen_arg=$all_scenarios
out_dir=""
cmdline="bench/mqtt-benchmark.sh $*"
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --seconds=secs --warmup=warmup --rounds=rounds --quick:secs=3,warmup=1,rounds=1 --window=window \
    --window-q1=window_q1 --inflight=inflight --scenarios=scen_arg --no-build:build=0 --out=out_dir -- "$@"
bench_need_ints positive --seconds "$secs" --rounds "$rounds" --window "$window" --window-q1 "$window_q1" \
    --inflight "$inflight"
bench_need_ints non-negative --warmup "$warmup"
bench_list scenarios scenario "$all_scenarios" "$scen_arg"

helper="$repo/bench/tcp_bench.py"
report_py="$repo/bench/mqtt_report.py"
jar="$repo/router-daemon/target/vanrouter.jar"
cpfile="$repo/router-transport/target/bench-classpath.txt"
PATH="$PATH:/usr/sbin:/sbin"

# ---------------------------------------------------------------------------------------------------------- tools
tools=(mosquitto=mosquitto java=openjdk-17-jre-headless python3=python3 flock=util-linux setsid=util-linux
    timeout=coreutils)
if ((build)); then tools+=("${bench_build_tools[@]}"); fi
bench_need_tools mqtt-benchmark "${tools[@]}"
mosquitto=$(command -v mosquitto)
bench_real_python3

# ---------------------------------------------------------------------------------------------------------- setup
bench_snapshot_start "$helper" # before anything of ours runs
bench_workdir mqttbench
start() { bench_start "$@"; }
if ((build)); then bench_build generator; fi
[[ -f $jar ]] || die "no $jar (run without --no-build)"
[[ -f $cpfile && -f $repo/router-transport/target/test-classes/io/vanrouter/bench/MqttLoad.class ]] \
    || die "no load generator build in router-transport/target (run without --no-build)"
gen_cp="$repo/router-transport/target/test-classes:$(cat "$cpfile")"
read -r -a gen_opts <<< "${MQTTLOAD_JAVA_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC}"
bench_java_opts

read -r -a port < <(python3 "$helper" free-ports 19)
((${#port[@]} == 19)) || die "could not find free ports"
# mosquitto: m1 (ceiling), ma-mb (A->B), fa hub with fb, fc, fd (fan-out).
declare -A mport=([m1]=${port[0]} [ma]=${port[1]} [mb]=${port[2]} [fa]=${port[3]} [fb]=${port[4]} [fc]=${port[5]}
    [fd]=${port[6]})
# vanrouter a (hub), b, c, d: inter-router link port, management port, MQTT port.
declare -A link_port=([a]=${port[7]} [b]=${port[8]} [c]=${port[9]} [d]=${port[10]})
declare -A mgmt_port=([a]=${port[11]} [b]=${port[12]} [c]=${port[13]} [d]=${port[14]})
declare -A mqtt_port=([a]=${port[15]} [b]=${port[16]} [c]=${port[17]} [d]=${port[18]})

# mosquitto_conf NAME BRIDGE_TO...: a broker on its port; a bridge to each named broker (q0/# at QoS 0, q1/# at 1).
mosquitto_conf() {
    local name=$1 to; shift
    cat << EOF
# mosquitto $name, generated by bench/mqtt-benchmark.sh
per_listener_settings false
allow_anonymous true
persistence false
log_dest stdout
log_type error
log_type warning
log_type notice
listener ${mport[$name]} 127.0.0.1
EOF
    for to in "$@"; do
        cat << EOF

connection bridge-$name-$to
address 127.0.0.1:${mport[$to]}
topic q0/# both 0
topic q1/# both 1
bridge_protocol_version mqttv311
cleansession true
notifications false
start_type automatic
restart_timeout 1
EOF
    done
}
declare -A bridges=([m1]="" [ma]="mb" [mb]="" [fa]="fb fc fd" [fb]="" [fc]="" [fd]="")
declare -A mosq_pid=()
need_mosq=()
bench_want_any "ceiling*" && need_mosq+=(m1)
bench_want_any "mosq-ab*" && need_mosq+=(mb ma)
bench_want mosq-fan3 && need_mosq+=(fb fc fd fa)
for m in "${need_mosq[@]}"; do
    # shellcheck disable=SC2086
    mosquitto_conf "$m" ${bridges[$m]} > "$work/mosquitto-$m.conf"
    start "mosquitto-$m" "$mosquitto" -c "$work/mosquitto-$m.conf"
    mosq_pid[$m]=$last_pid
done

router_conf() { # router_conf ID: a, the hub, listens; b, c and d dial it.
    printf 'router:\n  id: %s\n  network: mqttbench\nlisten:\n  - host: 127.0.0.1\n    port: %s\n' "$1" \
        "${link_port[$1]}"
    if [[ $1 != a ]]; then printf 'peers:\n  - host: 127.0.0.1\n    port: %s\n' "${link_port[a]}"; fi
    printf 'management:\n  host: 127.0.0.1\n  port: %s\n' "${mgmt_port[$1]}"
    printf 'mqtt:\n  listen: {host: 127.0.0.1, port: %s}\n' "${mqtt_port[$1]}"
    bench_tls "$work" "$1"
}
declare -A router_pid=()
vr_routers=()
bench_want_any "vr-ab*" && vr_routers=(a b)
bench_want vr-fan3 && vr_routers=(a b c d)
for r in "${vr_routers[@]}"; do
    router_conf "$r" > "$work/router-$r.yaml"
    bench_start_router "$r"
done

sleep 0.5
for m in "${need_mosq[@]}"; do
    kill -0 "${mosq_pid[$m]}" 2> /dev/null || die "mosquitto $m exited: $(tail -n 3 "$work/mosquitto-$m.log")"
done
vr_unavailable=""
if ((${#vr_routers[@]})); then
    log "waiting for routes from router a to ${vr_routers[*]:1}"
    bench_wait_hub || log "vanrouter scenarios unavailable: $vr_unavailable"
fi

# ---------------------------------------------------------------------------------------------------------- runs
bench_raw_csv "round,scenario,metric,value,note"
clk=$(getconf CLK_TCK)

# measure ROUND SCENARIO: one run of the load generator; figures (and the CPU of the system's processes) in the CSV.
measure() {
    local round=$1 sc=$2 qos=0 win=$window pub subs procs=() r m
    if [[ $sc == *-q1 ]]; then qos=1 win=$window_q1; fi
    case "${sc%-q1}" in
        ceiling) pub=${mport[m1]}; subs="127.0.0.1:${mport[m1]}"; procs=("${mosq_pid[m1]}") ;;
        mosq-ab) pub=${mport[ma]}; subs="127.0.0.1:${mport[mb]}"; procs=("${mosq_pid[ma]}" "${mosq_pid[mb]}") ;;
        vr-ab) pub=${mqtt_port[a]}; subs="127.0.0.1:${mqtt_port[b]}"; procs=("${router_pid[a]:-}" "${router_pid[b]:-}") ;;
        mosq-fan3) pub=${mport[fa]}; subs="127.0.0.1:${mport[fb]},127.0.0.1:${mport[fc]},127.0.0.1:${mport[fd]}"
            for m in fa fb fc fd; do procs+=("${mosq_pid[$m]}"); done ;;
        vr-fan3) pub=${mqtt_port[a]}
            subs="127.0.0.1:${mqtt_port[b]},127.0.0.1:${mqtt_port[c]},127.0.0.1:${mqtt_port[d]}"
            for r in a b c d; do procs+=("${router_pid[$r]}"); done ;;
    esac
    if [[ $sc == vr-* && -n $vr_unavailable ]]; then
        row "$round" "$sc" all NA "vanrouter unavailable: $vr_unavailable"
        return 0
    fi
    local mark
    mark=$(bench_cpu_mark)
    if bench_gen_run "$round" "$sc" "$work/run-$round-$sc.out" io.vanrouter.bench.MqttLoad \
        --pub "127.0.0.1:$pub" --sub "$subs" --topic "q$qos/bench/$sc/$round" --qos "$qos" --size 100 \
        --seconds "$secs" --warmup "$warmup" --window "$win" --inflight "$inflight"; then
        row "$round" "$sc" steal_pct "$(bench_steal_pct "$mark")"
        if ((gen_sent > 0)); then
            # CPU of the brokers/routers of this scenario over the whole run (probe, warm-up, measurement, drain),
            # per published message, and as cores busy over the run.
            row "$round" "$sc" cpu_us_per_msg "$(python3 -c "print(round(($gen_ticks)/$clk*1e6/$gen_sent, 2))")"
            row "$round" "$sc" cpu_cores "$(python3 -c "print(round(($gen_ticks)/$clk/(($gen_ns)/1e9), 2))")"
            row "$round" "$sc" cpu_s "$(python3 -c "print(round(($gen_ticks)/$clk, 2))")"
            row "$round" "$sc" payload_bytes 100
        fi
        log "round $round $sc: $(sed 's/^result //; s/ rate_subs=[^ ]*//; s/ p90_us=[^ ]*//; s/ probe_ms=.*//' \
            <<< "$gen_line")"
    fi
    for r in "${vr_routers[@]}"; do
        if [[ $sc == vr-* ]] && ! kill -0 "${router_pid[$r]}" 2> /dev/null; then
            vr_unavailable="router $r exited: $(grep -v '^\s*$' "$work/router-$r.log" | tail -n 1)"
            log "vanrouter scenarios unavailable from now on: $vr_unavailable"
        fi
    done
}

# Pairs measured back to back; mosquitto first in odd rounds, vanrouter first in even rounds.
bench_group_rounds "ceiling" "mosq-ab vr-ab" "mosq-fan3 vr-fan3" "ceiling-q1" "mosq-ab-q1 vr-ab-q1"

# ---------------------------------------------------------------------------------------------------------- report
results="$work/results.md"
{
    bench_report_head MQTT "--seconds $secs --warmup $warmup --rounds $rounds --window $window" \
        "--window-q1 $window_q1 --inflight $inflight --scenarios $scen_arg"
    echo "- $("$mosquitto" -h 2>&1 | head -n 1), $(java -version 2>&1 | head -n 1), routers:" \
        "java ${java_opts[*]}, load generator: java ${gen_opts[*]} (MqttLoad, Netty MQTT codec)"
    echo
} > "$results"
python3 "$report_py" "$csv" "$rounds" >> "$results"
cat "$results"
echo
echo "results: $results"
echo "raw per-run numbers: $csv"
