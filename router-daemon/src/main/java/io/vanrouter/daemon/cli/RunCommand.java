package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.ConfigFileWatch;
import io.vanrouter.daemon.RouterDaemon;
import io.vanrouter.daemon.SharedResources;
import io.vanrouter.daemon.SystemdNotifier;
import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
 *
 * <p>{@code --config} may be given several times: one router per file in this JVM (many edge routers on one host),
 * each with its own configuration, management endpoint and reloads. The process exits non-zero if any fails to
 * start (after closing those started), READY=1 follows the last start, and SIGTERM and SIGHUP act on all of them.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a router in the foreground until SIGTERM or SIGINT (Ctrl-C); one per --config file.")
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
            description = "a router's YAML configuration; repeat it to run several routers in this process")
    private List<Path> configFiles;

    @Option(names = "--reload-on-change", description = "reload the configuration when the file changes (as SIGHUP"
            + " and 'vanrouter reload' do), checked every second")
    private boolean reloadOnChange;

    private final Launcher launcher;
    private final boolean shutdownHook;
    private final SystemdNotifier systemd;

    /** As the {@code vanrouter} command uses it: starts a {@link RouterDaemon}, closes it on SIGTERM/SIGINT. */
    public RunCommand() {
        this.launcher = null; // RouterDaemon, on resources shared by the routers when there are several
        this.shutdownHook = true;
        this.systemd = SystemdNotifier.fromEnvironment();
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
        // From here a SIGHUP waits for the routers instead of ending the JVM (its default: exit 129).
        ReloadSignal reloadSignal = shutdownHook ? ReloadSignal.install(fileNames()) : null;
        List<RouterConfig> configs = loadAll(err);
        if (configs == null) {
            return ExitCodes.CONFIG;
        }
        // Several routers in this JVM share event loops, resolvers and management threads (SharedResources).
        SharedResources shared = launcher == null && configs.size() > 1 ? SharedResources.forRouters(configs) : null;
        Launcher start = launcher != null ? launcher : config -> running(RouterDaemon.start(config, shared));
        RunningRouters routers;
        try {
            routers = RunningRouters.start(configs, start);
        } catch (RunningRouters.StartException e) {
            err.println("cannot start router " + e.routerId + ": " + describe(e.getCause()));
            err.flush();
            LOG.debug("start failed", e);
            if (shared != null) {
                shared.close();
            }
            return ExitCodes.CONFIG;
        }
        Runnable stop = () -> {
            systemd.stopping();
            routers.closeAll();
        };
        // systemd (Type=notify) holds 'systemctl reload' until READY=1 follows RELOADING=1; one reload at a time.
        Runnable reload = () -> reloading(routers, routers::reloadAll);
        Thread hook = new Thread(() -> {
            LOG.info("shutdown requested; closing {}", routers.label());
            stop.run();
        }, "vanrouter-shutdown");
        if (shutdownHook) {
            Runtime.getRuntime().addShutdownHook(hook);
            StopSignals.install(routers.label(), stop);
            reloadSignal.running(routers.label(), reload);
        }
        List<String> lines = routers.runningLines();
        lines.forEach(out::println);
        out.flush();
        systemd.ready(lines.size() == 1 ? lines.get(0) : "vanrouter: " + routers.label() + " running");
        List<ConfigFileWatch> watches = new ArrayList<>();
        if (reloadOnChange) {
            for (int i = 0; i < configFiles.size(); i++) {
                int index = i;
                watches.add(ConfigFileWatch.start(configFiles.get(i),
                        () -> reloading(routers, () -> routers.reload(index)), ConfigFileWatch.POLL_MILLIS));
            }
        }
        try {
            routers.awaitTermination();
        } finally {
            watches.forEach(ConfigFileWatch::close);
            removeHook(hook);
            if (shared != null) {
                shared.close(); // every router closed: nothing runs on them any more
            }
        }
        return ExitCodes.OK;
    }

    /** The configuration files' names: what log lines call the routers before their ids are known. */
    private String fileNames() {
        return configFiles.stream().map(file -> String.valueOf(file.getFileName())).collect(Collectors.joining(","));
    }

    private void reloading(RunningRouters routers, Runnable reload) {
        synchronized (routers) {
            systemd.reloading();
            try {
                reload.run();
            } finally {
                systemd.ready();
            }
        }
    }

    /**
     * Every file's configuration, or null after printing every problem: each file's own, a router id given twice, and
     * logging sections that differ (the routers of one process share one Logback setup).
     */
    private List<RouterConfig> loadAll(PrintWriter err) {
        List<RouterConfig> configs = new ArrayList<>(configFiles.size());
        boolean failed = false;
        for (Path file : configFiles) {
            try {
                configs.add(ConfigLoader.loadAndCheckFiles(file, Instant.now())); // an expired certificate: say so now
            } catch (ConfigException e) {
                CheckConfigCommand.printProblems(err, file, e);
                failed = true;
            }
        }
        Map<String, Path> ids = new HashMap<>();
        for (RouterConfig config : configs) {
            Path other = ids.putIfAbsent(config.routerId(), config.source());
            if (other != null) {
                err.println(config.source() + ": router.id: " + config.routerId() + " is also the id in " + other);
                failed = true;
            }
            if (!config.logging().equals(configs.get(0).logging())) {
                err.println(config.source() + ": logging: differs from " + configs.get(0).source()
                        + "; the routers of one process share one logging setup");
                failed = true;
            }
        }
        err.flush();
        return failed ? null : configs;
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

    /** {@code daemon} as {@code run} drives it. */
    static RunningRouter running(RouterDaemon daemon) {
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
