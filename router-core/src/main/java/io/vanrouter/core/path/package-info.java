/** Shortest paths (Dijkstra) over the link-state database, and the immutable routing table it yields. */
package io.vanrouter.core.path;
