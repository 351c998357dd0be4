/**
 * The HTTP adaptor: HTTP/1.1 and HTTP/2 (gRPC) listeners and connectors, each request its own stream toward a
 * connector site chosen by the address's distribution (docs/adaptors.md).
 */
package io.vanrouter.transport.adaptor.http;
