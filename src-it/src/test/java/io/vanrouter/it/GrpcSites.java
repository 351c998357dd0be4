package io.vanrouter.it;

import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (grpc-java, no codegen: byte[] messages) that names its site in every answer. Methods of
 * service {@code test.Echo}: {@code Who} (unary: the site), {@code Stream} (server streaming: "count:delayMillis"
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
                .addMethod(WHO, ServerCalls.asyncUnaryCall((request, out) -> {
                    out.onNext(site.getBytes(StandardCharsets.UTF_8));
                    out.onCompleted();
                }))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall(this::stream))
                .addMethod(SLOW, ServerCalls.asyncUnaryCall((request, out) -> {
                    if (Context.current().getDeadline() != null) {
                        deadlinesSeen.incrementAndGet();
                    }
                    Context.current().addListener(c -> cancelled.incrementAndGet(), Runnable::run);
                    timer.schedule(() -> {
                        out.onNext(site.getBytes(StandardCharsets.UTF_8));
                        out.onCompleted();
                    }, 10, TimeUnit.SECONDS);
                }))
                .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, out) -> {
                    Metadata trailers = new Metadata();
                    trailers.put(SITE_TRAILER, site);
                    out.onError(Status.INVALID_ARGUMENT.withDescription("refused at " + site)
                            .asRuntimeException(trailers));
                }))
                .build();
    }

    /** "count:delayMillis": that many messages, spaced by the delay (on a timer, never blocking gRPC's threads). */
    private void stream(byte[] request, StreamObserver<byte[]> out) {
        String[] parts = new String(request, StandardCharsets.UTF_8).split(":");
        int count = Integer.parseInt(parts[0]);
        long delayMillis = Long.parseLong(parts[1]);
        ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) out;
        AtomicInteger sent = new AtomicInteger();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (call.isCancelled()) {
                return;
            }
            int i = sent.getAndIncrement();
            if (i == count) {
                call.onCompleted();
                return;
            }
            call.onNext((site + " " + i).getBytes(StandardCharsets.UTF_8));
            timer.schedule(next[0], delayMillis, TimeUnit.MILLISECONDS);
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
