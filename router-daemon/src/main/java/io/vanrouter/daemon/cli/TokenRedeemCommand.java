package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.ConfigEditor;
import io.vanrouter.daemon.config.ConfigEditor.TlsFiles;
import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.security.CertificateAuthority;
import io.vanrouter.daemon.security.JoinToken;
import io.vanrouter.daemon.security.JoinTokenFile;
import io.vanrouter.daemon.security.Pem;
import io.vanrouter.daemon.security.RouterFiles;
import io.vanrouter.daemon.security.SecureFiles;
import io.vanrouter.daemon.security.TokenException;
import io.vanrouter.daemon.security.TokenException.Reason;
import io.vanrouter.transport.Endpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vanrouter token redeem FILE --config SITE.yaml}: checks a join token, writes its credentials next to the
 * configuration and adds the peer and the {@code tls} section, or writes a new configuration when there is none.
 */
@Command(name = "redeem", mixinStandardHelpOptions = true,
        description = {"Check a join token and set up this site from it: writes ca.crt, ID.crt and ID.key (mode 0600)"
            + " next to the configuration, adds the peer and the tls section (or writes a new configuration), and"
            + " keeps every other line of the file. Refuses expired, altered and foreign tokens."})
public final class TokenRedeemCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the token file (token create --out)")
    private Path tokenFile;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "SITE.yaml",
            description = "this site's configuration; written when it does not exist")
    private Path config;

    @Option(names = "--force", description = "replace credential files, or a tls section, that differ from the token's")
    private boolean force;

    private final Clock clock;

    public TokenRedeemCommand() {
        this(Clock.systemUTC());
    }

    public TokenRedeemCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return redeem(spec.commandLine().getOut(), err);
        } catch (TokenException | Refusal e) {
            err.println(e.getMessage());
        } catch (ConfigException e) {
            err.println(config + " has problems; fix them, then redeem the token again:");
            CheckConfigCommand.printProblems(err, config, e);
        } catch (IOException e) {
            err.println("cannot redeem " + tokenFile + " into " + config + ": " + e);
        }
        return ExitCodes.CONFIG;
    }

    private int redeem(PrintWriter out, PrintWriter err) throws TokenException, ConfigException, IOException,
            Refusal {
        Instant now = clock.instant();
        JoinToken token = JoinTokenFile.read(readToken(), tokenFile.toString());
        if (now.isAfter(token.expires())) {
            throw new TokenException(Reason.EXPIRED, tokenFile + " expired at " + token.expires() + " ("
                    + ago(Duration.between(token.expires(), now)) + " ago); ask the network's operator for a new token"
                    + " for router " + token.routerId());
        }
        boolean exists = Files.exists(config);
        RouterConfig existing = exists ? ConfigLoader.loadBeforeJoining(config) : null;
        if (existing != null) {
            checkFits(token, existing);
        }
        Path dir = config.toAbsolutePath().getParent();
        TlsFiles names = new TlsFiles(RouterFiles.CA_FILE, token.routerId() + ".crt", token.routerId() + ".key");
        Map<Path, String> publicFiles = new LinkedHashMap<>();
        publicFiles.put(dir.resolve(names.ca()), Pem.certificate(token.caCertificate()));
        publicFiles.put(dir.resolve(names.cert()), Pem.certificate(token.credentials().certificate()));
        Path keyFile = dir.resolve(names.key());
        String key = Pem.privateKey(token.credentials().key());
        for (Map.Entry<Path, String> file : publicFiles.entrySet()) {
            requireSameOrAbsent(file.getKey(), file.getValue());
        }
        requireSameOrAbsent(keyFile, key); // a key file differs byte for byte even for the same key only if edited
        Endpoint peer = new Endpoint(token.peerHost(), token.peerPort(), token.cost());
        String text = existing == null
                ? ConfigEditor.fresh("Written by 'vanrouter token redeem' for router " + token.routerId()
                        + " of network " + token.network() + "; see docs/configuration.md.", token.routerId(),
                        token.network(), peer, names)
                : ConfigEditor.withPeerAndTls(Files.readString(config), existing, peer, names);
        ConfigLoader.parse(text, config); // never write a file that would not load
        for (Map.Entry<Path, String> file : publicFiles.entrySet()) {
            SecureFiles.writePublic(file.getKey(), file.getValue());
        }
        SecureFiles.writePrivate(keyFile, key);
        SecureFiles.writeKeepingMode(config, text);
        ConfigLoader.loadAndCheckFiles(config, now);
        if (existing != null && !existing.network().equals(token.network())) {
            err.println("warning: " + config + " says router.network " + existing.network() + " but the token is for"
                    + " network " + token.network() + "; routers of different networks refuse each other's links,"
                    + " so set router.network: " + token.network());
        }
        out.println("router " + token.routerId() + " of network " + token.network() + ": wrote " + names.ca() + ", "
                + names.cert() + ", " + names.key() + " (mode 0600) in " + dir);
        out.println((existing == null ? "wrote " + config + " with" : "updated " + config + ":")
                + (existing != null && ConfigEditor.hasPeer(existing, peer) ? " peer " + token.peer() + " was there,"
                        : " peer " + token.peer() + " (cost " + token.cost() + "),") + " tls section");
        out.println("delete " + tokenFile + " now: it holds the router's private key. Then: vanrouter run --config "
                + config);
        return ExitCodes.OK;
    }

    /** Refuses a token meant for another router or network than {@code existing}, or one already redeemed. */
    private void checkFits(JoinToken token, RouterConfig existing) throws TokenException, Refusal {
        if (!existing.routerId().equals(token.routerId())) {
            throw new TokenException(Reason.FOREIGN, tokenFile + " is for router " + token.routerId() + " but "
                    + config + " says router.id " + existing.routerId() + "; redeem it on the site of router "
                    + token.routerId() + ", or ask for a token for " + existing.routerId());
        }
        if (existing.tls() == null || existing.tls().insecure()) {
            return;
        }
        X509Certificate ca;
        try {
            ca = Pem.certificate(SecureFiles.read(existing.tls().ca()));
        } catch (IOException | GeneralSecurityException e) {
            throw new Refusal("cannot read tls.ca " + existing.tls().ca() + " of " + config + " to compare networks ("
                    + e.getMessage() + "); fix or remove the tls section, then redeem again");
        }
        String network = CertificateAuthority.networkOf(ca).orElse("?");
        if (!network.equals(token.network())) {
            throw new TokenException(Reason.FOREIGN, tokenFile + " is for network " + token.network() + " but "
                    + config + " has the CA of network " + network + " (" + existing.tls().ca() + "); ask for a token"
                    + " from network " + network + "'s CA");
        }
        if (!ca.equals(token.caCertificate())) {
            throw new TokenException(Reason.FOREIGN, tokenFile + " comes from another CA than the one in "
                    + existing.tls().ca() + ", though both are named " + network + "; ask for a token from the CA"
                    + " this site uses");
        }
        if (sameContent(existing.tls().cert(), Pem.certificate(token.credentials().certificate()))) {
            throw new TokenException(Reason.REDEEMED, tokenFile + " is already redeemed: " + existing.tls().cert()
                    + " holds its certificate; nothing to do (delete the token file)");
        }
        if (!force) {
            throw new Refusal(config + " already has credentials for router " + existing.routerId() + " (tls.cert "
                    + existing.tls().cert() + "); pass --force to replace them with the token's");
        }
    }

    private void requireSameOrAbsent(Path file, String content) throws IOException, Refusal {
        if (!force && Files.exists(file) && !sameContent(file, content)) {
            throw new Refusal(file + " already exists with other content; pass --force to replace it, or redeem into"
                    + " a configuration in another directory");
        }
    }

    private static boolean sameContent(Path file, String content) {
        try {
            return SecureFiles.read(file).equals(content);
        } catch (IOException e) {
            return false;
        }
    }

    private String readToken() throws IOException, TokenException {
        try {
            if (Files.size(tokenFile) > JoinTokenFile.FILE_BYTES_MAX) {
                throw new TokenException(Reason.MALFORMED, tokenFile + " is too large to be a join token ("
                        + Files.size(tokenFile) + " bytes); check the file name");
            }
            return Files.readString(tokenFile);
        } catch (NoSuchFileException e) {
            throw new TokenException(Reason.MALFORMED, "token file " + tokenFile + " not found");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new TokenException(Reason.MALFORMED, tokenFile + " is not a join token (not text)");
        }
    }

    /** {@code 3h 20m}, {@code 2d 4h}: how long ago a token expired. */
    static String ago(Duration d) {
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return Math.max(1, d.toMinutes()) + "m";
    }

    /** A refusal that is not about the token itself (a file in the way, an unreadable CA). */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }
}
