package io.vanrouter.daemon;

import io.vanrouter.daemon.cli.CertsCommand;
import io.vanrouter.daemon.cli.CheckConfigCommand;
import io.vanrouter.daemon.cli.DemoCommand;
import io.vanrouter.daemon.cli.ExitCodes;
import io.vanrouter.daemon.cli.MqttUsersCommand;
import io.vanrouter.daemon.cli.ReloadCommand;
import io.vanrouter.daemon.cli.RunCommand;
import io.vanrouter.daemon.cli.StatusCommand;
import io.vanrouter.daemon.cli.TokenCommand;
import io.vanrouter.daemon.cli.TraceCommand;
import java.lang.reflect.Constructor;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code vanrouter} command: picocli root of {@code run}, {@code status}, {@code check-config}, {@code certs},
 * {@code token} and {@code demo}.
 */
@Command(name = "vanrouter", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Virtual Application Network router.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:invalid configuration or the router failed to start",
            "2:usage error, or the router's management endpoint did not answer"})
public final class Main implements Callable<Integer> {
    /**
     * The subcommands by name, in the order help lists them. Registered here rather than in the annotation so that
     * {@code vanrouter run} builds the picocli model of {@code run} alone: reflecting over every command cost a
     * starting router about 100 ms (docs/operations.md, "Start-up").
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(Clock.systemUTC(), args).execute(args));
    }

    /** The command line with every subcommand; tests set their own out and err writers on it. */
    public static CommandLine commandLine() {
        return commandLine(Clock.systemUTC());
    }

    /** With {@code clock} for the commands that read the time (certificate lifetimes, token expiry); for tests. */
    public static CommandLine commandLine(Clock clock) {
        return commandLine(clock, new String[0]);
    }

    /**
     * The command line for {@code args}: when they start with a subcommand's name, only that subcommand is
     * registered (it is all picocli will run); otherwise, for help, usage errors and suggestions, all of them.
     */
    static CommandLine commandLine(Clock clock, String[] args) {
        ClockFactory factory = new ClockFactory(clock);
        CommandLine commandLine = new CommandLine(new Main(), factory);
        Class<?> named = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        boolean all = named == null || named == CommandLine.HelpCommand.class;
        SUBCOMMANDS.forEach((name, type) -> {
            if (all || type == named) {
                commandLine.addSubcommand(name, new CommandLine(factory.createUnchecked(type), factory));
            }
        });
        commandLine.setCaseInsensitiveEnumValuesAllowed(true); // after the subcommands: it applies to those present
        return commandLine;
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        for (Class<?> type : List.of(RunCommand.class, StatusCommand.class, CheckConfigCommand.class,
                CertsCommand.class, MqttUsersCommand.class, ReloadCommand.class, TokenCommand.class,
                DemoCommand.class, TraceCommand.class, CommandLine.HelpCommand.class)) {
            commands.put(type.getAnnotation(Command.class).name(), type);
        }
        return Collections.unmodifiableMap(commands);
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("vanrouter: a command is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** Makes commands with a {@code (Clock)} constructor with the given clock, and the rest as picocli would. */
    private record ClockFactory(Clock clock) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            Constructor<K> withClock;
            try {
                withClock = type.getDeclaredConstructor(Clock.class);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
            return withClock.newInstance(clock);
        }

        <K> K createUnchecked(Class<K> type) {
            try {
                return create(type);
            } catch (Exception e) {
                throw new CommandLine.InitializationException("cannot create " + type.getName(), e);
            }
        }
    }

    /** {@code --version}. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vanrouter " + Version.current(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
