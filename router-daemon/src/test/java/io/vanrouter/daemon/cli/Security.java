package io.vanrouter.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.Main;
import io.vanrouter.daemon.security.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Runs the credential commands at a fixed time, and reads what they wrote. */
final class Security {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private Security() {
    }

    static CliRun at(Instant now, String... args) {
        return CliRun.run(Main.commandLine(Clock.fixed(now, ZoneOffset.UTC)), args);
    }

    static CliRun now(String... args) {
        return at(NOW, args);
    }

    /** {@code certs ca --network NETWORK --out DIR} at {@link #NOW}, which must succeed. */
    static Path ca(Path dir, String network) {
        CliRun run = now("certs", "ca", "--network", network, "--out", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        return dir;
    }

    static void issue(Instant at, Path ca, String router, Path out, String... more) {
        String[] args = concat(new String[] {"certs", "issue", "--ca", ca.toString(), "--router", router, "--out",
            out.toString()}, more);
        CliRun run = at(at, args);
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    static X509Certificate certificate(Path file) throws Exception {
        return Pem.certificate(Files.readString(file));
    }

    static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
