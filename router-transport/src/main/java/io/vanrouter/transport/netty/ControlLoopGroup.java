package io.vanrouter.transport.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * The one event loop of every link's control connection. It runs queued tasks (the MESSAGE writes of
 * {@code MessageRouter}'s outboxes among them) for at most {@value #TASK_QUANTUM_MILLIS} ms before it reads and writes
 * its sockets again; Netty's default is a second, during which no hello is read or sent. A burst of messages on a slow
 * or starved machine (a multicast of thousands under paranoid leak detection, on one core) kept a router's links
 * silent past a 3 s dead interval that way. Shorter quanta cost throughput: each turn to I/O flushes smaller batches.
 */
public final class ControlLoopGroup extends MultiThreadIoEventLoopGroup {
    public static final long TASK_QUANTUM_MILLIS = 50;

    public ControlLoopGroup(ThreadFactory threads, IoHandlerFactory io) {
        super(1, threads, io);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory io, Object... args) {
        return new SingleThreadIoEventLoop(this, executor, io, Integer.MAX_VALUE, RejectedExecutionHandlers.reject(),
                TASK_QUANTUM_MILLIS);
    }
}
