package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.security.CaDirectory;
import io.vanrouter.daemon.security.CertificateAuthority;
import io.vanrouter.daemon.security.CredentialException;
import io.vanrouter.daemon.security.Credentials;
import io.vanrouter.daemon.security.Pem;
import io.vanrouter.daemon.security.RouterFiles;
import io.vanrouter.daemon.security.SecureFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vanrouter certs issue --ca DIR --router ID --out DIR2}: a router's key and certificate. */
@Command(name = "issue", mixinStandardHelpOptions = true,
        description = {"Issue a router's credentials: DIR2/ID.crt, DIR2/ID.key (mode 0600) and DIR2/ca.crt. The"
            + " certificate names the router in the URI SAN vanrouter://router/ID and serves as TLS server and"
            + " client."})
public final class CertsIssueCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "the CA directory (certs ca --out)")
    private Path caDir;

    @Option(names = "--router", required = true, paramLabel = "ID", description = "the router's id (router.id)")
    private String routerId;

    @Option(names = "--out", required = true, paramLabel = "DIR2", description = "directory for the router's files")
    private Path out;

    @Option(names = "--days", paramLabel = "N", defaultValue = "" + CertificateAuthority.ROUTER_DAYS_DEFAULT,
            description = "lifetime in days (default: ${DEFAULT-VALUE}; never past the CA's own expiry)")
    private int days;

    @Option(names = "--force", description = "replace an existing key and certificate for this router in DIR2")
    private boolean force;

    private final Clock clock;

    public CertsIssueCommand() {
        this(Clock.systemUTC());
    }

    public CertsIssueCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!daysOk(days, err)) {
            return ExitCodes.USAGE;
        }
        Path certFile = RouterFiles.certFile(out, routerId);
        Path keyFile = RouterFiles.keyFile(out, routerId);
        Path caFile = out.resolve(RouterFiles.CA_FILE);
        Credentials issued;
        try {
            RouterFiles.checkRouterId(routerId);
            CaDirectory dir = new CaDirectory(caDir);
            CertificateAuthority ca = dir.loadValidAt(clock.instant());
            SecureFiles.requireAbsent(force, certFile, keyFile);
            String caPem = Pem.certificate(ca.certificate());
            if (!force && Files.exists(caFile) && !SecureFiles.read(caFile).equals(caPem)) {
                throw new CredentialException(caFile + " holds another CA certificate; pass --force to replace it,"
                        + " or choose another --out");
            }
            issued = ca.issue(routerId, days, clock.instant());
            dir.record(issued.certificate(), routerId);
            SecureFiles.writePrivate(keyFile, Pem.privateKey(issued.key()));
            SecureFiles.writePublic(certFile, Pem.certificate(issued.certificate()));
            SecureFiles.writePublic(caFile, caPem);
        } catch (CredentialException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        } catch (IOException e) {
            err.println("cannot write router " + routerId + "'s credentials: " + e);
            return ExitCodes.CONFIG;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("router " + routerId + ": " + certFile + ", " + keyFile + " (mode 0600), " + caFile);
        o.println("serial " + issued.certificate().getSerialNumber().toString(16) + ", valid until "
                + issued.certificate().getNotAfter().toInstant());
        return ExitCodes.OK;
    }

    /** {@code --days} in 1..{@link CertificateAuthority#DAYS_MAX}, else a usage error printed to err. */
    static boolean daysOk(int days, PrintWriter err) {
        if (days >= 1 && days <= CertificateAuthority.DAYS_MAX) {
            return true;
        }
        err.println("--days must be 1.." + CertificateAuthority.DAYS_MAX + ", got " + days);
        return false;
    }
}
