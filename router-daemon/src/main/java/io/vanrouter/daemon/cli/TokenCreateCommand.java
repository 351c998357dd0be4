package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.security.CaDirectory;
import io.vanrouter.daemon.security.CertificateAuthority;
import io.vanrouter.daemon.security.CredentialException;
import io.vanrouter.daemon.security.Credentials;
import io.vanrouter.daemon.security.JoinToken;
import io.vanrouter.daemon.security.JoinTokenFile;
import io.vanrouter.daemon.security.RouterFiles;
import io.vanrouter.daemon.security.SecureFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vanrouter token create --ca DIR --router ID --peer HOST:PORT --out FILE}: a join token for a new site. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Issue a new site's credentials and write them, with the CA certificate, the peer to dial, the"
            + " cost and an expiry, into one file (mode 0600) signed by the CA. It holds a private key: send it only"
            + " over a channel you trust."})
public final class TokenCreateCommand implements Callable<Integer> {
    /** Longest token life: a token is a secret in transit, not a credential to keep. */
    public static final Duration EXPIRES_MAX = Duration.ofDays(30);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smhd])");
    private static final Pattern PEER = Pattern.compile("(?:\\[([^\\]]+)\\]|([^:\\[\\]]+)):(\\d{1,5})");

    @Spec
    private CommandSpec spec;

    @Option(names = "--ca", required = true, paramLabel = "DIR", description = "the CA directory (certs ca --out)")
    private Path caDir;

    @Option(names = "--router", required = true, paramLabel = "ID", description = "the new site's router id")
    private String routerId;

    @Option(names = "--peer", required = true, paramLabel = "HOST:PORT",
            description = "an inter-router listener of the network the new site dials ([::1]:55671 for IPv6)")
    private String peer;

    @Option(names = "--cost", paramLabel = "N", defaultValue = "1", description = "the link's cost (default: 1)")
    private int cost;

    @Option(names = "--expires", paramLabel = "DURATION", defaultValue = "24h",
            description = "how long the token can be redeemed: 90m, 24h, 7d (default: 24h, at most 30d)")
    private String expires;

    @Option(names = "--days", paramLabel = "N", defaultValue = "" + CertificateAuthority.ROUTER_DAYS_DEFAULT,
            description = "lifetime of the new site's certificate in days (default: ${DEFAULT-VALUE})")
    private int days;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the token file to write")
    private Path out;

    @Option(names = "--force", description = "replace an existing token file")
    private boolean force;

    private final Clock clock;

    public TokenCreateCommand() {
        this(Clock.systemUTC());
    }

    public TokenCreateCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Matcher peerParts = PEER.matcher(peer);
        Duration lifetime = duration(expires);
        if (!peerParts.matches() || Integer.parseInt(peerParts.group(3)) < 1
                || Integer.parseInt(peerParts.group(3)) > 65_535) {
            err.println("--peer must be HOST:PORT with a port 1..65535 (an IPv6 address in brackets: [::1]:55671),"
                    + " got '" + peer + "'");
            return ExitCodes.USAGE;
        }
        if (lifetime == null) {
            err.println("--expires must be a number and a unit (s, m, h or d) up to 30d, e.g. 24h; got '" + expires
                    + "'");
            return ExitCodes.USAGE;
        }
        if (cost < 1) {
            err.println("--cost must be 1.." + Integer.MAX_VALUE + ", got " + cost);
            return ExitCodes.USAGE;
        }
        if (!CertsIssueCommand.daysOk(days, err)) {
            return ExitCodes.USAGE;
        }
        String host = peerParts.group(1) != null ? peerParts.group(1) : peerParts.group(2);
        Instant now = clock.instant();
        JoinToken token;
        try {
            RouterFiles.checkRouterId(routerId);
            SecureFiles.requireAbsent(force, out);
            CaDirectory dir = new CaDirectory(caDir);
            CertificateAuthority ca = dir.loadValidAt(now);
            Credentials credentials = ca.issue(routerId, days, now);
            dir.record(credentials.certificate(), routerId);
            token = new JoinToken(ca.network(), routerId, host, Integer.parseInt(peerParts.group(3)), cost,
                    now.plus(lifetime).truncatedTo(ChronoUnit.SECONDS), ca.certificate(), credentials);
            SecureFiles.writePrivate(out, JoinTokenFile.write(token, ca));
        } catch (CredentialException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        } catch (IOException e) {
            err.println("cannot write the token " + out + ": " + e);
            return ExitCodes.CONFIG;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println("join token for router " + routerId + " of network " + token.network() + ": " + out
                + " (mode 0600), dials " + token.peer() + " at cost " + cost + ", expires " + token.expires());
        o.println("it holds the router's private key: send it only over a channel you trust; at the new site run"
                + " 'vanrouter token redeem " + out.getFileName() + " --config SITE.yaml'");
        return ExitCodes.OK;
    }

    /** {@code 90m}, {@code 24h}, {@code 7d}; null when malformed, zero or past {@link #EXPIRES_MAX}. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return d.isZero() || d.compareTo(EXPIRES_MAX) > 0 ? null : d;
    }
}
