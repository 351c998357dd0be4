package io.vanrouter.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sites as Linux network namespaces, for one test: a "wan" namespace holding a bridge, and site namespaces each joined
 * to it by one veth pair (the site's end {@code wan0} carries its WAN address, the bridge's end none). Nothing else
 * connects them, and no namespace has a default route. Root only.
 *
 * <p>Names are {@code vrit-PID-SITE}, PID being the test JVM's, so concurrent runs never meet and a dead run's
 * leftovers are recognised ({@link #removeLeftovers}). {@link #close} kills every process started in them, then
 * deletes them.
 */
final class NetnsSites implements AutoCloseable {
    static final String WAN = "wan";
    private static final String PREFIX = "vrit-";
    private static final Pattern OURS = Pattern.compile("^(" + PREFIX + "(\\d+)-[a-z0-9]+)\\b", Pattern.MULTILINE);
    private static final long COMMAND_SECONDS = 30;

    private final Path dir;
    private final String run = PREFIX + ProcessHandle.current().pid();
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private NetnsSites(Path dir) {
        this.dir = dir;
    }

    /**
     * Why namespaces cannot be made here (not root, no {@code ip}, or {@code ip netns add} refused), or empty when
     * they can: a probe namespace is added and deleted.
     */
    static Optional<String> unavailable(Path dir) throws IOException, InterruptedException {
        CommandRun.Result uid = CommandRun.run(dir, List.of("id", "-u"));
        if (!uid.output().strip().equals("0")) {
            return Optional.of("network namespaces need root (running as uid " + uid.output().strip() + ")");
        }
        if (CommandRun.run(dir, List.of("sh", "-c", "command -v ip")).exitCode() != 0) {
            return Optional.of("the ip command (Debian package iproute2) is not installed");
        }
        String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
        CommandRun.Result add = CommandRun.run(dir, List.of("ip", "netns", "add", probe));
        if (add.exitCode() != 0) {
            return Optional.of("ip netns add failed: " + add.output().strip());
        }
        CommandRun.run(dir, List.of("ip", "netns", "del", probe));
        return Optional.empty();
    }

    /** Deletes the namespaces of earlier runs whose JVM is gone, after killing what still runs inside them. */
    static void removeLeftovers(Path dir) throws IOException, InterruptedException {
        Matcher names = OURS.matcher(CommandRun.run(dir, List.of("ip", "netns", "list")).output());
        while (names.find()) {
            long pid = Long.parseLong(names.group(2));
            if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
                killAllIn(dir, names.group(1));
                CommandRun.run(dir, List.of("ip", "netns", "del", names.group(1)));
            }
        }
    }

    /** The wan namespace with its bridge {@code br0}. */
    static NetnsSites create(Path dir) throws IOException, InterruptedException {
        NetnsSites sites = new NetnsSites(dir);
        sites.addNamespace(WAN);
        sites.ip("-n", sites.name(WAN), "link", "add", "br0", "type", "bridge");
        sites.ip("-n", sites.name(WAN), "link", "set", "dev", "br0", "up");
        return sites;
    }

    /** The namespace name of {@code site}. */
    String name(String site) {
        return run + "-" + site;
    }

    /**
     * Adds site {@code site}: its namespace, loopback up, and a veth {@code wan0} with {@code wanCidr} whose other end
     * ({@code site-SITE}) is a port of the wan bridge.
     */
    void addSite(String site, String wanCidr) throws IOException, InterruptedException {
        addNamespace(site);
        String ns = name(site);
        String bridgePort = "site-" + site;
        ip("-n", ns, "link", "add", "wan0", "type", "veth", "peer", "name", bridgePort, "netns", name(WAN));
        ip("-n", name(WAN), "link", "set", "dev", bridgePort, "master", "br0");
        ip("-n", name(WAN), "link", "set", "dev", bridgePort, "up");
        ip("-n", ns, "addr", "add", wanCidr, "dev", "wan0");
        ip("-n", ns, "link", "set", "dev", "wan0", "up");
    }

    /** Adds {@code cidr} to {@code site}'s loopback (a private address only that site has). */
    void addLoopbackAddress(String site, String cidr) throws IOException, InterruptedException {
        ip("-n", name(site), "addr", "add", cidr, "dev", "lo");
    }

    /** {@code ip netns exec NS}: a prefix that runs a command inside {@code site}. */
    List<String> exec(String site) {
        return List.of("ip", "netns", "exec", name(site));
    }

    /** Starts {@code command} inside {@code site}, output to {@code log}; killed by {@link #close}. */
    Process start(String site, Path log, String... command) throws IOException {
        List<String> full = new ArrayList<>(exec(site));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(process);
        return process;
    }

    /** Runs {@code command} inside {@code site} to its end, with {@code input} on its stdin. */
    CommandRun.Result runIn(String site, String input, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(exec(site));
        full.addAll(List.of(command));
        Path output = Files.createTempFile(dir, "netns", ".out");
        Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(full + " did not finish: " + Files.readString(output));
        }
        return new CommandRun.Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    /** Runs {@code ip ARGS} in this host's namespace; the output, or an error naming the command. */
    String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        CommandRun.Result result = CommandRun.run(dir, command);
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + result.output().strip());
        }
        return result.output();
    }

    private void addNamespace(String site) throws IOException, InterruptedException {
        ip("netns", "add", name(site));
        namespaces.add(name(site));
        ip("-n", name(site), "link", "set", "dev", "lo", "up");
    }

    /** Kills the processes started here, then any left in the namespaces (socat's forks), then the namespaces. */
    @Override
    public void close() throws IOException {
        try {
            killAllAndDelete();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting namespaces " + namespaces, e);
        }
    }

    private void killAllAndDelete() throws IOException, InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (String ns : namespaces) {
            killAllIn(dir, ns);
        }
        List<String> failed = new ArrayList<>();
        for (String ns : namespaces) {
            CommandRun.Result del = CommandRun.run(dir, List.of("ip", "netns", "del", ns));
            if (del.exitCode() != 0) {
                failed.add(ns + ": " + del.output().strip());
            }
        }
        if (!failed.isEmpty()) {
            throw new IOException("could not delete namespaces " + failed);
        }
    }

    /** SIGKILL to each process inside {@code ns}, by pid ({@code ip netns pids}). */
    private static void killAllIn(Path dir, String ns) throws IOException, InterruptedException {
        for (String pid : CommandRun.run(dir, List.of("ip", "netns", "pids", ns)).output().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
