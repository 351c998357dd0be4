package io.vanrouter.transport.adaptor.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

/** Heads between HTTP/1.1 and the HTTP/2 form: pseudo-headers, Host, and what belongs to one hop only. */
class HttpHeadsTest {

    @Test
    void shouldDropConnectionSpecificHeadersAndMapHostToAuthority() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/a?b=1");
        request.headers().add("Host", "svc:8080").add("Connection", "keep-alive, X-Hop").add("X-Hop", "1")
                .add("Transfer-Encoding", "chunked").add("TE", "gzip").add("X-Kept", "yes");
        Http2Headers head = HttpHeads.fromRequest(request, "http");
        assertThat(head.method().toString()).isEqualTo("PUT");
        assertThat(head.path().toString()).isEqualTo("/a?b=1");
        assertThat(head.authority().toString()).isEqualTo("svc:8080");
        assertThat(head.get("x-kept").toString()).isEqualTo("yes");
        assertThat(head.contains("x-hop")).isFalse();
        assertThat(head.contains("connection")).isFalse();
        assertThat(head.contains("transfer-encoding")).isFalse();
        assertThat(head.contains("te")).isFalse();
    }

    @Test
    void shouldFrameAnHttp1RequestWithoutKnownLengthAsChunked() {
        Http2Headers head = new DefaultHttp2Headers().method("POST").path("/up").authority("svc").scheme("http");
        HttpRequest withBody = HttpHeads.toRequest(head, false);
        assertThat(withBody.headers().get("transfer-encoding")).isEqualTo("chunked");
        assertThat(withBody.headers().get("host")).isEqualTo("svc");
        HttpRequest bodiless = HttpHeads.toRequest(head, true);
        assertThat(bodiless.headers().contains("transfer-encoding")).isFalse();
        assertThat(bodiless.headers().contains("content-length")).isFalse();
    }

    @Test
    void shouldCarryTheStatusBothWays() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
        response.headers().add("Content-Length", "3");
        Http2Headers head = HttpHeads.fromResponse(response);
        assertThat(head.status().toString()).isEqualTo("404");
        HttpResponse back = HttpHeads.toResponse(head, false);
        assertThat(back.status().code()).isEqualTo(404);
        assertThat(back.headers().get("content-length")).isEqualTo("3");
        assertThat(HttpHeads.toResponse(new DefaultHttp2Headers().status("204"), true).headers()
                .contains("content-length")).isFalse();
    }
}
