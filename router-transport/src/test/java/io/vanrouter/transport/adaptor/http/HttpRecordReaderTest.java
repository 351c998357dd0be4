package io.vanrouter.transport.adaptor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record stream of one HTTP message, cut by routers at every byte offset, reads back the same. */
class HttpRecordReaderTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    /** What a reader saw, as text: "head GET /x end=false", "data hello", "trailers grpc-status=0". */
    private static final class Recorder implements HttpRecordReader.Handler {
        final List<String> events = new ArrayList<>();
        final StringBuilder body = new StringBuilder();

        @Override
        public void head(Http2Headers headers, boolean end) {
            events.add("head " + headers.method() + " " + headers.path() + " " + headers.get("x-a") + " end=" + end);
        }

        @Override
        public void data(ByteBuf bytes) {
            body.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }

        @Override
        public void trailers(Http2Headers headers) {
            events.add("body " + body + ", trailers grpc-status=" + headers.get("grpc-status"));
        }
    }

    private static ByteBuf message() {
        Http2Headers head = new DefaultHttp2Headers().method("POST").path("/x").scheme("http").add("x-a", "é1");
        ByteBuf body = Unpooled.copiedBuffer("hello, world", StandardCharsets.UTF_8);
        ByteBuf all = ALLOC.buffer();
        ByteBuf record = HttpRecords.head(ALLOC, head, false);
        all.writeBytes(record);
        record.release();
        ByteBuf header = HttpRecords.dataHeader(ALLOC, body.readableBytes());
        all.writeBytes(header).writeBytes(body);
        header.release();
        body.release();
        ByteBuf trailers = HttpRecords.trailers(ALLOC, new DefaultHttp2Headers().add("grpc-status", "0"));
        all.writeBytes(trailers);
        trailers.release();
        return all;
    }

    @Test
    void shouldReadTheSameRecordsWhereverTheStreamIsCut() throws Exception {
        ByteBuf whole = message();
        try {
            for (int cut = 0; cut <= whole.readableBytes(); cut++) {
                for (int second = cut; second <= whole.readableBytes(); second += 7) {
                    Recorder recorder = new Recorder();
                    HttpRecordReader reader = new HttpRecordReader();
                    reader.read(whole.retainedSlice(0, cut), recorder);
                    reader.read(whole.retainedSlice(cut, second - cut), recorder);
                    reader.read(whole.retainedSlice(second, whole.readableBytes() - second), recorder);
                    reader.release();
                    assertThat(recorder.events).as("cut at %d and %d", cut, second).containsExactly(
                            "head POST /x é1 end=false", "body hello, world, trailers grpc-status=0");
                }
            }
        } finally {
            whole.release();
        }
    }

    @Test
    void shouldRefuseAnUnknownRecordType() {
        HttpRecordReader reader = new HttpRecordReader();
        ByteBuf bad = Unpooled.buffer().writeByte(9).writeInt(0);
        assertThatThrownBy(() -> reader.read(bad, new Recorder()))
                .isInstanceOf(HttpRecordReader.BadRecordException.class).hasMessageContaining("type 9");
        assertThat(bad.refCnt()).isZero();
    }

    @Test
    void shouldRefuseAHeadRecordAboveTheLimit() {
        HttpRecordReader reader = new HttpRecordReader();
        ByteBuf big = Unpooled.buffer().writeByte(HttpRecords.HEAD).writeInt(HttpRecords.HEAD_BYTES_MAX + 1);
        assertThatThrownBy(() -> reader.read(big, new Recorder()))
                .isInstanceOf(HttpRecordReader.BadRecordException.class).hasMessageContaining("limit");
        reader.release();
    }

    @Test
    void shouldNotEncodeHeadersAboveTheLimit() {
        Http2Headers huge = new DefaultHttp2Headers().add("x-big", "v".repeat(HttpRecords.HEAD_BYTES_MAX));
        assertThat(HttpRecords.head(ALLOC, huge, true)).isNull();
    }
}
