package io.vanrouter.daemon.mgmt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The topology page of {@code GET /ui}: one static HTML file with inline CSS, JS and SVG (no build step, nothing
 * fetched from elsewhere) that draws {@code GET /topology} every 2 s. Any thread.
 */
public final class TopologyPage {
    private static final String RESOURCE = "topology.html";
    private static volatile String html; // read once, then shared

    private TopologyPage() {
    }

    public static String html() {
        String page = html;
        if (page == null) {
            try (InputStream in = TopologyPage.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " missing from the jar");
                }
                page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            html = page;
        }
        return page;
    }
}
