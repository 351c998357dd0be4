package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The {@code vanrouter} command line as an operator uses it: the shaded jar and the launcher script. */
@ExtendWith(DumpOnFailure.class)
@Timeout(180)
class CliIT {
    private static final Duration CONVERGE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestNetwork network;

    @BeforeEach
    void setUp() {
        network = new TestNetwork(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        network.close();
    }

    private CommandRun.Result vanrouter(String... args) throws IOException, InterruptedException {
        return CommandRun.vanrouter(dir, args);
    }

    private CommandRun.Result run(List<String> command) throws IOException, InterruptedException {
        return CommandRun.run(dir, command);
    }

    @Test
    void shouldRejectInvalidConfigNamingFieldAndLine() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                router:
                  id: site-a
                  network: demo
                listen:
                  - host: 127.0.0.1
                    port: 70000
                peers:
                  - host: 127.0.0.1
                    port: 55672
                    cots: 1
                """);

        CommandRun.Result check = vanrouter("check-config", bad.toString());
        assertThat(check.exitCode()).isNotZero();
        // Each problem on its own line as FILE:LINE: path: message, with the line of the offending key.
        assertThat(check.output()).contains(bad + ":6: listen[0].port: ").contains(bad + ":10: peers[0].cots: ");

        CommandRun.Result run = vanrouter("run", "--config", bad.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("listen[0].port");
    }

    @Test
    void shouldAcceptValidConfig() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, network.yaml("a", "a", "it", List.of("b")));

        CommandRun.Result check = vanrouter("check-config", good.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("config OK");
    }

    @Test
    void shouldShowStatusAsJsonAndTablesOfARunningRouter() throws Exception {
        RouterProcess a = network.start("a", "b");
        network.start("b");
        await().atMost(CONVERGE).until(() -> a.routeTo("b").equals("b/1"));
        String router = "127.0.0.1:" + a.managementPort;

        CommandRun.Result json = vanrouter("status", "--router", router, "--json");
        assertThat(json.exitCode()).as(json.output()).isZero();
        JsonNode status = new ObjectMapper().readTree(json.output().substring(json.output().indexOf('{')));
        assertThat(status.path("router").asText()).isEqualTo("a");
        assertThat(status.path("nodes").get(0).path("id").asText()).isEqualTo("b");
        assertThat(status.path("nodes").get(0).path("nextHop").asText()).isEqualTo("b");
        assertThat(status.path("links").get(0).path("peer").asText()).isEqualTo("b");
        assertThat(status.path("addresses").isArray()).isTrue();

        CommandRun.Result tables = vanrouter("status", "--config", a.config.toString());
        assertThat(tables.exitCode()).as(tables.output()).isZero();
        assertThat(tables.output()).contains("Router a").contains("b");

        CommandRun.Result nodes = vanrouter("status", "--router", router, "nodes");
        assertThat(nodes.exitCode()).isZero();
    }

    @Test
    void shouldFailClearlyWhenRouterDoesNotAnswer() throws Exception {
        int closedPort = FreePorts.next();
        CommandRun.Result result = vanrouter("status", "--router", "127.0.0.1:" + closedPort);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("cannot reach").contains(Integer.toString(closedPort));
    }

    /**
     * The launcher makes a class data archive once (a training run) and starts routers from it: the router's own
     * classes must come from that archive ("shared objects file (top)" is the JVM's name for an archive on top of the
     * JDK's), or the start-up time it buys (docs/operations.md) is silently lost.
     */
    @Test
    void shouldStartRoutersFromTheClassDataArchiveTheLauncherMakes() throws Exception {
        Path home = Path.of(System.getProperty("vanrouter.home")).toAbsolutePath().normalize();
        String flags = String.join(" ", Files.readAllLines(home.resolve("config/jvm.options")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList()) + " -Xlog:class+load=info";
        CommandRun.Result cds = launcher(home, flags, "cds");
        assertThat(cds.exitCode()).as(cds.output()).isZero();
        Path archive = Path.of(cds.output().strip().lines().reduce((first, second) -> second).orElseThrow());
        assertThat(archive).exists();
        assertThat(Files.size(archive)).isGreaterThan(1 << 20);

        Path config = dir.resolve("cds.yaml");
        Files.writeString(config, "router: {id: cds-check}\nlisten: [{host: 127.0.0.1, port: 0}]\n"
                + "management: {host: 127.0.0.1, port: 0}\ntls: {insecure: true}\n");
        Path output = dir.resolve("cds-run.out");
        Process router = launcherProcess(home, flags, output, "run", "--config", config.toString());
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(output).contains("router started"));
            assertThat(Files.readString(output))
                    .contains("io.vanrouter.daemon.RouterDaemon source: shared objects file (top)")
                    .doesNotContain("Unable to use shared archive");
        } finally {
            router.destroy();
            router.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** JAVA_HOME picks the Java the checkout's launcher runs, as it does for the installed one. */
    @Test
    void shouldRunTheJavaThatJavaHomeNames() throws Exception {
        Path home = Path.of(System.getProperty("vanrouter.home")).toAbsolutePath().normalize();
        Path javaHome = dir.resolve("java-home");
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"stand-in java: $*\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Path output = dir.resolve("java-home.out");
        Process process = launcherProcess(home, "-Xmx64m", output, Map.of("JAVA_HOME", javaHome.toString()),
                "--version");
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(Files.readString(output)).startsWith("stand-in java: -Xmx64m ")
                .contains("-jar " + home.resolve("router-daemon/target/vanrouter.jar") + " --version");
    }

    /**
     * Two launchers started together on a checkout whose jar is stale (a demo's routers, a bench's) build it once: two
     * Maven builds in one tree delete each other's classes and one router fails to start. A stand-in for {@code mvn}
     * on the PATH records each build, takes a second to "build" and notes any build that overlaps another.
     */
    @Test
    void shouldBuildTheJarOnceWhenLaunchersStartTogether() throws Exception {
        Path home = Path.of(System.getProperty("vanrouter.home")).toAbsolutePath().normalize();
        Path checkout = dir.resolve("checkout");
        Files.createDirectories(checkout.resolve("bin"));
        Files.copy(home.resolve("bin/vanrouter"), checkout.resolve("bin/vanrouter"));
        Files.createDirectories(checkout.resolve("config"));
        for (String file : List.of("jvm.options", "logback.xml")) {
            Files.copy(home.resolve("config").resolve(file), checkout.resolve("config").resolve(file));
        }
        Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
        for (String module : List.of("router-core", "router-transport", "router-daemon")) {
            Files.createDirectories(checkout.resolve(module).resolve("src"));
            Files.writeString(checkout.resolve(module).resolve("src/Changed.java"), "class Changed {}\n");
        }
        Path builds = checkout.resolve("builds.log");
        Path tools = Files.createDirectories(dir.resolve("tools"));
        Path mvn = tools.resolve("mvn");
        Files.writeString(mvn, String.join("\n", "#!/bin/bash",
                "echo start >> '" + builds + "'",
                "[ -e '" + checkout + "/building' ] && echo overlap >> '" + builds + "'",
                "touch '" + checkout + "/building'",
                "sleep 1",
                "mkdir -p '" + checkout + "/router-daemon/target'",
                "cp '" + home.resolve("router-daemon/target/vanrouter.jar") + "' '" + checkout
                        + "/router-daemon/target/vanrouter.jar'",
                "rm '" + checkout + "/building'", ""));
        assertThat(mvn.toFile().setExecutable(true)).isTrue();
        Path config = dir.resolve("together.yaml");
        Files.writeString(config, network.yaml("a", "a", "it", List.of("b")));

        List<Process> launchers = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path output = dir.resolve("together-" + i + ".out");
            ProcessBuilder builder = new ProcessBuilder("bash", checkout.resolve("bin/vanrouter").toString(),
                    "check-config", config.toString()).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("PATH", tools + ":" + System.getenv("PATH"));
            builder.environment().remove("VANROUTER_BUILD");
            launchers.add(builder.start());
            outputs.add(output);
        }
        for (int i = 0; i < launchers.size(); i++) {
            assertThat(launchers.get(i).waitFor(60, TimeUnit.SECONDS)).as("launcher %d finished", i).isTrue();
            String output = Files.readString(outputs.get(i));
            assertThat(launchers.get(i).exitValue()).as(output).isZero();
            assertThat(output).contains("config OK");
        }
        assertThat(Files.readAllLines(builds)).containsExactly("start");
    }

    private CommandRun.Result launcher(Path home, String javaOpts, String... args) throws Exception {
        Path output = Files.createTempFile(dir, "launcher", ".out");
        Process process = launcherProcess(home, javaOpts, output, args);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/vanrouter " + String.join(" ", args) + " did not finish");
        }
        return new CommandRun.Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private Process launcherProcess(Path home, String javaOpts, Path output, String... args) throws IOException {
        return launcherProcess(home, javaOpts, output, Map.of(), args);
    }

    private Process launcherProcess(Path home, String javaOpts, Path output, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/vanrouter").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("VANROUTER_JAVA_OPTS", javaOpts);
        builder.environment().put("VANROUTER_BUILD", "never"); // the jar under test, as Maven built it
        builder.environment().putAll(env);
        return builder.start();
    }

    @Test
    void shouldRunDemoNetworkFromLauncherScript() throws Exception {
        Path home = Path.of(System.getProperty("vanrouter.home")).toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/vanrouter").toString(),
                "demo", "--once"));
        CommandRun.Result demo = run(command);
        assertThat(demo.exitCode()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("Router site-a").contains("Router site-b").contains("Router site-c")
                .contains("converged");
        // Its links run TLS with credentials it made on the first run (config/demo/pki, not in git).
        assertThat(demo.output().lines().filter(line -> line.startsWith("Router site-")))
                .hasSize(3).allMatch(line -> line.contains("links TLS 1.3"));
        assertDemoCarriedTraffic(demo.output());
    }

    /** What the demo is for: site-c's private HTTP server answered at site-a, and an MQTT message crossed. */
    private static void assertDemoCarriedTraffic(String output) {
        assertThat(output)
                .contains("GET http://127.0.0.1:28080/ at site-a -> HTTP 200: Hello from site-c: this HTTP server"
                        + " listens on 127.0.0.1:28081")
                .contains("path: site-a > site-b > site-c (cost 2")
                .contains("MQTT: a subscriber at site-c (127.0.0.1:21883, topic demo/greetings) received from a"
                        + " publisher at site-a (127.0.0.1:21881): \"hello from a publisher at site-a\"");
    }

    /** The demo as a user runs it: it keeps running, says what to try, serves curl, and stops on SIGTERM/Ctrl-C. */
    @Test
    void shouldKeepTheDemoRunningUntilStoppedAndServeCurlMeanwhile() throws Exception {
        Path home = Path.of(System.getProperty("vanrouter.home")).toAbsolutePath().normalize();
        Path output = dir.resolve("demo.out");
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/vanrouter").toString(), "demo")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("VANROUTER_BUILD", "never");
        Process demo = builder.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(output).contains("Press Ctrl-C"));
            String text = Files.readString(output);
            assertDemoCarriedTraffic(text);
            assertThat(text).contains("curl http://127.0.0.1:28080/", "mosquitto_sub -h 127.0.0.1 -p 21883",
                    "mosquitto_pub -h 127.0.0.1 -p 21881", "bin/vanrouter status --router 127.0.0.1:9191",
                    "bin/vanrouter trace hello --router 127.0.0.1:9191", "http://127.0.0.1:9191/ui");
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", 28080)) {
                socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .startsWith("HTTP/1.1 200").contains("Hello from site-c");
            }
        } finally {
            demo.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook closes clients, server and routers
            assertThat(demo.waitFor(20, TimeUnit.SECONDS)).as("demo stopped").isTrue();
        }
        assertThat(Files.readString(output)).contains("[site-a] router stopped", "[site-c] router stopped");
        // Every port is free again: a second demo could start.
        for (int port : new int[] {28080, 28081, 21881, 21883, 9191, 25671}) {
            try (java.net.ServerSocket again = new java.net.ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            }
        }
    }
}
