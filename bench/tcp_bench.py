#!/usr/bin/env python3
"""Helpers for bench/tcp-benchmark.sh: free ports, probes, output parsing, the 1,000-connection hold, the report.

Subcommands (all print to stdout; errors go to stderr with exit status 1):
  free-ports N                     N distinct free TCP ports on 127.0.0.1, below the ephemeral range
  wait-routes MGMT_PORT SECS ID..  wait until the router's GET /status lists every ID as reachable
  probe PORT SECS                  Redis PING through 127.0.0.1:PORT until +PONG (retrying) or SECS pass
  parse-iperf FILE                 iperf3 -J output -> "gbps gib" (received)
  parse-redis FILE                 redis-benchmark --csv output -> "rps p50_ms p99_ms"
  parse-wrk FILE                   wrk --latency output -> "rps p50_ms p99_ms requests"
  rss PID                          VmRSS of PID in MiB (one decimal)
  cpu SID...                       CPU seconds (user + system) of every process in the sessions SID..., including
                                   children they have reaped (a forking socat's finished children count)
  busiest N [EXCLUDE_PID]          the N processes that used the most CPU over the next second: "comm (pid) 37%, ..."
  hold PORT N SECS PID...          open N connections to 127.0.0.1:PORT, PING/PONG on each, keep them all open for
                                   SECS while sampling VmRSS of PIDs; prints "ok=N" and "peak_rss_mib_<i>=X" lines
  report CSV OUT.md ROUNDS SECS    medians, ratios and targets as Markdown (stdout and OUT.md)
"""
import csv
import re
import selectors
import socket
import statistics
import sys
import time

import benchlib
from benchlib import die, fmt, rss_mib

PING = b"*1\r\n$4\r\nPING\r\n"


def ping_once(port, timeout):
    with socket.create_connection(("127.0.0.1", int(port)), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(PING)
        buf = b""
        while not buf.endswith(b"\r\n"):
            chunk = s.recv(64)
            if not chunk:
                raise OSError("closed without a reply")
            buf += chunk
        if buf != b"+PONG\r\n":
            raise OSError(f"unexpected reply {buf!r}")


def probe(port, secs):
    deadline = time.time() + float(secs)
    last = "timeout"
    while time.time() < deadline:
        try:
            ping_once(port, max(0.5, min(2.0, deadline - time.time())))
            return
        except OSError as e:
            last = str(e) or type(e).__name__
        time.sleep(0.25)
    die(f"no PONG through port {port} within {secs} s ({last})")


def parse_iperf(path):
    d = benchlib.read_iperf(path)
    bps = d["end"]["sum_received"]["bits_per_second"]
    print(f"{bps / 1e9:.3f} {d['end']['sum_received']['bytes'] / 2**30:.4f}")


def parse_redis(path):
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if line.startswith('"')))
    if not rows:
        die("redis-benchmark: no CSV result line")
    r = rows[-1]
    print(f"{float(r['rps']):.1f} {float(r['p50_latency_ms']):.3f} {float(r['p99_latency_ms']):.3f}")


def wrk_ms(value):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        die(f"wrk: cannot read latency {value!r}")
    return float(m.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[m.group(2)]


def parse_wrk(path):
    with open(path) as f:
        text = f.read()
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    if not (rps and p50 and p99):
        die("wrk: no Requests/sec or latency distribution in output")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if errors:
        die(f"wrk: {errors.group(1)} non-2xx/3xx responses")
    count = re.search(r"^\s*(\d+) requests in", text, re.M)
    print(f"{float(rps.group(1)):.1f} {wrk_ms(p50.group(1)):.3f} {wrk_ms(p99.group(1)):.3f}"
          + (f" {count.group(1)}" if count else ""))


def hold(port, n, secs, pids):
    n = int(n)
    peaks = [0.0] * len(pids)

    def sample():
        for i, p in enumerate(pids):
            v = rss_mib(p)
            if v is not None:
                peaks[i] = max(peaks[i], v)

    socks = []
    deadline = time.time() + 60
    try:
        # Open in batches so the listener backlog is never the limit, then PING on every connection (so each one is
        # carried end to end, not only accepted by router A), then PING them all again while all are open.
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
            s.setblocking(False)
            socks.append(s)
            if len(socks) % 100 == 0:
                sample()
        for rnd in range(2):
            sel = selectors.DefaultSelector()
            pending = {}
            for s in socks:
                s.sendall(PING)
                pending[s] = b""
                sel.register(s, selectors.EVENT_READ)
            while pending:
                if time.time() > deadline:
                    die(f"hold: {len(pending)} of {n} connections gave no PONG in round {rnd + 1}")
                for key, _ in sel.select(timeout=0.5):
                    s = key.fileobj
                    data = s.recv(64)
                    if not data:
                        die("hold: a connection was closed by the far end")
                    pending[s] += data
                    if pending[s].endswith(b"\r\n"):
                        if pending[s] != b"+PONG\r\n":
                            die(f"hold: unexpected reply {pending[s]!r}")
                        del pending[s]
                        sel.unregister(s)
                sample()
            sel.close()
        end = time.time() + float(secs)
        while time.time() < end:
            sample()
            time.sleep(0.1)
        sample()
    except OSError as e:
        die(f"hold: {e} after {len(socks)} connections")
    finally:
        for s in socks:
            s.close()
    print(f"ok={len(socks)}")
    for i, v in enumerate(peaks):
        print(f"peak_rss_mib_{i}={v:.1f}")


# ---------------------------------------------------------------------------------------------------- report

PATHS = [("direct", "direct"), ("socat", "socat"), ("socat2", "two socat relays"), ("vr-ab", "vanrouter A→B"),
         ("vr-abc", "vanrouter A→B→C")]
# (case, metric, label, higher_is_better, format)
METRICS = [
    ("iperf1", "gbps", "iperf3 1 stream (Gbit/s)", True, "{:.2f}"),
    ("iperf8", "gbps", "iperf3 8 streams (Gbit/s)", True, "{:.2f}"),
    ("redis1", "rps", "redis PING 1 client (req/s)", True, "{:,.0f}"),
    ("redis1", "p50_ms", "redis PING 1 client p50 (ms)", False, "{:.3f}"),
    ("redis1", "p99_ms", "redis PING 1 client p99 (ms)", False, "{:.3f}"),
    ("redis1bulk", "rps", "redis PING 1 client during an iperf3 bulk stream on the same path (req/s)", True,
     "{:,.0f}"),
    ("redis1bulk", "p50_ms", "  same, p50 (ms)", False, "{:.3f}"),
    ("redis1bulk", "p99_ms", "  same, p99 (ms)", False, "{:.3f}"),
    ("redis1bulk", "bulk_gbps", "  same, the bulk stream beside them (Gbit/s)", True, "{:.2f}"),
    ("redis50", "rps", "redis PING 50 clients (req/s)", True, "{:,.0f}"),
    ("redis50", "p50_ms", "redis PING 50 clients p50 (ms)", False, "{:.3f}"),
    ("redis50", "p99_ms", "redis PING 50 clients p99 (ms)", False, "{:.3f}"),
    ("wrk50", "rps", "wrk nginx 50 conns (req/s)", True, "{:,.0f}"),
    ("wrk50", "p50_ms", "wrk nginx 50 conns p50 (ms)", False, "{:.3f}"),
    ("wrk50", "p99_ms", "wrk nginx 50 conns p99 (ms)", False, "{:.3f}"),
    ("newconn50", "rps", "new connections/s (50 clients, -k 0)", True, "{:,.0f}"),
    ("newconn50", "p99_ms", "new connection + PING p99 (ms)", False, "{:.3f}"),
]
# skupper-router 3.0.1, two routers, from issue 3: value and ratio to socat on the same machine.
ANCHORS = {
    ("iperf1", "gbps"): "1.67 (0.38)",
    ("redis1", "rps"): "2,119 (0.21)",
    ("redis1", "p50_ms"): "0.42",
    ("redis1", "p99_ms"): "1.7",
    ("redis50", "rps"): "14,530 (0.93)",
    ("wrk50", "rps"): "12,907 (0.80)",
    ("newconn50", "rps"): "613 (0.56)",
}
# CPU of the carrying processes (routers or socat) per unit of work: (case, metric, label, format).
CPU_METRICS = [
    ("iperf1", "cpu_s_per_gib", "iperf3 1 stream: CPU s per GiB", "{:.2f}"),
    ("iperf8", "cpu_s_per_gib", "iperf3 8 streams: CPU s per GiB", "{:.2f}"),
    ("redis1", "cpu_s_per_10k", "redis PING 1 client: CPU s per 10,000 requests", "{:.3f}"),
    ("redis50", "cpu_s_per_10k", "redis PING 50 clients: CPU s per 10,000 requests", "{:.3f}"),
    ("wrk50", "cpu_s_per_10k", "wrk nginx 50 conns: CPU s per 10,000 requests", "{:.3f}"),
    ("newconn50", "cpu_s_per_10k", "new connections: CPU s per 10,000 connections", "{:.3f}"),
]
# Targets for vanrouter A→B, as ratios to socat from the same run.
TARGETS = [
    ("iperf1", "gbps", 0.75, "single-stream throughput ≥ 0.75 × socat"),
    ("newconn50", "rps", 1.10, "new connections/s ≥ 1.1 × socat"),
    ("redis1", "rps", 0.32, "1-client req/s ≥ 0.32 × socat"),
    ("redis50", "rps", 0.93, "50-client req/s ≥ 0.93 × socat"),
]


# The cases in the CPU steal table: (case, label).
STEAL_CASES = [("iperf1", "iperf3 1 stream"), ("iperf8", "iperf3 8 streams"), ("redis1", "redis 1 client"),
               ("redis1bulk", "redis 1 client + bulk"), ("redis50", "redis 50 clients"), ("wrk50", "wrk 50 conns"),
               ("newconn50", "new connections")]


def degraded(by_round, case, metric):
    """" (degraded: ...)" when A→B or socat ran this case with more CPU steal than the limit in some round."""
    parts = [f"{label} in " + ", ".join(f"r{r}" for r in rounds)
             for path, label in (("vr-ab", "A→B"), ("socat", "socat"))
             for rounds in [benchlib.degraded_rounds(by_round, (path, case, metric))] if rounds]
    return f" (degraded: CPU steal above {benchlib.steal_limit():g} % for {'; '.join(parts)})" if parts else ""


def read_rounds(csv_path):
    """(path, case, metric) -> {round: value}, with CPU per GiB and per 10,000 requests derived; and failure notes."""
    by_round, notes = benchlib.read_path_rounds(csv_path)
    benchlib.derive_cpu(by_round, [("gib", "cpu_s_per_gib", 1.0, None), ("requests", "cpu_s_per_10k", 1e4, None)])
    return by_round, notes


def report(csv_path, out_path, rounds, secs):
    by_round, notes = read_rounds(csv_path)
    values = {k: list(v.values()) for k, v in by_round.items()}

    def med(path, case, metric):
        v = values.get((path, case, metric))
        return statistics.median(v) if v else None

    def ratio(a, b):
        return None if a is None or b in (None, 0) else a / b

    out = []
    out.append(f"## TCP benchmark results ({rounds} rounds, {secs} s per case, medians of the rounds)\n")
    out.append("Ratios are the vanrouter figure divided by socat's or direct's from the same run (for latencies a ratio "
               "above 1 is worse). skupper-router anchor from issue 3 (ratio to socat in brackets).\n")
    head = ["metric", "direct", "socat", "A→B", "A→B / socat", "A→B / direct", "A→B→C", "A→B→C / socat",
            "A→B→C / direct", "skupper anchor"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 2) + ["---"]) + "|")
    for case, metric, label, _, f in METRICS:
        d, s = med("direct", case, metric), med("socat", case, metric)
        ab, abc = med("vr-ab", case, metric), med("vr-abc", case, metric)
        cells = [label, fmt(d, f), fmt(s, f), fmt(ab, f), fmt(ratio(ab, s), "{:.2f}"), fmt(ratio(ab, d), "{:.2f}"),
                 fmt(abc, f), fmt(ratio(abc, s), "{:.2f}"), fmt(ratio(abc, d), "{:.2f}"),
                 ANCHORS.get((case, metric), "")]
        out.append("| " + " | ".join(cells) + " |")

    # Two relays in series (--paths ...,socat2): what any path of two relay processes does on this machine.
    if any(p == "socat2" for p, _, _ in values):
        out.append("")
        out.append("Two socat relays in series (socat2), the yardstick for a path of two relay processes: each "
                   "request or byte wakes and crosses two processes, as on A→B.\n")
        head = ["metric", "socat", "two socat relays", "two socat / socat", "A→B", "A→B / two socat"]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|")
        for case, metric, label, _, f in METRICS:
            s, s2, ab = med("socat", case, metric), med("socat2", case, metric), med("vr-ab", case, metric)
            if s2 is None:
                continue
            out.append(f"| {label} | {fmt(s, f)} | {fmt(s2, f)} | {fmt(ratio(s2, s), '{:.2f}')} | {fmt(ab, f)} "
                       f"| {fmt(ratio(ab, s2), '{:.2f}')} |")

    # Router memory: the largest VmRSS seen after any case, per router, and the 1,000-connection hold.
    out.append("")
    rss_lines = []
    for path, label in [(p, l) for p, l in PATHS if p.startswith("vr-")]:
        per_router = benchlib.router_rss(by_round, path, skip_case="hold1000")
        if per_router:
            rss_lines.append(f"- {label}: RSS after the cases, max over cases and rounds: " + ", ".join(
                f"router {r.upper()} {max(v):.0f} MiB" for r, v in sorted(per_router.items())))
    ok = med("vr-ab", "hold1000", "ok")
    hold_peaks = {m[5:-4]: med("vr-ab", "hold1000", m) for (p, c, m) in values if p == "vr-ab" and c == "hold1000"
                  and m.startswith("peak_")}
    if hold_peaks:
        rss_lines.append(f"- vanrouter A→B holding {ok:.0f} open connections: peak RSS " + ", ".join(
            f"router {r.upper()} {v:.0f} MiB" for r, v in sorted(hold_peaks.items())))
    out.extend(rss_lines or ["- router RSS: n/a (no vanrouter case ran)"])

    # CPU per unit of work: routers against socat.
    out.append("")
    out.append("CPU seconds (user + system, `/proc/PID/stat` before and after each case) of the processes that carry "
               "the path: the routers of the path (A and B, or A, B and C), or the socat relays with their forked "
               "children; per GiB received by iperf3 or per 10,000 requests (connections for newconn50); median of "
               "the rounds. A ratio below 1 means the routers used less CPU than socat for the same work.\n")
    head = ["case", "socat", "A→B", "A→B / socat", "A→B→C", "A→B→C / socat"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|---|" + "---:|" * (len(head) - 1))
    for case, metric, label, f in CPU_METRICS:
        s, ab, abc = med("socat", case, metric), med("vr-ab", case, metric), med("vr-abc", case, metric)
        out.append(f"| {label} | {fmt(s, f)} | {fmt(ab, f)} | {fmt(ratio(ab, s), '{:.2f}')} | {fmt(abc, f)} "
                   f"| {fmt(ratio(abc, s), '{:.2f}')} |")

    # Spread of the rounds and every round's figures.
    out.append("")
    out.append("Spread of the rounds per path (every round's figure in round order; max/min near 1 means a steady "
               "path, far above 1 a noisy machine or an unsteady path):\n")
    out.append("| metric | path | min | median | max | max/min | rounds |")
    out.append("|---|---|---:|---:|---:|---:|---|")
    spread = [(c, m, l, f) for c, m, l, _, f in METRICS] + CPU_METRICS
    out.extend(benchlib.spread_rows(by_round, spread, PATHS))

    # How much CPU the host took from each measurement.
    steal = benchlib.steal_rows(by_round, STEAL_CASES, PATHS)
    if steal:
        out.append("")
        out.extend(steal)

    # Targets.
    out.append("")
    out.append("Targets for vanrouter A→B (issue 3):")
    for case, metric, want, text in TARGETS:
        r = ratio(med("vr-ab", case, metric), med("socat", case, metric))
        verdict = "n/a" if r is None else ("PASS" if r >= want else "FAIL")
        out.append(f"- {text}: {fmt(r, '{:.2f}')} → {verdict}{degraded(by_round, case, metric)}")
    p99 = med("vr-ab", "redis1", "p99_ms")
    verdict = "n/a" if p99 is None else ("PASS" if p99 <= 1.7 else "FAIL")
    out.append(f"- 1-client p99 no worse than skupper-router's 1.7 ms: {fmt(p99, '{:.3f}')} ms → {verdict}")
    peak = max(hold_peaks.values()) if hold_peaks else None
    verdict = "n/a" if peak is None or not ok or ok < 1000 else ("PASS" if peak < 200 else "FAIL")
    out.append(f"- RSS < 200 MiB per router at 1,000 open connections: {fmt(peak, '{:.0f}')} MiB → {verdict}")

    benchlib.finish_report(out, notes, out_path, "Cases that did not run or failed (first reason):")


def main(argv):
    benchlib.run_command(argv, __doc__, {
        "probe": lambda a: probe(a[0], a[1]),
        "parse-iperf": lambda a: parse_iperf(a[0]),
        "parse-redis": lambda a: parse_redis(a[0]),
        "parse-wrk": lambda a: parse_wrk(a[0]),
        "hold": lambda a: hold(a[0], a[1], a[2], a[3:]),
        "report": lambda a: report(a[0], a[1], a[2], a[3]),
    })

if __name__ == "__main__":
    main(sys.argv)
