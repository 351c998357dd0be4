package io.vanrouter.daemon.security;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The CA's record of every certificate it issued, so that {@code certs revoke} can find a router's certificates: one
 * tab-separated line per certificate, {@code SERIAL(hex) NOT-AFTER(ISO-8601) ROUTER-ID}, appended in issue order.
 * A router id holds no whitespace, so it is the last field as it is. CLI only; one writer at a time.
 */
public final class IssuedIndex {
    static final String HEADER = "# certificates issued by this CA: serial (hex), not after, router id";

    /** One issued certificate. */
    public record Entry(BigInteger serial, Instant notAfter, String routerId) {
        public static Entry of(X509Certificate certificate, String routerId) {
            return new Entry(certificate.getSerialNumber(), certificate.getNotAfter().toInstant(), routerId);
        }
    }

    private IssuedIndex() {
    }

    public static void append(Path file, Entry issued) throws IOException {
        String line = issued.serial().toString(16) + "\t" + issued.notAfter() + "\t" + issued.routerId() + "\n";
        if (!Files.exists(file)) {
            SecureFiles.writePublic(file, HEADER + "\n");
        }
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Every entry; none when the file does not exist yet (a CA that issued nothing). */
    public static List<Entry> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t", 3);
            try {
                entries.add(new Entry(new BigInteger(fields[0], 16), Instant.parse(fields[1]), fields[2]));
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException | DateTimeParseException e) {
                throw new IOException(file + ":" + (i + 1) + ": not an index line (serial, not after, router id): '"
                        + line + "'");
            }
        }
        return entries;
    }
}
