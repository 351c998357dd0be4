package io.vanrouter.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.config.RouterConfig.ManagementConfig;
import io.vanrouter.daemon.mgmt.BearerToken;
import io.vanrouter.daemon.mgmt.StatusFormatter;
import io.vanrouter.daemon.mgmt.StatusFormatter.View;
import io.vanrouter.daemon.mgmt.StatusJson;
import io.vanrouter.daemon.mgmt.StatusReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vanrouter status [--config FILE | --router HOST:PORT] [--json] [nodes|links|addresses|connections]}: asks a
 * router's
 * management endpoint for its status and prints tables like {@code skstat}, or the JSON as served.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running router's routers, links, addresses and TCP connections.")
public final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Target target;

    @Option(names = "--json", description = "print the status JSON as the router serves it (pretty)")
    private boolean json;

    @Option(names = "--token-file", paramLabel = "FILE", description = "send the management bearer token in FILE"
            + " (with --config: the configuration's management.tokenFile unless given)")
    private Path tokenFile;

    @Parameters(index = "0", arity = "0..1", paramLabel = "VIEW",
            description = "only this table: ${COMPLETION-CANDIDATES}")
    private View view;

    /** Which router to ask; 127.0.0.1:9191 when neither is given. */
    static final class Target {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "read the management host and port from this router configuration")
        Path config;

        @Option(names = {"-r", "--router"}, paramLabel = "HOST:PORT",
                description = "management endpoint to ask (default 127.0.0.1:9191)")
        String router;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ManagementClient client;
        Path token = tokenFile;
        if (target != null && target.config != null) {
            try {
                RouterConfig config = ConfigLoader.load(target.config);
                client = clientFor(config);
                token = token != null ? token : config.management().tokenFile();
            } catch (ConfigException e) {
                CheckConfigCommand.printProblems(err, target.config, e);
                return ExitCodes.CONFIG;
            } catch (IllegalArgumentException e) {
                err.println(target.config + ": " + e.getMessage());
                return ExitCodes.CONFIG;
            }
        } else if (target != null && target.router != null) {
            client = parseRouter(target.router);
        } else {
            client = new ManagementClient(ManagementConfig.HOST_DEFAULT, ManagementConfig.PORT_DEFAULT);
        }
        if (token != null) {
            try {
                client = client.withToken(BearerToken.read(token));
            } catch (IOException e) {
                err.println(e.getMessage());
                return ExitCodes.CONFIG;
            }
        }
        String body;
        try {
            body = client.get("/status");
        } catch (ManagementClient.UnreachableException e) {
            err.println(e.getMessage());
            return ExitCodes.UNREACHABLE;
        }
        try {
            out.print(json ? json(body) : tables(body));
            out.flush();
        } catch (JsonProcessingException e) {
            err.println("vanrouter management at " + client.display() + " sent invalid status JSON: "
                    + e.getOriginalMessage());
            return ExitCodes.UNREACHABLE;
        }
        return ExitCodes.OK;
    }

    private String json(String body) throws JsonProcessingException {
        JsonNode tree = StatusJson.tree(body);
        JsonNode shown = view == null ? tree : tree.path(view.toString());
        return StatusJson.pretty(shown) + System.lineSeparator();
    }

    private String tables(String body) throws JsonProcessingException {
        StatusReport report = StatusJson.read(body);
        return view == null ? StatusFormatter.format(report) : StatusFormatter.format(report, view);
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
    private ManagementClient parseRouter(String text) {
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
            throw new ParameterException(spec.commandLine(), "--router must be HOST:PORT with a port 1..65535, got '"
                    + text + "'");
        }
        return new ManagementClient(unbracket(host), port);
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
