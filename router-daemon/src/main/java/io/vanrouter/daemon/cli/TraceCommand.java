package io.vanrouter.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.vanrouter.daemon.mgmt.StatusJson;
import io.vanrouter.daemon.mgmt.TraceFormatter;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vanrouter trace ADDRESS [--router HOST:PORT | --config FILE] [--json]}: where a connection or message to
 * ADDRESS would go from that router now ({@code GET /trace}), by which routers, at what cost and why.
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Show which router(s) a connection or message to ADDRESS would reach from a router now, by"
                + " which path and cost, and why (distribution, consumers, load).")
public final class TraceCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ManagementTarget target;

    @Option(names = "--json", description = "print the JSON as the router serves it (pretty)")
    private boolean json;

    @Parameters(index = "0", paramLabel = "ADDRESS",
            description = "a TCP service address (as in tcp.listeners/connectors) or an MQTT topic")
    private String address;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ManagementClient client;
        try {
            client = target.client(spec.commandLine(), err);
        } catch (ManagementTarget.Failed e) {
            return e.exitCode;
        }
        String body;
        try {
            body = client.get("/trace", "address=" + URLEncoder.encode(address, StandardCharsets.UTF_8));
        } catch (ManagementClient.UnreachableException e) {
            err.println(e.getMessage());
            return ExitCodes.UNREACHABLE;
        }
        try {
            out.print(json ? StatusJson.pretty(StatusJson.tree(body)) + System.lineSeparator()
                    : TraceFormatter.format(StatusJson.readTrace(body)));
            out.flush();
        } catch (JsonProcessingException e) {
            err.println("vanrouter management at " + client.display() + " sent invalid trace JSON: "
                    + e.getOriginalMessage());
            return ExitCodes.UNREACHABLE;
        }
        return ExitCodes.OK;
    }
}
