#!/usr/bin/env bash
# JMH: TopicFilterIndex matching against 100,000 MQTT filters (docs/benchmarks.md, "Address layer").
# Usage: bench/topic-match.sh [extra JMH options]. Takes the shared Maven lock so it never competes with a build.
# JMH refuses an option given twice: TOPIC_JMH_OPTS replaces the defaults "-f 1 -wi 3 -i 5 -w 1s -r 1s".
# Maven resolves what ~/.m2 lacks (BENCH_MVN_ARGS=-o builds offline, see bench/lib.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
bench_need_tools topic-match "${bench_build_tools[@]}" java=openjdk-17-jre-headless
cd "$repo"
bench_mvn -q -pl router-core test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="router-core/target/test-classes:router-core/target/classes:$(cat router-core/target/bench.classpath)"
read -r -a jmh_opts <<< "${TOPIC_JMH_OPTS:--f 1 -wi 3 -i 5 -w 1s -r 1s}"
flock "$bench_lock" java -cp "$CP" org.openjdk.jmh.Main 'io.vanrouter.core.bench.TopicMatchBenchmark' \
    "${jmh_opts[@]}" "$@"
