package io.vanrouter.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One real router process: {@code java -jar vanrouter.jar run --config FILE}, its log in a file, its management
 * endpoint for status. Stopped with SIGTERM ({@link #stop()}), SIGKILL ({@link #kill()}), or frozen with SIGSTOP.
 */
final class RouterProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String id;
    final Path config;
    final Path log;
    final int managementPort;
    /** Runs before the java command, e.g. {@code ip netns exec NS}; empty for a router on this host's network. */
    private final List<String> commandPrefix;
    private Process process;
    /** Length of the log when the current process was launched: its own lines start there. */
    private long logStartOfThisRun;

    private RouterProcess(String id, Path config, Path log, int managementPort, List<String> commandPrefix) {
        this.id = id;
        this.config = config;
        this.log = log;
        this.managementPort = managementPort;
        this.commandPrefix = List.copyOf(commandPrefix);
    }

    /** Writes {@code yaml} to {@code dir/id.yaml} and starts a router on it. */
    static RouterProcess start(Path dir, String id, String yaml, int managementPort) throws IOException {
        return startIn(List.of(), dir, id, yaml, managementPort);
    }

    /**
     * As {@link #start}, with the command run under {@code commandPrefix} (e.g. {@code ip netns exec NS}, which execs
     * java, so signals still reach the router). Its management endpoint is then asked with curl under the same prefix.
     */
    static RouterProcess startIn(List<String> commandPrefix, Path dir, String id, String yaml, int managementPort)
            throws IOException {
        Path config = dir.resolve(id + ".yaml");
        Files.writeString(config, yaml);
        RouterProcess router = new RouterProcess(id, config, dir.resolve(id + ".log"), managementPort, commandPrefix);
        router.launch();
        return router;
    }

    /** Starts the process again on the same config (a restart after {@link #kill()} or {@link #stop()}). */
    void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(id + " is still running");
        }
        launch();
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(javaCommand("run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        logStartOfThisRun = Files.exists(log) ? Files.size(log) : 0;
        process = builder.start();
    }

    /** The java command line that runs the daemon jar with {@code args}. */
    static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-ea");
        // Netty tracks every buffer: a leak is logged as "LEAK:" once its buffer is collected, and TestNetwork fails
        // the test on such a line. Costs CPU per buffer access, which the tests' timeouts allow for.
        command.add("-Dio.netty.leakDetection.level=paranoid");
        command.add("-Dvanrouter.management.gc=true"); // POST /process/gc, for tests that compare heap after GC
        command.add("-Dlogback.configurationFile=" + System.getProperty("vanrouter.logback"));
        command.add("-jar");
        command.add(System.getProperty("vanrouter.jar"));
        command.addAll(List.of(args));
        return command;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the kernel closes the sockets, no goodbye is sent. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: orderly shutdown; returns the exit code. */
    int stop() throws InterruptedException {
        awaitSignalHandlers();
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** SIGHUP: the router reads its configuration file again. */
    void hangUp() throws IOException, InterruptedException {
        awaitSignalHandlers();
        signal("HUP");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** The router's {@code GET /status} JSON, or empty while it does not answer. */
    Optional<JsonNode> status() {
        return request("GET", "/status");
    }

    /** The router's {@code GET /process} JSON (heap, direct memory, fds, threads), or empty while it is silent. */
    Optional<JsonNode> process() {
        return request("GET", "/process");
    }

    /** A full GC in the router ({@code POST /process/gc}), then its {@code /process} JSON. */
    Optional<JsonNode> processAfterGc() {
        return request("POST", "/process/gc");
    }

    /** The router's {@code GET /metrics} text (Prometheus format), or empty while it does not answer. */
    Optional<String> metricsText() {
        return body("GET", "/metrics");
    }

    private Optional<JsonNode> request(String method, String path) {
        return body(method, path).flatMap(text -> {
            try {
                return Optional.of(JSON.readTree(text));
            } catch (IOException e) {
                return Optional.empty(); // cut short, as while it does not answer
            }
        });
    }

    private Optional<String> body(String method, String path) {
        if (!commandPrefix.isEmpty()) {
            return bodyWithCurl(method, path);
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody()).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** As {@link #body}, from inside the router's {@link #commandPrefix} (another network namespace). */
    private Optional<String> bodyWithCurl(String method, String path) {
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of("curl", "-sf", "--max-time", "10", "-X", method,
                "http://127.0.0.1:" + managementPort + path));
        try {
            Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] body = curl.getInputStream().readAllBytes();
            return curl.waitFor(15, TimeUnit.SECONDS) && curl.exitValue() == 0
                    ? Optional.of(new String(body, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** This router's route to {@code destination} as "nextHop/cost", or "unreachable"/"unknown". */
    String routeTo(String destination) {
        return status().map(s -> {
            for (JsonNode node : s.path("nodes")) {
                if (destination.equals(node.path("id").asText())) {
                    return node.path("reachable").asBoolean()
                            ? node.path("nextHop").asText() + "/" + node.path("cost").asLong()
                            : "unreachable";
                }
            }
            return "unknown";
        }).orElse("no answer");
    }

    /** Resident set size of the process in KiB, from /proc (Linux). */
    long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
            throw new IllegalStateException("no VmRSS for " + this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for the "running" line, which {@code run} prints after installing its SIGHUP and SIGTERM handlers. A peer
     * can see this router's links and addresses a little earlier; a signal in that gap would meet the JVM's default
     * handler (exit 129 or 143) instead of a reload or an orderly stop.
     */
    private void awaitSignalHandlers() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive() || logOfThisRun().contains(" running; "));
    }

    private String logOfThisRun() throws IOException {
        byte[] bytes = Files.exists(log) ? Files.readAllBytes(log) : new byte[0];
        int start = (int) Math.min(logStartOfThisRun, bytes.length);
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            thawQuietly();
            kill();
        }
    }

    private void thawQuietly() {
        try {
            signal("CONT");
        } catch (IOException e) {
            // Already gone.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return id + "(pid " + (process == null ? "-" : process.pid()) + ")";
    }
}
