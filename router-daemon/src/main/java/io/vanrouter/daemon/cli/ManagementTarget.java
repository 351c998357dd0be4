package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.config.RouterConfig.ManagementConfig;
import io.vanrouter.daemon.mgmt.BearerToken;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that name a router's management endpoint ({@code --config FILE | --router HOST:PORT}, and
 * {@code --token-file}), shared by {@code status} and {@code trace} as a picocli mixin. Not thread-safe.
 */
final class ManagementTarget {

    @ArgGroup(exclusive = true)
    private Target target;

    @Option(names = "--token-file", paramLabel = "FILE", description = "send the management bearer token in FILE"
            + " (with --config: the configuration's management.tokenFile unless given)")
    private Path tokenFile;

    /** Which router to ask; 127.0.0.1:9191 when neither is given. */
    static final class Target {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "read the management host and port from this router configuration")
        Path config;

        @Option(names = {"-r", "--router"}, paramLabel = "HOST:PORT",
                description = "management endpoint to ask (default 127.0.0.1:9191)")
        String router;
    }

    /** Thrown after the problem was printed; carries the exit code. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Failed(int exitCode) {
            super(null, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /** The client these options describe, with its token; problems printed to {@code err}. */
    ManagementClient client(CommandLine commandLine, PrintWriter err) throws Failed {
        ManagementClient client;
        Path token = tokenFile;
        if (target != null && target.config != null) {
            try {
                RouterConfig config = ConfigLoader.load(target.config);
                client = clientFor(config);
                token = token != null ? token : config.management().tokenFile();
            } catch (ConfigException e) {
                CheckConfigCommand.printProblems(err, target.config, e);
                throw new Failed(ExitCodes.CONFIG);
            } catch (IllegalArgumentException e) {
                err.println(target.config + ": " + e.getMessage());
                throw new Failed(ExitCodes.CONFIG);
            }
        } else if (target != null && target.router != null) {
            client = parseRouter(commandLine, target.router);
        } else {
            client = new ManagementClient(ManagementConfig.HOST_DEFAULT, ManagementConfig.PORT_DEFAULT);
        }
        if (token != null) {
            try {
                client = client.withToken(BearerToken.read(token));
            } catch (IOException e) {
                err.println(e.getMessage());
                throw new Failed(ExitCodes.CONFIG);
            }
        }
        return client;
    }

    /** The management endpoint a configuration file describes; a wildcard host is asked on 127.0.0.1. */
    static ManagementClient clientFor(RouterConfig config) {
        ManagementConfig management = config.management();
        if (!management.enabled()) {
            throw new IllegalArgumentException("management is disabled (management.enabled: false)");
        }
        if (management.port() == 0) {
            throw new IllegalArgumentException("management.port is 0 (any free port); use --router HOST:PORT");
        }
        String host = management.host();
        if ("0.0.0.0".equals(host) || "::".equals(host) || "[::]".equals(host)) {
            host = ManagementConfig.HOST_DEFAULT;
        }
        return new ManagementClient(unbracket(host), management.port());
    }

    /** {@code HOST:PORT}, {@code [IPV6]:PORT}, or a bare {@code HOST} for port 9191. */
    private static ManagementClient parseRouter(CommandLine commandLine, String text) {
        String host = text;
        int port = ManagementConfig.PORT_DEFAULT;
        int colon = text.lastIndexOf(':');
        boolean bareIpv6 = text.indexOf(':') != colon && !text.startsWith("[");
        if (colon >= 0 && !bareIpv6 && !text.endsWith("]")) {
            host = text.substring(0, colon);
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (host.isEmpty() || port < 1 || port > 65_535) {
            throw new ParameterException(commandLine, "--router must be HOST:PORT with a port 1..65535, got '"
                    + text + "'");
        }
        return new ManagementClient(unbracket(host), port);
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
