package io.vanrouter.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteBufCopiesTest {

    @Test
    void appendsTheRangeOfEveryKindOfSourceAndLeavesItsIndexes() {
        Random random = new Random(3);
        byte[] bytes = new byte[300];
        random.nextBytes(bytes);
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer(300).writeBytes(bytes);
        ByteBuf heap = Unpooled.wrappedBuffer(bytes.clone());
        CompositeByteBuf composite = Unpooled.compositeBuffer().addComponents(true,
                Unpooled.wrappedBuffer(bytes, 0, 100), Unpooled.wrappedBuffer(bytes, 100, 200));
        try {
            for (ByteBuf source : List.of(direct, direct.slice(10, 250), direct.duplicate(), heap.slice(5, 200),
                    composite)) {
                int readerIndex = source.readerIndex();
                int writerIndex = source.writerIndex();
                int from = readerIndex + 3;
                int length = source.readableBytes() - 7;
                ByteBuf dst = ByteBufAllocator.DEFAULT.directBuffer(4, 4096).writeByte(0x7F); // must grow
                try {
                    ByteBufCopies.append(dst, source, from, length);
                    assertThat(dst.readableBytes()).isEqualTo(1 + length);
                    assertThat(dst.getByte(0)).isEqualTo((byte) 0x7F);
                    assertThat(ByteBufUtil.getBytes(dst, 1, length)).isEqualTo(ByteBufUtil.getBytes(source, from,
                            length));
                    assertThat(source.readerIndex()).isEqualTo(readerIndex);
                    assertThat(source.writerIndex()).isEqualTo(writerIndex);
                } finally {
                    dst.release();
                }
            }
        } finally {
            direct.release();
            heap.release();
            composite.release();
        }
    }
}
