#!/usr/bin/env bash
# JMH: TopicFilterIndex matching against 100,000 MQTT filters (docs/benchmarks.md, "Address layer").
# Usage: bench/topic-match.sh [extra JMH options]. Takes the shared Maven lock so it never competes with a build.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=/tmp/vanrouter-mvn.lock
flock "$LOCK" mvn -B -o -q -pl router-core test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="router-core/target/test-classes:router-core/target/classes:$(cat router-core/target/bench.classpath)"
flock "$LOCK" java -cp "$CP" org.openjdk.jmh.Main 'io.vanrouter.core.bench.TopicMatchBenchmark' \
    -f 1 -wi 3 -i 5 -w 1s -r 1s "$@"
