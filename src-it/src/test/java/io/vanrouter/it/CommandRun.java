package io.vanrouter.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end with stdout and stderr captured: the built {@code vanrouter} CLI, or any tool. */
final class CommandRun {
    static final long TIMEOUT_SECONDS = 120;

    record Result(int exitCode, String output) {
    }

    private CommandRun() {
    }

    /** The {@code vanrouter} CLI from the built jar; output kept in a file under {@code dir}. */
    static Result vanrouter(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, RouterProcess.javaCommand(args));
    }

    static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "cli", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
