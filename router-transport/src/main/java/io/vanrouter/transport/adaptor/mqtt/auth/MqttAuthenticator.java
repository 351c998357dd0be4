package io.vanrouter.transport.adaptor.mqtt.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks MQTT passwords against the users file, on one thread of its own: a check costs tens of milliseconds by
 * design and must not stall an event loop. Also re-reads the users file when it changes (a bad new file is logged
 * and the old users stay) and tells listeners, so that a removed user is disconnected at once.
 *
 * <p>A password that passed once is remembered per user as an HMAC under a key that lives only in this process, so a
 * reconnect storm after a restart of the network costs one slow check per user, not one per connection; changing the
 * user's hash forgets it. An unknown user costs a slow check too, so timing does not tell which names exist.
 *
 * <p>Any thread.
 */
public final class MqttAuthenticator implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger("vanrouter.adaptor.mqtt");
    /** Checks waiting beyond this are refused at once (server busy) instead of queueing without bound. */
    public static final int QUEUE_MAX = 1_024;

    public enum Verdict { ACCEPTED, UNKNOWN_USER, BAD_PASSWORD, BUSY }

    /** @param user the accepted user, null otherwise */
    public record Outcome(Verdict verdict, MqttUser user) {
    }

    private record Stamp(Object fileKey, long modified, long size) {
    }

    private final String routerId;
    private final Path file;
    private final MqttUsers.Loader loader;
    private final ThreadPoolExecutor verifier;
    private final List<Consumer<MqttUsers>> changeListeners = new CopyOnWriteArrayList<>();
    private final Map<String, byte[]> passed = new ConcurrentHashMap<>();
    private final byte[] processKey = new byte[32];
    private final ThreadLocal<Mac> macs;
    private final PasswordHash decoy = PasswordHash.create(new char[] {'x'}, PasswordHash.ITERATIONS_DEFAULT);
    private volatile MqttUsers users;
    private Stamp stamp; // verifier thread (and the constructor)
    private Stamp badStamp; // verifier thread: a broken file already reported

    private MqttAuthenticator(String routerId, Path file, MqttUsers.Loader loader, MqttUsers users, Stamp stamp) {
        this.routerId = routerId;
        this.file = file;
        this.loader = loader;
        this.users = users;
        this.stamp = stamp;
        new SecureRandom().nextBytes(processKey);
        this.macs = ThreadLocal.withInitial(this::newMac);
        this.verifier = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_MAX),
                r -> {
                    Thread t = new Thread(r, "vanrouter-mqtt-auth");
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Reads the users file now.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static MqttAuthenticator load(String routerId, Path file, MqttUsers.Loader loader) throws IOException {
        Stamp stamp = stamp(file);
        MqttUsers users;
        try {
            users = loader.load();
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        LOG.info("[{}] MQTT users from {}: {} user(s), passwords required", routerId, file, users.size());
        return new MqttAuthenticator(routerId, file, loader, users, stamp);
    }

    public MqttUsers users() {
        return users;
    }

    /** Told, on the verifier thread, each time a changed users file was read. */
    public void onChange(Consumer<MqttUsers> listener) {
        changeListeners.add(listener);
    }

    /**
     * Checks a CONNECT's user name and password; completes on the verifier thread, or at once for a password that
     * passed before or when the queue is full.
     */
    public CompletableFuture<Outcome> verify(String name, byte[] password) {
        Objects.requireNonNull(name, "name");
        byte[] secret = password == null ? new byte[0] : password;
        MqttUser user = users.get(name);
        if (user != null) {
            byte[] remembered = passed.get(name);
            if (remembered != null && MessageDigest.isEqual(remembered, tag(user, secret))) {
                return CompletableFuture.completedFuture(new Outcome(Verdict.ACCEPTED, user));
            }
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            verifier.execute(() -> outcome.complete(slowCheck(name, secret)));
        } catch (RejectedExecutionException e) {
            outcome.complete(new Outcome(Verdict.BUSY, null));
        }
        return outcome;
    }

    private Outcome slowCheck(String name, byte[] secret) {
        MqttUser user = users.get(name); // again: the file may have changed while this waited
        CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(secret));
        char[] chars = Arrays.copyOf(decoded.array(), decoded.limit()); // the backing array may be longer
        Arrays.fill(decoded.array(), '\0');
        try {
            if (user == null) {
                decoy.matches(chars);
                return new Outcome(Verdict.UNKNOWN_USER, null);
            }
            if (!user.password().matches(chars)) {
                return new Outcome(Verdict.BAD_PASSWORD, null);
            }
            passed.put(name, tag(user, secret));
            return new Outcome(Verdict.ACCEPTED, user);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private byte[] tag(MqttUser user, byte[] secret) {
        Mac mac = macs.get();
        mac.update(user.password().format().getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) 0);
        return mac.doFinal(secret);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(processKey, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** Re-reads the users file on the verifier thread if it changed; skipped while checks are queued. */
    public void checkForChanges() {
        if (!verifier.getQueue().isEmpty()) {
            return;
        }
        try {
            verifier.execute(this::reloadIfChanged);
        } catch (RejectedExecutionException e) {
            // closed, or busy with checks: the next poll tries again
        }
    }

    private void reloadIfChanged() {
        Stamp now;
        try {
            now = stamp(file);
        } catch (IOException e) {
            now = null;
        }
        if (Objects.equals(now, stamp) || (now != null && now.equals(badStamp))) {
            return;
        }
        MqttUsers loaded;
        try {
            if (now == null) {
                throw new IOException(file + ": cannot be read");
            }
            loaded = loader.load();
        } catch (IOException | IllegalArgumentException e) {
            if (badStamp == null || !badStamp.equals(now)) {
                LOG.warn("[{}] MQTT users file changed but cannot be used, keeping the previous {} user(s): {}",
                        routerId, users.size(), e.getMessage());
            }
            badStamp = now;
            return;
        }
        stamp = now;
        badStamp = null;
        users = loaded;
        passed.keySet().removeIf(name -> loaded.get(name) == null);
        LOG.info("[{}] MQTT users re-read from {}: {} user(s)", routerId, file, loaded.size());
        for (Consumer<MqttUsers> listener : changeListeners) {
            listener.accept(loaded);
        }
    }

    private static Stamp stamp(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(attributes.fileKey(), attributes.lastModifiedTime().toMillis(), attributes.size());
    }

    @Override
    public void close() {
        verifier.shutdownNow();
    }
}
