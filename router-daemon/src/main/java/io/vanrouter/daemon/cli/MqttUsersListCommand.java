package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.mgmt.TextTable;
import io.vanrouter.transport.adaptor.mqtt.auth.MqttUser;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vanrouter mqtt-users list}: the users of a file and their topics (never the hashes). */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the users of a users file with the topics each may publish and subscribe to.")
public final class MqttUsersListCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "the users file (mqtt.users)")
    private Path file;

    @Override
    public Integer call() {
        List<MqttUser> users = MqttUsersEdit.read(file, false, spec.commandLine().getErr());
        if (users == null) {
            return ExitCodes.CONFIG;
        }
        TextTable table = new TextTable("USER", "PUBLISH", "SUBSCRIBE", "HASH");
        for (MqttUser user : users) {
            table.row(user.name(), String.join(" ", user.publish().patterns()),
                    String.join(" ", user.subscribe().patterns()), user.password().toString());
        }
        spec.commandLine().getOut().print(table.render());
        return ExitCodes.OK;
    }
}
