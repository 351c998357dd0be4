/** Immutable views of core state for status and management; built on the core thread, read anywhere. */
package io.vanrouter.core.status;
