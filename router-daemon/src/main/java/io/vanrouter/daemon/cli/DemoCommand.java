package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.RouterDaemon;
import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.mgmt.StatusFormatter;
import io.vanrouter.daemon.mgmt.StatusReport;
import io.vanrouter.daemon.security.CredentialException;
import io.vanrouter.transport.adaptor.tcp.TcpConnectorSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs a small network of routers in this JVM from the YAML files of one directory (by default the triangle in
 * {@code config/demo}), waits until every router reaches every other, carries some traffic over it
 * ({@link DemoTraffic}: an HTTP service at one site fetched from another, an MQTT message from one site to another),
 * prints what arrived and each router's status, and keeps running until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a local demo network (three routers in a triangle), fetch a service and deliver an MQTT"
                + " message across it, and print what arrived and each router's status.")
public final class DemoCommand implements Callable<Integer> {
    private static final long CONVERGE_TIMEOUT_MILLIS = 20_000;
    private static final long POLL_MILLIS = 100;

    @Spec
    CommandSpec spec;

    @Option(names = "--config-dir", description = "Directory of router YAML files (default: ${DEFAULT-VALUE}).",
            defaultValue = "${sys:vanrouter.home:-.}/config/demo")
    Path configDir;

    @Option(names = "--once", description = "Carry the demo traffic, print the status of each router and stop"
            + " (exit 1 if anything failed), instead of running on.")
    boolean once;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<RouterConfig> configs;
        try {
            configs = loadConfigs(configDir);
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println(p.format(e.source())));
            return 1;
        }
        if (configs.isEmpty()) {
            err.println("no *.yaml router configurations in " + configDir);
            return 1;
        }
        try {
            DemoCredentials.ensure(configs, configDir.resolve("pki").resolve("ca"), Instant.now(), out);
        } catch (CredentialException | IOException e) {
            err.println("cannot make the demo's credentials in " + configDir.resolve("pki") + ": " + e.getMessage());
            return 1;
        }
        List<RouterDaemon> routers = new ArrayList<>();
        DemoTraffic traffic = new DemoTraffic(routers, out);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            closeAll(routers, traffic);
            stopped.countDown();
        }, "vanrouter-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            TcpConnectorSettings service = DemoTraffic.serviceConnector(configs);
            if (service != null) {
                String site = configs.stream().filter(c -> c.tcpConnectors().contains(service)).findFirst()
                        .orElseThrow().routerId();
                try {
                    traffic.startService(service, site);
                } catch (IOException e) {
                    err.println("cannot start the demo's HTTP service on " + service.host() + ":" + service.port()
                            + ": " + e.getMessage() + " (is another demo running?)");
                    return 1;
                }
            }
            for (RouterConfig config : configs) {
                routers.add(RouterDaemon.start(config));
            }
            boolean converged = awaitConvergence(routers, configs.stream().mapToInt(c -> c.peers().size()).sum());
            out.println(converged ? "demo network converged: every link up, every router on its least-cost paths."
                    : "demo network did not converge in " + CONVERGE_TIMEOUT_MILLIS + " ms; see the tables below.");
            out.println();
            boolean fetched = traffic.fetch();
            boolean delivered = traffic.mqtt();
            out.println();
            for (RouterDaemon router : routers) {
                StatusReport report = router.status().get(5, TimeUnit.SECONDS);
                out.println(StatusFormatter.format(report));
            }
            if (once) {
                return converged && fetched && delivered ? 0 : 1;
            }
            traffic.printTryNext();
            out.println("Press Ctrl-C to stop.");
            out.flush();
            stopped.await();
            return 0;
        } finally {
            closeAll(routers, traffic);
            if (once) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    static List<RouterConfig> loadConfigs(Path dir) throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        List<RouterConfig> configs = new ArrayList<>();
        for (Path file : files) {
            configs.add(ConfigLoader.load(file));
        }
        return configs;
    }

    private static boolean awaitConvergence(List<RouterDaemon> routers, int links) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONVERGE_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            List<StatusReport> reports = new ArrayList<>();
            for (RouterDaemon router : routers) {
                reports.add(router.status().get(5, TimeUnit.SECONDS));
            }
            if (DemoConvergence.converged(reports, links)) {
                return true;
            }
            // Polling a local status snapshot; the routers converge on their own threads.
            Thread.sleep(POLL_MILLIS);
        }
        return false;
    }

    private static synchronized void closeAll(List<RouterDaemon> routers, DemoTraffic traffic) {
        traffic.close(); // clients first, so that the routers do not log their connections failing
        for (int i = routers.size() - 1; i >= 0; i--) {
            routers.get(i).close();
        }
    }
}
