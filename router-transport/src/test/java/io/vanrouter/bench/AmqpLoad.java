package io.vanrouter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.message.Message;

/**
 * AMQP 1.0 load generator for bench/amqp-benchmark.sh: one connection with a sender to an address, one connection
 * with a receiver from it (each to any router or broker), 100-byte {@code data} bodies by default. Proton-J's Engine
 * (Transport, Connection, Collector) over a non-blocking socket, one thread per connection.
 *
 * <p>Every payload carries the sender's {@code System.nanoTime()} in bytes 0..7 and a sequence number in 8..15 (the
 * rest is zeros), so the receiver, in the same process, measures one-way latency and counts duplicates and
 * reordering. The payload is the last {@code size} bytes of the encoded message (the body is the last section).
 *
 * <p>Modes:
 * <ul>
 *   <li>{@code unsettled} (at least once): the sender sends unsettled deliveries, at most {@code --window} of them
 *       without an outcome (and within the link credit the router grants); a message counts when its ACCEPTED
 *       disposition arrives ("acked"). The receiver ACCEPTs and settles each delivery.
 *   <li>{@code presettled} (at most once): the sender settles before sending and stays at most {@code --window}
 *       messages ahead of the receiver (so the run measures sustainable throughput, not how fast queues fill); a
 *       message counts when the receiver gets it.
 * </ul>
 * The receiver grants {@code --credit} and tops it up when half is used. RELEASED, REJECTED and MODIFIED outcomes are
 * counted and reported (a valid run has none).
 *
 * <p>Phases: attach (receiver first; with {@code --await-url}, wait until that management {@code /status} lists the
 * receiver's address with {@code --await-router} as a consumer), probe (one unsettled probe message every 50 ms until
 * one is ACCEPTED: the path works end to end; RELEASED probes are expected before that), warm-up (load, not recorded),
 * measurement (load; sends, outcomes and receipts in this window are counted), drain (sending stops; wait up to 3 s
 * for outstanding outcomes and messages in flight).
 *
 * <p>Output: one line on stdout, {@code result key=value ...} ({@code rate} is acked/s in unsettled mode, received/s
 * in presettled mode, over the measured window); progress and errors on stderr (exit status 1).
 */
public final class AmqpLoad {
    private static final long PROBE_SEQ = -1;
    private static final int SEND_BATCH = 256;

    private String sendAddr;
    private String recvAddr;
    private String address = "bench/amqp";
    private boolean presettled;
    private int size = 100;
    private double seconds = 10;
    private double warmup = 2;
    private int window = 1000;
    private int credit = 500;
    private int probeSeconds = 30;
    private String awaitUrl;
    private String awaitRouter;
    private final String runId = Long.toHexString(ProcessHandle.current().pid());

    private volatile long measureStart = Long.MAX_VALUE;
    private volatile long measureEnd = Long.MAX_VALUE;

    private Tx tx;
    private Rx rx;

    public static void main(String[] args) {
        AmqpLoad load = new AmqpLoad();
        try {
            load.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("AmqpLoad: " + e.getMessage());
            System.err.println("usage: AmqpLoad --send HOST:PORT --recv HOST:PORT [--address A]"
                    + " [--mode unsettled|presettled] [--size BYTES] [--seconds S] [--warmup S] [--window N]"
                    + " [--credit N] [--probe-seconds S] [--await-url URL --await-router ID]");
            System.exit(2);
        }
        int status;
        try {
            status = load.run();
        } catch (Exception e) {
            System.err.println("AmqpLoad: " + e);
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
                case "--send" -> sendAddr = v;
                case "--recv" -> recvAddr = v;
                case "--address" -> address = v;
                case "--mode" -> {
                    if (!v.equals("unsettled") && !v.equals("presettled")) {
                        throw new IllegalArgumentException("--mode is unsettled or presettled");
                    }
                    presettled = v.equals("presettled");
                }
                case "--size" -> size = Integer.parseInt(v);
                case "--seconds" -> seconds = Double.parseDouble(v);
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--window" -> window = Integer.parseInt(v);
                case "--credit" -> credit = Integer.parseInt(v);
                case "--probe-seconds" -> probeSeconds = Integer.parseInt(v);
                case "--await-url" -> awaitUrl = v;
                case "--await-router" -> awaitRouter = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (sendAddr == null || recvAddr == null) {
            throw new IllegalArgumentException("--send and --recv are required");
        }
        if (size < 16 || seconds <= 0 || warmup < 0 || window < 1 || credit < 2 || (awaitUrl == null)
                != (awaitRouter == null)) {
            throw new IllegalArgumentException("bad value (size >= 16, window >= 1, credit >= 2; --await-url needs"
                    + " --await-router)");
        }
    }

    private int run() throws Exception {
        rx = new Rx();
        rx.start(recvAddr, "bench-rx-" + runId);
        rx.attached.get(10, TimeUnit.SECONDS);
        tx = new Tx();
        tx.start(sendAddr, "bench-tx-" + runId);
        tx.attached.get(10, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        if (awaitUrl != null) {
            awaitAddress(t0);
        }
        double awaitMs = (System.nanoTime() - t0) / 1e6;

        long p0 = System.nanoTime();
        tx.command(Tx.PROBE);
        try {
            tx.probed.get(probeSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no probe message was ACCEPTED within " + probeSeconds + " s ("
                    + tx.probeReleased + " released)");
        }
        double probeMs = (System.nanoTime() - p0) / 1e6;
        Thread.sleep(200); // late probe copies

        long start = System.nanoTime() + 10_000_000L;
        measureStart = start + (long) (warmup * 1e9);
        measureEnd = measureStart + (long) (seconds * 1e9);
        long cpu0 = processCpuNanos();
        tx.loadEnd = measureEnd;
        tx.command(Tx.LOAD);
        tx.loadDone.get((long) ((warmup + seconds + 30) * 1000), TimeUnit.MILLISECONDS);
        long genCpu = processCpuNanos() - cpu0;
        long sent = tx.sentVolatile;
        long drainUntil = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < drainUntil && !(rx.receivedVolatile >= sent
                && (presettled || tx.outcomesVolatile >= sent))) {
            Thread.sleep(10);
        }
        tx.command(Tx.STOP);
        rx.command(Rx.STOP);
        tx.thread.join(2000);
        rx.thread.join(2000);
        report(sent, genCpu, awaitMs, probeMs);
        return tx.error != null || rx.error != null ? 1 : 0;
    }

    /** Polls the management {@code /status} until the receiver's address lists the given router as a consumer. */
    private void awaitAddress(long t0) throws Exception {
        String quoted = Pattern.quote(address);
        Pattern row = Pattern.compile("\\{[^{}]*\"address\"\\s*:\\s*\"(?:\\$share/amqp/" + quoted + "|filter "
                + quoted + "|" + quoted + ")\"[^{}]*\\}");
        Pattern router = Pattern.compile("\"routers\"\\s*:\\s*\\[[^\\]]*\"" + Pattern.quote(awaitRouter) + "\"");
        Pattern local = Pattern.compile("\"localConsumers\"\\s*:\\s*[1-9]");
        String last = "no answer";
        while (System.nanoTime() - t0 < probeSeconds * 1_000_000_000L) {
            try (InputStream in = URI.create(awaitUrl).toURL().openStream()) {
                String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Matcher m = row.matcher(json);
                last = "address " + address + " not listed";
                while (m.find()) {
                    String r = m.group();
                    if (router.matcher(r).find() || local.matcher(r).find()) {
                        return;
                    }
                    last = "address listed without " + awaitRouter + ": " + r;
                }
            } catch (IOException e) {
                last = String.valueOf(e);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("receiver's address not known at " + awaitUrl + " within " + probeSeconds
                + " s (" + last + ")");
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private void report(long sent, long genCpu, double awaitMs, double probeMs) {
        Histogram h = rx.histogram;
        long acked = tx.accepted;
        long received = rx.received;
        long counted = presettled ? rx.inWindow : tx.ackedInWindow;
        System.out.println(String.format(Locale.ROOT,
                "result mode=%s size=%d seconds=%.1f window=%d credit=%d sent=%d acked=%d received=%d rate=%.0f"
                        + " sent_rate=%.0f acked_rate=%.0f recv_rate=%.0f released=%d rejected=%d modified=%d"
                        + " unsettled_left=%d lost=%d duplicates=%d reordered=%d p50_us=%d p90_us=%d p99_us=%d"
                        + " p999_us=%d max_us=%d stalls=%d gen_cpu_us_per_msg=%.2f await_ms=%.0f probe_ms=%.0f",
                presettled ? "presettled" : "unsettled", size, seconds, window, credit, sent, acked, received,
                counted / seconds, tx.sentInWindow / seconds, tx.ackedInWindow / seconds, rx.inWindow / seconds,
                tx.released, tx.rejected, tx.modified, presettled ? 0 : sent - tx.outcomesVolatile,
                Math.max(0, sent - received), rx.duplicates, rx.reordered, h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                h.getMaxValue(), tx.stalls, sent == 0 ? 0.0 : genCpu / 1000.0 / sent, awaitMs, probeMs));
        if (tx.error != null || rx.error != null) {
            System.err.println("AmqpLoad: " + (tx.error != null ? tx.error : rx.error));
        }
    }

    /**
     * One AMQP connection driven by its own thread: a proton Transport over a non-blocking SocketChannel, events
     * from the Collector. Subclasses add one link and what to do with it.
     */
    private abstract class Conn {
        final CompletableFuture<Void> attached = new CompletableFuture<>();
        final Transport transport = Transport.Factory.create();
        final Connection connection = Connection.Factory.create();
        final Collector collector = Collector.Factory.create();
        Session session;
        SocketChannel channel;
        Selector selector;
        SelectionKey key;
        Thread thread;
        String name;
        String addr;
        volatile int commanded;
        volatile String error;
        boolean closing;
        private long nextTick;

        void start(String hostPort, String container) throws IOException {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("address " + hostPort + " is not HOST:PORT");
            }
            name = container;
            addr = hostPort;
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            channel.socket().connect(new InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))), 5000);
            channel.configureBlocking(false);
            selector = Selector.open();
            key = channel.register(selector, SelectionKey.OP_READ);
            Sasl sasl = transport.sasl();
            sasl.client();
            sasl.setMechanisms("ANONYMOUS");
            connection.setContainer(container);
            connection.collect(collector);
            transport.bind(connection);
            connection.open();
            session = connection.session();
            session.open();
            openLink();
            thread = new Thread(this::loop, container);
            thread.setDaemon(true);
            thread.start();
        }

        abstract void openLink();

        /** Work outside events (sending, credit); returns how long the loop may sleep, in ms (0: do not block). */
        abstract long work();

        abstract void onEvent(Event event);

        void command(int c) {
            commanded = c;
            selector.wakeup();
        }

        private void loop() {
            try {
                while (true) {
                    handleEvents();
                    long sleep = work();
                    handleEvents();
                    if (!flush()) {
                        break;
                    }
                    long now = System.currentTimeMillis();
                    if (now >= nextTick) {
                        long next = transport.tick(now);
                        nextTick = now + 1000;
                        if (next > 0) {
                            nextTick = Math.min(nextTick, next);
                        }
                        if (!flush()) {
                            break;
                        }
                    }
                    if (sleep == 0) {
                        selector.selectNow();
                    } else {
                        selector.select(Math.max(1, Math.min(sleep, nextTick - now)));
                    }
                    selector.selectedKeys().clear();
                    if (!read()) {
                        break;
                    }
                }
            } catch (Exception e) {
                fail(String.valueOf(e));
            } finally {
                try {
                    channel.close();
                    selector.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }

        /** Reads what the socket has into the transport; false once the connection is over. */
        private boolean read() throws IOException {
            for (int i = 0; i < 64; i++) {
                int capacity = transport.capacity();
                if (capacity < 0) {
                    return done("transport closed for input");
                }
                if (capacity == 0) {
                    return true;
                }
                ByteBuffer tail = transport.tail();
                int n = channel.read(tail);
                if (n < 0) {
                    transport.close_tail();
                    return done("connection to " + addr + " closed by the peer");
                }
                if (n == 0) {
                    return true;
                }
                transport.process();
                handleEvents();
            }
            return true;
        }

        /** Writes what the transport produced; false once it is done. Waits for OP_WRITE when the socket is full. */
        private boolean flush() throws IOException {
            while (true) {
                int pending = transport.pending();
                if (pending < 0) {
                    return done("transport closed for output");
                }
                if (pending == 0) {
                    key.interestOps(SelectionKey.OP_READ);
                    return true;
                }
                ByteBuffer head = transport.head();
                int n = channel.write(head);
                if (n > 0) {
                    transport.pop(n);
                }
                if (n == 0) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return true;
                }
            }
        }

        private boolean done(String why) {
            if (!closing) {
                fail(why);
            }
            return false;
        }

        private void handleEvents() {
            for (Event event = collector.peek(); event != null; event = collector.peek()) {
                try {
                    switch (event.getType()) {
                        case CONNECTION_REMOTE_CLOSE -> remoteClosed("connection", event.getConnection()
                                .getRemoteCondition());
                        case SESSION_REMOTE_CLOSE -> remoteClosed("session", event.getSession().getRemoteCondition());
                        case LINK_REMOTE_CLOSE, LINK_REMOTE_DETACH -> remoteClosed("link", event.getLink()
                                .getRemoteCondition());
                        case LINK_REMOTE_OPEN -> {
                            org.apache.qpid.proton.engine.Link link = event.getLink();
                            if (link instanceof Receiver ? link.getRemoteSource() == null
                                    : link.getRemoteTarget() == null) {
                                fail("link refused (attach without terminus)");
                            } else {
                                attached.complete(null);
                            }
                        }
                        case TRANSPORT_ERROR -> {
                            ErrorCondition c = transport.getCondition();
                            fail("transport error: " + (c == null ? "?" : c.getCondition() + " " + c.getDescription()));
                        }
                        default -> onEvent(event);
                    }
                } finally {
                    collector.pop();
                }
            }
        }

        private void remoteClosed(String what, ErrorCondition condition) {
            if (!closing) {
                fail(what + " closed by the router" + (condition == null || condition.getCondition() == null ? ""
                        : ": " + condition.getCondition() + " " + condition.getDescription()));
            }
        }

        /** Closes the connection; the loop ends when the transport is done or the socket closes. */
        void close() {
            if (!closing) {
                closing = true;
                connection.close();
            }
        }

        void fail(String why) {
            String e = name + ": " + why;
            if (!attached.isDone()) {
                attached.completeExceptionally(new IllegalStateException(e));
            }
            if (error == null && !closing) {
                error = e;
                System.err.println("AmqpLoad: " + e);
                System.err.flush();
                Runtime.getRuntime().halt(1);
            }
        }
    }

    /** The receiver connection. Counters are written by its thread; volatile ones are read by the sender's. */
    private final class Rx extends Conn {
        static final int STOP = 9;
        final Histogram histogram = new Histogram(60_000_000L, 3);
        private final BitSet seen = new BitSet();
        private Receiver receiver;
        private byte[] buf = new byte[4096];
        long received;
        long inWindow;
        long duplicates;
        long reordered;
        private long highestSeq = -1;
        volatile long receivedVolatile;

        @Override
        void openLink() {
            receiver = session.receiver("bench-rx");
            Source source = new Source();
            source.setAddress(address);
            receiver.setSource(source);
            receiver.setTarget(new Target());
            receiver.open();
            receiver.flow(credit);
        }

        @Override
        long work() {
            if (commanded == STOP) {
                close();
            }
            int c = receiver.getCredit();
            if (!closing && c <= credit / 2) {
                receiver.flow(credit - c);
            }
            receivedVolatile = received;
            Tx t = tx;
            if (t != null && t.waiting && t.lag() <= window * 3L / 4) {
                t.waiting = false;
                t.selector.wakeup();
            }
            return 100;
        }

        @Override
        void onEvent(Event event) {
            if (event.getType() != Event.Type.DELIVERY) {
                return;
            }
            Delivery d = event.getDelivery();
            if (!d.isReadable() || d.isPartial()) {
                return;
            }
            int n = d.pending();
            if (n > buf.length) {
                buf = new byte[Math.max(n, buf.length * 2)];
            }
            receiver.recv(buf, 0, n);
            receiver.advance();
            if (d.remotelySettled()) {
                d.settle();
            } else {
                d.disposition(Accepted.getInstance());
                d.settle();
            }
            if (n < size) {
                fail("message of " + n + " bytes, expected a " + size + "-byte payload");
                return;
            }
            if (received == 0 && !checkLayout(n)) {
                return;
            }
            ByteBuffer payload = ByteBuffer.wrap(buf, n - size, 16);
            long sentAt = payload.getLong();
            long seq = payload.getLong();
            if (seq == PROBE_SEQ) {
                return;
            }
            long now = System.nanoTime();
            received++;
            if (seq < 0 || seq > Integer.MAX_VALUE) {
                fail("bad sequence number " + seq);
                return;
            }
            if (seen.get((int) seq)) {
                duplicates++;
            }
            seen.set((int) seq);
            if (seq < highestSeq) {
                reordered++;
            } else {
                highestSeq = seq;
            }
            if (now >= measureStart && now < measureEnd) {
                inWindow++;
                histogram.recordValue(Math.min(60_000_000L, Math.max(1, (now - sentAt) / 1000)));
            }
        }

        /** First message: the payload really is the last {@code size} bytes (the body is a single data section). */
        private boolean checkLayout(int n) {
            Message m = Message.Factory.create();
            m.decode(buf, 0, n);
            if (!(m.getBody() instanceof Data data) || data.getValue().getLength() != size) {
                fail("unexpected message body: " + m.getBody());
                return false;
            }
            Binary b = data.getValue();
            for (int i = 0; i < size; i++) {
                if (b.getArray()[b.getArrayOffset() + i] != buf[n - size + i]) {
                    fail("payload is not at the end of the message");
                    return false;
                }
            }
            return true;
        }
    }

    /** The sender connection. Fields are its thread's, except the volatile ones. */
    private final class Tx extends Conn {
        static final int PROBE = 1;
        static final int LOAD = 2;
        static final int STOP = 9;
        final CompletableFuture<Void> probed = new CompletableFuture<>();
        final CompletableFuture<Void> loadDone = new CompletableFuture<>();
        private Sender sender;
        private byte[] template;
        private int payloadOffset;
        volatile long loadEnd;
        volatile boolean waiting;
        volatile long sentVolatile;
        volatile long outcomesVolatile;
        volatile long probeReleased;
        long sent;
        long sentInWindow;
        long accepted;
        long ackedInWindow;
        long released;
        long rejected;
        long modified;
        long stalls;
        private long outcomes;
        private int inflight;
        private long floor;
        private long nextProbe;
        private boolean loading;
        private long lastProgress = -1;
        private long progressAt;

        @Override
        void openLink() {
            Message m = Message.Factory.create();
            m.setBody(new Data(new Binary(new byte[size])));
            byte[] b = new byte[size + 256];
            int n = m.encode(b, 0, b.length);
            template = java.util.Arrays.copyOf(b, n);
            payloadOffset = n - size;
            sender = session.sender("bench-tx");
            Target target = new Target();
            target.setAddress(address);
            sender.setTarget(target);
            sender.setSource(new Source());
            sender.open();
        }

        /** How far the sender is ahead of the receiver (presettled mode's window). Any thread. */
        long lag() {
            return sentVolatile - Math.max(rx.receivedVolatile, floor);
        }

        private Delivery send(long seq) {
            ByteBuffer p = ByteBuffer.wrap(template, payloadOffset, 16);
            p.putLong(System.nanoTime()).putLong(seq);
            Delivery d = sender.delivery(tag(seq));
            sender.send(template, 0, template.length);
            sender.advance();
            return d;
        }

        private byte[] tag(long seq) {
            long v = seq < 0 ? -1 : seq;
            int n = v < 0 ? 1 : v < 1L << 24 ? 3 : 8;
            byte[] t = new byte[n];
            for (int i = n - 1; i >= 0; i--) {
                t[i] = (byte) v;
                v >>= 8;
            }
            return t;
        }

        @Override
        long work() {
            int c = commanded;
            long now = System.nanoTime();
            if (c == STOP) {
                close();
                return 100;
            }
            if (c == PROBE && !probed.isDone()) {
                if (now >= nextProbe && sender.getCredit() > 0) {
                    send(PROBE_SEQ).setContext(PROBE_SEQ);
                    nextProbe = now + 50_000_000L;
                }
                return 50;
            }
            if (c == LOAD && !loadDone.isDone()) {
                if (!loading) {
                    loading = true;
                    progressAt = now;
                }
                if (now >= loadEnd) {
                    loading = false;
                    waiting = false;
                    loadDone.complete(null);
                    return 100;
                }
                int n = 0;
                while (n < SEND_BATCH && sender.getCredit() > 0) {
                    if (presettled) {
                        if (lag() >= window) {
                            waiting = true;
                            if (lag() >= window) { // the receiver may have advanced before it saw waiting
                                break;
                            }
                            waiting = false;
                        }
                        send(sent).settle();
                    } else {
                        if (inflight >= window) {
                            break;
                        }
                        send(sent);
                        inflight++;
                    }
                    sent++;
                    n++;
                    sentVolatile = sent;
                }
                now = System.nanoTime();
                if (now >= measureStart && now < measureEnd) {
                    sentInWindow += n;
                }
                checkStall(now, n);
                return n == SEND_BATCH ? 0 : Math.max(1, Math.min(10, (loadEnd - now) / 1_000_000L));
            }
            return 100;
        }

        /** Counts a stall (and says why on stderr) when nothing moved for 1 s during the load. */
        private void checkStall(long now, int sentNow) {
            long progress = presettled ? rx.receivedVolatile + sent : outcomes + sent;
            if (progress != lastProgress || sentNow > 0) {
                lastProgress = progress;
                progressAt = now;
            } else if (now - progressAt > 1_000_000_000L) {
                stalls++;
                System.err.println(String.format(Locale.ROOT, "AmqpLoad: stall %d: nothing moved for 1 s: sent=%d"
                        + " outcomes=%d inflight=%d credit=%d received=%d", stalls, sent, outcomes, inflight,
                        sender.getCredit(), rx.receivedVolatile));
                if (presettled) {
                    floor = sent; // what is outstanding is lost (counted at the end)
                }
                progressAt = now;
            }
        }

        @Override
        void onEvent(Event event) {
            if (event.getType() != Event.Type.DELIVERY) {
                return;
            }
            Delivery d = event.getDelivery();
            DeliveryState state = d.getRemoteState();
            if (state == null && !d.remotelySettled()) {
                return;
            }
            boolean probe = d.getContext() != null;
            d.settle();
            if (probe) {
                if (state instanceof Accepted) {
                    probed.complete(null);
                } else {
                    probeReleased++;
                }
                return;
            }
            inflight--;
            outcomes++;
            outcomesVolatile = outcomes;
            if (state instanceof Accepted) {
                accepted++;
                long now = System.nanoTime();
                if (now >= measureStart && now < measureEnd) {
                    ackedInWindow++;
                }
            } else if (state instanceof Released) {
                released++;
            } else if (state instanceof Rejected r) {
                if (rejected++ == 0) {
                    System.err.println("AmqpLoad: first REJECTED: " + r.getError());
                }
            } else if (state instanceof Modified) {
                modified++;
            }
        }
    }
}
