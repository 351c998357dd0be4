#!/usr/bin/env python3
"""Helpers for bench/http-benchmark.sh: h2load output and log parsing, router HTTP counters, the report.

Subcommands (all print to stdout; errors go to stderr with exit status 1):
  parse-h2load OUT LOG SECS  h2load's output and its --log-file -> "rps done ok failed errored timeout non2xx
                             unfinished p50_ms p90_ms p99_ms max_ms" (rps = requests with a 2xx / SECS, the measured duration)
  http-counters MGMT LABEL   the router's http[] rows from GET /status, a Markdown table row per address and site
  free-ports N | wait-routes MGMT_PORT SECS ID.. | cpu SID... | busiest N [PID] | rss PID    as tcp_bench.py
  report CSV OUT.md ROUNDS SECS   per case: medians per path, per-round ratios to socat and to direct, CPU per
                                  10,000 requests, the spread of the rounds (stdout and OUT.md)
"""
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402 - shared helpers of the bench scripts (same directory)
from benchlib import die, fmt  # noqa: E402


def percentile(sorted_vals, q):
    """Nearest-rank percentile (the value at or below which q % of the requests finished)."""
    if not sorted_vals:
        return None
    k = max(0, min(len(sorted_vals) - 1, -(-len(sorted_vals) * q // 100) - 1))
    return sorted_vals[int(k)]


def parse_h2load(out_path, log_path, secs):
    with open(out_path) as f:
        text = f.read()
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, "
                  r"(\d+) timeout", text)
    codes = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    if not (m and codes):
        die("h2load: no statistics in output: " + text.strip()[-300:].replace("\n", " "))
    started, done, ok, failed, errored, timeout = (int(m.group(i)) for i in (2, 3, 4, 5, 6, 7))
    n2xx = int(codes.group(1))
    non2xx = sum(int(codes.group(i)) for i in (2, 3, 4))
    # h2load prints min/max/mean/sd only; the log has one line per request of the measured duration (the warm-up's
    # are not in it): start time in µs since the epoch, status (-1: the stream failed), µs until the response's end.
    lat = []
    with open(log_path) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 3 and parts[1] != "-1":
                lat.append(int(parts[2]))
    if not lat:
        die("h2load: no completed request in the log")
    lat.sort()
    ms = [percentile(lat, q) / 1000.0 for q in (50, 90, 99)] + [lat[-1] / 1000.0]
    print(f"{n2xx / float(secs):.1f} {done} {ok} {failed} {errored} {timeout} {non2xx} {started - done} "
          + " ".join(f"{v:.3f}" for v in ms))


def http_counters(mgmt_port, label):
    """Markdown table rows of the router's http[] rows (status): see http-benchmark.sh's report."""
    for c in benchlib.status_or_die(mgmt_port).get("http", []):
        def g(k):
            return c.get(k, 0) or 0
        print(f"| {label} | {c.get('address', '?')} | {c.get('site', '?')} | {g('requests'):,} | {g('status2xx'):,} "
              f"| {g('status4xx') + g('status3xx'):,} | {g('status5xx'):,} | {g('failed'):,} | {g('served'):,} "
              f"| {g('badRequests'):,} | {g('p50Micros') / 1000:.2f} | {g('p99Micros') / 1000:.2f} |")


# ---------------------------------------------------------------------------------------------------- report

PATHS = [("direct", "direct"), ("socat", "socat"), ("nghttpx", "nghttpx"), ("vr-ab", "vanrouter A→B"),
         ("vr-abc", "vanrouter A→B→C")]
RELAYS = ["socat", "nghttpx", "vr-ab", "vr-abc"]  # paths with a relay whose CPU is measured
# Ratios per round: metric -> the bases it is compared with (the paths of a round run one after another, so they
# share its conditions; CPU has no direct figure: nothing relays).
RATIO_BASES = {"rps": ("socat", "direct"), "p99_ms": ("socat", "direct"), "cpu_s_per_10k": ("socat",)}


def read_rounds(csv_path):
    """(path, case, metric) -> {round: value}, with CPU per 10,000 requests and the per-round ratios; failure notes."""
    by_round, notes = benchlib.read_path_rounds(csv_path)
    benchlib.derive_cpu(by_round, [("ok", "cpu_s_per_10k", 1e4, None)])
    for path, case, metric in list(by_round):
        for base in RATIO_BASES.get(metric, ()):
            if path != base:
                benchlib.add_ratio(by_round, path, case, metric, base)
    return by_round, notes


def report(csv_path, out_path, rounds, secs, case_labels):
    by_round, notes = read_rounds(csv_path)

    def med(path, case, metric):
        v = by_round.get((path, case, metric))
        return statistics.median(v.values()) if v else None

    cases = []
    for (_, case, _) in by_round:
        if case not in cases:
            cases.append(case)
    cases.sort(key=lambda c: list(case_labels).index(c) if c in case_labels else 99)
    out = [f"## HTTP/2 benchmark results ({rounds} rounds, {secs} s per case, medians of the rounds)\n",
           "req/s: responses with a 2xx per second of h2load's measured duration (after its warm-up). p50/p99: from "
           "h2load's per-request log (request sent to response's end, as the client saw it). `/ socat` and "
           "`/ direct` are medians of the per-round ratios (the path's figure ÷ the base's from the same round): "
           "above 1 is more req/s, or a longer p99. CPU: user + system seconds (`/proc/PID/stat`, over the measured "
           "duration) of the processes that relay: socat with its forked children, nghttpx's processes, the routers "
           "of the path; per 10,000 requests answered with a 2xx. errors: h2load's failed + errored + timeout + "
           "non-2xx over all rounds (a valid run has 0).\n"]
    head = ["path", "req/s", "/ socat", "/ direct", "p50 ms", "p99 ms", "p99 / socat", "p99 / direct",
            "CPU s / 10k req", "CPU / socat", "errors"]
    for case in cases:
        out.append(f"### {case}: {case_labels.get(case, case)}\n")
        out.append("| " + " | ".join(head) + " |")
        out.append("|---|" + "---:|" * (len(head) - 1))
        for path, plabel in PATHS:
            if not any(k[0] == path and k[1] == case for k in by_round):
                if (path, case) in notes:
                    out.append(f"| {plabel} | failed: {notes[(path, case)][:120]} |" + " |" * (len(head) - 2))
                continue
            errs = sum(sum(by_round.get((path, case, m), {}).values())
                       for m in ("failed", "errored", "timeout", "non2xx", "unfinished"))
            cells = [plabel, fmt(med(path, case, "rps"), "{:,.0f}"),
                     fmt(med(path, case, "rps_vs_socat"), "{:.2f}"), fmt(med(path, case, "rps_vs_direct"), "{:.2f}"),
                     fmt(med(path, case, "p50_ms"), "{:.2f}"), fmt(med(path, case, "p99_ms"), "{:.2f}"),
                     fmt(med(path, case, "p99_ms_vs_socat"), "{:.2f}"),
                     fmt(med(path, case, "p99_ms_vs_direct"), "{:.2f}"),
                     fmt(med(path, case, "cpu_s_per_10k"), "{:.3f}"),
                     fmt(med(path, case, "cpu_s_per_10k_vs_socat"), "{:.2f}"), f"{errs:.0f}"]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")

    # RSS of the routers after the cases.
    for path, label in PATHS[3:]:
        per_router = benchlib.router_rss(by_round, path)
        if per_router:
            out.append(f"- {label}: router RSS after the cases, max over cases and rounds: " + ", ".join(
                f"{r.upper()} {max(v):.0f} MiB" for r, v in sorted(per_router.items())))
    out.append("")
    out.append("Spread of the rounds per path (every round's figure in round order; max/min near 1 means a steady "
               "path, far above 1 a noisy machine or an unsteady path; `/ socat` and `/ direct` rows are the "
               "per-round ratios):\n")
    out.append("| metric | path | min | median | max | max/min | rounds |")
    out.append("|---|---|---:|---:|---:|---:|---|")
    spread = []
    for case in cases:
        spread += [(case, "rps", f"{case}: req/s", "{:,.0f}"),
                   (case, "rps_vs_socat", f"{case}: req/s / socat", "{:.2f}"),
                   (case, "rps_vs_direct", f"{case}: req/s / direct", "{:.2f}"),
                   (case, "p99_ms", f"{case}: p99 ms", "{:.2f}"),
                   (case, "p99_ms_vs_socat", f"{case}: p99 / socat", "{:.2f}"),
                   (case, "cpu_s_per_10k", f"{case}: CPU s per 10k requests", "{:.3f}"),
                   (case, "cpu_s_per_10k_vs_socat", f"{case}: CPU / socat", "{:.2f}")]
    out.extend(benchlib.spread_rows(by_round, spread, PATHS))

    benchlib.finish_report(out, notes, out_path, "Cases that did not run, failed or had errors (first reason):")


def main(argv):
    benchlib.run_command(argv, __doc__, {
        "parse-h2load": lambda a: parse_h2load(a[0], a[1], a[2]),
        "http-counters": lambda a: http_counters(a[0], a[1]),
        # Case labels follow as "name=label" arguments, in the script's order.
        "report": lambda a: report(a[0], a[1], a[2], a[3], dict(label.split("=", 1) for label in a[4:])),
    })

if __name__ == "__main__":
    main(sys.argv)
