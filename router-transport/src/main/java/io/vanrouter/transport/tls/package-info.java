/**
 * TLS for inter-router connections: the network's credentials ({@link io.vanrouter.transport.tls.LinkTls}), the
 * router id a certificate names ({@link io.vanrouter.transport.tls.RouterIdentity}) and the wording of TLS failures
 * for operators ({@link io.vanrouter.transport.tls.TlsFailures}).
 */
package io.vanrouter.transport.tls;
