package io.vanrouter.daemon.flowlog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vanrouter.transport.adaptor.mqtt.MqttSessionFlow;
import io.vanrouter.transport.stream.StreamFlow;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per finished TCP stream (listener or connector side) and per MQTT session, to a file or to the
 * {@value #LOGGER} logger. Event loops only {@link #offer} a record to a bounded queue ({@value #QUEUE_MAX} records):
 * when it is full the record is dropped and counted, so the data path never waits for a disk. One daemon thread of
 * its own formats and writes the records gathered every 100 ms, with one flush per batch.
 *
 * <p>{@link #tcp} and {@link #mqtt}: any thread, never blocking. {@link #close}: any thread, once.
 */
public final class FlowLog implements AutoCloseable {
    public static final String LOGGER = "vanrouter.flow";
    /** Records waiting to be written; past this they are dropped and counted. */
    public static final int QUEUE_MAX = 65_536;
    private static final Logger FLOW = LoggerFactory.getLogger(LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.mgmt");
    private static final Object STOP = new Object();
    /** How long records gather before the writer takes them: one write and flush per batch, not per record. */
    static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int DRAIN_MAX = 4_096;

    private final String routerId;
    private final FlowLogSettings settings;
    private final ObjectMapper json = new ObjectMapper();
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_MAX);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final BufferedWriter file; // null: to the logger
    private final Thread writer;
    private volatile boolean closed;
    private boolean dropWarned;

    /** Opens the file (appending) and starts the writer thread; throws when the file cannot be opened. */
    public FlowLog(String routerId, FlowLogSettings settings) throws IOException {
        this.routerId = routerId;
        this.settings = settings;
        this.file = settings.file() == null ? null : Files.newBufferedWriter(settings.file(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        this.writer = new Thread(this::run, "vanrouter-" + routerId + "-flowlog");
        writer.setDaemon(true);
        writer.start();
        LOG.info("[{}] flow log to {}", routerId, settings.file() == null ? "logger " + LOGGER : settings.file());
    }

    /** A finished stream; event loop, never blocks. */
    public void tcp(StreamFlow flow) {
        offer(flow);
    }

    /** A finished MQTT session; event loop, never blocks. */
    public void mqtt(MqttSessionFlow flow) {
        offer(flow);
    }

    private void offer(Object flow) {
        if (closed || !queue.offer(new Timed(Instant.now(), flow))) {
            dropped.incrementAndGet();
        }
    }

    /** Records written. */
    public long written() {
        return written.get();
    }

    /** Records dropped because the queue was full (or the log closed). */
    public long dropped() {
        return dropped.get();
    }

    private record Timed(Instant at, Object flow) {
    }

    private void run() {
        List<Object> batch = new ArrayList<>(DRAIN_MAX);
        while (true) {
            if (queue.isEmpty()) {
                // Parked, not waiting on the queue: an event loop's offer then signals nobody (no futex wake-up per
                // record), and the writer takes whatever gathered, at most BATCH_NANOS later, in one write.
                LockSupport.parkNanos(BATCH_NANOS);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                continue;
            }
            queue.drainTo(batch, DRAIN_MAX);
            boolean stop = false;
            for (Object item : batch) {
                if (item == STOP) {
                    stop = true;
                } else {
                    write((Timed) item);
                }
            }
            batch.clear();
            flush();
            if (stop) {
                return;
            }
        }
    }

    private void write(Timed item) {
        String line;
        try {
            line = line(item);
        } catch (IOException e) {
            LOG.error("[{}] flow record not written: {}", routerId, e.toString());
            return;
        }
        if (file == null) {
            FLOW.info(line);
            written.incrementAndGet();
            return;
        }
        try {
            file.write(line);
            file.write('\n');
            written.incrementAndGet();
        } catch (IOException e) {
            dropped.incrementAndGet();
            if (!dropWarned) {
                dropWarned = true;
                LOG.warn("[{}] cannot write the flow log {}: {}; dropping records until it works again", routerId,
                        settings.file(), e.toString());
            }
        }
    }

    private void flush() {
        if (file != null) {
            try {
                file.flush();
                dropWarned = false;
            } catch (IOException e) {
                LOG.warn("[{}] cannot flush the flow log {}: {}", routerId, settings.file(), e.toString());
            }
        }
    }

    /** One JSON line, fields in a fixed order; streamed by Jackson's generator (no map, no boxing per record). */
    String line(Timed item) throws IOException {
        StringWriter out = new StringWriter(320);
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", item.at().toString());
            g.writeStringField("router", routerId);
            if (item.flow() instanceof StreamFlow s) {
                g.writeStringField("kind", "tcp");
                g.writeStringField("role", s.role());
                g.writeStringField("address", s.address());
                g.writeStringField("listenerSite", s.listenerSite());
                g.writeStringField("connectorSite", s.connectorSite());
                g.writeStringField("nextHop", s.nextHop());
                g.writeStringField("client", s.client());
                g.writeBooleanField("opened", s.opened());
                g.writeNumberField("bytesToConnector", s.bytesToConnector());
                g.writeNumberField("bytesToListener", s.bytesToListener());
                g.writeNumberField("durationMillis", TimeUnit.NANOSECONDS.toMillis(s.durationNanos()));
                g.writeStringField("end", s.end());
                g.writeStringField("reason", s.reason());
            } else if (item.flow() instanceof MqttSessionFlow m) {
                g.writeStringField("kind", "mqtt");
                g.writeStringField("clientId", m.clientId());
                g.writeStringField("user", m.user());
                g.writeStringField("remote", m.remote());
                g.writeStringField("protocol", m.protocol());
                g.writeNumberField("durationMillis", TimeUnit.NANOSECONDS.toMillis(m.durationNanos()));
                g.writeNumberField("messagesIn", m.messagesIn());
                g.writeNumberField("messagesOut", m.messagesOut());
                g.writeStringField("end", m.end());
                g.writeStringField("reason", m.reason());
            }
            g.writeEndObject();
        }
        return out.toString();
    }

    /** Writes what is queued, stops the writer thread (waiting up to 2 s) and closes the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            queue.put(STOP); // past every record offered before closed was set
            LockSupport.unpark(writer);
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing the flow log " + settings.file(), e);
            }
        }
    }
}
