package io.vanrouter.it;

import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A real gRPC server (grpc-java's core API, no codegen or stubs: byte[] messages) that names its site in every
 * answer. Methods of service {@code test.Echo}: {@code Who} (unary: the site), {@code Stream} (server streaming: "count:delayMillis"
 * messages "site i"), {@code Slow} (unary: answers after 10 s unless cancelled; counts deadlines seen and
 * cancellations), {@code Fail} (unary: INVALID_ARGUMENT with a trailer {@code x-site}).
 */
final class GrpcSites implements AutoCloseable {
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream in) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<byte[], byte[]> WHO = method("Who", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> STREAM = method("Stream",
            MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<byte[], byte[]> SLOW = method("Slow", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);
    static final Metadata.Key<String> SITE_TRAILER = Metadata.Key.of("x-site", Metadata.ASCII_STRING_MARSHALLER);

    final String site;
    final AtomicInteger deadlinesSeen = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Server server;

    GrpcSites(String site) throws IOException {
        this.site = site;
        this.server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(service())
                .build().start();
    }

    int port() {
        return server.getPort();
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("test.Echo")
                .addMethod(WHO, unary((request, call) -> answer(call, site.getBytes(StandardCharsets.UTF_8))))
                .addMethod(STREAM, unary(this::stream))
                .addMethod(SLOW, unary((request, call) -> {
                    if (Context.current().getDeadline() != null) {
                        deadlinesSeen.incrementAndGet();
                    }
                    timer.schedule(() -> answer(call, site.getBytes(StandardCharsets.UTF_8)), 10, TimeUnit.SECONDS);
                }))
                .addMethod(FAIL, unary((request, call) -> {
                    Metadata trailers = new Metadata();
                    trailers.put(SITE_TRAILER, site);
                    call.close(Status.INVALID_ARGUMENT.withDescription("refused at " + site), trailers);
                }))
                .build();
    }

    /** A handler on gRPC's core API (no stubs): one request message, then {@code body} answers on the call. */
    private ServerCallHandler<byte[], byte[]> unary(BiConsumer<byte[], ServerCall<byte[], byte[]>> body) {
        return (call, headers) -> {
            call.request(1);
            return new ServerCall.Listener<>() {
                private byte[] request;

                @Override
                public void onMessage(byte[] message) {
                    request = message;
                }

                @Override
                public void onHalfClose() {
                    call.sendHeaders(new Metadata());
                    body.accept(request, call);
                }

                @Override
                public void onCancel() {
                    cancelled.incrementAndGet();
                }
            };
        };
    }

    /** Sends one message and OK, unless the call is gone (cancelled meanwhile). */
    private static void answer(ServerCall<byte[], byte[]> call, byte[] message) {
        synchronized (call) {
            if (call.isCancelled()) {
                return;
            }
            call.sendMessage(message);
            call.close(Status.OK, new Metadata());
        }
    }

    /** "count:delayMillis": that many messages, spaced by the delay (on a timer, never blocking gRPC's threads). */
    private void stream(byte[] request, ServerCall<byte[], byte[]> call) {
        String[] parts = new String(request, StandardCharsets.UTF_8).split(":");
        int count = Integer.parseInt(parts[0]);
        long delayMillis = Long.parseLong(parts[1]);
        AtomicInteger sent = new AtomicInteger();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            synchronized (call) {
                if (call.isCancelled()) {
                    return;
                }
                int i = sent.getAndIncrement();
                if (i == count) {
                    call.close(Status.OK, new Metadata());
                    return;
                }
                call.sendMessage((site + " " + i).getBytes(StandardCharsets.UTF_8));
            }
            if (delayMillis == 0) {
                timer.execute(next[0]);
            } else {
                timer.schedule(next[0], delayMillis, TimeUnit.MILLISECONDS);
            }
        };
        timer.execute(next[0]);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        timer.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
