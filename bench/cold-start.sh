#!/usr/bin/env bash
# Cold start (issue 8): does a router started 2 s before the load carry at least half its warm rate in the first 5 s?
#
# Two routers a - b (b dials a); a TCP listener at a in front of an iperf3 server behind b, and an MQTT listener on
# each. Each round, for TCP and then for MQTT, starts both routers afresh, waits 2 s from their launch, and runs the
# load for --seconds three times in a row: the first run is "cold", the last "warm" (same routers, same processes).
#   TCP:  iperf3, one stream a -> b (Gbit/s);
#   MQTT: QoS 0, publisher at a, subscriber at b (bench's MqttLoad, no warm-up within a run: msgs/s). With
#         --generator warm (the default) one generator process makes the three runs, and before the routers are
#         launched it has run 5 s of the same load through a local mosquitto, so its own code is compiled and the
#         cold figure is the routers'; --generator cold starts a fresh generator JVM per run (the method before
#         2026-12-02: the generator's JIT warm-up then lands in every run, cold and warm alike).
# Every round does this twice: with config/jvm.options ("plain"; VANROUTER_JAVA_OPTS replaces them), and with those
# and the class data archive bin/vanrouter starts routers from ("cds", made by `bin/vanrouter cds`).
# Result per round: cold, warm and cold / warm; min, median and max of the ratios; and the time from launch to the
# "router started" line of each router.
#
# Usage:   bench/cold-start.sh [--rounds N] [--seconds N] [--loads LIST] [--generator warm|cold] [--java-home DIR]
#                              [--no-build] [--out DIR]
#   --rounds N   rounds (default 3)
#   --loads LIST tcp, mqtt or tcp,mqtt (default both)
#   --seconds N  length of each run (default 5)
#   --generator warm|cold  MQTT load generator primed before the routers start, or a fresh JVM per run (default warm)
#   --java-home DIR  the Java the routers run on (default: java on the PATH); the load generator keeps the PATH's
#   --no-build   use the existing jar and load generator
#   --out DIR    results directory (default a new /tmp/vanrouter-cold.XXXXXX): logs, configs, raw.csv, report.md
# Run it on a quiet machine; it prints a Markdown report on stdout and in DIR/report.md.
set -euo pipefail

rounds=3
secs=5
build=1
out_dir=""
loads="tcp,mqtt"
generator=warm
java_home=""
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --rounds=rounds --seconds=secs --loads=loads --generator=generator --java-home=java_home \
    --no-build:build=0 --out=out_dir -- "$@"
[[ $loads =~ ^(tcp|mqtt)(,(tcp|mqtt))?$ ]] || die "--loads must be tcp, mqtt or tcp,mqtt, got '$loads'"
[[ $generator =~ ^(warm|cold)$ ]] || die "--generator must be warm or cold, got '$generator'"
IFS=, read -r -a load_list <<< "$loads"
bench_need_ints positive --rounds "$rounds" --seconds "$secs"
router_java=${java_home:+$java_home/bin/}java
[[ -z $java_home || -x $router_java ]] || die "--java-home: no $router_java"

helper="$repo/bench/tcp_bench.py"
jar="$repo/router-daemon/target/vanrouter.jar"
cpfile="$repo/router-transport/target/bench-classpath.txt"
PATH="$PATH:/usr/sbin:/sbin"
tools=(iperf3=iperf3 java=openjdk-17-jre-headless python3=python3 setsid=util-linux)
if ((build)); then tools+=("${bench_build_tools[@]}"); fi
if [[ $loads == *mqtt* && $generator == warm ]]; then tools+=(mosquitto=mosquitto); fi
bench_need_tools cold-start "${tools[@]}"

bench_workdir cold
if ((build)); then bench_build generator; fi
[[ -f $jar && -f $cpfile ]] || die "no $jar or $cpfile: run without --no-build once"
bench_settle # after the build: measure on a quiet machine
busy_warning=$(bench_busy_warning)
load_lines=$(bench_load_snapshot python3 "$helper")
gen_cp="$repo/router-transport/target/test-classes:$(cat "$cpfile")"
read -r -a gen_opts <<< "${MQTTLOAD_JAVA_OPTS:--Xms64m -Xmx256m -XX:+UseSerialGC}"
bench_java_opts
archive=$(JAVA_HOME=$java_home VANROUTER_BUILD=never "$repo/bin/vanrouter" cds) || die "could not make the class data archive"
declare -A variant_opts=([plain]="" [cds]="-XX:SharedArchiveFile=$archive")
router_version=$("$router_java" -version 2>&1 | head -1)

read -r -a port < <(python3 "$helper" free-ports 9)
p_mosq=${port[8]}
p_iperf=${port[0]} p_front=${port[1]}
declare -A link=([a]=${port[2]} [b]=${port[3]}) mgmt=([a]=${port[4]} [b]=${port[5]}) mqtt=([a]=${port[6]} [b]=${port[7]})
for r in a b; do
    {
        printf 'router:\n  id: %s\n  network: cold\n' "$r"
        printf 'listen:\n  - {host: 127.0.0.1, port: %s}\n' "${link[$r]}"
        if [[ $r == b ]]; then printf 'peers:\n  - {host: 127.0.0.1, port: %s}\n' "${link[a]}"; fi
        printf 'management: {host: 127.0.0.1, port: %s}\n' "${mgmt[$r]}"
        bench_tls "$work" "$r"
        printf 'mqtt:\n  listen: {host: 127.0.0.1, port: %s}\n' "${mqtt[$r]}"
        if [[ $r == a ]]; then
            printf 'tcp:\n  listeners:\n    - {address: iperf, host: 127.0.0.1, port: %s}\n' "$p_front"
        else
            printf 'tcp:\n  connectors:\n    - {address: iperf, host: 127.0.0.1, port: %s}\n' "$p_iperf"
        fi
    } > "$work/router-$r.yaml"
done
bench_start iperf3-server iperf3 -s -B 127.0.0.1 -p "$p_iperf"
if [[ $loads == *mqtt* && $generator == warm ]]; then
    bench_start mosquitto mosquitto -p "$p_mosq" # where the generator warms up; never carries a measured message
    # The first generator connects at once: wait for the port, or round 1 fails on "connection refused".
    for ((i = 0; i < 100; i++)); do
        if (exec 3<> "/dev/tcp/127.0.0.1/$p_mosq") 2> /dev/null; then break; fi
        sleep 0.1
    done
    ((i < 100)) || die "mosquitto did not listen on port $p_mosq within 10 s (see $work/mosquitto.log)"
fi

declare -A router_pid=()
launched=0
start_routers() { # start_routers TAG VARIANT: fresh a and b, returns 2 s after their launch
    local r extra
    read -r -a extra <<< "${variant_opts[$2]}"
    launched=$(date +%s%N)
    for r in a b; do
        bench_start "router-$r-$1" "$router_java" "${java_opts[@]}" "${extra[@]}" -jar "$jar" run \
            --config "$work/router-$r.yaml"
        router_pid[$r]=$last_pid
    done
    sleep 2
}
started_ms() { # started_ms TAG R: ms from the launch to R's "router started" line
    python3 - "$launched" "$work/router-$2-$1.log" << 'EOF'
import datetime, sys
launched = datetime.datetime.fromtimestamp(int(sys.argv[1]) / 1e9)
for line in open(sys.argv[2]):
    if "router started" in line:
        t = datetime.datetime.combine(launched.date(), datetime.datetime.strptime(line[:12], "%H:%M:%S.%f").time())
        print(f"{(t - launched).total_seconds() * 1000:.0f}")
        break
else:
    print("none")
EOF
}
stop_routers() {
    local r
    for r in a b; do kill -TERM "${router_pid[$r]}" 2> /dev/null || true; done
    for r in a b; do wait "${router_pid[$r]}" 2> /dev/null || true; done
}
tcp_run() { # tcp_run OUT: Gbit/s of one iperf3 stream for --seconds, or 0 when it failed
    iperf3 -c 127.0.0.1 -p "$p_front" -t "$secs" -J > "$1" 2> "$1.err" || true
    python3 - "$1" << 'EOF'
import json, sys
try:
    print(f"{json.load(open(sys.argv[1]))['end']['sum_received']['bits_per_second'] / 1e9:.2f}")
except Exception:
    print("0")
EOF
}
mqtt_args=(--qos 0 --size 100 --seconds "$secs" --warmup 0 --window 2000 --inflight 100)
mqtt_run() { # mqtt_run OUT TOPIC: msgs/s received over --seconds by a fresh generator JVM, or 0 when it failed
    timeout $((secs + 60)) java "${gen_opts[@]}" -cp "$gen_cp" io.vanrouter.bench.MqttLoad \
        --pub "127.0.0.1:${mqtt[a]}" --sub "127.0.0.1:${mqtt[b]}" --topic "$2" "${mqtt_args[@]}" > "$1" 2> "$1.err" || true
    local rate
    rate=$(grep '^result ' "$1" | grep -o 'rate_avg=[0-9]*' | cut -d= -f2 || true)
    echo "${rate:-0}"
}
mqtt_primed_runs() { # mqtt_primed_runs OUT TOPIC TAG VARIANT: one generator, primed through mosquitto, then the
    # routers launched (start_routers) and three runs; sets rates to the three rates (0 for a run that failed).
    # Not in a subshell: start_routers sets launched and router_pid.
    local out=$1 go="$1.go" gen i rate
    rates=()
    rm -f "$go"
    timeout $((3 * secs + 240)) java "${gen_opts[@]}" -cp "$gen_cp" io.vanrouter.bench.MqttLoad \
        --prime "127.0.0.1:$p_mosq" --prime-seconds 5 --go-file "$go" --runs 3 \
        --pub "127.0.0.1:${mqtt[a]}" --sub "127.0.0.1:${mqtt[b]}" --topic "$2" "${mqtt_args[@]}" > "$out" 2> "$out.err" &
    gen=$!
    for _ in $(seq 600); do
        grep -q '^primed' "$out" 2> /dev/null && break
        kill -0 "$gen" 2> /dev/null || break
        sleep 0.1
    done
    grep -q '^primed' "$out" 2> /dev/null || log "generator did not prime (see $out.err)"
    start_routers "$3" "$4"
    touch "$go"
    wait "$gen" || true
    for i in 1 2 3; do
        rate=$(grep '^result ' "$out" | sed -n "${i}p" | grep -o 'rate_avg=[0-9]*' | cut -d= -f2 || true)
        rates+=("${rate:-0}")
    done
}

raw="$work/raw.csv"
echo "round,variant,load,run,rate" > "$raw"
started="$work/started.csv"
echo "round,variant,load,router,ms" > "$started"
steal="$work/steal.csv"
echo "round,variant,load,pct" > "$steal"
run_cpu_mark=$(bench_cpu_mark)
for ((i = 1; i <= rounds; i++)); do
    variants=(plain cds)
    ((i % 2)) || variants=(cds plain) # alternate which goes first
    for variant in "${variants[@]}"; do
        for load in "${load_list[@]}"; do
            tag="$load-$variant-$i"
            rates=()
            mark=$(bench_cpu_mark)
            if [[ $load == mqtt && $generator == warm ]]; then
                mqtt_primed_runs "$work/mqtt-$tag.out" "q0/cold/$tag" "$tag" "$variant"
            else
                start_routers "$tag" "$variant"
            fi
            for run in 1 2 3; do
                if ((${#rates[@]})); then
                    rate=${rates[run - 1]}
                elif [[ $load == tcp ]]; then
                    rate=$(tcp_run "$work/iperf-$tag-$run.json")
                else
                    rate=$(mqtt_run "$work/mqtt-$tag-$run.out" "q0/cold/$tag/$run")
                fi
                echo "$i,$variant,$load,$run,$rate" >> "$raw"
                log "round $i $variant $load run $run: $rate"
            done
            echo "$i,$variant,$load,$(bench_steal_pct "$mark")" >> "$steal"
            for r in a b; do echo "$i,$variant,$load,$r,$(started_ms "$tag" "$r")" >> "$started"; done
            stop_routers
        done
    done
done

run_steal=$(bench_steal_pct "$run_cpu_mark")
{
    echo "## Cold start: the first $secs s after a router starts ($(date -u +'%Y-%m-%d %H:%M') UTC)"
    echo
    if [[ -n $busy_warning ]]; then echo "$busy_warning"; echo; fi
    bench_steal_warning "$run_steal"
    echo "- command: bench/cold-start.sh --rounds $rounds --seconds $secs --loads $loads --generator" \
        "$generator${java_home:+ --java-home $java_home}; commit $(bench_commit "$repo")"
    echo "- machine: $(bench_machine)"
    echo "$load_lines"
    bench_steal_line "$run_steal"
    echo "- routers: $router_version; java ${java_opts[*]}; cds adds -XX:SharedArchiveFile (bin/vanrouter cds)"
    echo "- a - b, load started 2 s after both were launched; cold = run 1, warm = run 3 of the same routers; a failed"
    echo "  run counts as 0"
    if [[ $loads == *mqtt* ]]; then
        if [[ $generator == warm ]]; then
            echo "- MQTT generator: one process for the three runs, primed with 5 s of the same load through mosquitto"
            echo "  before the routers were launched"
        else
            echo "- MQTT generator: a fresh JVM per run (its own JIT warm-up is in every run)"
        fi
    fi
    echo
    python3 - "$raw" "$started" "$steal" "$bench_steal_limit" << 'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
starts = list(csv.DictReader(open(sys.argv[2])))
steal = {(s["round"], s["variant"], s["load"]): float(s["pct"]) for s in csv.DictReader(open(sys.argv[3]))}
limit = float(sys.argv[4])
print("| load | variant | round | cold | run 2 | warm | cold / warm | launch to started, a / b (ms) | CPU steal % |")
print("|---|---|---:|---:|---:|---:|---:|---|---:|")
summary = []
late = []
for load, unit in (("tcp", "Gbit/s"), ("mqtt", "msgs/s")):
    if not any(r["load"] == load for r in rows):
        continue  # not asked for (--loads)
    for variant in ("plain", "cds"):
        ratios = []
        for rnd in sorted({r["round"] for r in rows}, key=int):
            runs = {r["run"]: float(r["rate"]) for r in rows
                    if r["load"] == load and r["variant"] == variant and r["round"] == rnd}
            cold, warm = runs.get("1", 0), runs.get("3", 0)
            ratio = cold / warm if warm else 0
            ratios.append(ratio)
            st = {s["router"]: s["ms"] for s in starts
                  if s["load"] == load and s["variant"] == variant and s["round"] == rnd}
            fmt = (lambda v: f"{v:.2f}") if load == "tcp" else (lambda v: f"{v:,.0f}")
            pct = steal.get((rnd, variant, load))
            marked = "n/a" if pct is None else f"{pct:.1f}" + (" (degraded)" if pct > limit else "")
            print(f"| {load.upper()} ({unit}) | {variant} | {rnd} | {fmt(cold)} | {fmt(runs.get('2', 0))} | "
                  f"{fmt(warm)} | {ratio:.2f} | {st.get('a', '?')} / {st.get('b', '?')} | {marked} |")
            for router in ("a", "b"):
                ms = st.get(router, "none")
                if not ms.isdigit() or int(ms) > 2000:
                    when = f"started after {ms} ms" if ms.isdigit() else "never started"
                    late.append(f"- {load.upper()}, {variant}, round {rnd}: router {router} was not up when the load "
                                f"began 2 s after launch ({when}): a stalled host or a start that hung (see its "
                                f"log); the round counts as measured")
        summary.append(f"- {load.upper()}, {variant}: cold / warm min {min(ratios):.2f}, median "
                       f"{statistics.median(ratios):.2f}, max {max(ratios):.2f}")
print()
print("\n".join(summary + late))
print(f"- CPU steal %: of the machine's busy CPU time from the routers' launch to the end of run 3, taken by the "
      f"host for its other guests; above {limit:g} % the round is degraded")
EOF
    echo
    echo "- results: $work"
} | tee "$work/report.md"
