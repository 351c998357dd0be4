package io.vanrouter.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * MQTT load generator for bench/mqtt-benchmark.sh: one publisher connection, one or more subscriber connections
 * (each to any broker or router), MQTT 3.1.1, Netty's MQTT codec.
 *
 * <p>Every payload carries the publisher's {@code System.nanoTime()} in bytes 0..7 and a sequence number in 8..15
 * (the rest is zeros), so subscribers in the same process measure one-way latency, count losses and reordering.
 *
 * <p>Phases: subscribe (wait for every SUBACK), probe (one message every 50 ms until each subscriber got one: the
 * interest has propagated), warm-up (load, not recorded), measurement (load; messages received in this window are
 * counted and their latency recorded), drain (publishing stops; wait up to 3 s for what is still in flight, then
 * count what never arrived as lost).
 *
 * <p>QoS 0: the publisher writes batches (one buffer, one flush per batch) as fast as the path takes them, but never
 * more than {@code --window} messages ahead of the slowest subscriber, so the run measures sustainable throughput
 * rather than how fast queues fill. QoS 1: the same window, and at most {@code --inflight} unacknowledged PUBLISHes
 * (a broker that PUBACKs on receipt would otherwise let the publisher run ahead of its subscribers); subscribers
 * PUBACK every message, one flush per read batch.
 *
 * <p>Output: one line on stdout per measured run, {@code result key=value ...} (rates per subscriber over the measured
 * window, latency percentiles in microseconds, lost and reordered messages, the generator's own CPU time per published
 * message during the load); progress and errors on stderr (exit status 1).
 *
 * <p>{@code --runs N} repeats the whole sequence N times in the same process, each on its own topic
 * ({@code TOPIC/1} ...). {@code --prime HOST:PORT} first runs an unreported load of {@code --prime-seconds} against
 * that broker (pub and sub there), prints {@code primed} on stdout and, with {@code --go-file F}, waits until F exists
 * before it connects to {@code --pub} and {@code --sub}: bench/cold-start.sh measures a freshly started router with a
 * generator whose own code is already compiled, so that the cold figure is the router's and not the generator's.
 */
public final class MqttLoad {
    private static final long PROBE_SEQ = -1;
    private static final int BATCH = 64;

    private String pubAddr;
    private final List<String> subAddrs = new ArrayList<>();
    private String topic = "bench/load";
    private int qos;
    private int size = 100;
    private double seconds = 10;
    private double warmup = 2;
    private int window = 2000;
    private int inflightMax = 100;
    private int threads = 2;
    private int probeSeconds = 30;
    private int runs = 1;
    private String primeAddr;
    private double primeSeconds = 5;
    private String goFile;
    private int session;
    private String sessionTopic;
    private final String runId = Long.toHexString(ProcessHandle.current().pid());

    // Set before the load starts; read by every event loop.
    private volatile long measureStart = Long.MAX_VALUE;
    private volatile long measureEnd = Long.MAX_VALUE;

    private long genCpuNanos;
    private final List<Sub> subs = new ArrayList<>();
    private Pub pub;

    public static void main(String[] args) throws Exception {
        MqttLoad load = new MqttLoad();
        try {
            load.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("MqttLoad: " + e.getMessage());
            System.err.println("usage: MqttLoad --pub HOST:PORT --sub HOST:PORT[,HOST:PORT...] [--topic T] [--qos 0|1]"
                    + " [--size BYTES] [--seconds S] [--warmup S] [--window N] [--inflight N] [--threads N]"
                    + " [--probe-seconds S] [--runs N] [--prime HOST:PORT] [--prime-seconds S] [--go-file F]");
            System.exit(2);
        }
        int status;
        try {
            status = load.run();
        } catch (Exception e) {
            System.err.println("MqttLoad: " + e);
            status = 1;
        }
        System.exit(status);
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--pub" -> pubAddr = v;
                case "--sub" -> subAddrs.addAll(List.of(v.split(",")));
                case "--topic" -> topic = v;
                case "--qos" -> qos = Integer.parseInt(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--window" -> window = Integer.parseInt(v);
                case "--inflight" -> inflightMax = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--probe-seconds" -> probeSeconds = Integer.parseInt(v);
                case "--runs" -> runs = Integer.parseInt(v);
                case "--prime" -> primeAddr = v;
                case "--prime-seconds" -> primeSeconds = Double.parseDouble(v);
                case "--go-file" -> goFile = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (pubAddr == null || subAddrs.isEmpty()) {
            throw new IllegalArgumentException("--pub and --sub are required");
        }
        if (qos < 0 || qos > 1 || size < 16 || seconds <= 0 || warmup < 0 || window < BATCH || inflightMax < 1
                || inflightMax > 65_535 || threads < 1 || runs < 1 || primeSeconds <= 0) {
            throw new IllegalArgumentException("bad value (qos 0|1, size >= 16, window >= " + BATCH
                    + ", runs >= 1, prime-seconds > 0)");
        }
    }

    private int run() throws Exception {
        IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends SocketChannel> type = Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, io);
        try {
            List<EventLoop> loops = new ArrayList<>();
            group.forEach(e -> loops.add((EventLoop) e));
            if (primeAddr != null) {
                load(loops, type, primeAddr, List.of(primeAddr), topic + "/prime", primeSeconds, false);
                System.out.println("primed");
                System.out.flush();
                awaitGoFile();
            }
            for (int r = 1; r <= runs; r++) {
                load(loops, type, pubAddr, subAddrs, runs == 1 ? topic : topic + "/" + r, seconds, true);
            }
            return 0;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private void awaitGoFile() throws InterruptedException {
        if (goFile == null) {
            return;
        }
        long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!java.nio.file.Files.exists(java.nio.file.Path.of(goFile))) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("no " + goFile + " within 10 minutes");
            }
            Thread.sleep(5);
        }
    }

    /** One load sequence (subscribe, probe, warm-up, measurement, drain) with fresh connections. */
    private void load(List<EventLoop> loops, Class<? extends SocketChannel> type, String pubAt, List<String> subsAt,
            String onTopic, double measureSeconds, boolean reported) throws Exception {
        session++;
        subs.clear();
        pub = null;
        measureStart = Long.MAX_VALUE;
        measureEnd = Long.MAX_VALUE;
        sessionTopic = onTopic;
        String clientTag = runId + "-" + session;
        // Publisher alone on the first loop; subscribers share the others (or the same one with --threads 1).
        for (int i = 0; i < subsAt.size(); i++) {
            EventLoop loop = loops.size() == 1 ? loops.get(0) : loops.get(1 + i % (loops.size() - 1));
            Sub s = new Sub(i);
            subs.add(s);
            connect(loop, type, subsAt.get(i), s, "bench-sub-" + clientTag + "-" + i);
        }
        for (Sub s : subs) {
            s.connected.get(10, TimeUnit.SECONDS);
            s.ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                    .addSubscription(MqttQoS.valueOf(qos), sessionTopic).build());
        }
        for (Sub s : subs) {
            int granted = s.subscribed.get(10, TimeUnit.SECONDS);
            if (granted != qos) {
                throw new IllegalStateException("subscriber " + s.index + " (" + subsAt.get(s.index)
                        + ") granted QoS " + granted + ", asked " + qos);
            }
        }
        pub = new Pub();
        connect(loops.get(0), type, pubAt, pub, "bench-pub-" + clientTag);
        pub.connected.get(10, TimeUnit.SECONDS);

        long t0 = System.nanoTime();
        pub.ctx.executor().submit(pub::startProbe).get();
        for (Sub s : subs) {
            long left = probeSeconds * 1_000_000_000L - (System.nanoTime() - t0);
            try {
                s.probed.get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("no probe message reached subscriber " + s.index + " ("
                        + subsAt.get(s.index) + ") within " + probeSeconds + " s");
            }
        }
        double probeMs = (System.nanoTime() - t0) / 1e6;
        pub.ctx.executor().submit(pub::stopProbe).get();
        Thread.sleep(200); // late probe copies

        long start = System.nanoTime() + 10_000_000L;
        measureStart = start + (long) (warmup * 1e9);
        measureEnd = measureStart + (long) (measureSeconds * 1e9);
        long cpu0 = processCpuNanos();
        pub.ctx.executor().submit(() -> pub.startLoad(measureEnd)).get();
        long guard = (long) ((warmup + measureSeconds + 30) * 1000);
        pub.done.get(guard, TimeUnit.MILLISECONDS);
        genCpuNanos = processCpuNanos() - cpu0;
        long sent = pub.ctx.executor().submit(() -> pub.sent).get();
        long drainUntil = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < drainUntil && !allReceived(sent)) {
            Thread.sleep(10);
        }
        if (reported) {
            report(sent, probeMs);
        }
        pub.finished = true;
        for (Sub s : subs) {
            s.finished = true;
        }
        for (Sub s : subs) {
            s.ctx.writeAndFlush(MqttMessageBuilders.disconnect().build());
        }
        pub.ctx.writeAndFlush(MqttMessageBuilders.disconnect().build()).sync();
    }

    /** CPU time of this process (all threads), or 0 when the JVM does not say. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private boolean allReceived(long sent) throws Exception {
        for (Sub s : subs) {
            if (s.ctx.executor().submit(() -> s.received).get() < sent) {
                return false;
            }
        }
        return true;
    }

    private void report(long sent, double probeMs) throws Exception {
        Histogram all = new Histogram(60_000_000L, 3);
        long lost = 0;
        long reordered = 0;
        long inWindow = 0;
        double min = Double.MAX_VALUE;
        StringBuilder perSub = new StringBuilder();
        for (Sub s : subs) {
            long[] f = s.ctx.executor().submit(() -> new long[] {s.received, s.inWindow, s.reordered}).get();
            Histogram h = s.ctx.executor().submit(s.histogram::copy).get();
            all.add(h);
            lost += Math.max(0, sent - f[0]);
            reordered += f[2];
            inWindow += f[1];
            double rate = f[1] / seconds;
            min = Math.min(min, rate);
            perSub.append(perSub.isEmpty() ? "" : ",").append(Math.round(rate));
        }
        Pub p = pub;
        long[] pf = p.ctx.executor().submit(() -> new long[] {p.sentInWindow, p.ackedInWindow, p.stalls}).get();
        System.out.println(String.format(Locale.ROOT,
                "result qos=%d subs=%d seconds=%.1f window=%d inflight=%d sent=%d rate_avg=%.0f rate_min=%.0f"
                        + " rate_subs=%s pub_rate=%.0f acked_rate=%.0f p50_us=%d p90_us=%d p99_us=%d p999_us=%d"
                        + " max_us=%d lost=%d reordered=%d stalls=%d gen_cpu_us_per_msg=%.2f probe_ms=%.0f",
                qos, subs.size(), seconds, window, inflightMax, sent, inWindow / seconds / subs.size(), min,
                perSub, pf[0] / seconds, pf[1] / seconds, all.getValueAtPercentile(50),
                all.getValueAtPercentile(90), all.getValueAtPercentile(99), all.getValueAtPercentile(99.9),
                all.getMaxValue(), lost, reordered, pf[2], sent == 0 ? 0.0 : genCpuNanos / 1000.0 / sent, probeMs));
    }

    private void connect(EventLoop loop, Class<? extends SocketChannel> type, String addr, Client handler,
            String clientId) throws InterruptedException {
        int colon = addr.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address " + addr + " is not HOST:PORT");
        }
        handler.clientId = clientId;
        handler.addr = addr;
        Channel ch = new Bootstrap().group(loop).channel(type)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new MqttDecoder(1 << 20), MqttEncoder.INSTANCE, handler);
                    }
                })
                .connect(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        handler.connected.completeExceptionally(new IllegalStateException(
                                "cannot connect to " + addr + ": " + f.cause()));
                    }
                }).channel();
        ch.closeFuture().addListener(f -> handler.closed());
    }

    /** Common part: CONNECT on activation, CONNACK. */
    private abstract class Client extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        ChannelHandlerContext ctx;
        String clientId;
        String addr;
        volatile boolean finished;

        @Override
        public void channelActive(ChannelHandlerContext c) {
            ctx = c;
            c.writeAndFlush(MqttMessageBuilders.connect().clientId(clientId).protocolVersion(MqttVersion.MQTT_3_1_1)
                    .cleanSession(true).keepAlive(0).build()); // no PINGREQ is sent: no keep-alive, for long runs
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            try {
                MqttMessage m = (MqttMessage) msg;
                if (m.decoderResult().isFailure()) {
                    fail("bad packet: " + m.decoderResult().cause());
                    return;
                }
                switch (m.fixedHeader().messageType()) {
                    case CONNACK -> {
                        var code = ((MqttConnAckMessage) m).variableHeader().connectReturnCode();
                        if (code == MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                            connected.complete(null);
                        } else {
                            fail("CONNACK " + code);
                        }
                    }
                    default -> onMessage(m);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        abstract void onMessage(MqttMessage m);

        void closed() {
            if (!finished) {
                fail("connection to " + addr + " closed");
            }
        }

        void fail(String why) {
            IllegalStateException e = new IllegalStateException(clientId + ": " + why);
            if (!connected.isDone()) {
                connected.completeExceptionally(e);
            } else if (!finished) {
                System.err.println("MqttLoad: " + e.getMessage());
                System.exit(1);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            fail(String.valueOf(cause));
        }
    }

    /** A subscriber: counts, latency, sequence checks. Fields are only touched on its event loop. */
    private final class Sub extends Client {
        final int index;
        final CompletableFuture<Integer> subscribed = new CompletableFuture<>();
        final CompletableFuture<Void> probed = new CompletableFuture<>();
        final Histogram histogram = new Histogram(60_000_000L, 3);
        volatile long highestSeq = -1;
        long received;
        long inWindow;
        long reordered;
        boolean acksPending;

        Sub(int index) {
            this.index = index;
        }

        @Override
        void onMessage(MqttMessage m) {
            switch (m.fixedHeader().messageType()) {
                case SUBACK -> {
                    List<Integer> granted = ((MqttSubAckMessage) m).payload().grantedQoSLevels();
                    subscribed.complete(granted.isEmpty() ? 0x80 : granted.get(0));
                }
                case PUBLISH -> onPublish((MqttPublishMessage) m);
                case PINGRESP -> { }
                default -> fail("unexpected " + m.fixedHeader().messageType());
            }
        }

        private void onPublish(MqttPublishMessage p) {
            if (p.fixedHeader().qosLevel().value() > 0) {
                int id = p.variableHeader().packetId();
                ByteBuf ack = ctx.alloc().buffer(4);
                ack.writeByte(0x40).writeByte(2).writeShort(id);
                ctx.write(ack, ctx.voidPromise());
                acksPending = true;
            }
            ByteBuf payload = p.payload();
            if (payload.readableBytes() < 16) {
                return;
            }
            long sentAt = payload.getLong(payload.readerIndex());
            long seq = payload.getLong(payload.readerIndex() + 8);
            if (seq == PROBE_SEQ) {
                probed.complete(null);
                return;
            }
            long now = System.nanoTime();
            received++;
            if (seq <= highestSeq) {
                reordered++;
            } else {
                highestSeq = seq;
            }
            if (now >= measureStart && now < measureEnd) {
                inWindow++;
                histogram.recordValue(Math.min(60_000_000L, Math.max(1, (now - sentAt) / 1000)));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext c) {
            if (acksPending) {
                acksPending = false;
                c.flush();
            }
            Pub p = pub;
            if (p != null && p.waiting) {
                p.maybeWake();
            }
        }
    }

    /** The publisher. Fields other than volatile ones are only touched on its event loop. */
    private final class Pub extends Client {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private byte[] topicBytes;
        private boolean probing;
        private boolean loading;
        private long loadEnd;
        long sent;
        long sentInWindow;
        long ackedInWindow;
        long stalls;
        private int inflight;
        private int nextId = 1;
        volatile boolean waiting;
        private volatile long sentVolatile;
        private long floor = -1;
        private long waitingSince;
        private long lastProgress = -1;

        Pub() {
            topicBytes = sessionTopic.getBytes(StandardCharsets.UTF_8);
        }

        void startProbe() {
            probing = true;
            probeTick();
        }

        private void probeTick() {
            if (!probing) {
                return;
            }
            ByteBuf buf = ctx.alloc().directBuffer(packetBytes());
            encode(buf, PROBE_SEQ, qos == 0 ? 0 : 65_535);
            ctx.writeAndFlush(buf, ctx.voidPromise());
            ctx.executor().schedule(this::probeTick, 50, TimeUnit.MILLISECONDS);
        }

        void stopProbe() {
            probing = false;
        }

        void startLoad(long end) {
            loadEnd = end;
            loading = true;
            ctx.executor().scheduleAtFixedRate(this::tick, 10, 10, TimeUnit.MILLISECONDS);
            pump();
        }

        /** Safety net: end of the run while blocked, lost wake-ups, and a window stuck on lost messages. */
        private void tick() {
            if (!loading) {
                return;
            }
            long now = System.nanoTime();
            if (now >= loadEnd) {
                finish();
                return;
            }
            if (waiting) {
                long seen = seen();
                if (seen != lastProgress) {
                    lastProgress = seen;
                    waitingSince = now;
                } else if (now - waitingSince > 1_000_000_000L) {
                    // Nothing arrived for 1 s while blocked: what is outstanding is lost (counted at the end).
                    stalls++;
                    floor = sent - 1;
                    waitingSince = now;
                }
            }
            pump();
        }

        private void finish() {
            loading = false;
            waiting = false;
            ctx.flush();
            done.complete(null);
        }

        /** Highest sequence number every subscriber has reached (or passed by the stall floor). */
        private long seen() {
            long min = Long.MAX_VALUE;
            for (Sub s : subs) {
                min = Math.min(min, s.highestSeq);
            }
            return Math.max(min, floor);
        }

        /** Called by subscribers' loops after a read batch while the publisher waits. */
        void maybeWake() {
            if (sentVolatile - 1 - seen() <= window * 3L / 4 && waiting) {
                waiting = false;
                ctx.executor().execute(this::pump);
            }
        }

        private int packetBytes() {
            int remaining = 2 + topicBytes.length + (qos > 0 ? 2 : 0) + size;
            int lenBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
            return 1 + lenBytes + remaining;
        }

        private void encode(ByteBuf buf, long seq, int packetId) {
            int remaining = 2 + topicBytes.length + (qos > 0 ? 2 : 0) + size;
            buf.writeByte(0x30 | (qos << 1));
            int len = remaining;
            do {
                int b = len & 0x7F;
                len >>>= 7;
                buf.writeByte(len > 0 ? b | 0x80 : b);
            } while (len > 0);
            buf.writeShort(topicBytes.length).writeBytes(topicBytes);
            if (qos > 0) {
                buf.writeShort(packetId);
            }
            buf.writeLong(System.nanoTime()).writeLong(seq).writeZero(size - 16);
        }

        void pump() {
            if (!loading) {
                return;
            }
            long now = System.nanoTime();
            if (now >= loadEnd) {
                finish();
                return;
            }
            Channel ch = ctx.channel();
            int rounds = 0;
            while (ch.isWritable() && rounds++ < 16) {
                int n = BATCH;
                if (qos > 0) {
                    n = Math.min(BATCH, inflightMax - inflight);
                    if (n <= 0) {
                        break;
                    }
                }
                {
                    long lag = sent - 1 - seen();
                    if (lag + n > window) {
                        if (!waiting) {
                            waitingSince = now;
                            lastProgress = seen();
                        }
                        waiting = true;
                        // Re-check: a subscriber may have advanced before it saw waiting == true.
                        if (sent - 1 - seen() + n > window) {
                            break;
                        }
                        waiting = false;
                    }
                }
                ByteBuf buf = ctx.alloc().directBuffer(n * packetBytes());
                for (int i = 0; i < n; i++) {
                    encode(buf, sent, nextId);
                    if (qos > 0) {
                        inflight++;
                        nextId = nextId == 65_534 ? 1 : nextId + 1; // 65,535 is the probe's id
                    }
                    sent++;
                }
                now = System.nanoTime();
                if (now >= measureStart && now < measureEnd) {
                    sentInWindow += n;
                }
                ctx.write(buf, ctx.voidPromise());
                sentVolatile = sent;
            }
            ctx.flush();
            if (rounds > 16 && ch.isWritable()) {
                ctx.executor().execute(this::pump); // let the loop's other channels and tasks run
            }
        }

        @Override
        void onMessage(MqttMessage m) {
            switch (m.fixedHeader().messageType()) {
                case PUBACK -> {
                    int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
                    if (id == 65_535) {
                        return; // a probe
                    }
                    inflight--;
                    long now = System.nanoTime();
                    if (now >= measureStart && now < measureEnd) {
                        ackedInWindow++;
                    }
                }
                case PINGRESP -> { }
                default -> fail("unexpected " + m.fixedHeader().messageType());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext c) {
            if (qos > 0) {
                pump();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext c) {
            if (c.channel().isWritable()) {
                pump();
            }
        }
    }
}
