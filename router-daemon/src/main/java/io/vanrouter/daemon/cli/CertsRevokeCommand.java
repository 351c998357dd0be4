package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.security.CaDirectory;
import io.vanrouter.daemon.security.CertificateAuthority;
import io.vanrouter.daemon.security.CredentialException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vanrouter certs revoke --ca DIR --router ID}: adds a router's certificates to the revocation list. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Revoke every certificate the CA issued to a router: writes DIR/revoked.crl, signed by the CA"
            + " with the next CRL number. Copy it to each router's tls.crl file."})
public final class CertsRevokeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "the CA directory (certs ca --out)")
    private Path caDir;

    @Option(names = "--router", required = true, paramLabel = "ID", description = "the router to revoke")
    private String routerId;

    private final Clock clock;

    public CertsRevokeCommand() {
        this(Clock.systemUTC());
    }

    public CertsRevokeCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        CaDirectory dir = new CaDirectory(caDir);
        CaDirectory.RevokeResult result;
        try {
            CertificateAuthority ca = dir.load();
            result = dir.revoke(ca, routerId, clock.instant());
        } catch (CredentialException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        } catch (IOException e) {
            err.println("cannot revoke router " + routerId + ": " + e);
            return ExitCodes.CONFIG;
        }
        PrintWriter o = spec.commandLine().getOut();
        int before = result.issued() - result.newlyRevoked().size();
        o.println("router " + routerId + ": " + CheckConfigCommand.count(result.newlyRevoked().size(), "certificate")
                + " revoked" + (result.newlyRevoked().isEmpty() ? "" : " (serial "
                + result.newlyRevoked().stream().map(s -> s.toString(16)).collect(Collectors.joining(", ")) + ")")
                + (before == 0 ? "" : ", " + before + " revoked before") + "; " + dir.crlFile() + " is CRL number "
                + result.crlNumber());
        o.println("copy " + dir.crlFile() + " to the file every router names in tls.crl");
        return ExitCodes.OK;
    }
}
