#!/usr/bin/env python3
"""Helpers for bench/udp-benchmark.sh: free ports, a DNS probe, output parsing, router UDP counters, the report.

Subcommands (all print to stdout; errors go to stderr with exit status 1):
  free-ports N                     N distinct ports on 127.0.0.1, free for TCP and for UDP, below the ephemeral range
  wait-routes MGMT_PORT SECS ID..  as tcp_bench.py: until the router's GET /status lists every ID as reachable
  probe-dns PORT SECS              an A query for probe.bench.test to 127.0.0.1:PORT until an answer or SECS pass
  parse-iperf-udp FILE             iperf3 -u -J output -> "rx_mbps loss_pct jitter_ms rx_gib rx_pkts rx_pps tx_mbps"
  parse-dnsperf FILE               dnsperf output -> "qps lost_pct avg_latency_ms completed"
  udp-counters MGMT_PORT LABEL     the router's udp[] counters from GET /status, a Markdown table row per address
  cpu SID... | busiest N [PID] | rss PID    as tcp_bench.py
  report CSV OUT.md ROUNDS SECS    medians, per-round ratios to socat and the spread as Markdown (stdout and OUT.md)
"""
import os
import random
import re
import socket
import statistics
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402 - shared helpers of the bench scripts (same directory)
from benchlib import die, fmt  # noqa: E402


def dns_query(qid, name):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack("!HH", 1, 1)


def probe_dns(port, secs):
    """One client socket (one flow) asking again every half second: a router path may need a moment for the address."""
    deadline = time.time() + float(secs)
    last = "no answer"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        qid = random.randrange(1 << 16)
        while time.time() < deadline:
            try:
                s.sendto(dns_query(qid, "probe.bench.test"), ("127.0.0.1", int(port)))
                data, _ = s.recvfrom(4096)
                rid, flags, _, ancount = struct.unpack("!HHHH", data[:8])
                if rid == qid and ancount >= 1:
                    return
                last = f"reply without an answer (rcode {flags & 0xF})"
            except socket.timeout:
                last = "no answer"
            except OSError as e:
                last = str(e)
    die(f"no DNS answer through port {port} within {secs} s ({last})")


def parse_iperf_udp(path):
    d = benchlib.read_iperf(path)
    rx, tx = d["end"]["sum_received"], d["end"]["sum_sent"]
    # Received per second of the test (the client's sending time), so that received = offered x (1 - loss). iperf3's
    # own sum_received.bits_per_second divides by the receiver's elapsed time, which in short runs on a busy machine
    # can be far from the test's length (seen: 63 Mbit/s received at 1.3 % loss of 98 offered).
    secs = tx.get("seconds") or rx.get("seconds") or 1.0
    pkts = rx["packets"] - rx["lost_packets"]
    print(f"{rx['bytes'] * 8 / secs / 1e6:.2f} {max(0.0, rx['lost_percent']):.3f} {rx['jitter_ms']:.4f} "
          f"{rx['bytes'] / 2**30:.5f} {pkts} {pkts / secs:.0f} {tx['bits_per_second'] / 1e6:.2f}")


def parse_dnsperf(path):
    with open(path) as f:
        text = f.read()
    qps = re.search(r"Queries per second:\s+([\d.]+)", text)
    completed = re.search(r"Queries completed:\s+(\d+)", text)
    lost = re.search(r"Queries lost:\s+\d+ \(([\d.]+)%\)", text)
    lat = re.search(r"Average Latency \(s\):\s+([\d.]+)", text)
    if not (qps and completed and lost and lat):
        die("dnsperf: no statistics in output: " + text.strip()[-300:].replace("\n", " "))
    if int(completed.group(1)) == 0:
        die("dnsperf: no query completed")
    print(f"{float(qps.group(1)):.1f} {float(lost.group(1)):.3f} {float(lat.group(1)) * 1e3:.3f} {completed.group(1)}")


def udp_counters(mgmt_port, label):
    """Markdown table rows of the router's udp[] counters (status), one per address: see udp-benchmark.sh's report."""
    for c in benchlib.status_or_die(mgmt_port).get("udp", []):
        other = sum(c.get(k, 0) for k in ("droppedNoConnector", "droppedFlowLimit", "droppedTooLarge"))
        print(f"| {label} | {c.get('address', '?')} | {c.get('flowsStarted', 0)} | {c.get('flowsServed', 0)} "
              f"| {c.get('datagramsIn', 0):,} | {c.get('datagramsOut', 0):,} | {c.get('droppedCongested', 0):,} "
              f"| {c.get('droppedSocketBusy', 0):,} | {other:,} |")


# ---------------------------------------------------------------------------------------------------- report

PATHS = [("direct", "direct"), ("socat", "socat"), ("vr-ab", "vanrouter A→B"), ("vr-abc", "vanrouter A→B→C")]
RATE_CASES = [("rate100m", 100), ("rate500m", 500), ("rate1g", 1000)]
# (case, metric, label, format, ratio to socat?)
METRICS = [
    ("rate100m", "rx_mbps", "iperf3 -u -b 100M -l 1400: received Mbit/s", "{:.1f}", True),
    ("rate100m", "loss_pct", "  same, loss %", "{:.2f}", False),
    ("rate100m", "jitter_ms", "  same, jitter ms", "{:.3f}", False),
    ("rate500m", "rx_mbps", "iperf3 -u -b 500M -l 1400: received Mbit/s", "{:.1f}", True),
    ("rate500m", "loss_pct", "  same, loss %", "{:.2f}", False),
    ("rate500m", "jitter_ms", "  same, jitter ms", "{:.3f}", False),
    ("rate1g", "rx_mbps", "iperf3 -u -b 1G -l 1400: received Mbit/s", "{:.1f}", True),
    ("rate1g", "loss_pct", "  same, loss %", "{:.2f}", False),
    ("rate1g", "jitter_ms", "  same, jitter ms", "{:.3f}", False),
    ("ratemax", "tx_mbps", "iperf3 -u -b 0 -l 1400 (as fast as the client can): offered Mbit/s", "{:.1f}", True),
    ("ratemax", "rx_mbps", "  same, received Mbit/s", "{:.1f}", True),
    ("ratemax", "loss_pct", "  same, loss %", "{:.2f}", False),
    ("knee", "knee_mbps", "highest offered rate with loss ≤ 1 % (bisection, -l 1400): Mbit/s", "{:.0f}", True),
    ("small64", "rx_pps", "iperf3 -u -b 0 -l 64: received datagrams/s", "{:,.0f}", True),
    ("small64", "loss_pct", "  same, loss %", "{:.2f}", False),
    ("small64", "jitter_ms", "  same, jitter ms", "{:.3f}", False),
    ("dns", "qps", "dnsperf against dnsmasq: queries/s", "{:,.0f}", True),
    ("dns", "lost_pct", "  same, queries lost %", "{:.2f}", False),
    ("dns", "latency_ms", "  same, average latency ms", "{:.3f}", False),
]
# CPU of the carrying processes per unit of work: (case, metric, label, format).
CPU_METRICS = [
    ("rate100m", "cpu_s_per_gib", "-b 100M: CPU s per GiB received", "{:.2f}"),
    ("rate500m", "cpu_s_per_gib", "-b 500M: CPU s per GiB received", "{:.2f}"),
    ("rate1g", "cpu_s_per_gib", "-b 1G: CPU s per GiB received", "{:.2f}"),
    ("ratemax", "cpu_s_per_gib", "-b 0: CPU s per GiB received", "{:.2f}"),
    ("small64", "cpu_s_per_gib", "-l 64: CPU s per GiB received", "{:.2f}"),
    ("small64", "cpu_s_per_mpkt", "-l 64: CPU s per million datagrams received", "{:.2f}"),
    ("dns", "cpu_s_per_10k", "dns: CPU s per 10,000 queries answered", "{:.3f}"),
]


def spread_label(case, label):
    """A METRICS label that stands on its own ("  same, loss %" needs its case)."""
    return f"{case}: {label.strip()[len('same, '):]}" if label.startswith("  same, ") else label


def read_rounds(csv_path):
    """(path, case, metric) -> {round: value} with CPU per unit of work and per-round ratios to socat; failure notes."""
    by_round, notes = benchlib.read_path_rounds(csv_path)
    benchlib.derive_cpu(by_round, [("rx_gib", "cpu_s_per_gib", 1.0, None),
                                   ("rx_pkts", "cpu_s_per_mpkt", 1e6, {"small64"}),
                                   ("completed", "cpu_s_per_10k", 1e4, None)])
    # Ratios to socat from the same round.
    wanted = [(c, m) for c, m, _, _, r in METRICS if r] + [(c, m) for c, m, _, _ in CPU_METRICS]
    for case, metric in wanted:
        for path in ("vr-ab", "vr-abc"):
            benchlib.add_ratio(by_round, path, case, metric, "socat")
    return by_round, notes


def report(csv_path, out_path, rounds, secs):
    by_round, notes = read_rounds(csv_path)

    def med(path, case, metric):
        v = by_round.get((path, case, metric))
        return statistics.median(v.values()) if v else None

    out = [f"## UDP benchmark results ({rounds} rounds, {secs} s per case, medians of the rounds)\n",
           "X / socat is the median of the per-round ratios (vanrouter's figure ÷ socat's from the same round). Loss "
           "is iperf3's: datagrams the server never saw, by sequence number (the relays' and the kernel's drops "
           "alike).\n"]
    head = ["metric", "direct", "socat", "A→B", "A→B / socat", "A→B→C", "A→B→C / socat"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|---|" + "---:|" * (len(head) - 1))
    for case, metric, label, f, has_ratio in METRICS:
        if not any(by_round.get((p, case, metric)) for p, _ in PATHS):
            continue
        cells = [label.strip() if not label.startswith("  ") else "↳ " + label.strip(),
                 fmt(med("direct", case, metric), f), fmt(med("socat", case, metric), f)]
        for path in ("vr-ab", "vr-abc"):
            cells.append(fmt(med(path, case, metric), f))
            cells.append(fmt(med(path, case, metric + "_vs_socat"), "{:.2f}") if has_ratio else "")
        out.append("| " + " | ".join(cells) + " |")

    # The ladder read as "the highest offered rate whose median loss stayed at or below 1 %".
    ladder = []
    for path, label in PATHS:
        ok = [mbps for case, mbps in RATE_CASES
              if (loss := med(path, case, "loss_pct")) is not None and loss <= 1.0]
        tried = [mbps for case, mbps in RATE_CASES if med(path, case, "loss_pct") is not None]
        if tried:
            ladder.append(f"{label} {max(ok) if ok else '< ' + str(min(tried))} Mbit/s")
    if ladder:
        out.append("")
        out.append("Highest rung of the ladder (100M, 500M, 1G) with median loss ≤ 1 %: " + ", ".join(ladder) + ".")

    out.append("")
    out.append("CPU seconds (user + system, `/proc/PID/stat` before and after each case) of the processes that carry "
               "the path: the routers of the path, or the socat relays (TCP and UDP, with their forked children); "
               "per GiB (or million datagrams) iperf3's server received, per 10,000 queries dnsperf got answered. "
               "Datagrams lost on the way cost CPU too but are not in the divisor. A ratio below 1 means the routers "
               "used less CPU than socat for the same work.\n")
    head = ["case", "socat", "A→B", "A→B / socat", "A→B→C", "A→B→C / socat"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|---|" + "---:|" * (len(head) - 1))
    for case, metric, label, f in CPU_METRICS:
        vals = [med(p, case, metric) for p in ("socat", "vr-ab", "vr-abc")]
        if all(v is None for v in vals):
            continue
        out.append(f"| {label} | {fmt(vals[0], f)} | {fmt(vals[1], f)} "
                   f"| {fmt(med('vr-ab', case, metric + '_vs_socat'), '{:.2f}')} | {fmt(vals[2], f)} "
                   f"| {fmt(med('vr-abc', case, metric + '_vs_socat'), '{:.2f}')} |")

    # RSS of the routers after the cases.
    rss_lines = []
    for path, label in PATHS[2:]:
        per_router = benchlib.router_rss(by_round, path)
        if per_router:
            rss_lines.append(f"- {label}: router RSS after the cases, max over cases and rounds: " + ", ".join(
                f"{r.upper()} {max(v):.0f} MiB" for r, v in sorted(per_router.items())))
    if rss_lines:
        out.append("")
        out.extend(rss_lines)

    out.append("")
    out.append("Spread of the rounds per path (every round's figure in round order; max/min near 1 means a steady "
               "path, far above 1 a noisy machine or an unsteady path; `/ socat` rows are the per-round ratios):\n")
    out.append("| metric | path | min | median | max | max/min | rounds |")
    out.append("|---|---|---:|---:|---:|---:|---|")
    spread = [(c, m, spread_label(c, l), f) for c, m, l, f, _ in METRICS if not m.endswith("pct")]
    spread += [(c, m + "_vs_socat", spread_label(c, l) + " / socat", "{:.2f}") for c, m, l, _, r in METRICS if r]
    spread += CPU_METRICS
    out.extend(benchlib.spread_rows(by_round, spread, PATHS))
    # Loss is often 0 in every round, where max/min means nothing: its rounds in a list of their own.
    loss_rows = []
    for case, metric, label, f, _ in METRICS:
        if not metric.endswith("pct"):
            continue
        for path, plabel in PATHS:
            per = by_round.get((path, case, metric))
            if per:
                order = sorted(per, key=int)
                loss_rows.append(f"- {case} {metric} {plabel}: " + ", ".join(f"r{r} {per[r]:.2f}" for r in order))
    if loss_rows:
        out.append("")
        out.append("Loss per round (%):\n")
        out.extend(loss_rows)

    benchlib.finish_report(out, notes, out_path, "Cases that did not run or failed (first reason):")


def main(argv):
    benchlib.run_command(argv, __doc__, {
        "free-ports": lambda a: benchlib.free_ports(int(a[0]), udp=True),
        "probe-dns": lambda a: probe_dns(a[0], a[1]),
        "parse-iperf-udp": lambda a: parse_iperf_udp(a[0]),
        "parse-dnsperf": lambda a: parse_dnsperf(a[0]),
        "udp-counters": lambda a: udp_counters(a[0], a[1]),
        "report": lambda a: report(a[0], a[1], a[2], a[3]),
    })

if __name__ == "__main__":
    main(sys.argv)
