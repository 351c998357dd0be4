#!/usr/bin/env bash
# Failover (issue 8): how soon after a transit router dies does a new TCP connection through the VAN work again?
#
# Four routers in a diamond: a - b - d and a - c - d (b and c dial a, d dials b and c), the path through c costing
# more, so that a reaches d through b. A TCP listener at a (address 'redis'), its connector at d in front of a
# redis-server. Each round sends a fault to b and measures the time from the signal until a new connection through
# a's listener gets a PONG (bench/failover.py: a new connection and a PING every few ms, 50 ms each), then heals b and
# waits until a routes through b again. Rounds alternate:
#   kill:   SIGKILL, then b restarts: its connections close at once, so a and d see the links go down;
#   freeze: SIGSTOP, then SIGCONT: nothing closes, a and d find b dead after the dead interval.
# Result per round: ms to the first PONG, and the attempts it took; min, median and max per kind.
#
# Usage:   bench/failover.sh [--rounds N] [--hello MS] [--dead MS] [--no-build] [--out DIR]
#   --rounds N   rounds of each kind (default 5)
#   --hello MS   hello interval (default 100)
#   --dead MS    dead interval (default 300)
#   --no-build   use the existing router-daemon/target/vanrouter.jar
#   --out DIR    results directory (default a new /tmp/vanrouter-failover.XXXXXX): logs, configs, report.md
# Run it on a quiet machine; it prints a Markdown report on stdout and in DIR/report.md.
set -euo pipefail

rounds=5
hello=100
dead=300
build=1
out_dir=""
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_parse_options --rounds=rounds --hello=hello --dead=dead --no-build:build=0 --out=out_dir -- "$@"
bench_need_ints positive --rounds "$rounds" --hello "$hello" --dead "$dead"
((dead > hello)) || die "--dead must exceed --hello"

helper="$repo/bench/tcp_bench.py"
probe="$repo/bench/failover.py"
jar="$repo/router-daemon/target/vanrouter.jar"
PATH="$PATH:/usr/sbin:/sbin"
tools=(redis-server=redis-server java=openjdk-17-jre-headless python3=python3 setsid=util-linux)
if ((build)); then tools+=("${bench_build_tools[@]}"); fi
bench_need_tools failover "${tools[@]}"

bench_workdir failover
start() { bench_start "$@"; }
if ((build)); then bench_build; fi
[[ -f $jar ]] || die "no $jar: run without --no-build once"
bench_settle # after the build: measure on a quiet machine
busy_warning=$(bench_busy_warning)
load_lines=$(bench_load_snapshot python3 "$helper")
run_cpu_mark=$(bench_cpu_mark)

read -r -a port < <(python3 "$helper" free-ports 10)
p_redis=${port[0]} p_front=${port[1]}
declare -A link=([a]=${port[2]} [b]=${port[3]} [c]=${port[4]} [d]=${port[5]})
declare -A mgmt=([a]=${port[6]} [b]=${port[7]} [c]=${port[8]} [d]=${port[9]})
declare -A dials=([a]="" [b]="a:1" [c]="a:5" [d]="b:1 c:5")
mapfile -t java_opts < <(grep -v -e '^#' -e '^$' "$repo/config/jvm.options")
for r in a b c d; do
    {
        printf 'router:\n  id: %s\n  network: failover\n' "$r"
        printf 'listen:\n  - {host: 127.0.0.1, port: %s}\n' "${link[$r]}"
        if [[ -n ${dials[$r]} ]]; then
            printf 'peers:\n'
            for peer in ${dials[$r]}; do
                printf '  - {host: 127.0.0.1, port: %s, cost: %s}\n' "${link[${peer%%:*}]}" "${peer#*:}"
            done
        fi
        printf 'management: {host: 127.0.0.1, port: %s}\n' "${mgmt[$r]}"
        bench_tls "$work" "$r"
        printf 'routing: {helloIntervalMillis: %s, deadIntervalMillis: %s}\n' "$hello" "$dead"
        if [[ $r == a ]]; then
            printf 'tcp:\n  listeners:\n    - {address: redis, host: 127.0.0.1, port: %s}\n' "$p_front"
        elif [[ $r == d ]]; then
            printf 'tcp:\n  connectors:\n    - {address: redis, host: 127.0.0.1, port: %s}\n' "$p_redis"
        fi
    } > "$work/router-$r.yaml"
done
declare -A router_pid=()
for r in a b c d; do bench_start_router "$r"; done
start redis-server redis-server --port "$p_redis" --bind 127.0.0.1 --save '' --appendonly no

log "waiting for a to route d via b"
python3 "$probe" wait-via "${mgmt[a]}" d b 60
python3 "$helper" probe "$p_front" 30 # the address is known at a and the path answers

declare -A results=([kill]="" [freeze]="")
raw="$work/raw.csv"
echo "round,kind,ms,attempts" > "$raw"
for ((i = 1; i <= rounds; i++)); do
    for kind in kill freeze; do
        sig=KILL
        [[ $kind == freeze ]] && sig=STOP
        read -r ms attempts < <(python3 "$probe" measure "$p_front" "${router_pid[b]}" "$sig" 15)
        log "round $i $kind: first PONG after $ms ms ($attempts attempts)"
        echo "$i,$kind,$ms,$attempts" >> "$raw"
        results[$kind]+="$ms "
        if [[ $kind == kill ]]; then
            wait "${router_pid[b]}" 2> /dev/null || true
            mv "$work/router-b.log" "$work/router-b.killed-$i.log"
            bench_start_router b
        else
            kill -CONT "${router_pid[b]}"
        fi
        python3 "$probe" wait-via "${mgmt[a]}" d b 60
        python3 "$probe" wait-via "${mgmt[d]}" a b 60
        python3 "$helper" probe "$p_front" 30
    done
done

summary() { # summary "MS MS ...": min / median / max, or the failures
    python3 - "$@" << 'EOF'
import statistics, sys
vals = sys.argv[1].split()
ok = sorted(float(v) for v in vals if v != "none")
failed = len(vals) - len(ok)
text = f"min {ok[0]:.0f}, median {statistics.median(ok):.0f}, max {ok[-1]:.0f} ms" if ok else "no round answered"
print(text + (f"; {failed} rounds never answered within 15 s" if failed else "") + f" (rounds: {' '.join(vals)})")
EOF
}

run_steal=$(bench_steal_pct "$run_cpu_mark")
{
    echo "## Failover: new TCP connection after a transit router dies ($(date -u +'%Y-%m-%d %H:%M') UTC)"
    echo
    if [[ -n $busy_warning ]]; then echo "$busy_warning"; echo; fi
    bench_steal_warning "$run_steal"
    echo "- command: bench/failover.sh --rounds $rounds --hello $hello --dead $dead; commit $(bench_commit "$repo")"
    echo "- machine: $(bench_machine)"
    echo "$load_lines"
    bench_steal_line "$run_steal"
    echo "- routers: java ${java_opts[*]}; a-b-d (cost 1+1) and a-c-d (cost 5+5), hello $hello ms, dead $dead ms;"
    echo "  a new connection + redis PING through a's listener every few ms (50 ms each) from the fault on"
    echo "- b killed (SIGKILL): first PONG after $(summary "${results[kill]}")"
    echo "- b frozen (SIGSTOP): first PONG after $(summary "${results[freeze]}")"
    echo "- results: $work"
} | tee "$work/report.md"
