package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.RouterConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The routers one {@code vanrouter run} hosts, one per {@code --config} file (many edge routers on one host share a
 * JVM this way): started in order, reloaded one after another, closed together. Any thread.
 */
final class RunningRouters {
    /** A router that could not start; those started before it are already closed. */
    static final class StartException extends Exception {
        final String routerId;

        StartException(String routerId, Exception cause) {
            super(cause);
            this.routerId = routerId;
        }
    }

    private final List<RouterConfig> configs;
    private final List<RunCommand.RunningRouter> routers;

    private RunningRouters(List<RouterConfig> configs, List<RunCommand.RunningRouter> routers) {
        this.configs = List.copyOf(configs);
        this.routers = List.copyOf(routers);
    }

    /** Starts each router in order; when one fails, closes the ones started and throws. */
    static RunningRouters start(List<RouterConfig> configs, RunCommand.Launcher launcher) throws StartException {
        List<RunCommand.RunningRouter> started = new ArrayList<>(configs.size());
        for (RouterConfig config : configs) {
            try {
                started.add(launcher.start(config));
            } catch (Exception e) {
                closeAll(started);
                throw new StartException(config.routerId(), e);
            }
        }
        return new RunningRouters(configs, started);
    }

    List<RouterConfig> configs() {
        return configs;
    }

    /** The router id, or "N routers" when there are several (for one-line log and systemd messages). */
    String label() {
        return configs.size() == 1 ? configs.get(0).routerId() : configs.size() + " routers";
    }

    /** One line per router: {@code vanrouter ID running; management on HOST:PORT}. */
    List<String> runningLines() {
        List<String> lines = new ArrayList<>(routers.size());
        for (int i = 0; i < routers.size(); i++) {
            lines.add("vanrouter " + configs.get(i).routerId() + " running; " + managementLine(routers.get(i)));
        }
        return lines;
    }

    void reload(int index) {
        routers.get(index).reload();
    }

    void reloadAll() {
        routers.forEach(RunCommand.RunningRouter::reload);
    }

    void closeAll() {
        closeAll(routers);
    }

    void awaitTermination() throws InterruptedException {
        for (RunCommand.RunningRouter router : routers) {
            router.awaitTermination();
        }
    }

    /**
     * Closes the routers concurrently: each waits up to its transport's shutdown timeout for its links to drain, and
     * a hundred edges closed in turn would outlast what a service manager waits after SIGTERM.
     */
    private static void closeAll(List<RunCommand.RunningRouter> routers) {
        if (routers.size() == 1) {
            routers.get(0).close();
            return;
        }
        List<Thread> closing = new ArrayList<>(routers.size());
        for (RunCommand.RunningRouter router : routers) {
            Thread thread = new Thread(router::close, "vanrouter-close");
            thread.start();
            closing.add(thread);
        }
        for (Thread thread : closing) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String managementLine(RunCommand.RunningRouter router) {
        InetSocketAddress address = router.managementAddress();
        return address == null ? "management disabled"
                : "management on " + address.getHostString() + ":" + address.getPort();
    }
}
