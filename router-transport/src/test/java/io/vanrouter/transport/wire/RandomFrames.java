package io.vanrouter.transport.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vanrouter.core.address.Address;
import io.vanrouter.core.address.AddressEntry;
import io.vanrouter.core.linkstate.LinkState;
import io.vanrouter.core.message.AddressSnapshot;
import io.vanrouter.core.message.AddressSyncRequest;
import io.vanrouter.core.message.AddressUpdate;
import io.vanrouter.core.message.Hello;
import io.vanrouter.core.message.LinkStateUpdate;
import io.vanrouter.transport.message.MessageAck;
import io.vanrouter.transport.message.MessageFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Random valid values of every inter-router frame, for the property tests: what an encoder may be given. Large
 * LINK_STATE and ADDRESS_SNAPSHOT values exceed a small frame limit, so they travel as FRAGMENT frames.
 */
final class RandomFrames {
    /** Code points mixing 1- to 4-byte UTF-8 forms. */
    private static final String[] ALPHABET = {"a", "b", "z", "0", "-", "_", ".", "/", " ", "é", "中", "😀"};
    private static final String[] LEVELS = {"a", "bc", "x1", "+", "dev", "é"};
    private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

    private RandomFrames() {
    }

    /** {@code count} random frames, control and data. DATA and MESSAGE hold buffers (the encoder releases them). */
    static List<Object> frames(Random random, int count) {
        List<Object> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(frame(random));
        }
        return frames;
    }

    static Object frame(Random random) {
        return switch (random.nextInt(17)) {
            case 0 -> new HandshakeFrame(random.nextInt(256), positive(random), random.nextLong(), name(random),
                    name(random));
            case 1 -> random.nextBoolean() ? ReasonFrame.refuse(ReasonCode.SHUTDOWN, text(random, 100))
                    : new ReasonFrame(FrameType.CLOSE, random.nextInt(0x10000), text(random, 100));
            case 2 -> new Hello(name(random), random.nextLong(), names(random, random.nextInt(8)));
            case 3 -> linkState(random, random.nextInt(20) == 0 ? 100 + random.nextInt(300) : random.nextInt(6));
            case 4 -> new AddressUpdate(name(random), random.nextLong(), 1 + (random.nextLong() >>> 1) % Long.MAX_VALUE,
                    entries(random, random.nextInt(5)), addresses(random, random.nextInt(4)));
            case 5 -> new AddressSnapshot(name(random), random.nextLong(), random.nextLong() >>> 1,
                    entries(random, random.nextInt(20) == 0 ? 150 + random.nextInt(400) : random.nextInt(6)));
            case 6 -> new AddressSyncRequest(name(random));
            case 7 -> new StreamFrame.Open(streamId(random), name(random), name(random), name(random),
                    random.nextInt(Integer.MAX_VALUE));
            case 8 -> new StreamFrame.Window(streamId(random), positive(random));
            case 9 -> random.nextBoolean() ? new StreamFrame.End(streamId(random))
                    : new StreamFrame.Moved(streamId(random));
            case 10 -> new StreamFrame.Opened(streamId(random));
            case 11 -> new StreamFrame.Reset(streamId(random), random.nextInt(0x10000), text(random, 50));
            case 12, 13 -> new StreamFrame.Data(streamId(random), payload(random, random.nextInt(1500)));
            case 14, 15 -> message(random);
            default -> new MessageAck(nonEmptyName(random), random.nextLong(), random.nextBoolean());
        };
    }

    static MessageFrame message(Random random) {
        boolean anycast = random.nextBoolean();
        return new MessageFrame(random.nextInt(2), random.nextBoolean(), random.nextInt(256), nonEmptyName(random),
                random.nextLong(), nonEmpty(text(random, 40)), anycast ? nonEmptyName(random) : "",
                anycast && random.nextBoolean() ? "g/" + topicFilter(random) : "", payload(random, random.nextInt(1200)));
    }

    /** The wire bytes of {@code frames}, preamble first, through the real encoders with frame limit {@code limit}. */
    static byte[] encode(List<Object> frames, int limit) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(limit));
        // The input's buffers need no leak tracking (paranoid tracking records every write): the decoder's do.
        channel.config().setAllocator(UNTRACKED);
        channel.writeOutbound(Preamble.CURRENT);
        for (Object frame : frames) {
            channel.writeOutbound(frame);
        }
        ByteBuf all = WireTestSupport.drainOutbound(channel);
        channel.finishAndReleaseAll();
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    /** Offsets of the length fields of the frames in {@code wire} (which starts with a preamble). */
    static int[] lengthFieldOffsets(byte[] wire) {
        List<Integer> offsets = new ArrayList<>();
        int at = WireLimits.PREAMBLE_BYTES;
        while (at + 4 <= wire.length) {
            offsets.add(at);
            long length = ((wire[at] & 0xFFL) << 24) | ((wire[at + 1] & 0xFF) << 16) | ((wire[at + 2] & 0xFF) << 8)
                    | (wire[at + 3] & 0xFF);
            at += 4 + (int) Math.min(length, Integer.MAX_VALUE - 8);
        }
        return offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A comparable form of a frame: records as they are, buffer holders as text with their bytes in hex. */
    static Object normalise(Object frame) {
        if (frame instanceof StreamFrame.Data data) {
            return "DATA " + data.streamId() + " " + ByteBufUtil.hexDump(data.content());
        }
        if (frame instanceof MessageFrame m) {
            return "MESSAGE " + m.qos() + " " + m.dup() + " " + m.hopsLeft() + " " + m.ingress() + " " + m.messageId()
                    + " " + m.topic() + " " + m.destination() + " " + m.group() + " " + ByteBufUtil.hexDump(m.content());
        }
        return frame;
    }

    private static LinkStateUpdate linkState(Random random, int peers) {
        TreeMap<String, Integer> map = new TreeMap<>();
        for (int i = 0; i < peers; i++) {
            map.put(name(random), positive(random));
        }
        return new LinkStateUpdate(new LinkState(name(random), random.nextLong(), random.nextLong(), map,
                random.nextLong()));
    }

    private static List<AddressEntry> entries(Random random, int count) {
        List<AddressEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new AddressEntry(address(random), positive(random)));
        }
        return entries;
    }

    private static List<Address> addresses(Random random, int count) {
        List<Address> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(address(random));
        }
        return addresses;
    }

    private static Address address(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> Address.plain(nonEmpty(text(random, 30)));
            case 1 -> Address.topicFilter(topicFilter(random));
            default -> Address.sharedFilter("g" + random.nextInt(100), topicFilter(random));
        };
    }

    private static String topicFilter(Random random) {
        StringBuilder filter = new StringBuilder(LEVELS[random.nextInt(LEVELS.length)]);
        for (int i = random.nextInt(4); i > 0; i--) {
            filter.append('/').append(LEVELS[random.nextInt(LEVELS.length)]);
        }
        if (random.nextInt(4) == 0) {
            filter.append("/#");
        }
        return filter.toString();
    }

    private static List<String> names(Random random, int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(name(random));
        }
        return names;
    }

    /** At most 60 code points: at most 240 UTF-8 bytes, within the 255-byte name limit. */
    static String name(Random random) {
        return text(random, 60);
    }

    private static String nonEmptyName(Random random) {
        return nonEmpty(name(random));
    }

    private static String nonEmpty(String s) {
        return s.isEmpty() ? "x" : s;
    }

    static String text(Random random, int maxCodePoints) {
        int n = random.nextInt(4) == 0 ? 0 : random.nextInt(maxCodePoints + 1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return text.toString();
    }

    private static int positive(Random random) {
        return random.nextBoolean() ? 1 + random.nextInt(1000) : 1 + random.nextInt(Integer.MAX_VALUE);
    }

    private static int streamId(Random random) {
        int id = random.nextInt();
        return id == 0 ? 1 : id;
    }

    private static ByteBuf payload(Random random, int bytes) {
        byte[] data = new byte[bytes];
        random.nextBytes(data);
        return Unpooled.wrappedBuffer(data);
    }
}
