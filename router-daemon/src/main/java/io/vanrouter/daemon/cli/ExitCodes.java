package io.vanrouter.daemon.cli;

/** Exit codes of the {@code vanrouter} commands; scripts rely on them. */
public final class ExitCodes {
    public static final int OK = 0;
    /** Invalid configuration, or the router could not start (e.g. a port in use). */
    public static final int CONFIG = 1;
    /** A usage error (picocli's code), or the management endpoint did not answer usefully. */
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 2;

    private ExitCodes() {
    }
}
