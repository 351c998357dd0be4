package io.vanrouter.daemon.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into an orderly stop: the router closes its links with a reason and {@code run} returns
 * exit code 0. Without this the JVM would run shutdown hooks and exit with 143 (128 + SIGTERM), which looks like a
 * crash to anyone reading exit codes.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger("vanrouter.daemon");

    private StopSignals() {
    }

    /** Installs the handlers; {@code stop} runs on a fresh thread, once per signal. */
    static void install(String routerId, Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    LOG.info("[{}] SIG{} received; stopping", routerId, signal.getName());
                    new Thread(stop, "vanrouter-stop").start();
                });
            } catch (IllegalArgumentException unsupported) {
                // The platform does not let us handle it; the JVM shutdown hook still closes the router.
                LOG.debug("cannot handle SIG{}: {}", name, unsupported.getMessage());
            }
        }
    }
}
