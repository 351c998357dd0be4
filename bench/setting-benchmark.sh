#!/usr/bin/env bash
# One router setting on against off, through vanrouter A -> B: the same cases with the setting off and on, alternating
# in every round (routers started afresh for each run, so every figure includes the same warm-up), and the ratio
# on / off per round and of the medians.
#
# Settings:
#   tls      TLS links against plain links (issue 9, point 6): iperf3 1 stream, redis PING 1 client, MQTT QoS 0
#   flowlog  the flow log to a file against none (issue 10): new connections/s (50 clients, a flow line each),
#            redis PING 1 client, iperf3 1 stream, and the routers' CPU per 10,000 new connections
# Usage:   bench/setting-benchmark.sh tls|flowlog [--rounds N] [--seconds N] [--out DIR] [--no-build]
#   --rounds N    rounds; odd rounds run the setting off first, even rounds on first (default 3)
#   --seconds N   length of each measurement (default 5)
#   --out DIR     keep every run's results and logs in DIR (default: a new temp dir)
#   --no-build    use the existing jar and load generator instead of building them first
# Output:  a Markdown report on stdout and in DIR/results.md; each run's own report in DIR/{tcp,mqtt}-{off,on}-R.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
setting=${1:-}
case $setting in
    tls) env_var=BENCH_TLS; tcp_cases=iperf1,redis1; mqtt=1 ;;
    flowlog) env_var=BENCH_FLOW_LOG; tcp_cases=newconn50,redis1,iperf1; mqtt=0 ;;
    -h|--help|"") sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown setting '$setting' (tls or flowlog)" >&2; exit 2 ;;
esac
shift
rounds=3 secs=5 out_dir="" build=1
while (($#)); do
    case $1 in
        --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
        --seconds) secs=${2:?--seconds needs a value}; shift 2 ;;
        --out) out_dir=${2:?--out needs a value}; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -n $out_dir ]]; then mkdir -p "$out_dir"; work=$(cd "$out_dir" && pwd); else
    work=$(mktemp -d "${TMPDIR:-/tmp}/vanrouter-$setting.XXXXXX"); fi
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
no_build=()
if ((build == 0)); then no_build=(--no-build); fi
for round in $(seq "$rounds"); do
    modes=(off on)
    if ((round % 2 == 0)); then modes=(on off); fi
    for mode in "${modes[@]}"; do
        value=0
        if [[ $mode == on ]]; then value=1; fi
        echo "[$(date +%T)] round $round: $setting $mode" >&2
        env "$env_var=$value" "$repo/bench/tcp-benchmark.sh" "${no_build[@]}" --paths vr-ab --cases "$tcp_cases" \
            --rounds 1 --seconds "$secs" --hold 0 --out "$work/tcp-$mode-$round" > /dev/null
        no_build=(--no-build) # built once
        if ((mqtt)); then
            env "$env_var=$value" "$repo/bench/mqtt-benchmark.sh" --no-build --scenarios vr-ab --rounds 1 \
                --seconds "$secs" --out "$work/mqtt-$mode-$round" > /dev/null
        fi
    done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$work" "$rounds" "$started" "$load_start" "$load_end" "$(git -C "$repo" rev-parse --short HEAD)" \
    "$setting" "$secs" <<'PY' | tee "$work/results.md"
import csv, math, statistics, sys
work, rounds, started, load, load_end, commit, setting, secs = sys.argv[1:9]
rounds = int(rounds)

def tcp(mode, r, case, metric):
    with open(f"{work}/tcp-{mode}-{r}/raw.csv") as f:
        for row in csv.DictReader(f):
            if row["case"] == case and row["metric"] == metric and row["value"] not in ("", "NA"):
                return float(row["value"])
    return None

def mqtt(mode, r, metric):
    with open(f"{work}/mqtt-{mode}-{r}/raw.csv") as f:
        for row in csv.DictReader(f):
            if row["scenario"] == "vr-ab" and row["metric"] == metric and row["value"] not in ("", "NA"):
                return float(row["value"])
    return None

def per(a, b):
    return None if a is None or not b else a / b

if setting == "tls":
    title, off_name, on_name = "Link TLS against plain links", "plain", "TLS"
    cases = [("iperf3 1 stream, Gbit/s", lambda m, r: tcp(m, r, "iperf1", "gbps"), 0.70),
             ("redis PING 1 client, req/s", lambda m, r: tcp(m, r, "redis1", "rps"), 0.85),
             ("MQTT QoS 0, msg/s per subscriber", lambda m, r: mqtt(m, r, "rate_avg"), 0.70),
             ("CPU s per GiB (iperf3), routers", lambda m, r: per(tcp(m, r, "iperf1", "cpu_s"),
                                                                  tcp(m, r, "iperf1", "gib")), None)]
else:
    title, off_name, on_name = "Flow log against none", "no flow log", "flow log"
    cases = [("new connections/s, 50 clients", lambda m, r: tcp(m, r, "newconn50", "rps"), None),
             ("CPU s per 10,000 new connections, routers", lambda m, r: per(tcp(m, r, "newconn50", "cpu_s"),
                                                                         tcp(m, r, "newconn50", "requests")) and
              per(tcp(m, r, "newconn50", "cpu_s"), tcp(m, r, "newconn50", "requests")) * 1e4, None),
             ("redis PING 1 client, req/s", lambda m, r: tcp(m, r, "redis1", "rps"), None),
             ("iperf3 1 stream, Gbit/s", lambda m, r: tcp(m, r, "iperf1", "gbps"), None)]
print(f"### {title} ({started}, commit {commit})\n")
print(f"`bench/setting-benchmark.sh {setting} --rounds {rounds} --seconds {secs}`; load average at the start {load}, "
      f"at the end {load_end}. Each round runs the routers afresh with the setting off and on, in alternating "
      f"order; ratio = {on_name} / {off_name}.\n")
print(f"| case | {off_name} (rounds) | {on_name} (rounds) | ratio of medians | per-round ratios | target |")
print("|---|---|---|---:|---|---|")
for name, get, target in cases:
    off = [get("off", r) for r in range(1, rounds + 1)]
    on = [get("on", r) for r in range(1, rounds + 1)]
    ok = [(a, b) for a, b in zip(off, on) if a and b]
    fmt = lambda xs: " / ".join("–" if x is None else f"{x:,.3f}" if x < 10 else f"{x:,.0f}" for x in xs)
    ratio = statistics.median(b for _, b in ok) / statistics.median(a for a, _ in ok) if ok else math.nan
    rounds_ratio = " / ".join(f"{b / a:.2f}" for a, b in ok)
    verdict = "" if target is None else (f"≥ {target:.2f}: " + ("yes" if ratio >= target else "**no**"))
    print(f"| {name} | {fmt(off)} | {fmt(on)} | {ratio:.2f} | {rounds_ratio} | {verdict} |")
PY
echo "results: $work/results.md" >&2
