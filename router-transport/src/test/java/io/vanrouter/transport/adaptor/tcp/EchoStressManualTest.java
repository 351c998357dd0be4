package io.vanrouter.transport.adaptor.tcp;

import io.vanrouter.transport.adaptor.tcp.Routers.Router;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Manual: 16 MiB echoes through a-b-c in a loop ({@code -Dloops=N}), printing MB/s; run by removing the tag. */
@Tag("manual")
class EchoStressManualTest {
    @Test
    void loop() throws Exception {
        try (Routers routers = new Routers(); EchoServer echo = new EchoServer()) {
            Map<String, List<String>> directory = Map.of("echo", List.of("c"));
            Router a = routers.start("a", List.of(new TcpListenerSettings("echo", "127.0.0.1", 0)), List.of(),
                    directory);
            Router b = routers.start("b", List.of(), List.of(), directory, a);
            Router c = routers.start("c", List.of(), List.of(new TcpConnectorSettings("echo", "127.0.0.1",
                    echo.port())), directory, b);
            routers.awaitRoutes();
            byte[] payload = Clients.random(16 << 20, 7);
            for (int i = 0; i < Integer.getInteger("loops", 30); i++) {
                long start = System.nanoTime();
                byte[] got = Clients.echo(a.tcpPort(), payload);
                long nanos = System.nanoTime() - start;
                if (!Arrays.equals(got, payload)) {
                    int mismatch = Arrays.mismatch(got, payload);
                    System.out.println("FAIL run " + i + " got " + got.length + " first mismatch at " + mismatch);
                    Thread.sleep(500);
                    for (Router r : List.of(a, b, c)) {
                        System.out.println(r.id() + " " + r.streams());
                    }
                    throw new AssertionError("mismatch");
                }
                System.out.printf("run %d ok %.1f MB/s%n", i, payload.length / (nanos / 1e3));
            }
        }
    }
}
