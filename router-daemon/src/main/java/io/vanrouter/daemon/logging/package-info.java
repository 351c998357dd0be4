/** Log format (text or JSON lines) and per-subsystem levels from the configuration, applied through Logback. */
package io.vanrouter.daemon.logging;
