#!/usr/bin/env bash
# JMH: what a router pays per MQTT message, without sockets (docs/benchmarks.md, sessions 17 and 18):
#   MqttDecodeBenchmark: decoding a client's PUBLISH stream, Netty's MqttDecoder alone against MqttPublishDecoder in
#     front of it; warm (average time per message after warm-up) and first pass (single shot of 10,000 messages in
#     each of several fresh JVMs: what a router's first PUBLISHes cost before the JIT has compiled the decoder);
#   MqttEncodeBenchmark: writing the PUBLISH packets a subscriber receives, a MqttPublishMessage through Netty's
#     MqttEncoder against MqttPublishEncoder (100-byte and 4 KiB payloads); warm and first pass as above;
#   MessagePublishBenchmark: MessageRouter.publish's fixed cost (QoS 0 and 1, no receivers), warm, with -prof gc;
#   MqttLocalPathBenchmark: one router's whole path between two of its clients (EmbeddedChannels: decoding, publish,
#     local delivery, encoding, PUBACKs at QoS 1), warm, with -prof gc;
#   MessageLinkCodecBenchmark: a MESSAGE frame through the link's FrameEncoder and FrameDecoder, warm, with -prof gc.
# Usage: bench/mqtt-decode.sh [extra JMH options for every part]. Takes the shared Maven lock so it never competes
# with a build. MQTT_DECODE_WARM_OPTS replaces "-f 1 -wi 3 -i 5 -w 1s -r 1s"; MQTT_DECODE_COLD_OPTS replaces
# "-bm ss -f 10 -wi 0 -i 1". Maven resolves what ~/.m2 lacks (BENCH_MVN_ARGS=-o builds offline, see bench/lib.sh).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$repo/bench/lib.sh"
bench_need_tools mqtt-decode "${bench_build_tools[@]}" java=openjdk-17-jre-headless
cd "$repo"
bench_mvn -q -pl router-transport -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="router-transport/target/test-classes:router-transport/target/classes:$(cat router-transport/target/bench.classpath)"
read -r -a warm_opts <<< "${MQTT_DECODE_WARM_OPTS:--f 1 -wi 3 -i 5 -w 1s -r 1s}"
read -r -a cold_opts <<< "${MQTT_DECODE_COLD_OPTS:--bm ss -f 10 -wi 0 -i 1}"
benchmark='io.vanrouter.transport.adaptor.mqtt.Mqtt(De|En)codeBenchmark'
echo "## warm"
flock "$bench_lock" java -cp "$CP" org.openjdk.jmh.Main "$benchmark" "${warm_opts[@]}" "$@"
echo "## first pass"
flock "$bench_lock" java -cp "$CP" org.openjdk.jmh.Main "$benchmark" "${cold_opts[@]}" "$@"
echo "## publish"
flock "$bench_lock" java -cp "$CP" org.openjdk.jmh.Main 'io.vanrouter.transport.message.MessagePublishBenchmark' \
    "${warm_opts[@]}" -prof gc "$@"
echo "## local path"
flock "$bench_lock" java -cp "$CP" org.openjdk.jmh.Main 'io.vanrouter.transport.adaptor.mqtt.MqttLocalPathBenchmark' \
    "${warm_opts[@]}" -prof gc "$@"
echo "## link codec"
flock "$bench_lock" java -cp "$CP" org.openjdk.jmh.Main 'io.vanrouter.transport.wire.MessageLinkCodecBenchmark' \
    "${warm_opts[@]}" -prof gc "$@"
