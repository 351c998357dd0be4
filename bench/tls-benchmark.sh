#!/usr/bin/env bash
# Link TLS against plain links (issue 9, acceptance point 6): the same cases through vanrouter A -> B, with plain links
# and with TLS links, alternating in every round (routers started afresh for each run, so every figure includes the
# same warm-up), and the ratio TLS / plain per round and of the medians.
#
# Cases:   iperf3 1 stream and redis PING with 1 client (bench/tcp-benchmark.sh), MQTT QoS 0 (bench/mqtt-benchmark.sh).
# Usage:   bench/tls-benchmark.sh [--rounds N] [--seconds N] [--out DIR] [--no-build]
#   --rounds N    rounds; odd rounds run plain first, even rounds TLS first (default 3)
#   --seconds N   length of each measurement (default 5)
#   --out DIR     keep every run's results and logs in DIR (default: a new temp dir)
#   --no-build    use the existing jar and load generator instead of building them first
# Output:  a Markdown report on stdout and in DIR/results.md; each run's own report in DIR/{tcp,mqtt}-{plain,tls}-R.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 secs=5 out_dir="" build=1
while (($#)); do
    case $1 in
        --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
        --seconds) secs=${2:?--seconds needs a value}; shift 2 ;;
        --out) out_dir=${2:?--out needs a value}; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -n $out_dir ]]; then mkdir -p "$out_dir"; work=$(cd "$out_dir" && pwd); else
    work=$(mktemp -d "${TMPDIR:-/tmp}/vanrouter-tls.XXXXXX"); fi
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
no_build=()
if ((build == 0)); then no_build=(--no-build); fi
for round in $(seq "$rounds"); do
    modes=(plain tls)
    if ((round % 2 == 0)); then modes=(tls plain); fi
    for mode in "${modes[@]}"; do
        tls=0
        if [[ $mode == tls ]]; then tls=1; fi
        echo "[$(date +%T)] round $round: $mode links" >&2
        BENCH_TLS=$tls "$repo/bench/tcp-benchmark.sh" "${no_build[@]}" --paths vr-ab --cases iperf1,redis1 \
            --rounds 1 --seconds "$secs" --hold 0 --out "$work/tcp-$mode-$round" > /dev/null
        no_build=(--no-build) # built once
        BENCH_TLS=$tls "$repo/bench/mqtt-benchmark.sh" --no-build --scenarios vr-ab --rounds 1 --seconds "$secs" \
            --out "$work/mqtt-$mode-$round" > /dev/null
    done
done

python3 - "$work" "$rounds" "$started" "$load_start" "$(git -C "$repo" rev-parse --short HEAD)" <<'PY' \
    | tee "$work/results.md"
import csv, statistics, sys
work, rounds, started, load, commit = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]

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

cases = [("iperf3 1 stream, Gbit/s", lambda m, r: tcp(m, r, "iperf1", "gbps"), 0.70),
         ("redis PING 1 client, req/s", lambda m, r: tcp(m, r, "redis1", "rps"), 0.85),
         ("MQTT QoS 0, msg/s per subscriber", lambda m, r: mqtt(m, r, "rate_avg"), 0.70),
         ("CPU s per GiB (iperf3), routers", lambda m, r: (tcp(m, r, "iperf1", "cpu_s") or 0)
             / (tcp(m, r, "iperf1", "gib") or float("nan")), None)]
print(f"### Link TLS against plain links ({started}, commit {commit})\n")
print(f"`bench/tls-benchmark.sh --rounds {rounds}`; load average at the start {load}. Each round runs plain and TLS "
      "routers afresh, in alternating order; ratio = TLS / plain.\n")
print("| case | plain (rounds) | TLS (rounds) | ratio of medians | per-round ratios | target |")
print("|---|---|---|---:|---|---|")
for name, get, target in cases:
    plain = [get("plain", r) for r in range(1, rounds + 1)]
    tls = [get("tls", r) for r in range(1, rounds + 1)]
    ok = [(p, t) for p, t in zip(plain, tls) if p and t]
    fmt = lambda xs: " / ".join("–" if x is None else f"{x:,.2f}" if x < 100 else f"{x:,.0f}" for x in xs)
    ratio = statistics.median(t for _, t in ok) / statistics.median(p for p, _ in ok) if ok else float("nan")
    rounds_ratio = " / ".join(f"{t / p:.2f}" for p, t in ok)
    verdict = "" if target is None else (f"≥ {target:.2f}: " + ("yes" if ratio >= target else "**no**"))
    print(f"| {name} | {fmt(plain)} | {fmt(tls)} | {ratio:.2f} | {rounds_ratio} | {verdict} |")
PY
echo "results: $work/results.md" >&2
