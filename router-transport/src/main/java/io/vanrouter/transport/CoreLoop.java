package io.vanrouter.transport;

import io.vanrouter.core.CoreSettings;
import io.vanrouter.core.hello.Liveness;
import io.vanrouter.core.RouterCore;
import io.vanrouter.core.RoutingCounters;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.message.ControlMessage;
import io.vanrouter.core.port.ControlSender;
import io.vanrouter.core.status.RouterView;
import io.vanrouter.transport.CoreCommand.AddConsumer;
import io.vanrouter.transport.CoreCommand.LinkActivity;
import io.vanrouter.transport.CoreCommand.LinkDown;
import io.vanrouter.transport.CoreCommand.LinkUp;
import io.vanrouter.transport.CoreCommand.Message;
import io.vanrouter.transport.CoreCommand.QueryView;
import io.vanrouter.transport.CoreCommand.RemoveConsumer;
import io.vanrouter.transport.adaptor.ForwardingView;
import io.vanrouter.transport.adaptor.LocalConsumers;
import io.vanrouter.transport.adaptor.RoutingView;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core thread: the only thread that touches {@link RouterCore}. Events arrive as typed {@link CoreCommand}s on
 * two lanes ({@link CommandLanes}): lifecycle commands (link up/down, consumer add/remove) are never dropped and run
 * first; the rest (control messages, link activity, status queries) wait on a queue of {@link #COMMAND_QUEUE_CAPACITY}.
 * Each cycle runs at most {@link #COMMAND_DRAIN_LIMIT} of each lane and then ticks the core; between commands an
 * interior's core ticks every {@link #TICK_INTERVAL_NANOS}, an edge's when its core next has something to do (its next
 * hello or dead interval: about twice a second with two uplinks). Routes and the address
 * view are published together as one {@link ForwardingView} in one volatile field that event loops read without
 * locks.
 *
 * <p>Submit methods: any thread, never block. A full bounded lane drops the command, counts it per type
 * ({@link #commandCounters()}) and logs once per burst; a command that throws is logged with its type, counted and
 * the loop goes on.
 */
public final class CoreLoop implements CoreEvents, RoutingView, LocalConsumers, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.core");

    public static final int COMMAND_QUEUE_CAPACITY = 65_536;
    public static final int COMMAND_DRAIN_LIMIT = 1_024;
    /** An interior router's core ticks this often (and after each batch of commands). */
    public static final long TICK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * An edge router's core ticks when its core says a tick is due ({@link RouterCore#nanosUntilTickDue}: its next
     * hello, dead interval or address batch) and after each batch of commands, but at least this often: a safety net
     * that stays out of the way of edges configured with hellos several seconds apart (thousands of idle edges).
     */
    public static final long EDGE_TICK_INTERVAL_MAX_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** A tick this much later than planned means the core thread itself stalled. */
    public static final long PAUSE_NANOS_MIN = TimeUnit.MILLISECONDS.toNanos(200);

    private final CommandLanes lanes = new CommandLanes(COMMAND_QUEUE_CAPACITY);
    private final CommandCounters counters = new CommandCounters();
    private final AtomicLong tickErrors = new AtomicLong();
    private final RouterCore core;
    private final boolean edge;
    private final Thread thread;
    /** Written by the core thread only (read-modify-write is safe there), read by any thread. */
    private volatile ForwardingView forwarding;
    private volatile boolean running = true;
    private volatile boolean rejectedLogged;
    private final List<Runnable> forwardingListeners = new CopyOnWriteArrayList<>();

    public CoreLoop(CoreSettings settings, ControlSender sender) {
        this(settings, AddressRules.none(), sender);
    }

    public CoreLoop(CoreSettings settings, AddressRules addressRules, ControlSender sender) {
        this.forwarding = ForwardingView.empty(settings.routerId(), addressRules);
        this.core = new RouterCore(settings, addressRules, System::nanoTime, sender, table -> {
            forwarding = forwarding.withRoutes(table);
            notifyForwardingChange();
        }, view -> {
            forwarding = forwarding.withAddresses(view);
            notifyForwardingChange();
        });
        this.edge = settings.edge();
        this.thread = new Thread(this::run, "vanrouter-core-" + settings.routerId());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public String routerId() {
        return core.settings().routerId();
    }

    /** The newest routes and address view, as one value; any thread, lock-free. */
    @Override
    public ForwardingView forwarding() {
        return forwarding;
    }

    /**
     * Runs {@code listener} on the core thread after every new routing table or address view; it must be brief and
     * must not block. Returns a handle that removes it.
     */
    @Override
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
    @Override
    public void submitAddConsumer(Address address) {
        submit(new AddConsumer(address));
    }

    /** A local consumer of {@code address} went away. */
    @Override
    public void submitRemoveConsumer(Address address) {
        submit(new RemoveConsumer(address));
    }

    /** Distribution rules from a reloaded configuration. */
    public void submitAddressRules(AddressRules rules) {
        submit(new CoreCommand.ReplaceAddressRules(rules));
    }

    /** Commands dropped because the bounded lane was full (all types). */
    public long commandsRejected() {
        return counters.rejectedTotal();
    }

    /** Commands and ticks that threw on the core thread. */
    public long commandErrors() {
        return counters.failedTotal() + tickErrors.get();
    }

    /** SPF runs and time, link-state records: volatile fields written by the core thread only. Any thread. */
    public RoutingCounters routingCounters() {
        return core.routingCounters();
    }

    /** Rejected and failed commands per type. */
    public CommandCounters commandCounters() {
        return counters;
    }

    @Override
    public void submitLinkUp(long linkId, String peerId, long peerInstance, int cost) {
        submitLinkUp(linkId, peerId, peerInstance, cost, false);
    }

    @Override
    public void submitLinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge) {
        submit(new LinkUp(linkId, peerId, peerInstance, cost, peerIsEdge, null));
    }

    @Override
    public void submitLinkUp(long linkId, String peerId, long peerInstance, int cost, boolean peerIsEdge,
            Liveness peerLiveness) {
        submit(new LinkUp(linkId, peerId, peerInstance, cost, peerIsEdge, peerLiveness));
    }

    @Override
    public Liveness liveness() {
        return new Liveness(core.settings().helloIntervalMillis(), core.settings().deadIntervalMillis());
    }

    @Override
    public void submitLinkCost(long linkId, int cost) {
        submit(new CoreCommand.LinkCost(linkId, cost));
    }

    @Override
    public void submitLinkDown(long linkId, String reason) {
        submit(new LinkDown(linkId, reason));
    }

    @Override
    public void submitMessage(long linkId, ControlMessage message) {
        submit(new Message(linkId, message));
    }

    @Override
    public void submitLinkActivity(long linkId) {
        submit(new LinkActivity(linkId));
    }

    @Override
    public long linkActivityIntervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(core.settings().helloIntervalMillis()) / 4;
    }

    /** A status snapshot built on the core thread. */
    public CompletableFuture<RouterView> queryView() {
        CompletableFuture<RouterView> result = new CompletableFuture<>();
        submit(new QueryView(result)); // a dropped or failed query fails the future
        return result;
    }

    private boolean submit(CoreCommand command) {
        if (lanes.offer(command)) {
            return true;
        }
        counters.countRejected(command.type());
        command.notRun(new IllegalStateException("core command queue full"));
        if (!rejectedLogged) {
            rejectedLogged = true;
            LOG.error("[{}] core command queue full ({} commands): dropping {} and other non-lifecycle commands",
                    routerId(), COMMAND_QUEUE_CAPACITY, command.type());
        }
        return false;
    }

    private void run() {
        long nextTick = System.nanoTime();
        while (running) {
            int ran = drain(true) + drain(false);
            if (ran > 0) {
                rejectedLogged = false;
            } else if (!core.hasPendingWork()) {
                long waitNanos = nextTick - System.nanoTime();
                if (waitNanos > 0) {
                    lanes.await(waitNanos);
                    continue; // woken by a command, the tick time or close(): look again
                }
            }
            long tickStart = System.nanoTime();
            noticePause(tickStart - nextTick); // how late this tick is against the planned one
            tickCore(); // also does one slice of pending work (a large address snapshot), then commands again
            // An interior's next tick is planned from this one's start, so a tick that ran long counts as a pause.
            nextTick = edge ? System.nanoTime() + edgeTickDelayNanos() : tickStart + TICK_INTERVAL_NANOS;
        }
    }

    /**
     * An edge ticks when its core next has something to do, at most {@link #EDGE_TICK_INTERVAL_MAX_NANOS} later: an
     * idle edge wakes for its hellos, not 20 times a second.
     */
    private long edgeTickDelayNanos() {
        try {
            return Math.min(core.nanosUntilTickDue(), EDGE_TICK_INTERVAL_MAX_NANOS);
        } catch (Throwable t) {
            tickErrors.incrementAndGet();
            LOG.error("[{}] next tick time failed; ticking every {} ms: {}", routerId(),
                    TimeUnit.NANOSECONDS.toMillis(TICK_INTERVAL_NANOS), t.toString(), t);
            return TICK_INTERVAL_NANOS;
        }
    }

    /** Runs up to {@link #COMMAND_DRAIN_LIMIT} commands of one lane; returns how many ran. */
    private int drain(boolean lifecycle) {
        int ran = 0;
        while (ran < COMMAND_DRAIN_LIMIT) {
            CoreCommand command = lifecycle ? lanes.pollLifecycle() : lanes.pollBounded();
            if (command == null) {
                break;
            }
            if (!lifecycle) {
                ran += runLifecycleOfferedBefore();
            }
            execute(command);
            ran++;
        }
        return ran;
    }

    /**
     * Runs every lifecycle command queued now, before a bounded command just taken: each one offered before that
     * command is in the lane by now, so a link's first messages never run before its link up (they would be dropped as
     * messages on an unknown link: an edge's address snapshot, sent once at link up, was lost that way).
     */
    private int runLifecycleOfferedBefore() {
        int ran = 0;
        CoreCommand command;
        while ((command = lanes.pollLifecycle()) != null) {
            execute(command);
            ran++;
        }
        return ran;
    }

    private void execute(CoreCommand command) {
        try {
            command.applyTo(core);
        } catch (Throwable t) {
            counters.countFailed(command.type());
            command.notRun(t);
            LOG.error("[{}] core command {} failed; continuing: {}", routerId(), command.type(), t.toString(), t);
        }
    }

    /** A tick well past its planned time: this thread itself stalled (see RouterCore#onPaused). */
    private void noticePause(long pausedNanos) {
        if (pausedNanos < PAUSE_NANOS_MIN) {
            return;
        }
        try {
            core.onPaused(pausedNanos);
        } catch (Throwable t) {
            tickErrors.incrementAndGet();
            LOG.error("[{}] pause handling failed; continuing: {}", routerId(), t.toString(), t);
        }
    }

    private void tickCore() {
        try {
            core.tick();
        } catch (Throwable t) {
            tickErrors.incrementAndGet();
            LOG.error("[{}] core tick failed; continuing: {}", routerId(), t.toString(), t);
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
