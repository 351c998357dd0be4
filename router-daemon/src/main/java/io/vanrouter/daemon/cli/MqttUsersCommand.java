package io.vanrouter.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vanrouter mqtt-users}: the users file of an MQTT listener (see docs/mqtt.md). */
@Command(name = "mqtt-users", mixinStandardHelpOptions = true,
        description = "Add, remove and list the users of an MQTT listener (the file mqtt.users names).",
        subcommands = {MqttUsersAddCommand.class, MqttUsersRemoveCommand.class, MqttUsersListCommand.class})
public final class MqttUsersCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("vanrouter mqtt-users: a command is required (add, remove or list)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
