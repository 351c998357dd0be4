package io.vanrouter.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The root command registers one subcommand when the arguments name it, all of them otherwise. */
class MainTest {

    @Test
    void shouldRegisterOnlyTheNamedSubcommand() {
        CommandLine run = Main.commandLine(Clock.systemUTC(), new String[] {"run", "--config", "router.yaml"});
        assertThat(run.getSubcommands()).containsOnlyKeys("run");

        CommandLine certs = Main.commandLine(Clock.systemUTC(), new String[] {"certs", "ca", "--help"});
        assertThat(certs.getSubcommands()).containsOnlyKeys("certs");
        assertThat(certs.getSubcommands().get("certs").getSubcommands()).containsKeys("ca", "issue", "revoke");
    }

    @Test
    void shouldRegisterEverySubcommandForHelpAndUnknownNames() {
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "run"}, {"rn"}}) {
            assertThat(Main.commandLine(Clock.systemUTC(), args).getSubcommands()).as(String.join(" ", args))
                    .containsOnlyKeys(Main.SUBCOMMANDS.keySet().toArray(String[]::new));
        }
        assertThat(Main.SUBCOMMANDS).containsKeys("run", "status", "check-config", "certs", "mqtt-users", "reload",
                "token", "demo", "trace", "help");
    }

    @Test
    void shouldListEverySubcommandInTheUsageAndNameTheParentInASubcommandsUsage() {
        StringWriter rootHelp = new StringWriter();
        CommandLine root = Main.commandLine(Clock.systemUTC(), new String[] {"--help"});
        root.setOut(new PrintWriter(rootHelp));
        assertThat(root.execute("--help")).isZero();
        assertThat(rootHelp.toString()).contains(Main.SUBCOMMANDS.keySet());

        StringWriter runHelp = new StringWriter();
        CommandLine run = Main.commandLine(Clock.systemUTC(), new String[] {"run", "--help"});
        run.setOut(new PrintWriter(runHelp));
        assertThat(run.execute("run", "--help")).isZero();
        assertThat(runHelp.toString()).contains("Usage: vanrouter run").contains("--config");
    }

    @Test
    void shouldSuggestTheNearestSubcommandForATypo() {
        StringWriter err = new StringWriter();
        CommandLine line = Main.commandLine(Clock.systemUTC(), new String[] {"stauts"});
        line.setErr(new PrintWriter(err));
        assertThat(line.execute("stauts")).isEqualTo(2);
        assertThat(err.toString()).contains("status");
    }
}
