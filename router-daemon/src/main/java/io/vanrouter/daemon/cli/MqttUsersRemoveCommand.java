package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.MqttUsersFile;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vanrouter mqtt-users remove}: removes a user; routers disconnect its clients when they re-read the file. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove an MQTT user from a users file; routers using the file disconnect its clients.")
public final class MqttUsersRemoveCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "the users file (mqtt.users)")
    private Path file;

    @Option(names = "--user", required = true, paramLabel = "NAME", description = "the user to remove")
    private String name;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<MqttUser> users = MqttUsersEdit.read(file, false, err);
        if (users == null) {
            return ExitCodes.CONFIG;
        }
        if (!users.removeIf(u -> u.name().equals(name))) {
            err.println("no user " + name + " in " + file);
            return ExitCodes.CONFIG;
        }
        try {
            MqttUsersFile.write(file, users);
        } catch (IOException e) {
            err.println(file + ": cannot be written: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        spec.commandLine().getOut().println("removed user " + name + " from " + file + "; routers that use this file"
                + " disconnect its clients within a second");
        return ExitCodes.OK;
    }
}
