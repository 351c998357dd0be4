package io.vanrouter.it;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Client calls on grpc-java's core API (no stubs): unary and server-streaming, ending in a status. */
final class GrpcCalls {
    private GrpcCalls() {
    }

    /** What a call received: its messages, its status and its trailers. */
    record Outcome(List<byte[]> messages, Status status, Metadata trailers) {
        byte[] single() {
            if (!status.isOk()) {
                throw new StatusRuntimeException(status, trailers);
            }
            return messages.get(0);
        }
    }

    /** Starts a call sending {@code request}; {@code onMessage} sees each response message as it arrives. */
    static CompletableFuture<Outcome> start(Channel channel, MethodDescriptor<byte[], byte[]> method,
            CallOptions options, byte[] request, Consumer<byte[]> onMessage) {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        List<byte[]> messages = new ArrayList<>();
        ClientCall<byte[], byte[]> call = channel.newCall(method, options);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                messages.add(message);
                onMessage.accept(message);
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                done.complete(new Outcome(List.copyOf(messages), status, trailers));
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        return done;
    }

    static CompletableFuture<Outcome> start(Channel channel, MethodDescriptor<byte[], byte[]> method,
            CallOptions options, byte[] request) {
        return start(channel, method, options, request, m -> { });
    }

    /** A call's outcome within 60 s. */
    static Outcome await(CompletableFuture<Outcome> call) throws InterruptedException, ExecutionException,
            TimeoutException {
        return call.get(60, TimeUnit.SECONDS);
    }
}
