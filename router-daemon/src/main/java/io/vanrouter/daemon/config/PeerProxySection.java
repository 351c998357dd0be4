package io.vanrouter.daemon.config;

import io.vanrouter.transport.LinkProxy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A peer's {@code proxy} ({@code http://[user:password@]HOST:PORT}) and {@code proxyCredentialsFile} (one line,
 * {@code user:password}): the HTTP CONNECT proxy the peer is dialed through. The credentials file is read when files are
 * checked ({@code run}, {@code check-config}, reload), like the other files a configuration names.
 */
final class PeerProxySection {
    static final List<String> KEYS = List.of("proxy", "proxyCredentialsFile");
    /** A credentials file is one short line; anything larger is the wrong file. */
    static final long CREDENTIALS_BYTES_MAX = 4_096;

    private PeerProxySection() {
    }

    /** @return the peer's proxy, or null when it has none or a problem was found */
    static LinkProxy validate(Section peer, Path source, Instant filesCheckedAt) {
        String url = peer.string("proxy", false);
        String credentialsFile = peer.string("proxyCredentialsFile", false);
        if (url == null) {
            if (credentialsFile != null) {
                peer.problem("proxyCredentialsFile", "needs a proxy (peers[].proxy: http://HOST:PORT)");
            }
            return null;
        }
        LinkProxy proxy = parse(peer, url);
        if (proxy == null || credentialsFile == null) {
            return proxy;
        }
        if (proxy.hasCredentials()) {
            peer.problem("proxyCredentialsFile", "the proxy URL has credentials already; keep them in one place"
                    + " (the file is better: the password stays out of the YAML)");
            return null;
        }
        if (credentialsFile.isBlank()) {
            peer.problem("proxyCredentialsFile", "must name a file");
            return null;
        }
        if (filesCheckedAt == null) {
            return proxy;
        }
        Path file = directory(source).resolve(credentialsFile);
        String problem;
        try {
            if (Files.size(file) > CREDENTIALS_BYTES_MAX) {
                problem = file + ": larger than " + CREDENTIALS_BYTES_MAX + " bytes; expected one line user:password";
            } else {
                String line = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
                int colon = line.indexOf(':');
                if (colon > 0) {
                    return new LinkProxy(proxy.host(), proxy.port(), line.substring(0, colon),
                            line.substring(colon + 1));
                }
                problem = file + ": expected one line user:password";
            }
        } catch (NoSuchFileException e) {
            problem = file + ": cannot be read: no such file";
        } catch (IOException e) {
            problem = file + ": cannot be read: " + e.getMessage();
        }
        peer.problem("proxyCredentialsFile", problem);
        return null;
    }

    private static LinkProxy parse(Section peer, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            peer.problem("proxy", "is not a URL: '" + redacted(url) + "'; expected http://HOST:PORT");
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if ("https".equals(scheme)) {
            peer.problem("proxy", "https proxies are not supported; use http://HOST:PORT (the link's own TLS runs"
                    + " inside the tunnel, end to end)");
            return null;
        }
        if (!"http".equals(scheme) || uri.getHost() == null || uri.isOpaque()) {
            peer.problem("proxy", "must be http://HOST:PORT (an HTTP CONNECT proxy), got '" + redacted(url) + "'");
            return null;
        }
        if (uri.getPort() < 1 || uri.getPort() > 65_535) {
            peer.problem("proxy", "must name a port 1..65535, as in http://" + uri.getHost() + ":3128; got '"
                    + redacted(url) + "'");
            return null;
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            peer.problem("proxy", "must be http://HOST:PORT with no path, query or fragment; got '" + redacted(url)
                    + "'");
            return null;
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        String userInfo = uri.getUserInfo(); // percent-decoded
        if (userInfo == null) {
            return new LinkProxy(host, uri.getPort());
        }
        int colon = userInfo.indexOf(':');
        if (colon <= 0) {
            peer.problem("proxy", "credentials in the URL must be user:password (percent-encode ':' and '@' in"
                    + " them), or put them in proxyCredentialsFile");
            return null;
        }
        return new LinkProxy(host, uri.getPort(), userInfo.substring(0, colon), userInfo.substring(colon + 1));
    }

    /** The URL as a problem may show it: never the password. */
    static String redacted(String url) {
        return url.replaceFirst("//[^/@]*@", "//***@");
    }

    private static Path directory(Path source) {
        return source == null || source.getParent() == null ? Path.of("") : source.getParent();
    }
}
