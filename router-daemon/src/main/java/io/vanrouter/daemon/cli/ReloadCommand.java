package io.vanrouter.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.RouterConfig;
import io.vanrouter.daemon.mgmt.BearerToken;
import io.vanrouter.daemon.mgmt.StatusJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vanrouter reload --config FILE}: checks the file here first, then asks the router running it (at the file's
 * management endpoint) to read it again; prints what changed, or why the router kept its configuration.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Apply a changed configuration file to the router running it, without a restart (same as"
            + " SIGHUP). A file with problems, or one that changes what needs a restart, is rejected whole."})
public final class ReloadCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "the configuration file the router was started with")
    private Path config;

    @Option(names = "--token-file", paramLabel = "FILE", description = "the management bearer token (default: the"
            + " configuration's management.tokenFile)")
    private Path tokenFile;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RouterConfig parsed;
        ManagementClient client;
        try {
            parsed = ConfigLoader.load(config);
            client = ManagementTarget.clientFor(parsed);
        } catch (ConfigException e) {
            CheckConfigCommand.printProblems(err, config, e);
            err.println("not sent: the router keeps its configuration");
            return ExitCodes.CONFIG;
        } catch (IllegalArgumentException e) {
            err.println(config + ": " + e.getMessage());
            return ExitCodes.CONFIG;
        }
        Path token = tokenFile != null ? tokenFile : parsed.management().tokenFile();
        if (token != null) {
            try {
                client = client.withToken(BearerToken.read(token));
            } catch (IOException e) {
                err.println(e.getMessage());
                return ExitCodes.CONFIG;
            }
        }
        HttpResponse<String> response;
        try {
            response = client.post("/reload");
        } catch (ManagementClient.UnreachableException e) {
            err.println(e.getMessage());
            return ExitCodes.UNREACHABLE;
        }
        JsonNode answer;
        try {
            answer = StatusJson.tree(response.body());
        } catch (JsonProcessingException e) {
            err.println("router " + parsed.routerId() + " answered HTTP " + response.statusCode() + ": "
                    + response.body().strip());
            return ExitCodes.UNREACHABLE;
        }
        if (response.statusCode() == 200) {
            out.println("router " + parsed.routerId() + " reloaded " + config + " (generation "
                    + answer.path("generation").asLong() + "): " + answer.path("summary").asText());
            return ExitCodes.OK;
        }
        err.println("router " + parsed.routerId() + " kept generation " + answer.path("generation").asLong() + ": "
                + answer.path("summary").asText(answer.path("error").asText()));
        answer.path("problems").forEach(problem -> err.println("  " + problem.asText()));
        return ExitCodes.CONFIG;
    }
}
