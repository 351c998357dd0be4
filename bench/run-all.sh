#!/usr/bin/env bash
# All the throughput benchmarks in one go: MQTT (bench/mqtt-benchmark.sh), TCP (bench/tcp-benchmark.sh) and SPF
# (bench/spf-benchmark.sh), then one report with tables and plots (gnuplot, SVG) of throughput and latency per path,
# cold (round 1, the first after the routers start) and warm (median of the later rounds), and the routers' CPU per
# unit of work next to socat's (one relay, and two in series) and mosquitto's.
#
# Usage:   bench/run-all.sh [--seconds N] [--rounds N] [--quick] [--no-build] [--only LIST] [--out DIR]
#                           [--docs | --no-docs] [--report-only]
#   --seconds N   measured seconds per TCP case and per MQTT run (the scripts' default: 10)
#   --rounds N    rounds of the TCP and MQTT benchmarks (default 3; round 1 is "cold", the others "warm")
#   --quick       smoke run to prove the tooling: --seconds 1 --rounds 2, MQTT warm-up 1 s, SPF 1 warm-up and 2
#                 measured iterations on 100 and 1,000 routers, no 1,000-connection hold. Leaves docs/ alone unless
#                 --docs is given. The figures mean nothing.
#   --no-build    use the existing jar and load generator (the MQTT script otherwise builds both, online)
#   --only LIST   comma-separated subset of mqtt,tcp,spf (default all three)
#   --out DIR     results directory (default a new /tmp/vanrouter-runall.XXXXXX): report.md, img/*.svg, and the
#                 tcp/, mqtt/ and spf/ directories of the three scripts (raw.csv with every round's figures, logs)
#   --docs        rewrite the generated part of docs/benchmarks.md (between <!-- run-all:begin --> and
#                 <!-- run-all:end -->) and docs/img/bench-*.svg; the default without --quick, unless the report
#                 starts with a busy or degraded-machine warning (figures in the docs come from quiet runs) or a
#                 benchmark failed or --only left one out (the docs would lose its section): then only when --docs
#                 is given
#   --no-docs     leave docs/ alone; the default with --quick
#   --report-only rebuild report.md, the plots and (with --docs) the docs from the results in --out DIR, without
#                 running anything (e.g. after a report step failed)
#
# Run it on a quiet machine (docs/benchmarks.md, "Running all benchmarks"); the report records what bench/health.sh
# says of the machine before the run. It holds /tmp/vanrouter-bench.lock for the whole run and each script holds the
# shared Maven lock while it builds, so do not start it under `flock /tmp/vanrouter-mvn.lock` (the first build would
# wait for that lock forever, silently). Needs gnuplot (installed with apt-get as root, otherwise it prints the apt-get
# line), plus what the three scripts need. BENCH_MVN_ARGS passes Maven arguments to every build (e.g. -o for offline,
# see bench/lib.sh).
set -euo pipefail

secs=""
rounds=3
quick=0
build=1
only="mqtt,tcp,spf"
out=""
docs=""
docs_asked=0
report_only=0
cmdline="bench/run-all.sh $*"
all_args=("$@")

die() { echo "run-all: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] run-all: $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-0}"; }

while (($#)); do
    case "$1" in
        --seconds) secs=${2:?--seconds needs a value}; shift 2 ;;
        --rounds) rounds=${2:?--rounds needs a value}; shift 2 ;;
        --quick) quick=1; shift ;;
        --no-build) build=0; shift ;;
        --only) only=${2:?--only needs a value}; shift 2 ;;
        --out) out=${2:?--out needs a value}; shift 2 ;;
        --docs) docs=1; docs_asked=1; shift ;;
        --no-docs) docs=0; shift ;;
        --report-only) report_only=1; shift ;;
        -h|--help) usage 0 ;;
        *) echo "run-all: unknown option $1" >&2; usage 2 ;;
    esac
done
if ((quick)); then
    secs=${secs:-1}
    rounds=2
    docs=${docs:-0}
fi
docs=${docs:-1}
[[ -z $secs || $secs =~ ^[1-9][0-9]*$ ]] || die "--seconds must be a positive integer, got '$secs'"
[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, got '$rounds'"
IFS=, read -r -a parts <<< "$only"
for p in "${parts[@]}"; do
    case "$p" in mqtt|tcp|spf) ;; *) die "unknown part '$p' (use mqtt,tcp,spf)" ;; esac
done
runs() { ((!report_only)) && [[ ,$only, == *,$1,* ]]; }
if ((report_only)); then
    [[ -n $out && -f $out/header.md ]] || die "--report-only needs --out DIR of an earlier run (with header.md)"
fi

# One benchmark at a time on this machine: hold the bench lock for the whole run.
if [[ -z ${VANROUTER_RUNALL_LOCKED:-} ]]; then
    export VANROUTER_RUNALL_LOCKED=1
    command -v flock > /dev/null || die "flock is missing: apt-get install -y util-linux"
    exec flock /tmp/vanrouter-bench.lock "$0" "${all_args[@]}"
fi

repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"

bench_need_tools run-all gnuplot=gnuplot-nox python3=python3 git=git
if ((build)) && { runs mqtt || runs spf; }; then bench_offline_ready; fi
python3=$(python3 -c 'import sys; print(sys.executable)')

# Before anything of ours runs: how busy the machine is.
busy_warning=$(bench_busy_warning)
if [[ -n $busy_warning ]]; then log "${busy_warning//\*/}"; fi
load_lines=$(bench_load_snapshot "$python3" "$repo/bench/tcp_bench.py")
health_line=""
if ((!report_only)); then
    # One client's PINGs direct (bench/health.sh): recorded at the top of the report, not a gate. The run's own steal
    # and load decide whether the docs take it; a low rate with no steal is a host slow to wake idle CPUs, which
    # lowers every path's one-client figure (docs/benchmarks.md, "Session 20").
    health_line=$("$repo/bench/health.sh" 2> /dev/null | head -n 1 || true)
    log "machine health: ${health_line:-the check failed}"
fi
run_cpu_mark=$(bench_cpu_mark)
commit=$(bench_commit "$repo")
started=$(date -u '+%Y-%m-%d %H:%M UTC')

if [[ -n $out ]]; then
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
else
    out=$(mktemp -d "${TMPDIR:-/tmp}/vanrouter-runall.XXXXXX")
fi
mkdir -p "$out/img"
log "results in $out"

common=(--rounds "$rounds")
if [[ -n $secs ]]; then common+=(--seconds "$secs"); fi
built=0
status=0
if runs mqtt; then
    margs=("${common[@]}" --out "$out/mqtt")
    if ((quick)); then margs+=(--warmup 1); fi
    if ((!build)); then margs+=(--no-build); fi
    log "MQTT: bench/mqtt-benchmark.sh ${margs[*]}"
    if "$repo/bench/mqtt-benchmark.sh" "${margs[@]}" > "$out/mqtt.out"; then built=1; else
        status=1; log "the MQTT benchmark failed (see $out/mqtt)"; fi
fi
if runs tcp; then
    # Every path, and two socat relays in series: the yardstick for a path of two relay processes.
    targs=("${common[@]}" --paths direct,socat,socat2,vr-ab,vr-abc --out "$out/tcp")
    if ((quick)); then targs+=(--hold 0); fi
    # The MQTT run has just built the jar.
    if ((!build || built)); then targs+=(--no-build); fi
    bench_settle # the MQTT run's own load would otherwise mark the TCP report busy
    log "TCP: bench/tcp-benchmark.sh ${targs[*]}"
    "$repo/bench/tcp-benchmark.sh" "${targs[@]}" > "$out/tcp.out" || { status=1; log "the TCP benchmark failed"; }
fi
if runs spf; then
    bench_settle
    mkdir -p "$out/spf"
    spf_args=(-rf json -rff "$out/spf/spf.json")
    if ((quick)); then
        export SPF_JMH_OPTS="-f 1 -wi 1 -i 2 -w 1s -r 1s"
        # shellcheck disable=SC2054 # one JMH argument: a list of values
        spf_args+=(-p routers=100,1000)
    fi
    log "SPF: bench/spf-benchmark.sh ${spf_args[*]} (JMH options: ${SPF_JMH_OPTS:-the defaults of the script})"
    "$repo/bench/spf-benchmark.sh" "${spf_args[@]}" > "$out/spf/jmh.out" 2>&1 \
        || { status=1; log "the SPF benchmark failed (see $out/spf/jmh.out)"; }
fi

# ---------------------------------------------------------------------------------------------------------- report
((report_only)) || {
    run_steal=$(bench_steal_pct "$run_cpu_mark")
    echo "Generated by \`bench/run-all.sh\`; do not edit by hand (the next run replaces it)."
    echo
    if ((quick)); then
        echo "**Smoke run (--quick): 1-second cases on a machine that may be busy. These figures only prove that the"
        echo "tooling works; they are not measurements.**"
        echo
    fi
    if [[ -n $busy_warning ]]; then echo "$busy_warning"; echo; fi
    bench_steal_warning "$run_steal"
    echo "- command: \`$cmdline\`"
    echo "- commit: $commit; started $started, finished $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(bench_machine), $(java -version 2>&1 | head -n 1)"
    echo "$load_lines"
    if [[ -n $health_line ]]; then echo "- machine health before the run (bench/health.sh): $health_line"; fi
    echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
    bench_steal_line "$run_steal"
    echo
} > "$out/header.md"
"$python3" "$repo/bench/run_all_report.py" "$out" > "$out/report.md" \
    || die "report failed; the raw results are in $out"
log "report: $out/report.md"

# Without --docs, the docs take only a complete run on a quiet machine.
why_not_docs=""
if grep -q '^\*\*Warning: \(busy\|degraded\) machine' "$out/header.md"; then
    why_not_docs="the run was on a busy or degraded machine (see the top of $out/report.md)"
elif [[ ,$only, != *,mqtt,* || ,$only, != *,tcp,* || ,$only, != *,spf,* ]]; then
    why_not_docs="with --only $only the other benchmarks would show as 'Not run'"
elif ((status != 0)); then
    why_not_docs="a benchmark failed (see above), and its section would say 'Not run'"
fi
if ((docs && !docs_asked)) && [[ -n $why_not_docs ]]; then
    log "docs/benchmarks.md left alone: $why_not_docs; --docs rewrites it anyway"
    docs=0
fi
if ((docs)); then
    doc="$repo/docs/benchmarks.md"
    grep -q '^<!-- run-all:begin -->$' "$doc" && grep -q '^<!-- run-all:end -->$' "$doc" \
        || die "no <!-- run-all:begin --> / <!-- run-all:end --> lines in $doc"
    mkdir -p "$repo/docs/img"
    for f in "$out"/img/*.svg; do cp "$f" "$repo/docs/img/bench-$(basename "$f")"; done
    sed 's#](img/#](img/bench-#g' "$out/report.md" > "$out/report-docs.md"
    "$python3" - "$doc" "$out/report-docs.md" << 'EOF'
import sys
doc, gen = sys.argv[1], sys.argv[2]
text = open(doc).read()
head, rest = text.split("<!-- run-all:begin -->\n", 1)
_, tail = rest.split("<!-- run-all:end -->\n", 1)
open(doc, "w").write(head + "<!-- run-all:begin -->\n" + open(gen).read().rstrip("\n") + "\n<!-- run-all:end -->\n"
                     + tail)
EOF
    log "rewrote the generated section of docs/benchmarks.md and docs/img/bench-*.svg"
fi
echo "$out/report.md"
exit "$status"
