package io.vanrouter.transport;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.RouterCore;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.path.RoutingTable;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.core.status.RouterView;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core thread: the only thread that touches {@link RouterCore}. Events arrive as commands on a bounded queue;
 * each cycle drains at most {@link #COMMAND_DRAIN_LIMIT} of them and then ticks the core. Routing tables are
 * published through one volatile field that event loops read without locks.
 *
 * <p>Submit methods: any thread, never block. A full queue drops the command, counts it and logs once per burst.
 */
public final class CoreLoop implements CoreEvents, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.core");

    public static final int COMMAND_QUEUE_CAPACITY = 65_536;
    public static final int COMMAND_DRAIN_LIMIT = 1_024;
    public static final long TICK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A gap between two ticks this much longer than the tick interval means the core thread itself stalled. */
    public static final long PAUSE_NANOS_MIN = TimeUnit.MILLISECONDS.toNanos(200);

    private final BlockingQueue<Consumer<RouterCore>> commands = new LinkedBlockingQueue<>(COMMAND_QUEUE_CAPACITY);
    private final AtomicLong commandsRejected = new AtomicLong();
    private final AtomicLong commandErrors = new AtomicLong();
    private final RouterCore core;
    private final Thread thread;
    private volatile RoutingTable routingTable;
    private volatile AddressSnapshotView addressView;
    private volatile boolean running = true;
    private volatile boolean rejectedLogged;
    private final List<Runnable> forwardingListeners = new CopyOnWriteArrayList<>();

    public CoreLoop(CoreSettings settings, ControlSender sender) {
        this(settings, AddressRules.none(), sender);
    }

    public CoreLoop(CoreSettings settings, AddressRules addressRules, ControlSender sender) {
        this.routingTable = RoutingTable.empty(settings.routerId());
        this.addressView = AddressSnapshotView.empty(settings.routerId(), addressRules);
        this.core = new RouterCore(settings, addressRules, System::nanoTime, sender, table -> {
            routingTable = table;
            notifyForwardingChange();
        }, view -> {
            addressView = view;
            notifyForwardingChange();
        });
        this.thread = new Thread(this::run, "vanrouter-core-" + settings.routerId());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public String routerId() {
        return core.settings().routerId();
    }

    /** The newest routing table; any thread, lock-free. */
    public RoutingTable routingTable() {
        return routingTable;
    }

    /** The newest address view (which routers consume which addresses); any thread, lock-free. */
    public AddressSnapshotView addressView() {
        return addressView;
    }

    /**
     * Runs {@code listener} on the core thread after every new routing table or address view; it must be brief and
     * must not block. Returns a handle that removes it.
     */
    public AutoCloseable onForwardingChange(Runnable listener) {
        forwardingListeners.add(listener);
        return () -> forwardingListeners.remove(listener);
    }

    private void notifyForwardingChange() {
        for (Runnable listener : forwardingListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.error("[{}] forwarding-change listener failed; continuing", routerId(), e);
            }
        }
    }

    /** A local consumer of {@code address} appeared (a TCP connector, an MQTT subscription). */
    public void submitAddConsumer(Address address) {
        submit(core -> core.addLocalConsumer(address));
    }

    /** A local consumer of {@code address} went away. */
    public void submitRemoveConsumer(Address address) {
        submit(core -> core.removeLocalConsumer(address));
    }

    public long commandsRejected() {
        return commandsRejected.get();
    }

    public long commandErrors() {
        return commandErrors.get();
    }

    @Override
    public void submitLinkUp(long linkId, String peerId, long peerInstance, int cost) {
        submit(core -> core.onLinkUp(linkId, peerId, peerInstance, cost));
    }

    @Override
    public void submitLinkDown(long linkId, String reason) {
        submit(core -> core.onLinkDown(linkId, reason));
    }

    @Override
    public void submitMessage(long linkId, ControlMessage message) {
        submit(core -> core.onMessage(linkId, message));
    }

    @Override
    public void submitLinkActivity(long linkId) {
        submit(core -> core.onLinkActivity(linkId));
    }

    @Override
    public long linkActivityIntervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(core.settings().helloIntervalMillis()) / 4;
    }

    /** A status snapshot built on the core thread. */
    public CompletableFuture<RouterView> queryView() {
        CompletableFuture<RouterView> result = new CompletableFuture<>();
        if (!submit(core -> result.complete(core.view()))) {
            result.completeExceptionally(new IllegalStateException("core command queue full"));
        }
        return result;
    }

    private boolean submit(Consumer<RouterCore> command) {
        if (commands.offer(command)) {
            return true;
        }
        commandsRejected.incrementAndGet();
        if (!rejectedLogged) {
            rejectedLogged = true;
            LOG.error("[{}] core command queue full ({} commands): dropping events", routerId(),
                    COMMAND_QUEUE_CAPACITY);
        }
        return false;
    }

    private void run() {
        long nextTick = System.nanoTime();
        long lastTick = nextTick;
        while (running) {
            try {
                long waitNanos = core.hasPendingWork() ? 0 : Math.max(0, nextTick - System.nanoTime());
                Consumer<RouterCore> command = commands.poll(waitNanos, TimeUnit.NANOSECONDS);
                int drained = 0;
                while (command != null) {
                    execute(command);
                    if (++drained >= COMMAND_DRAIN_LIMIT) {
                        break;
                    }
                    command = commands.poll();
                }
                if (drained > 0) {
                    rejectedLogged = false;
                }
                long now = System.nanoTime();
                long pausedNanos = now - lastTick - TICK_INTERVAL_NANOS;
                if (pausedNanos >= PAUSE_NANOS_MIN) {
                    execute(core -> core.onPaused(pausedNanos));
                }
                lastTick = now;
                tickCore(); // also does one slice of pending work (a large address snapshot), then commands again
                if (System.nanoTime() - nextTick >= 0) {
                    nextTick = System.nanoTime() + TICK_INTERVAL_NANOS;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void execute(Consumer<RouterCore> command) {
        try {
            command.accept(core);
        } catch (Throwable t) {
            commandErrors.incrementAndGet();
            LOG.error("[{}] core command failed; continuing", routerId(), t);
        }
    }

    private void tickCore() {
        try {
            core.tick();
        } catch (Throwable t) {
            commandErrors.incrementAndGet();
            LOG.error("[{}] core tick failed; continuing", routerId(), t);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
