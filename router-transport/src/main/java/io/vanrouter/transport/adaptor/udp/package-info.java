/**
 * The UDP adaptor: each client of a UDP listener becomes a datagram flow (one stream) to a connector site of its
 * address, and each datagram travels as one record of that stream (docs/adaptors.md).
 */
package io.vanrouter.transport.adaptor.udp;
