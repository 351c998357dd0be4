/** What the core needs from the outside world: a way to send control messages and a clock. */
package io.vanrouter.core.port;
