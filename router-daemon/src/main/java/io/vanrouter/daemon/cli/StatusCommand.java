package io.vanrouter.daemon.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vanrouter.daemon.mgmt.NetworkTables;
import io.vanrouter.daemon.mgmt.StatusFormatter;
import io.vanrouter.daemon.mgmt.StatusFormatter.View;
import io.vanrouter.daemon.mgmt.StatusJson;
import io.vanrouter.daemon.mgmt.StatusReport;
import io.vanrouter.daemon.mgmt.TopologyGraph;
import io.vanrouter.daemon.mgmt.TopologyReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vanrouter status [--config FILE | --router HOST:PORT] [--json] [--watch [S]] [--network | --graph dot|mermaid]
 * [nodes|links|addresses|connections|mqtt]}: asks a router's management endpoint for its status ({@code /status}) or
 * the whole network's links ({@code /topology}) and prints tables like {@code skstat}, a graph, or the JSON as served.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running router's routers, links, addresses, TCP connections and MQTT subscriptions;"
                + " or every router's links (--network), or the topology as a graph (--graph).")
public final class StatusCommand implements Callable<Integer> {
    /** ANSI: cursor home, clear screen (what {@code watch} and {@code top} do). */
    static final String CLEAR_SCREEN = "\033[H\033[2J";
    static final double WATCH_SECONDS_DEFAULT = 2;

    /** The picture formats of {@code --graph}. */
    enum GraphFormat { dot, mermaid }

    @Spec
    private CommandSpec spec;

    @Mixin
    private ManagementTarget target;

    @Option(names = "--json", description = "print the JSON as the router serves it (pretty)")
    private boolean json;

    @Option(names = "--network", description = "every router's links and costs, from the link-state database of the"
            + " router asked (any one router shows the whole network)")
    private boolean network;

    @Option(names = "--graph", paramLabel = "FORMAT", description = "print the topology with costs and link states"
            + " as a graph: ${COMPLETION-CANDIDATES} (render with `dot -Tsvg` or in Markdown)")
    private GraphFormat graph;

    @Option(names = "--watch", arity = "0..1", paramLabel = "SECONDS", fallbackValue = "2",
            description = "clear the screen and redraw every SECONDS (default 2) until Ctrl-C")
    private String watch; // picocli hands over the next word: "status --watch links" is a view, not seconds

    @Option(names = "--count", paramLabel = "N", description = "with --watch: stop after N redraws")
    private Integer count;

    @Parameters(index = "0", arity = "0..1", paramLabel = "VIEW",
            description = "only this table: ${COMPLETION-CANDIDATES}")
    private View view;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Double watchSeconds = watch == null ? null : watchSeconds();
        if ((network || graph != null) && view != null) {
            throw new ParameterException(spec.commandLine(), "a VIEW goes without --network and --graph");
        }
        ManagementClient client;
        try {
            client = target.client(spec.commandLine(), err);
        } catch (ManagementTarget.Failed e) {
            return e.exitCode;
        }
        if (watchSeconds == null) {
            return showOnce(client, out, err);
        }
        long periodMillis = Math.round(watchSeconds * 1000);
        for (int shown = 0; count == null || shown < count; shown++) {
            if (shown > 0) {
                TimeUnit.MILLISECONDS.sleep(periodMillis); // the refresh period an operator asked for
            }
            out.print(CLEAR_SCREEN);
            out.println("every " + StatusFormatter.duration(periodMillis) + " from " + client.display()
                    + " (Ctrl-C stops)");
            out.println();
            showOnce(client, out, out); // an unreachable router is shown on screen and asked again
        }
        return ExitCodes.OK;
    }

    /** The seconds of {@code --watch}; a view name given right after it is taken as the view. */
    private double watchSeconds() {
        try {
            double seconds = Double.parseDouble(watch);
            if (seconds > 0) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            for (View candidate : View.values()) {
                if (candidate.toString().equals(watch) && view == null) {
                    view = candidate;
                    return WATCH_SECONDS_DEFAULT;
                }
            }
        }
        throw new ParameterException(spec.commandLine(), "--watch needs a positive number of seconds, got '" + watch
                + "'");
    }

    private int showOnce(ManagementClient client, PrintWriter out, PrintWriter err) throws InterruptedException {
        boolean topology = network || graph != null;
        String body;
        try {
            body = client.get(topology ? "/topology" : "/status");
        } catch (ManagementClient.UnreachableException e) {
            err.println(e.getMessage());
            err.flush();
            return ExitCodes.UNREACHABLE;
        }
        try {
            out.print(render(body, topology));
            out.flush();
        } catch (JsonProcessingException e) {
            err.println("vanrouter management at " + client.display() + " sent invalid JSON: "
                    + e.getOriginalMessage());
            err.flush();
            return ExitCodes.UNREACHABLE;
        }
        return ExitCodes.OK;
    }

    private String render(String body, boolean topology) throws JsonProcessingException {
        if (topology) {
            TopologyReport report = StatusJson.readTopology(body);
            if (graph == GraphFormat.dot) {
                return TopologyGraph.dot(report);
            } else if (graph == GraphFormat.mermaid) {
                return TopologyGraph.mermaid(report);
            }
            return json ? StatusJson.pretty(StatusJson.tree(body)) + System.lineSeparator()
                    : NetworkTables.format(report);
        }
        if (json) {
            JsonNode tree = StatusJson.tree(body);
            JsonNode shown = view == null ? tree : tree.path(view.jsonField());
            return StatusJson.pretty(shown) + System.lineSeparator();
        }
        StatusReport report = StatusJson.read(body);
        return view == null ? StatusFormatter.format(report) : StatusFormatter.format(report, view);
    }

}
