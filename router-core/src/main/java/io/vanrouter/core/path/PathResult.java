package io.vanrouter.core.path;

import java.util.Map;
import java.util.Set;

/** Output of one {@link PathEngine} run: a route per reachable router, and the known routers no path reaches. */
public record PathResult(Map<String, Route> routes, Set<String> unreachable) {
}
