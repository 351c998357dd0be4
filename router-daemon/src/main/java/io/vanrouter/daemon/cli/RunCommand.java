package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.ConfigFileWatch;
import io.vanrouter.daemon.RouterDaemon;
import io.vanrouter.daemon.SystemdNotifier;
import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vanrouter run --config FILE}: loads the configuration, starts the router in the foreground and waits until
 * it is closed. SIGTERM and SIGINT run a shutdown hook that closes the router in order (links closed with a reason).
 * Under systemd ({@code Type=notify}) it reports READY=1 once the router listens and STOPPING=1 when it stops.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a router in the foreground until SIGTERM or SIGINT (Ctrl-C).")
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.daemon");

    /** What {@code run} needs of a started router: {@link RouterDaemon} in production, a fake in tests. */
    public interface RunningRouter {
        /** Where management listens, or null when it is disabled. */
        InetSocketAddress managementAddress();

        void awaitTermination() throws InterruptedException;

        /** Reads the configuration file again (SIGHUP); the router logs the outcome. */
        default void reload() {
        }

        void close();
    }

    /** Starts a router; throws with a clear message when it cannot (e.g. a port in use). */
    @FunctionalInterface
    public interface Launcher {
        RunningRouter start(RouterConfig config) throws Exception;
    }

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "the router's YAML configuration")
    private Path config;

    @Option(names = "--reload-on-change", description = "reload the configuration when the file changes (as SIGHUP"
            + " and 'vanrouter reload' do), checked every second")
    private boolean reloadOnChange;

    private final Launcher launcher;
    private final boolean shutdownHook;
    private final SystemdNotifier systemd;

    /** As the {@code vanrouter} command uses it: starts a {@link RouterDaemon}, closes it on SIGTERM/SIGINT. */
    public RunCommand() {
        this(RunCommand::startDaemon, true, SystemdNotifier.fromEnvironment());
    }

    /** For tests: a launcher of their own, and no JVM shutdown hook when {@code shutdownHook} is false. */
    public RunCommand(Launcher launcher, boolean shutdownHook) {
        this(launcher, shutdownHook, SystemdNotifier.NONE);
    }

    /** For tests: as above, telling {@code systemd} when the router is ready and when it stops. */
    public RunCommand(Launcher launcher, boolean shutdownHook, SystemdNotifier systemd) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.shutdownHook = shutdownHook;
        this.systemd = Objects.requireNonNull(systemd, "systemd");
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RouterConfig routerConfig;
        try {
            routerConfig = ConfigLoader.loadAndCheckFiles(config, Instant.now()); // an expired certificate: say so now
        } catch (ConfigException e) {
            CheckConfigCommand.printProblems(err, config, e);
            return ExitCodes.CONFIG;
        }
        RunningRouter router;
        try {
            router = launcher.start(routerConfig);
        } catch (Exception e) {
            err.println("cannot start router " + routerConfig.routerId() + ": " + describe(e));
            err.flush();
            LOG.debug("start failed", e);
            return ExitCodes.CONFIG;
        }
        Runnable stop = () -> {
            systemd.stopping();
            router.close();
        };
        // systemd (Type=notify) holds 'systemctl reload' until READY=1 follows RELOADING=1; one reload at a time.
        Runnable reload = () -> {
            synchronized (router) {
                systemd.reloading();
                try {
                    router.reload();
                } finally {
                    systemd.ready();
                }
            }
        };
        Thread hook = new Thread(() -> {
            LOG.info("shutdown requested; closing router {}", routerConfig.routerId());
            stop.run();
        }, "vanrouter-shutdown");
        if (shutdownHook) {
            Runtime.getRuntime().addShutdownHook(hook);
            StopSignals.install(routerConfig.routerId(), stop);
            StopSignals.installReload(routerConfig.routerId(), reload);
        }
        String running = "vanrouter " + routerConfig.routerId() + " running; " + managementLine(router);
        out.println(running);
        out.flush();
        systemd.ready(running);
        ConfigFileWatch watch = reloadOnChange
                ? ConfigFileWatch.start(config, reload, ConfigFileWatch.POLL_MILLIS) : null;
        try {
            router.awaitTermination();
        } finally {
            if (watch != null) {
                watch.close();
            }
            removeHook(hook);
        }
        return ExitCodes.OK;
    }

    private void removeHook(Thread hook) {
        if (!shutdownHook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what ended awaitTermination; nothing to remove
        }
    }

    private static String managementLine(RunningRouter router) {
        InetSocketAddress address = router.managementAddress();
        return address == null ? "management disabled"
                : "management on " + address.getHostString() + ":" + address.getPort();
    }

    /** The first message along the cause chain, e.g. "cannot bind ...: Address already in use". */
    static String describe(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
                break;
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static RunningRouter startDaemon(RouterConfig config) throws Exception {
        RouterDaemon daemon = RouterDaemon.start(config);
        return new RunningRouter() {
            @Override
            public InetSocketAddress managementAddress() {
                return daemon.managementAddress();
            }

            @Override
            public void awaitTermination() throws InterruptedException {
                daemon.awaitTermination();
            }

            @Override
            public void reload() {
                daemon.reload();
            }

            @Override
            public void close() {
                daemon.close();
            }
        };
    }
}
