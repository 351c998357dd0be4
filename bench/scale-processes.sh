#!/usr/bin/env bash
# Real router processes at scale (issue 11, point 5): N interior routers on this machine, each its own JVM, in a random
# mesh (router i dials two earlier routers), until every router's status lists all others reachable; then the time that
# took, the resident memory of each router and their sum, and a stop of all of them.
#
# Usage:   bench/scale-processes.sh [--routers N] [--heap SIZE] [--out DIR] [--no-build]
#   --routers N   routers (default 50)
#   --heap SIZE   -Xmx of each router (default 64m; the routers carry no traffic here), with config/jvm.options
#   --out DIR     configs, logs and results.md in DIR (default: a new temp dir)
#   --no-build    use the existing router-daemon/target/vanrouter.jar
# Output:  a Markdown report on stdout and in DIR/results.md. Ports: management 30000+i, links 31000+i.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
routers=50 heap=64m out_dir="" build=1
while (($#)); do
    case $1 in
        --routers) routers=${2:?--routers needs a value}; shift 2 ;;
        --heap) heap=${2:?--heap needs a value}; shift 2 ;;
        --out) out_dir=${2:?--out needs a value}; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -n $out_dir ]]; then mkdir -p "$out_dir"; work=$(cd "$out_dir" && pwd); else
    work=$(mktemp -d "${TMPDIR:-/tmp}/vanrouter-scale.XXXXXX"); fi
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
trap bench_cleanup EXIT
jar="$repo/router-daemon/target/vanrouter.jar"
if ((build)); then bench_mvn -q -DskipTests -pl router-daemon -am package; fi

java_opts=$(grep -v '^#' "$repo/config/jvm.options" | tr '\n' ' ')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
RANDOM=42 # the same mesh every run
for i in $(seq 0 $((routers - 1))); do
    {
        printf 'router: {id: r%03d, network: scale}\n' "$i"
        printf 'listen: [{host: 127.0.0.1, port: %d}]\n' $((31000 + i))
        printf 'management: {host: 127.0.0.1, port: %d}\n' $((30000 + i))
        printf 'tls: {insecure: true}\n'
        printf 'routing: {ioThreads: 1, dataConnections: 0}\n'
        if ((i > 0)); then
            printf 'peers:\n'
            for peer in $((RANDOM % i)) $((RANDOM % i)); do
                printf '  - {host: 127.0.0.1, port: %d}\n' $((31000 + peer))
            done | sort -u
        fi
    } > "$work/r$i.yaml"
done
started=$(date +%s.%N)
for i in $(seq 0 $((routers - 1))); do
    # The routers' own flags (config/jvm.options) with a smaller heap: they carry no traffic here.
    # shellcheck disable=SC2086 # java_opts is a list of flags
    bench_start "r$i" java $java_opts "-Xmx$heap" -Dlogback.configurationFile="$repo/config/logback.xml" \
        -jar "$jar" run --config "$work/r$i.yaml"
done
echo "[$(date +%T)] $routers routers started; waiting until each sees all others" >&2
converged=""
for _ in $(seq 600); do
    all=1
    for i in 0 $((routers / 2)) $((routers - 1)); do # three routers stand for all: their tables need every record
        n=$(curl -s --max-time 2 "http://127.0.0.1:$((30000 + i))/status" \
            | python3 -c 'import json,sys; print(sum(1 for n in json.load(sys.stdin)["nodes"] if n["reachable"]))' \
            2> /dev/null || echo 0)
        ((n == routers - 1)) || { all=0; break; }
    done
    if ((all)); then converged=$(python3 -c "print(round($(date +%s.%N) - $started, 1))"); break; fi
    sleep 1
done
rss_kib=()
for pid in "${pids[@]}"; do
    java_pid=$(pgrep -P "$pid" java || echo "$pid")
    rss_kib+=("$(awk '/^VmRSS:/ { print $2 }' "/proc/$java_pid/status" 2> /dev/null || echo 0)")
done
python3 - "$routers" "${converged:-not within 600 s}" "$heap" "$load_start" "$(bench_commit "$repo")" \
    "$(bench_machine)" "${rss_kib[@]}" <<'PY' | tee "$work/results.md"
import statistics, sys
routers, converged, heap, load, commit, machine = sys.argv[1:7]
rss = [int(x) / 1024 for x in sys.argv[7:] if x != "0"]
print(f"### {routers} router processes on one machine (commit {commit})\n")
print(f"`bench/scale-processes.sh --routers {routers} --heap {heap}`; {machine}; load average at the start {load}.\n")
print(f"- every router saw all {int(routers) - 1} others reachable after: {converged} s (from the first start, "
      "JVM start-up included)")
if rss:
    print(f"- resident memory per router: median {statistics.median(rss):.0f} MiB, min {min(rss):.0f}, max "
          f"{max(rss):.0f}; all routers {sum(rss) / 1024:.1f} GiB")
PY
