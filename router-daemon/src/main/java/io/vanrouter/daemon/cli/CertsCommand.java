package io.vanrouter.daemon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vanrouter certs}: the network's credentials, without openssl (see docs/security.md). */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = "Make a network CA, issue router certificates and revoke them.",
        subcommands = {CertsCaCommand.class, CertsIssueCommand.class, CertsRevokeCommand.class})
public final class CertsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("vanrouter certs: a command is required (ca, issue or revoke)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
