package io.vanrouter.daemon.cli;

import io.vanrouter.daemon.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** What a command printed and returned, run through picocli with captured writers. */
record CliRun(int exitCode, String out, String err) {

    static CliRun vanrouter(String... args) {
        return run(Main.commandLine(), args);
    }

    static CliRun run(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }
}
