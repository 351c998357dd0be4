package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.Names;
import io.vanrouter.daemon.security.CaDirectory;
import io.vanrouter.daemon.security.CertificateAuthority;
import io.vanrouter.daemon.security.CredentialException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vanrouter certs ca --network NAME --out DIR}: makes a network CA. */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = {"Make a network CA: DIR/ca.crt and DIR/ca.key (mode 0600), EC P-256, subject CN=NAME,"
            + " O=vanrouter. Whoever holds ca.key can add routers to the network: keep it off the routers."})
public final class CertsCaCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--network", required = true, paramLabel = "NAME",
            description = "the network's name (as in router.network)")
    private String network;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for the CA's files")
    private Path out;

    @Option(names = "--days", paramLabel = "N", defaultValue = "" + CertificateAuthority.CA_DAYS_DEFAULT,
            description = "lifetime in days (default: ${DEFAULT-VALUE}, ten years)")
    private int days;

    @Option(names = "--force", description = "replace an existing CA; every certificate it issued stops working")
    private boolean force;

    private final Clock clock;

    public CertsCaCommand() {
        this(Clock.systemUTC());
    }

    public CertsCaCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String problem = Names.problem(network);
        if (problem != null) {
            err.println("--network " + problem);
            return ExitCodes.USAGE;
        }
        if (!CertsIssueCommand.daysOk(days, err)) {
            return ExitCodes.USAGE;
        }
        CaDirectory dir = new CaDirectory(out);
        CertificateAuthority ca = CertificateAuthority.create(network, days, clock.instant());
        try {
            dir.create(ca, force);
        } catch (CredentialException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        } catch (IOException e) {
            err.println("cannot write the CA to " + out + ": " + e);
            return ExitCodes.CONFIG;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("network CA for '" + network + "': " + dir.certFile() + ", " + dir.keyFile() + " (mode 0600)");
        o.println("valid until " + ca.certificate().getNotAfter().toInstant() + "; keep " + dir.keyFile()
                + " secret and backed up: whoever holds it can add routers to the network");
        return ExitCodes.OK;
    }
}
