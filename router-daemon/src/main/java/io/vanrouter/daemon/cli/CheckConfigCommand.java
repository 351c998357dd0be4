package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.config.ConfigException;
import io.vanrouter.daemon.config.ConfigLoader;
import io.vanrouter.daemon.config.ConfigProblem;
import io.vanrouter.daemon.config.RouterConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vanrouter check-config FILE}: validates a configuration and exits; starts nothing (like nats-server -t). */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validate a router configuration file and print every problem.")
public final class CheckConfigCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the YAML configuration to check")
    private Path file;

    @Override
    public Integer call() {
        try {
            RouterConfig config = ConfigLoader.load(file);
            spec.commandLine().getOut().println("config OK: router " + config.routerId() + ", "
                    + count(config.listen().size(), "listener") + ", " + count(config.peers().size(), "peer"));
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

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
