/** Network credentials: the network CA, router certificates, revocation lists, join tokens and the tls file checks. */
package io.vanrouter.daemon.security;
