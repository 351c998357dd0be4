package io.vanrouter.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vanrouter token}: one-file join tokens for new sites (see docs/security.md). */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Create a join token for a new site, or redeem one into a site's configuration.",
        subcommands = {TokenCreateCommand.class, TokenRedeemCommand.class})
public final class TokenCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("vanrouter token: a command is required (create or redeem)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
