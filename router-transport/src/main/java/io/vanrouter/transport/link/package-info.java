/** Inter-router links: pipeline set-up, handshake, active links, their registry, dialers and the core's sender. */
package io.vanrouter.transport.link;
