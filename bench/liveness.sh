#!/usr/bin/env bash
# Link liveness under load (issue 8): do short hello and dead intervals hold on busy links, and how fast is a frozen
# router detected?
#
# Three routers in a line, a - b - c (b dials a, c dials b), with routing.helloIntervalMillis and deadIntervalMillis
# set short. For --minutes, both links carry an iperf3 stream both ways (a TCP listener at a, its connector at c) and
# MQTT QoS 0 from a publisher at a to a subscriber at c (bench's MqttLoad, as fast as it goes). Then b is frozen with
# SIGSTOP and the time until a and c declare it lost is read from their logs.
# Result: false link-downs during the load (must be 0; every "neighbour lost" or "link down" line is listed), the
# load carried, and the detection times of the freeze.
#
# Usage:   bench/liveness.sh [--minutes N] [--hello MS] [--dead MS] [--no-build] [--out DIR]
#   --minutes N  length of the loaded phase (default 10)
#   --hello MS   hello interval (default 100)
#   --dead MS    dead interval (default 300)
#   --no-build   use the existing jar and load generator
#   --out DIR    results directory (default a new /tmp/vanrouter-liveness.XXXXXX): logs, configs, report.md
# Run it on a quiet machine; it prints a Markdown report on stdout and in DIR/report.md.
set -euo pipefail

minutes=10
hello=100
dead=300
build=1
out_dir=""
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --minutes=minutes --hello=hello --dead=dead --no-build:build=0 --out=out_dir -- "$@"
bench_need_ints positive --minutes "$minutes" --hello "$hello" --dead "$dead"
((dead > hello)) || die "--dead must exceed --hello"

helper="$repo/bench/tcp_bench.py"
jar="$repo/router-daemon/target/vanrouter.jar"
cpfile="$repo/router-transport/target/bench-classpath.txt"
PATH="$PATH:/usr/sbin:/sbin"
tools=(iperf3=iperf3 java=openjdk-17-jre-headless python3=python3 flock=util-linux setsid=util-linux)
if ((build)); then tools+=("${bench_build_tools[@]}"); fi
bench_need_tools liveness "${tools[@]}"

bench_workdir liveness
busy_warning=$(bench_busy_warning)
load_lines=$(bench_load_snapshot python3 "$helper")
run_cpu_mark=$(bench_cpu_mark)
start() { bench_start "$@"; }
if ((build)); then bench_build generator; fi
[[ -f $jar && -f $cpfile ]] || die "no $jar or $cpfile: run without --no-build once"

read -r -a port < <(python3 "$helper" free-ports 11)
p_iperf=${port[0]} p_front=${port[1]}
declare -A link=([a]=${port[2]} [b]=${port[3]} [c]=${port[4]}) mgmt=([a]=${port[5]} [b]=${port[6]} [c]=${port[7]})
declare -A mqtt=([a]=${port[8]} [b]=${port[9]} [c]=${port[10]}) dials=([a]="" [b]=a [c]=b)
mapfile -t java_opts < <(grep -v -e '^#' -e '^$' "$repo/config/jvm.options")
declare -A router_pid=()
for r in a b c; do
    {
        printf 'router:\n  id: %s\n  network: liveness\n' "$r"
        printf 'listen:\n  - {host: 127.0.0.1, port: %s}\n' "${link[$r]}"
        if [[ -n ${dials[$r]} ]]; then printf 'peers:\n  - {host: 127.0.0.1, port: %s}\n' "${link[${dials[$r]}]}"; fi
        printf 'management: {host: 127.0.0.1, port: %s}\n' "${mgmt[$r]}"
        bench_tls "$work" "$r"
        printf 'routing: {helloIntervalMillis: %s, deadIntervalMillis: %s}\n' "$hello" "$dead"
        printf 'mqtt:\n  listen: {host: 127.0.0.1, port: %s}\n' "${mqtt[$r]}"
        if [[ $r == a ]]; then
            printf 'tcp:\n  listeners:\n    - {address: iperf, host: 127.0.0.1, port: %s}\n' "$p_front"
        elif [[ $r == c ]]; then
            printf 'tcp:\n  connectors:\n    - {address: iperf, host: 127.0.0.1, port: %s}\n' "$p_iperf"
        fi
    } > "$work/router-$r.yaml"
    bench_start_router "$r"
done
start iperf3-server iperf3 -s -B 127.0.0.1 -p "$p_iperf"

log "waiting for a to reach c"
for _ in $(seq 300); do
    if java -jar "$jar" status --router "127.0.0.1:${mgmt[a]}" --json 2> /dev/null | grep -q '"id" *: *"c"'; then
        break; fi
    sleep 0.2
done
sleep 2 # data connections and the address of 'iperf'
marker=$(date +%H:%M:%S.%3N)
secs=$((minutes * 60))
log "load for $minutes min: iperf3 both ways a->c, MQTT QoS 0 a->c; hello $hello ms, dead $dead ms"
iperf3 -c 127.0.0.1 -p "$p_front" -t "$secs" --bidir -J > "$work/iperf3.json" 2> "$work/iperf3.err" &
iperf_client=$!
gen_cp="$repo/router-transport/target/test-classes:$(cat "$cpfile")"
java -Xms64m -Xmx256m -XX:+UseSerialGC -cp "$gen_cp" io.vanrouter.bench.MqttLoad --pub "127.0.0.1:${mqtt[a]}" \
    --sub "127.0.0.1:${mqtt[c]}" --topic q0/liveness --qos 0 --size 100 --seconds "$((secs - 5))" --warmup 0 \
    --window 2000 --inflight 100 > "$work/mqtt.out" 2> "$work/mqtt.err" || true
wait "$iperf_client" || true

lost_lines() { # lines after the marker that report a lost neighbour or a link down, in the logs of a, b and c
    local r
    for r in a b c; do
        awk -v m="$marker" '$1 >= m' "$work/router-$r.log" | grep -E 'neighbour lost|link down' \
            | sed "s/^/router $r: /" || true
    done
}
false_downs=$(lost_lines)

log "freezing b (SIGSTOP)"
freeze_marker=$(date +%H:%M:%S.%3N)
kill -STOP "${router_pid[b]}"
sleep $(((dead * 3 + 999) / 1000 + 1))
kill -CONT "${router_pid[b]}"
detect() { # detect R: ms from the freeze to R's first "neighbour lost" line for b
    local line
    line=$(awk -v m="$freeze_marker" '$1 >= m' "$work/router-$1.log" | grep -m1 'peer=b\] neighbour lost' || true)
    [[ -z $line ]] && { echo "not detected"; return; }
    python3 - "$freeze_marker" "${line%% *}" << 'EOF'
import sys
from datetime import datetime
f = lambda s: datetime.strptime(s, "%H:%M:%S.%f")
print(f"{(f(sys.argv[2]) - f(sys.argv[1])).total_seconds() * 1000:.0f} ms")
EOF
}

run_steal=$(bench_steal_pct "$run_cpu_mark")
{
    echo "## Link liveness under load ($(date -u +'%Y-%m-%d %H:%M') UTC)"
    echo
    if [[ -n $busy_warning ]]; then echo "$busy_warning"; echo; fi
    bench_steal_warning "$run_steal"
    echo "- command: bench/liveness.sh --minutes $minutes --hello $hello --dead $dead; commit $(bench_commit "$repo")"
    echo "- machine: $(bench_machine)"
    echo "$load_lines"
    bench_steal_line "$run_steal"
    echo "- routers: java ${java_opts[*]}; a - b - c, hello $hello ms, dead interval $dead ms"
    echo "- load for $minutes min on both links: iperf3 one stream each way a<->c (--bidir), MQTT QoS 0 a->c"
    python3 - "$work/iperf3.json" << 'EOF'
import json, sys
try:
    end = json.load(open(sys.argv[1]))["end"]
    print(f"- iperf3: a->c {end['sum_sent']['bits_per_second'] / 1e9:.2f} Gbit/s, "
          f"c->a {end['sum_sent_bidir_reverse']['bits_per_second'] / 1e9:.2f} Gbit/s (means over the run)")
except Exception as e:
    print(f"- iperf3: no result ({e}); see iperf3.err")
EOF
    echo "- MQTT: $(grep '^result ' "$work/mqtt.out" | tail -n 1 | grep -o 'rate_avg=[0-9]*\|lost=[0-9]*' | tr '\n' ' ')"
    if [[ -z $false_downs ]]; then
        echo "- **false link-downs during the load: 0**"
    else
        echo "- **false link-downs during the load: $(wc -l <<< "$false_downs")**:"
        sed 's/^/  - /' <<< "$false_downs"
    fi
    echo "- b frozen (SIGSTOP): detected by a after $(detect a), by c after $(detect c) (dead interval $dead ms)"
    echo "- results: $work"
} | tee "$work/report.md"
