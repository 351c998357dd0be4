package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.MqttUsersFile;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import io.vanrouter.transport.adaptor.mqtt.auth.PasswordHash;
import io.vanrouter.transport.adaptor.mqtt.auth.TopicPatterns;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vanrouter mqtt-users add}: adds a user, or replaces its password and topics. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Add an MQTT user to a users file (created if missing, mode 0600), or replace the password and"
            + " topics of an existing one. The password is read from the terminal (twice), from standard input"
            + " (--password-stdin) or from a file (--password-file); it is stored as a salted PBKDF2 hash."})
public final class MqttUsersAddCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "the users file (mqtt.users)")
    private Path file;

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "the user name clients send")
    private String name;

    @Option(names = "--publish", paramLabel = "PATTERN", description = {"a topic the user may publish to, MQTT"
        + " wildcards allowed; repeat for more (default: #, every topic); --publish '' for none"})
    private List<String> publish;

    @Option(names = "--subscribe", paramLabel = "PATTERN", description = {"a topic filter the user may subscribe to;"
        + " repeat for more (default: #); --subscribe '' for none"})
    private List<String> subscribe;

    @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
    private boolean passwordStdin;

    @Option(names = "--password-file", paramLabel = "FILE", description = "read the password from the first line"
        + " of FILE")
    private Path passwordFile;

    @Option(names = "--iterations", paramLabel = "N", description = "PBKDF2 iterations (default: "
        + PasswordHash.ITERATIONS_DEFAULT + "; about 50 ms per check)")
    private int iterations = PasswordHash.ITERATIONS_DEFAULT;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (name.isEmpty() || name.length() > 256) {
            err.println("--user: a name of 1..256 characters is required");
            return ExitCodes.USAGE;
        }
        if (iterations < PasswordHash.ITERATIONS_MIN || iterations > PasswordHash.ITERATIONS_MAX) {
            err.println("--iterations must be " + PasswordHash.ITERATIONS_MIN + ".." + PasswordHash.ITERATIONS_MAX);
            return ExitCodes.USAGE;
        }
        TopicPatterns publishPatterns;
        TopicPatterns subscribePatterns;
        try {
            publishPatterns = patterns(publish);
            subscribePatterns = patterns(subscribe);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        List<MqttUser> users = MqttUsersEdit.read(file, true, err);
        if (users == null) {
            return ExitCodes.CONFIG;
        }
        char[] password;
        try {
            password = password(err);
        } catch (IOException e) {
            err.println("cannot read the password: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        if (password == null) {
            return ExitCodes.USAGE;
        }
        MqttUser user = new MqttUser(name, PasswordHash.create(password, iterations), publishPatterns,
                subscribePatterns);
        Arrays.fill(password, '\0');
        boolean replaced = users.removeIf(u -> u.name().equals(name));
        users.add(user);
        try {
            MqttUsersFile.write(file, users);
        } catch (IOException e) {
            err.println(file + ": cannot be written: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        spec.commandLine().getOut().println((replaced ? "updated" : "added") + " user " + name + " in " + file
                + " (publish " + publishPatterns + ", subscribe " + subscribePatterns + "); routers that use this"
                + " file read it again within a second");
        return ExitCodes.OK;
    }

    /** No option: every topic; {@code ''}: none. */
    private static TopicPatterns patterns(List<String> given) {
        if (given == null) {
            return TopicPatterns.ALL;
        }
        return TopicPatterns.of(given.stream().filter(p -> !p.isEmpty()).toList());
    }

    /** The password, or null after saying why none was given. */
    private char[] password(PrintWriter err) throws IOException {
        String line;
        if (passwordFile != null) {
            line = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        } else if (passwordStdin) {
            line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } else {
            Console console = System.console();
            if (console == null) {
                err.println("no terminal to ask for the password: give --password-stdin or --password-file");
                return null;
            }
            char[] first = console.readPassword("password for %s: ", name);
            char[] second = console.readPassword("again: ");
            if (first == null || !Arrays.equals(first, second)) {
                err.println("the passwords differ");
                return null;
            }
            line = new String(first);
        }
        if (line == null || line.isEmpty()) {
            err.println("the password is empty");
            return null;
        }
        return line.toCharArray();
    }
}
