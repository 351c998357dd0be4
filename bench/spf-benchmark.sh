#!/usr/bin/env bash
# Runs the SPF JMH benchmark (router-core SpfBenchmark: one full recompute on 100, 1,000 and 10,000 routers).
# Usage: bench/spf-benchmark.sh [extra JMH options]   e.g. bench/spf-benchmark.sh -p routers=10000
# The whole run (Maven build and JMH) holds the shared build lock, so other engineers' Maven builds neither skew the
# figures nor race the build. Maven resolves what ~/.m2 lacks (BENCH_MVN_ARGS=-o builds offline, see bench/lib.sh).
# JMH refuses an option given twice: SPF_JMH_OPTS replaces the defaults "-f 1 -wi 3 -i 5 -w 1s -r 1s".
# See docs/benchmarks.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
bench_need_tools spf-benchmark "${bench_build_tools[@]}" java=openjdk-17-jre-headless
if [[ -z "${VANROUTER_BENCH_LOCKED:-}" ]]; then
    export VANROUTER_BENCH_LOCKED=1
    exec flock "$bench_lock" "$0" "$@"
fi
cd "$repo"
bench_mvn -q -pl router-core test-compile dependency:build-classpath \
    -Dmdep.outputFile="$PWD/router-core/target/bench-classpath.txt" -Dmdep.includeScope=test
cd router-core
read -r -a jmh_opts <<< "${SPF_JMH_OPTS:--f 1 -wi 3 -i 5 -w 1s -r 1s}"
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
    org.openjdk.jmh.Main SpfBenchmark "${jmh_opts[@]}" "$@"
