#!/usr/bin/env bash
# Soak, by hand (issue 7): five routers under mixed TCP and MQTT load with churn, sampled once a minute.
#
# Topology (inter-router links; ~ marks a link through a flappable proxy):
#     r1 --- r2 --- r3 --- r4 --- r5 --- r1      ring
#     r1 ~~~ r3,  r2 ~~~ r4                      chords through bench/soak_load.py proxies
# Load:    TCP: 4 client loops through r1 (listener 'echo') to an echo server behind r4 (connector), a new
#          connection per request of 1-64 KiB, bytes compared. MQTT: a QoS 0 publisher (200 msg/s) and a QoS 1
#          publisher (50 msg/s) on r1; on r2 and r4 a plain and a shared-group QoS 1 subscriber each, reconnecting
#          every 10-30 s (client churn).
# Churn:   every 20 s, in turn: SIGTERM and restart r3, cut the r1~r3 chord for 5 s, SIGKILL and restart r5, cut the
#          r2~r4 chord for 5 s. r1, r2 and r4 run for the whole soak, so their samples show any growth.
# Samples: every --sample-seconds (default 60), for each router, from POST /process/gc (a full GC, then the
#          values): RSS, heap used, heap after GC, direct memory, the allocator's direct memory, open fds, threads.
# Output:  OUT/samples.csv, OUT/soak.png (gnuplot), OUT/summary.txt (first/last/max per router, load counters,
#          LEAK and ERROR lines), router logs and configs. OUT is a new temp dir unless --out is given.
#
# Usage:   bench/soak.sh --minutes N [--sample-seconds S] [--out DIR] [--no-build]
# Builds with Maven online (BENCH_MVN_ARGS=-o for offline, see bench/lib.sh); installs missing Debian packages when
# run as root, otherwise prints the apt-get line.
# See docs/reliability.md, section "Soak".
set -euo pipefail

minutes=""
sample_secs=60
out=""
build=1

die() { echo "soak: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-0}"; }

while (($#)); do
    case "$1" in
        --minutes) minutes=${2:?--minutes needs a value}; shift 2 ;;
        --sample-seconds) sample_secs=${2:?--sample-seconds needs a value}; shift 2 ;;
        --out) out=${2:?--out needs a value}; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage 0 ;;
        *) echo "soak: unknown option $1" >&2; usage 2 ;;
    esac
done
[[ $minutes =~ ^[1-9][0-9]*$ ]] || die "--minutes must be a positive integer (got '${minutes}')"
[[ $sample_secs =~ ^[1-9][0-9]*$ ]] || die "--sample-seconds must be a positive integer (got '$sample_secs')"

repo=$(cd "$(dirname "$0")/.." && pwd)
helper="$repo/bench/soak_load.py"
jar="$repo/router-daemon/target/vanrouter.jar"

# ---------------------------------------------------------------------------------------------------------- tools
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
tools=(python3=python3 java=openjdk-17-jre-headless setsid=util-linux curl=curl gnuplot=gnuplot-nox)
if ((build)); then tools+=("${bench_build_tools[@]}"); fi
bench_need_tools soak "${tools[@]}"
python3=$(python3 -c 'import sys; print(sys.executable)') # the real interpreter, not a version-manager shim

# ---------------------------------------------------------------------------------------------------------- build
needs_build() {
    [ -f "$jar" ] || return 0
    [ -n "$(find "$repo/pom.xml" "$repo"/router-core "$repo"/router-transport "$repo"/router-daemon \
        \( -name target -prune \) -o \( -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) \
        -newer "$jar" -print -quit \))" ]
}
if ((build)) && needs_build; then
    log "building $jar (under the shared Maven lock)"
    (cd "$repo" && bench_mvn -q -DskipTests -pl router-daemon -am package) > /dev/null \
        || die "build failed; run: mvn -B -DskipTests -pl router-daemon -am package"
fi
[[ -f $jar ]] || die "no $jar (drop --no-build)"

# ---------------------------------------------------------------------------------------------------------- setup
if [[ -z $out ]]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/vanrouter-soak.XXXXXX")
else
    mkdir -p "$out"
fi
mapfile -t jvm_opts < <(grep -v -e '^#' -e '^$' "$repo/config/jvm.options")
read -r -a port < <("$python3" "$helper" free-ports 23)
((${#port[@]} == 23)) || die "could not find free ports"
routers=(r1 r2 r3 r4 r5)
declare -A link_port mgmt_port mqtt_port pid
for i in 0 1 2 3 4; do
    r=${routers[$i]}
    link_port[$r]=${port[$i]}; mgmt_port[$r]=${port[$((i + 5))]}; mqtt_port[$r]=${port[$((i + 10))]}
done
tcp_port=${port[15]} echo_port=${port[16]}
proxy_13=${port[17]} proxy_24=${port[18]}
helpers=()

cleanup() {
    local p
    for p in "${helpers[@]}" "${pid[@]}"; do kill -TERM -- "-$p" 2> /dev/null || true; done
    sleep 2
    for p in "${helpers[@]}" "${pid[@]}"; do kill -KILL -- "-$p" 2> /dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# peers R: the peers router R dials, as "host:port" lines of YAML
config() {
    local r=$1; shift
    {
        printf 'router:\n  id: %s\n  mode: interior\n  network: soak\n' "$r"
        printf 'listen:\n  - host: 127.0.0.1\n    port: %s\n' "${link_port[$r]}"
        if (($#)); then
            printf 'peers:\n'
            local peer; for peer in "$@"; do printf '  - host: 127.0.0.1\n    port: %s\n' "$peer"; done
        fi
        printf 'management:\n  host: 127.0.0.1\n  port: %s\n' "${mgmt_port[$r]}"
        bench_tls "$out" "$r"
        printf 'routing:\n  helloIntervalMillis: 1000\n  deadIntervalMillis: 3000\n'
        printf '  reconnectInitialMillis: 100\n  reconnectMaxMillis: 1000\n'
        printf 'mqtt:\n  listen:\n    host: 127.0.0.1\n    port: %s\n' "${mqtt_port[$r]}"
        case $r in
            r1) printf 'tcp:\n  listeners:\n    - address: echo\n      host: 127.0.0.1\n      port: %s\n' "$tcp_port" ;;
            r4) printf 'tcp:\n  connectors:\n    - address: echo\n      host: 127.0.0.1\n      port: %s\n' "$echo_port" ;;
        esac
    } > "$out/$r.yaml"
}
config r1
config r2 "${link_port[r1]}"
config r3 "${link_port[r2]}" "$proxy_13"
config r4 "${link_port[r3]}" "$proxy_24"
config r5 "${link_port[r4]}" "${link_port[r1]}"

start_router() {
    local r=$1
    # -Dvanrouter.management.gc: each sample runs a full GC first (POST /process/gc), so heap after GC is live data
    setsid java "${jvm_opts[@]}" -Dvanrouter.management.gc=true -Dlogback.configurationFile="$repo/config/logback.xml" -jar "$jar" \
        run --config "$out/$r.yaml" >> "$out/$r.log" 2>&1 < /dev/null &
    pid[$r]=$!
}
start_helper() {
    local name=$1; shift
    setsid "$python3" "$helper" "$@" > "$out/$name.log" 2>&1 < /dev/null &
    helpers+=("$!")
}

log "output in $out"
start_helper echo-server echo-server "$echo_port"
start_helper proxy-r1-r3 proxy "$proxy_13" "${link_port[r1]}" "$out/cut-r1-r3"
start_helper proxy-r2-r4 proxy "$proxy_24" "${link_port[r2]}" "$out/cut-r2-r4"
for r in "${routers[@]}"; do start_router "$r"; done

# wait until every router reaches every other one
for _ in $(seq 120); do
    ready=1
    for r in "${routers[@]}"; do
        n=$(curl -sf "http://127.0.0.1:${mgmt_port[$r]}/status" 2> /dev/null \
            | "$python3" -c 'import json,sys; print(sum(n["reachable"] for n in json.load(sys.stdin)["nodes"]))' \
            2> /dev/null || echo 0)
        ((n == 4)) || ready=0
    done
    ((ready)) && break
    sleep 1
done
((ready)) || die "routers did not converge within 2 minutes; logs in $out"
log "5 routers up; load and churn for $minutes minute(s), a sample every ${sample_secs} s"

start_helper tcp-load tcp-load "$tcp_port" 4 "$out/tcp-stats.txt"
start_helper mqtt-load mqtt-load "${mqtt_port[r1]}" "${mqtt_port[r2]},${mqtt_port[r4]}" "$out/mqtt-stats.txt"

echo "elapsed_s,router,rss_mib,heap_mib,heap_after_gc_mib,direct_mib,allocator_direct_mib,fds,threads" \
    > "$out/samples.csv"
sample() {
    local elapsed=$1 r row
    for r in "${routers[@]}"; do
        row=$("$python3" "$helper" process "${mgmt_port[$r]}")
        echo "$elapsed,$r,$row" >> "$out/samples.csv"
    done
}

churn_step=0
churn() {
    case $((churn_step++ % 4)) in
        0) log "churn: restart r3 (SIGTERM)"; kill -TERM "${pid[r3]}" 2> /dev/null || true
           wait "${pid[r3]}" 2> /dev/null || true; start_router r3 ;;
        1) log "churn: cut r1~r3 for 5 s"; touch "$out/cut-r1-r3"; sleep 5; rm -f "$out/cut-r1-r3" ;;
        2) log "churn: restart r5 (SIGKILL)"; kill -KILL "${pid[r5]}" 2> /dev/null || true
           wait "${pid[r5]}" 2> /dev/null || true; start_router r5 ;;
        3) log "churn: cut r2~r4 for 5 s"; touch "$out/cut-r2-r4"; sleep 5; rm -f "$out/cut-r2-r4" ;;
    esac
}

start_s=$SECONDS
end_s=$((start_s + minutes * 60))
next_sample=$start_s
next_churn=$((start_s + 20))
while ((SECONDS < end_s)); do
    if ((SECONDS >= next_sample)); then
        sample $((SECONDS - start_s)); next_sample=$((next_sample + sample_secs))
    fi
    if ((SECONDS >= next_churn)); then
        churn; next_churn=$((next_churn + 20))
    fi
    sleep 1
done
sample $((SECONDS - start_s))

# ---------------------------------------------------------------------------------------------------------- report
for r in "${routers[@]}"; do
    awk -F, -v r="$r" 'NR > 1 && $2 == r { print $1 / 60, $3, $4, $5, $6, $8, $9 }' "$out/samples.csv" \
        > "$out/$r.dat"
done
gnuplot <<GNUPLOT || log "gnuplot failed; the CSV is complete"
set terminal pngcairo size 1400,900 font ",9" noenhanced
set output "$out/soak.png"
set multiplot layout 2,3 title "vanrouter soak: $minutes min, 5 routers (r3 and r5 restarted by the churn)"
set xlabel "minutes"
set yrange [0:*]
set key bottom right
files = "r1 r2 r3 r4 r5"
set title "RSS (MiB)";               plot for [r in files] "$out/".r.".dat" using 1:2 with linespoints title r
set title "heap used (MiB)";         plot for [r in files] "$out/".r.".dat" using 1:3 with linespoints title r
set title "heap after a full GC (MiB)"; plot for [r in files] "$out/".r.".dat" using 1:4 with linespoints title r
set title "direct memory (MiB)";     plot for [r in files] "$out/".r.".dat" using 1:5 with linespoints title r
set title "open fds";                plot for [r in files] "$out/".r.".dat" using 1:6 with linespoints title r
set title "threads";                 plot for [r in files] "$out/".r.".dat" using 1:7 with linespoints title r
unset multiplot
GNUPLOT

{
    echo "vanrouter soak: $minutes minute(s), samples every ${sample_secs} s, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "per router: first -> last (max) of rss_mib heap_after_gc_mib direct_mib fds threads"
    for r in "${routers[@]}"; do
        awk -F, -v r="$r" 'NR > 1 && $2 == r && $3 != "" {
                if (!n++) { f3 = $3; f5 = $5; f6 = $6; f8 = $8; f9 = $9 }
                l3 = $3; l5 = $5; l6 = $6; l8 = $8; l9 = $9
                if ($3 > m3) m3 = $3; if ($5 > m5) m5 = $5; if ($6 > m6) m6 = $6; if ($8 > m8) m8 = $8
                if ($9 > m9) m9 = $9 }
            END { printf "  %s  rss %s -> %s (%s)  heap after GC %s -> %s (%s)  direct %s -> %s (%s)  fds %s -> %s (%s)" \
                " threads %s -> %s (%s)\n", r, f3, l3, m3, f5, l5, m5, f6, l6, m6, f8, l8, m8, f9, l9, m9 }' \
            "$out/samples.csv"
    done
    echo
    echo "load counters:"
    cat "$out/tcp-stats.txt" "$out/mqtt-stats.txt" 2> /dev/null | sed 's/^/  /'
    echo
    echo "LEAK lines: $(cat "$out"/r?.log | grep -c 'LEAK:' || true)   ERROR lines: $(cat "$out"/r?.log | grep -c ' ERROR ' || true)"
} | tee "$out/summary.txt"
log "done: $out/samples.csv, $out/soak.png, $out/summary.txt"
