package io.vanrouter.daemon.cli;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP, handled from the moment {@code run} starts: a signal while it reads the configuration and starts the
 * routers is remembered, and reloads once they run. Without a handler the JVM ends the process on SIGHUP (exit 129),
 * so a {@code kill -HUP} right after a restart (a configuration tool that writes the file and signals at once) would
 * stop the router instead of reloading it. systemd's {@code reload} waits for READY=1 and cannot hit that gap;
 * anything else can. The JVM's own start-up, before {@code run}, remains such a gap.
 *
 * <p>Any thread: the JVM's signal thread calls {@link #received}, the starting thread {@link #running}.
 */
final class ReloadSignal {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.daemon");

    private final Executor reloads;
    /** The configuration files while the routers start, then their ids. */
    private volatile String label;
    /** A SIGHUP not yet acted on. */
    private final AtomicBoolean pending = new AtomicBoolean();
    /** Null while the routers start. */
    private volatile Runnable reload;

    ReloadSignal(String label, Executor reloads) {
        this.label = label;
        this.reloads = reloads;
    }

    /** Handles SIGHUP for the routers of the files {@code label} names; each reload runs on a fresh thread. */
    static ReloadSignal install(String label) {
        ReloadSignal signal = new ReloadSignal(label, reload -> new Thread(reload, "vanrouter-reload").start());
        try {
            Signal.handle(new Signal("HUP"), ignored -> signal.received());
        } catch (IllegalArgumentException unsupported) {
            LOG.debug("cannot handle SIGHUP: {}", unsupported.getMessage());
        }
        return signal;
    }

    /** A SIGHUP: reloads now, or once {@link #running} if the routers are still starting. */
    void received() {
        pending.set(true);
        Runnable now = reload;
        if (now == null) {
            LOG.info("[{}] SIGHUP received while starting; the configuration is reloaded once the router runs", label);
            return;
        }
        LOG.info("[{}] SIGHUP received; reloading the configuration", label);
        runIfPending(now);
    }

    /**
     * The routers run, logged as {@code label}: from now on a SIGHUP runs {@code reload}, and one received while they
     * started runs now.
     */
    void running(String label, Runnable reload) {
        this.label = label;
        this.reload = reload;
        runIfPending(reload);
    }

    /** Whichever of the two threads takes the pending signal runs it: each SIGHUP reloads once. */
    private void runIfPending(Runnable reload) {
        if (pending.getAndSet(false)) {
            reloads.execute(reload);
        }
    }
}
