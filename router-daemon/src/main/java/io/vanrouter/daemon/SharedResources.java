package io.vanrouter.daemon;

import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.transport.DnsSettings;
import io.vanrouter.transport.TransportLoops;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the routers of one JVM ({@code vanrouter run --config a --config b ...}) share instead of owning one each: the
 * transport's event loops and DNS resolvers ({@link TransportLoops}: as many data loops as the most any of them asks
 * for in {@code routing.ioThreads}, one control loop for all their links) and the threads that serve their
 * management endpoints. A hundred idle edges in one process run on a handful of threads this way, not seven hundred
 * (docs/scale.md, "Real processes"). Each router keeps its own core thread, links, ports and configuration.
 *
 * <p>Created before the first router starts and closed after the last one closed. Any thread.
 */
public final class SharedResources implements AutoCloseable {
    /** Threads that serve the management requests of all the routers (each waits up to 2 s for a status). */
    public static final int MANAGEMENT_THREADS = 4;

    private final TransportLoops loops;
    private final ExecutorService management;

    private SharedResources(TransportLoops loops, ExecutorService management) {
        this.loops = loops;
        this.management = management;
    }

    /** Resources for the routers of {@code configs}, to run in this JVM. */
    public static SharedResources forRouters(List<RouterConfig> configs) {
        int ioThreads = configs.stream().mapToInt(c -> c.routing().ioThreads()).max().orElse(1);
        AtomicInteger next = new AtomicInteger();
        ExecutorService management = Executors.newFixedThreadPool(MANAGEMENT_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "vanrouter-mgmt-shared-" + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return new SharedResources(TransportLoops.create("shared", ioThreads, DnsSettings.SYSTEM), management);
    }

    public TransportLoops loops() {
        return loops;
    }

    /** Runs the routers' management requests; {@link io.vanrouter.daemon.mgmt.ManagementServer} does not stop it. */
    public ExecutorService managementExecutor() {
        return management;
    }

    /** Stops the loops and the management threads; after every router that used them closed. */
    @Override
    public void close() {
        loops.close();
        management.shutdownNow();
    }
}
