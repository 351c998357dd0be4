package io.vanrouter.daemon.mgmt;

import java.util.List;

/** A canned status of router A in the demo triangle: C through B at cost 2, D unreachable. */
public final class SampleStatus {
    private SampleStatus() {
    }

    public static StatusReport siteA() {
        return new StatusReport("site-a", "demo", "interior", 1712345678901L, "0.1.0", 63_000,
                List.of(new StatusReport.Node("site-a", null, 0, 0, true, 1712345678901L, 4, 1_200),
                        new StatusReport.Node("site-b", "site-b", 1, 1, true, 1712345600000L, 7, 2_500),
                        new StatusReport.Node("site-c", "site-b", 2, 2, true, 1712345600001L, 3, 12_000),
                        new StatusReport.Node("site-d", null, -1, 0, false, 1712345600002L, 9, 75_000)),
                List.of(new StatusReport.Link(1, "site-b", "ACTIVE", 1, 2, "out", "127.0.0.1:55672", 61_000, 400,
                        null),
                        new StatusReport.Link(2, "site-c", "ACTIVE", 5, 0, "out", "127.0.0.1:55673", 3_723_000, 900,
                                null),
                        new StatusReport.Link(3, null, "CONNECTING", 1, 0, "out", "127.0.0.1:55679", 0, -1,
                                "Connection refused")),
                List.of());
    }
}
