package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.security.CaDirectory;
import io.vanrouter.daemon.security.CertificateAuthority;
import io.vanrouter.daemon.security.CredentialException;
import io.vanrouter.daemon.security.Credentials;
import io.vanrouter.daemon.security.Pem;
import io.vanrouter.daemon.security.SecureFiles;
import io.vanrouter.daemon.security.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The demo network's credentials, made on its first run: a CA in {@code pki/ca} beside the demo's configurations and
 * each router's certificate and key where its {@code tls} section says, so that the demo's links run TLS as a real
 * network's do, with nothing to set up. Files that exist are kept.
 */
final class DemoCredentials {
    static final String NETWORK = "demo";

    private DemoCredentials() {
    }

    /** Issues credentials for every configuration whose {@code tls} files are missing; the CA is made once. */
    static void ensure(List<RouterConfig> configs, Path caDir, Instant now, PrintWriter out)
            throws CredentialException, IOException {
        CaDirectory dir = new CaDirectory(caDir);
        CertificateAuthority ca = null;
        for (RouterConfig config : configs) {
            TlsSettings tls = config.tls();
            if (tls == null || tls.insecure() || Files.exists(tls.cert()) && Files.exists(tls.key())
                    && Files.exists(tls.ca())) {
                continue;
            }
            if (ca == null) {
                ca = loadOrCreate(dir, now, out);
            }
            Credentials issued = ca.issue(config.routerId(), CertificateAuthority.ROUTER_DAYS_DEFAULT, now);
            dir.record(issued.certificate(), config.routerId());
            Files.createDirectories(tls.cert().toAbsolutePath().getParent());
            SecureFiles.writePrivate(tls.key(), Pem.privateKey(issued.key()));
            SecureFiles.writePublic(tls.cert(), Pem.certificate(issued.certificate()));
            SecureFiles.writePublic(tls.ca(), Pem.certificate(ca.certificate()));
            out.println("demo: issued " + config.routerId() + "'s certificate (" + tls.cert() + ")");
        }
        out.flush();
    }

    private static CertificateAuthority loadOrCreate(CaDirectory dir, Instant now, PrintWriter out)
            throws CredentialException, IOException {
        if (Files.exists(dir.certFile())) {
            return dir.loadValidAt(now);
        }
        CertificateAuthority ca = CertificateAuthority.create(NETWORK, CertificateAuthority.CA_DAYS_DEFAULT, now);
        Files.createDirectories(dir.certFile().getParent());
        dir.create(ca, false);
        out.println("demo: made the network CA " + dir.certFile());
        return ca;
    }
}
