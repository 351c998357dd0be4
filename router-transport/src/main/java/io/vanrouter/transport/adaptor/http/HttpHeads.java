package io.vanrouter.transport.adaptor.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Converts message heads between HTTP/1.1 and the HTTP/2 form the records carry. Connection-specific headers
 * (RFC 9113 §8.2.2: Connection and what it names, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade, and TE
 * other than {@code trailers}) belong to one hop and are dropped; Host becomes {@code :authority} and back.
 *
 * <p>Pure functions; any thread.
 */
final class HttpHeads {
    private static final Set<AsciiString> HOP_BY_HOP = Set.of(HttpHeaderNames.CONNECTION,
            AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"), HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE, HttpHeaderNames.HOST);

    private HttpHeads() {
    }

    /** An HTTP/1.1 request's head in HTTP/2 form ({@code scheme} for {@code :scheme}). */
    static Http2Headers fromRequest(HttpRequest request, String scheme) {
        Http2Headers out = new DefaultHttp2Headers(false);
        out.method(request.method().asciiName());
        out.scheme(scheme);
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host != null) {
            out.authority(host);
        }
        out.path(request.uri());
        copyFields(request.headers(), out);
        return out;
    }

    /** An HTTP/1.1 response's head in HTTP/2 form. */
    static Http2Headers fromResponse(HttpResponse response) {
        Http2Headers out = new DefaultHttp2Headers(false);
        out.status(response.status().codeAsText());
        copyFields(response.headers(), out);
        return out;
    }

    /** Trailing headers of an HTTP/1.1 chunked message in HTTP/2 form. */
    static Http2Headers fromTrailers(HttpHeaders trailers) {
        Http2Headers out = new DefaultHttp2Headers(false);
        copyFields(trailers, out);
        return out;
    }

    private static void copyFields(HttpHeaders in, Http2Headers out) {
        Set<String> named = connectionNamed(in);
        for (Map.Entry<String, String> header : in) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            AsciiString ascii = AsciiString.of(name);
            if (HOP_BY_HOP.contains(ascii) || named.contains(name)) {
                continue;
            }
            if (name.equals("te") && !header.getValue().trim().equalsIgnoreCase("trailers")) {
                continue;
            }
            out.add(ascii, header.getValue());
        }
    }

    private static Set<String> connectionNamed(HttpHeaders in) {
        Set<String> named = new HashSet<>();
        for (String value : in.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                named.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return named;
    }

    /**
     * An HTTP/1.1 request from a head in HTTP/2 form. Without a body ({@code end}) it has no framing headers; else it
     * keeps Content-Length when known and is chunked otherwise.
     */
    static HttpRequest toRequest(Http2Headers head, boolean end) {
        CharSequence method = head.method();
        CharSequence path = head.path();
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(method == null ? "GET" : method.toString()), path == null ? "/" : path.toString());
        if (head.authority() != null) {
            request.headers().set(HttpHeaderNames.HOST, head.authority());
        }
        copyFields(head, request.headers());
        frame(request, end);
        return request;
    }

    /** An HTTP/1.1 response from a head in HTTP/2 form; framed as {@link #toRequest}. */
    static HttpResponse toResponse(Http2Headers head, boolean end) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(parseStatus(head.status()));
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        copyFields(head, response.headers());
        int code = status.code();
        boolean bodiless = code < 200 || code == 204 || code == 304;
        if (!bodiless) {
            frame(response, end);
        }
        return response;
    }

    static int parseStatus(CharSequence status) {
        try {
            return status == null ? 502 : Integer.parseInt(status.toString());
        } catch (NumberFormatException e) {
            return 502;
        }
    }

    private static void frame(HttpMessage message, boolean end) {
        HttpHeaders headers = message.headers();
        if (end) {
            if (message instanceof HttpResponse && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
            }
        } else if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setTransferEncodingChunked(message, true);
        }
    }

    private static void copyFields(Http2Headers in, HttpHeaders out) {
        for (Map.Entry<CharSequence, CharSequence> header : in) {
            CharSequence name = header.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            if (HOP_BY_HOP.contains(AsciiString.of(name))) {
                continue;
            }
            out.add(name, header.getValue());
        }
    }

    /** Trailers for an HTTP/1.1 chunked message, without pseudo-headers. */
    static void toTrailers(Http2Headers in, HttpHeaders out) {
        copyFields(in, out);
    }
}
