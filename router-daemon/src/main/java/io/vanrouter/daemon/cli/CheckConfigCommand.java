package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.ConfigProblem;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.security.Pem;
import io.vanrouter.daemon.security.SecureFiles;
import io.vanrouter.daemon.security.TlsSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vanrouter check-config FILE}: validates a configuration, and the TLS files it names, and exits; starts
 * nothing (like nats-server -t).
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validate a router configuration file and print every problem.")
public final class CheckConfigCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the YAML configuration to check")
    private Path file;

    private final Clock clock;

    public CheckConfigCommand() {
        this(Clock.systemUTC());
    }

    /** For tests: certificates are judged at {@code clock}'s time. */
    public CheckConfigCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        try {
            RouterConfig config = ConfigLoader.loadAndCheckFiles(file, clock.instant());
            spec.commandLine().getOut().println("config OK: router " + config.routerId() + ", "
                    + count(config.listen().size(), "listener") + ", " + count(config.peers().size(), "peer")
                    + tls(config.tls()));
            return ExitCodes.OK;
        } catch (ConfigException e) {
            printProblems(spec.commandLine().getErr(), file, e);
            return ExitCodes.CONFIG;
        }
    }

    /** Every problem on its own line: {@code FILE:LINE: path: message}. */
    static void printProblems(PrintWriter err, Path file, ConfigException e) {
        for (ConfigProblem problem : e.problems()) {
            err.println(problem.format(file));
        }
        err.flush();
    }

    /** {@code ", tls until 2027-12-01T15:00:00Z"} (the certificate's expiry), {@code ", tls insecure"} or nothing. */
    private static String tls(TlsSettings tls) {
        if (tls == null) {
            return "";
        }
        if (tls.insecure()) {
            return ", tls insecure";
        }
        try {
            return ", tls until " + Pem.certificate(SecureFiles.read(tls.cert())).getNotAfter().toInstant();
        } catch (IOException | GeneralSecurityException e) {
            return ", tls"; // just checked; changed since
        }
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
