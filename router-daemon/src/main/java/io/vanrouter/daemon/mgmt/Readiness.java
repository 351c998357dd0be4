package io.vanrouter.daemon.mgmt;

import java.util.Map;

/**
 * The answer to {@code GET /readyz}: 200 when {@code ready}, else 503; the body is this record as JSON (a short
 * reason and a few numbers), as Kubernetes readiness probes and load balancers expect.
 *
 * @param reason  why not ready ({@code shutting down}, {@code inter-router listener 0.0.0.0:55671 not bound}, ...);
 *                "ready" when ready
 * @param details counts behind the answer, e.g. links up and peers being retried
 */
public record Readiness(boolean ready, String reason, Map<String, Object> details) {
    public Readiness {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static Readiness ready(Map<String, Object> details) {
        return new Readiness(true, "ready", details);
    }

    public static Readiness notReady(String reason, Map<String, Object> details) {
        return new Readiness(false, reason, details);
    }
}
