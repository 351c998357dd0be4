package io.vanrouter.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the packaging module builds, used as an operator would: the tarball unpacked into an empty directory runs a
 * router from its own {@code bin/} (with systemd's readiness protocol), and the Debian package holds the install
 * layout, the unit, the conffiles and maintainer scripts that do what they should. The unit passes
 * {@code systemd-analyze verify}.
 */
@Timeout(300)
class PackagesIT {
    private static final Path PACKAGES = Path.of(System.getProperty("vanrouter.packages"));
    private static final Path TARBALL = PACKAGES.resolve(System.getProperty("vanrouter.tarball"));
    private static final Path UNIT_SOURCE = Path.of(System.getProperty("vanrouter.home"), "config", "systemd",
            "vanrouter@.service");
    private static final Duration START = Duration.ofSeconds(90); // includes the first run's class data archive

    @TempDir
    Path dir;

    record Result(int exitCode, String output) {
    }

    private Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "cmd", ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(List.of(command) + " did not finish: " + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private Result run(String... command) throws IOException, InterruptedException {
        return run(Map.of(), command);
    }

    private Result succeed(Map<String, String> env, String... command) throws IOException, InterruptedException {
        Result result = run(env, command);
        assertThat(result.exitCode()).as("%s exit code; output:%n%s", List.of(command), result.output()).isZero();
        return result;
    }

    /** The newest .deb the build made (snapshot versions carry a timestamp). */
    private static Path deb() throws IOException {
        try (Stream<Path> files = Files.list(PACKAGES)) {
            return files.filter(p -> p.getFileName().toString().matches("vanrouter_.*_amd64\\.deb"))
                    .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no vanrouter_*_amd64.deb in " + PACKAGES));
        }
    }

    /** Every file and directory under {@code root}, relative, sorted. */
    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    /** The environment of an operator's shell with Java 17+ and nothing else of the build. */
    private Map<String, String> operatorEnv() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("HOME", Files.createDirectories(dir.resolve("home")).toString());
        env.put("VANROUTER_CACHE_DIR", dir.resolve("cache").toString());
        return env;
    }

    @Test
    void shouldRunARouterFromTheUnpackedTarballAndAnswerStatus() throws Exception {
        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        succeed(Map.of(), "tar", "-xzf", TARBALL.toString(), "-C", unpacked.toString());
        Path home = unpacked.resolve(TARBALL.getFileName().toString().replace(".tar.gz", ""));
        assertThat(tree(unpacked)).as("one top directory").allMatch(p -> p.isEmpty() || p.startsWith(
                home.getFileName().toString()));
        assertThat(tree(home)).contains("bin/vanrouter", "lib/vanrouter.jar", "config/jvm.options",
                "config/logback.xml", "config/example.yaml", "config/systemd/vanrouter@.service",
                "docs/operations.md", "LICENSE").noneMatch(p -> p.endsWith("pom.xml") || p.startsWith("src"));
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/vanrouter")))
                .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        String launcher = home.resolve("bin/vanrouter").toString();
        Map<String, String> env = operatorEnv();

        // Credentials made with the tarball's own bin/, as an operator would.
        Path site = Files.createDirectories(dir.resolve("site-a"));
        succeed(env, launcher, "certs", "ca", "--network", "it", "--out", site.resolve("ca").toString());
        succeed(env, launcher, "certs", "issue", "--ca", site.resolve("ca").toString(), "--router", "site-a",
                "--out", site.toString());
        int managementPort = FreePorts.next();
        Path config = site.resolve("site-a.yaml");
        Files.writeString(config, """
                router: {id: site-a, network: it}
                listen: [{host: 127.0.0.1, port: 0}]
                management: {host: 127.0.0.1, port: %d}
                tls: {ca: ca.crt, cert: site-a.crt, key: site-a.key}
                """.formatted(managementPort));
        List<String> installBefore = tree(home);

        try (NotifySocket systemd = new NotifySocket(dir.resolve("notify").toString())) {
            Map<String, String> serviceEnv = new HashMap<>(env);
            serviceEnv.put("NOTIFY_SOCKET", systemd.path());
            Path log = dir.resolve("router.log");
            ProcessBuilder builder = new ProcessBuilder(launcher, "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(serviceEnv);
            Process router = builder.start();
            try {
                // The router, not the launcher's class data training run, says READY=1, and only once it listens.
                assertThat(systemd.next(START)).isEqualTo(
                        "READY=1\nSTATUS=vanrouter site-a running; management on 127.0.0.1:" + managementPort);

                Result status = succeed(env, launcher, "status", "--router", "127.0.0.1:" + managementPort);
                assertThat(status.output()).contains("Router site-a", "network it", "TLS 1.3");

                router.destroy(); // SIGTERM, as systemctl stop sends it
                assertThat(systemd.next(Duration.ofSeconds(30))).isEqualTo("STOPPING=1");
                assertThat(router.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(router.exitValue()).as("exit code; log:%n%s", Files.readString(log)).isZero();
            } finally {
                router.destroyForcibly();
            }
        }
        // The class data archive went to the cache directory; the installation was left as it was (it may be
        // read-only, as /opt/vanrouter is to the service).
        try (Stream<Path> cache = Files.list(dir.resolve("cache"))) {
            assertThat(cache.map(p -> p.getFileName().toString())).anyMatch(n -> n.matches("vanrouter-\\d+\\.jsa"));
        }
        assertThat(tree(home)).isEqualTo(installBefore);
    }

    @Test
    void shouldInstallTheTarballLayoutTheUnitAndConffilesFromTheDeb() throws Exception {
        Path deb = deb();
        String contents = succeed(Map.of(), "dpkg-deb", "--contents", deb.toString()).output();
        assertThat(contents).contains("./opt/vanrouter/bin/vanrouter\n", "./opt/vanrouter/lib/vanrouter.jar\n",
                "./opt/vanrouter/config/logback.xml\n", "./opt/vanrouter/docs/operations.md\n",
                "./usr/bin/vanrouter -> /opt/vanrouter/bin/vanrouter\n", "./lib/systemd/system/vanrouter@.service\n",
                "./etc/vanrouter/example.yaml\n", "./etc/vanrouter/jvm.options\n", "./etc/vanrouter/logback.xml\n",
                "./usr/share/doc/vanrouter/copyright\n");
        assertThat(contents).containsPattern("-rwxr-xr-x root/root .* \\./opt/vanrouter/bin/vanrouter\n");

        assertThat(succeed(Map.of(), "dpkg-deb", "--field", deb.toString(), "Package", "Architecture").output())
                .isEqualTo("Package: vanrouter\nArchitecture: amd64\n");
        assertThat(succeed(Map.of(), "dpkg-deb", "--field", deb.toString(), "Depends").output())
                .contains("adduser", "java17-runtime-headless");

        Path control = dir.resolve("control");
        succeed(Map.of(), "dpkg-deb", "-e", deb.toString(), control.toString());
        assertThat(Files.readAllLines(control.resolve("conffiles"))).containsExactlyInAnyOrder(
                "/etc/vanrouter/example.yaml", "/etc/vanrouter/jvm.options", "/etc/vanrouter/logback.xml");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(Files.isExecutable(control.resolve(script))).as(script).isTrue();
            succeed(Map.of(), "sh", "-n", control.resolve(script).toString());
        }

        Path root = dir.resolve("root");
        succeed(Map.of(), "dpkg-deb", "-x", deb.toString(), root.toString());
        assertThat(root.resolve("lib/systemd/system/vanrouter@.service")).hasSameTextualContentAs(UNIT_SOURCE);
        assertThat(Files.readSymbolicLink(root.resolve("usr/bin/vanrouter")))
                .isEqualTo(Path.of("/opt/vanrouter/bin/vanrouter"));
        assertThat(root.resolve("etc/vanrouter/jvm.options"))
                .hasSameTextualContentAs(UNIT_SOURCE.getParent().getParent().resolve("jvm.options"));
    }

    /** Runs the package's postinst with every command it calls replaced by one that records its arguments. */
    private List<String> runPostinst(boolean userExists) throws Exception {
        Path control = dir.resolve("control");
        if (!Files.exists(control)) {
            succeed(Map.of(), "dpkg-deb", "-e", deb().toString(), control.toString());
        }
        Path stubs = Files.createDirectories(dir.resolve("stubs"));
        Path calls = dir.resolve("calls-" + userExists);
        for (String command : List.of("getent", "adduser", "dpkg-statoverride", "chown", "chmod", "systemctl")) {
            Path stub = stubs.resolve(command);
            int exit = command.equals("getent") && !userExists || command.equals("dpkg-statoverride") ? 2 : 0;
            Files.writeString(stub, "#!/bin/sh\necho \"" + command + " $*\" >> \"$CALLS\"\nexit " + exit + "\n");
            stub.toFile().setExecutable(true);
        }
        succeed(Map.of("PATH", stubs + ":/usr/bin:/bin", "CALLS", calls.toString()),
                "sh", control.resolve("postinst").toString(), "configure", "");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    @Test
    void shouldCreateTheSystemUserInPostinstWhenItIsMissing() throws Exception {
        List<String> calls = runPostinst(false);

        assertThat(calls).contains("adduser --system --group --home /var/lib/vanrouter --no-create-home"
                + " --shell /usr/sbin/nologin --gecos vanrouter VAN router vanrouter",
                "chown root:vanrouter /etc/vanrouter", "chmod 0750 /etc/vanrouter");
        assertThat(calls.indexOf("chown root:vanrouter /etc/vanrouter"))
                .isGreaterThan(calls.indexOf(calls.stream().filter(c -> c.startsWith("adduser")).findFirst()
                        .orElseThrow()));
    }

    @Test
    void shouldKeepAnExistingSystemUserInPostinst() throws Exception {
        List<String> calls = runPostinst(true);

        assertThat(calls).contains("getent passwd vanrouter").noneMatch(c -> c.startsWith("adduser"));
    }

    @Test
    void shouldPassSystemdAnalyzeVerify() throws Exception {
        boolean present = run("sh", "-c", "command -v systemd-analyze").exitCode() == 0;
        if (!present && System.getenv("CI") == null) {
            Assumptions.abort("systemd-analyze is not installed (Debian package systemd); .ci/run installs it");
        }
        assertThat(present).as("systemd-analyze on the PATH (CI installs the systemd package)").isTrue();
        Path root = dir.resolve("root");
        succeed(Map.of(), "dpkg-deb", "-x", deb().toString(), root.toString());
        // The unit as installed, with /usr/bin/vanrouter (a link to /opt/vanrouter/bin/vanrouter, not on this
        // machine) pointed at the package's own launcher: verify checks that ExecStart names an executable.
        String unit = Files.readString(root.resolve("lib/systemd/system/vanrouter@.service"));
        String launcher = root.resolve("opt/vanrouter/bin/vanrouter").toString();
        assertThat(unit).contains("ExecStart=/usr/bin/vanrouter run --config /etc/vanrouter/%i.yaml\n");
        Path units = Files.createDirectories(dir.resolve("units"));
        Files.writeString(units.resolve("vanrouter@.service"),
                unit.replace("ExecStart=/usr/bin/vanrouter ", "ExecStart=" + launcher + " "));

        Result verify = run("systemd-analyze", "verify", units.resolve("vanrouter@.service").toString());

        // Warnings (an unknown key, a bad value) print but exit 0: accept nothing printed.
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).isEmpty();
    }

    @Test
    void shouldReportMistakesInAUnitWithSystemdAnalyzeVerify() throws Exception {
        Assumptions.assumeTrue(run("sh", "-c", "command -v systemd-analyze").exitCode() == 0,
                "systemd-analyze is not installed");
        Path units = Files.createDirectories(dir.resolve("units"));
        Files.writeString(units.resolve("vanrouter@.service"),
                Files.readString(UNIT_SOURCE).replace("ProtectSystem=strict", "ProtectSystem=stricter"));

        Result verify = run("systemd-analyze", "verify", units.resolve("vanrouter@.service").toString());

        // The check above would see this: proof that it is not blind to the unit's content.
        assertThat(verify.output()).contains("Failed to parse protect system value, ignoring: stricter");
    }
}
