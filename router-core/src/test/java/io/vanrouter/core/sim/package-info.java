/** Deterministic whole-network simulation of many router cores on one thread, with a seeded random schedule. */
package io.vanrouter.core.sim;
