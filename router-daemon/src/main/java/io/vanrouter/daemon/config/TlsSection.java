package io.vanrouter.daemon.config;

import io.vanrouter.daemon.security.TlsFileCheck;
import io.vanrouter.daemon.security.TlsSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The {@code tls:} section: this router's TLS identity, or plain links on purpose (see docs/security.md).
 * <pre>
 * tls:
 *   ca: ca.crt            # relative to this file's directory
 *   cert: site-a.crt
 *   key: site-a.key
 *   crl: revoked.crl      # optional
 * # or
 * tls: {insecure: true}
 * </pre>
 * The section is optional for now: links are not encrypted yet, whatever it says.
 */
final class TlsSection {
    static final List<String> KEYS = List.of("ca", "cert", "key", "crl", "insecure");
    static final List<String> FILE_KEYS = List.of("ca", "cert", "key", "crl");

    private TlsSection() {
    }

    /**
     * @param source         the configuration file, whose directory relative paths start from; null for the
     *                       working directory
     * @param routerId       {@code router.id} when valid, else null
     * @param filesCheckedAt when not null, the files are read and checked ({@link TlsFileCheck}) at this instant
     * @return the settings, or null when there is no {@code tls:} section or it has problems
     */
    static TlsSettings validate(Section top, Path source, String routerId, Instant filesCheckedAt,
            boolean sectionRequired, Problems problems) {
        YamlNode node = top.value("tls");
        if (node == null && sectionRequired && !top.isInvalid("tls")) {
            top.problem("tls", "is required: links need the network CA, this router's certificate and its key"
                    + " (vanrouter certs, or a join token; docs/security.md), or tls: {insecure: true} for plain links"
                    + " that anyone who reaches them can join and read");
            return null;
        }
        Section section = node == null ? null : Section.of(node, "tls", problems);
        if (section == null) {
            return null;
        }
        int before = problems.count();
        section.rejectUnknown(KEYS);
        Boolean insecure = section.bool("insecure");
        String ca = file(section, "ca");
        String cert = file(section, "cert");
        String key = file(section, "key");
        String crl = file(section, "crl");
        if (Boolean.TRUE.equals(insecure)) {
            for (String fileKey : FILE_KEYS) {
                if (section.value(fileKey) != null) {
                    section.problem(fileKey, "insecure: true turns TLS off, so it takes no files; remove "
                            + fileKey + " or insecure");
                }
            }
            return problems.count() == before ? TlsSettings.INSECURE : null;
        }
        for (String required : List.of("ca", "cert", "key")) {
            if (section.value(required) == null && !section.isInvalid(required)) {
                section.problem(required, "is required (the network CA, this router's certificate and its key), or"
                        + " set tls.insecure: true for plain links");
            }
        }
        if (problems.count() != before) {
            return null;
        }
        Path dir = source == null || source.getParent() == null ? Path.of("") : source.getParent();
        TlsSettings tls = TlsSettings.files(dir.resolve(ca), dir.resolve(cert), dir.resolve(key),
                crl == null ? null : dir.resolve(crl));
        if (filesCheckedAt != null) {
            for (TlsFileCheck.Problem problem : TlsFileCheck.check(tls, routerId, filesCheckedAt)) {
                section.problem(problem.key(), problem.message());
            }
        }
        return problems.count() == before ? tls : null;
    }

    private static String file(Section section, String key) {
        String value = section.string(key, false);
        if (value != null && value.isBlank()) {
            section.problem(key, "must name a file");
            return null;
        }
        return value;
    }
}
