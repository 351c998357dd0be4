package io.vanrouter.daemon.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.daemon.mgmt.StatusFormatter.View;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusFormatterTest {
    private final StatusReport report = SampleStatus.siteA();

    @Test
    void shouldPrintHeaderAndAllTables() {
        String text = StatusFormatter.format(report);

        assertThat(text).startsWith(
                "Router site-a  network demo  mode interior  instance 1712345678901  version 0.1.0  up 1m 3s\n");
        assertThat(text).contains("\nRouters\n", "\nLinks\n", "\nAddresses\n  none\n");
    }

    @Test
    void shouldPrintRoutersWithNextHopCostAndUnreachables() {
        String text = StatusFormatter.format(report, View.NODES);

        assertThat(text.lines().toList()).containsExactly(
                "Routers",
                "ROUTER  NEXT HOP  COST         HOPS  LS SEQ  LS AGE",
                "site-a  (self)    0            0     4       1s",
                "site-b  site-b    1            1     7       2s",
                "site-c  site-b    2            2     3       12s",
                "site-d  -         unreachable  -     9       1m 15s");
    }

    @Test
    void shouldPrintLinks() {
        String text = StatusFormatter.format(report, View.LINKS);

        assertThat(text.lines().toList()).containsExactly(
                "Links",
                "ID  PEER    STATE       DIR  REMOTE           COST  DATA  AGE    LAST HELLO  LAST ERROR",
                "1   site-b  ACTIVE      out  127.0.0.1:55672  1     2     1m 1s  400ms       -",
                "2   site-c  ACTIVE      out  127.0.0.1:55673  5     0     1h 2m  900ms       -",
                "3   -       CONNECTING  out  127.0.0.1:55679  1     0     0ms    -           Connection refused");
    }

    @Test
    void shouldPrintAddressesOrNone() {
        assertThat(StatusFormatter.format(report, View.ADDRESSES)).isEqualTo("Addresses\n  none\n");
        StatusReport withAddress = new StatusReport("a", "n", "interior", 1, "v", 0, List.of(), List.of(),
                List.of(new StatusReport.Address("svc/echo", "closest", 1, List.of("a", "b"))));
        assertThat(StatusFormatter.format(withAddress, View.ADDRESSES).lines().toList()).containsExactly(
                "Addresses", "ADDRESS   DISTRIBUTION  LOCAL  ROUTERS", "svc/echo  closest       1      a,b");
        assertThat(StatusFormatter.format(withAddress, View.NODES)).isEqualTo("Routers\n  none\n");
    }

    @Test
    void shouldHumaniseDurations() {
        assertThat(StatusFormatter.duration(0)).isEqualTo("0ms");
        assertThat(StatusFormatter.duration(999)).isEqualTo("999ms");
        assertThat(StatusFormatter.duration(1_000)).isEqualTo("1s");
        assertThat(StatusFormatter.duration(63_000)).isEqualTo("1m 3s");
        assertThat(StatusFormatter.duration(120_000)).isEqualTo("2m");
        assertThat(StatusFormatter.duration(7_500_000)).isEqualTo("2h 5m");
        assertThat(StatusFormatter.duration(273_600_000)).isEqualTo("3d 4h");
        assertThat(StatusFormatter.duration(-1)).isEqualTo("-");
    }
}
