#!/usr/bin/env python3
"""Report of bench/run-all.sh: cold and warm tables, gnuplot plots (SVG), SPF, and the TCP and MQTT reports.

Usage: run_all_report.py OUT   (OUT: the run-all results directory with header.md, tcp/, mqtt/, spf/; plots are
written to OUT/img/*.svg, the Markdown report to stdout, with plots linked as img/NAME.svg)

Cold is round 1 (the first round after the routers start); warm is the median of rounds 2 and later. The plots show
both as bars ("cold", "warm") per path or system.
"""
import json
import os
import statistics
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mqtt_report  # noqa: E402
import tcp_bench  # noqa: E402

TCP_PATHS = [p for p, _ in tcp_bench.PATHS]
TCP_LABELS = dict(tcp_bench.PATHS)
# (case, metric, label, format) for the cold/warm table and the plots.
TCP_THROUGHPUT = [
    ("iperf1", "gbps", "iperf3 1 stream (Gbit/s)", "{:.2f}"),
    ("iperf8", "gbps", "iperf3 8 streams (Gbit/s)", "{:.2f}"),
    ("redis1", "rps", "redis PING 1 client (req/s)", "{:,.0f}"),
    ("redis50", "rps", "redis PING 50 clients (req/s)", "{:,.0f}"),
    ("wrk50", "rps", "wrk nginx 50 conns (req/s)", "{:,.0f}"),
    ("newconn50", "rps", "new connections/s", "{:,.0f}"),
]
TCP_LATENCY = [
    ("redis1", "p50_ms", "redis PING 1 client p50 (ms)", "{:.3f}"),
    ("redis1", "p99_ms", "redis PING 1 client p99 (ms)", "{:.3f}"),
    ("redis1bulk", "p99_ms", "redis 1 client during bulk p99 (ms)", "{:.3f}"),
    ("redis50", "p99_ms", "redis PING 50 clients p99 (ms)", "{:.3f}"),
    ("wrk50", "p99_ms", "wrk nginx 50 conns p99 (ms)", "{:.3f}"),
    ("newconn50", "p99_ms", "new connection + PING p99 (ms)", "{:.3f}"),
]
TCP_CPU = [(c, m, label, f) for c, m, label, f in tcp_bench.CPU_METRICS]
# MQTT panels: (case label, [(scenario, system label)]).
MQTT_CASES = [
    ("ceiling, QoS 0", [("ceiling", "one mosquitto")]),
    ("A→B, QoS 0", [("mosq-ab", "mosquitto"), ("vr-ab", "vanrouter")]),
    ("fan-out ×3, QoS 0", [("mosq-fan3", "mosquitto"), ("vr-fan3", "vanrouter")]),
    ("ceiling, QoS 1", [("ceiling-q1", "one mosquitto")]),
    ("A→B, QoS 1", [("mosq-ab-q1", "mosquitto"), ("vr-ab-q1", "vanrouter")]),
]
MQTT_METRICS = [
    ("rate_avg", "msgs/s per subscriber", "{:,.0f}", 1),
    ("p50_us", "p50 (ms)", "{:.2f}", 1e-3),
    ("p99_us", "p99 (ms)", "{:.2f}", 1e-3),
    ("cpu_s_per_10k", "CPU s per 10,000 msgs", "{:.3f}", 1),
]


def cold_warm(per):
    """{round: value} -> (round 1 or None, median of later rounds or None)."""
    if not per:
        return None, None
    cold = per.get("1")
    warm = [v for r, v in per.items() if r.isdigit() and int(r) >= 2]
    return cold, (statistics.median(warm) if warm else None)


def fmt(v, f):
    return "n/a" if v is None else f.format(v)


def dat(v):
    return "-" if v is None else repr(float(v))


class Plots:
    """Collects bar-chart panels (cold and warm bars per label) and draws them with gnuplot as SVG."""

    def __init__(self, out):
        self.out = out
        self.figures = []

    def figure(self, name, title, panels):
        """panels: [(panel title, [(label, cold, warm)])]; written as OUT/img/NAME.svg."""
        panels = [(t, rows) for t, rows in panels if any(c is not None or w is not None for _, c, w in rows)]
        if panels:
            self.figures.append((name, title, panels))
        return bool(panels)

    def draw(self):
        data_dir = os.path.join(self.out, "plot-data")
        os.makedirs(data_dir, exist_ok=True)
        script = []
        for name, title, panels in self.figures:
            cols = min(3, len(panels))
            rows = (len(panels) + cols - 1) // cols
            script += [
                f'set terminal svg size {420 * cols},{300 * rows + 40} dynamic font "sans,10" noenhanced',
                f'set output "{os.path.join(self.out, "img", name + ".svg")}"',
                'set datafile missing "-"',
                "set style data histograms",
                "set style histogram clustered gap 1",
                "set style fill solid 0.8 border -1",
                "set boxwidth 0.9",
                "set yrange [0:*]",
                "set grid ytics",
                "set key top right",
                "set offsets 0, 0, graph 0.2, 0",
                "set xtics nomirror",
                f'set multiplot layout {rows},{cols} title "{title}"',
            ]
            for i, (ptitle, prow) in enumerate(panels):
                path = os.path.join(data_dir, f"{name}-{i}.dat")
                with open(path, "w") as f:
                    for label, cold, warm in prow:
                        f.write(f'"{label}" {dat(cold)} {dat(warm)}\n')
                script += [f'set title "{ptitle}"',
                           f'plot "{path}" using 2:xtic(1) title "cold" lc rgb "#4477aa", '
                           f'"" using 3 title "warm" lc rgb "#ee6677"']
            script += ["unset multiplot", "unset output"]
        if not script:
            return
        with open(os.path.join(data_dir, "plots.gp"), "w") as f:
            f.write("\n".join(script) + "\n")
        # gnuplot warns about panels without warm figures (one round); keep its messages out of the way.
        with open(os.path.join(data_dir, "gnuplot.log"), "w") as log:
            subprocess.run(["gnuplot", os.path.join(data_dir, "plots.gp")], check=True, stderr=log)


def tcp_section(out, plots, lines):
    raw = os.path.join(out, "tcp", "raw.csv")
    if not os.path.exists(raw):
        lines += ["### TCP adaptor", "", "Not run (or it failed before writing raw.csv).", ""]
        return
    by_round, _ = tcp_bench.read_rounds(raw)
    paths = [p for p in TCP_PATHS if any(k[0] == p for k in by_round)]
    lines += ["### TCP adaptor: cold and warm", "",
              "Cold is round 1, warm the median of rounds 2 and later (n/a with one round). Every round's figure, the "
              "spread and the CPU per unit of work are in the full report below.", ""]
    head = ["metric"] + [f"{TCP_LABELS[p]} {cw}" for p in paths for cw in ("cold", "warm")]
    lines += ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for case, metric, label, f in TCP_THROUGHPUT + TCP_LATENCY + TCP_CPU:
        cells = [label]
        for p in paths:
            c, w = cold_warm(by_round.get((p, case, metric)))
            cells += [fmt(c, f), fmt(w, f)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")

    def panels(metrics, only=None):
        return [(label, [(TCP_LABELS[p], *cold_warm(by_round.get((p, case, metric))))
                         for p in paths if only is None or p in only])
                for case, metric, label, _ in metrics]
    for name, title, metrics, only in (
            ("tcp-throughput", "TCP: throughput per path (higher is better)", TCP_THROUGHPUT, None),
            ("tcp-latency", "TCP: latency per path (lower is better)", TCP_LATENCY, None),
            ("tcp-cpu", "TCP: CPU seconds of the routers or socat per unit of work (lower is better)", TCP_CPU,
             ("socat", "socat2", "vr-ab", "vr-abc"))):
        if plots.figure(name, title, panels(metrics, only)):
            lines += [f"![{title}](img/{name}.svg)", ""]


def mqtt_section(out, plots, lines):
    raw = os.path.join(out, "mqtt", "raw.csv")
    if not os.path.exists(raw):
        lines += ["### MQTT", "", "Not run (or it failed before writing raw.csv).", ""]
        return
    by_round, _ = mqtt_report.read_rounds(raw)
    lines += ["### MQTT: cold and warm", "",
              "Cold is round 1, warm the median of rounds 2 and later. Each run also has its own unrecorded warm-up "
              "load (`--warmup`), so cold here means the first run after the routers and brokers start.", ""]
    head = ["case", "system"] + [f"{label} {cw}" for _, label, _, _ in MQTT_METRICS for cw in ("cold", "warm")]
    lines += ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for case, systems in MQTT_CASES:
        for sc, system in systems:
            if not any(k[0] == sc for k in by_round):
                continue
            cells = [case, system]
            for metric, _, f, scale in MQTT_METRICS:
                c, w = cold_warm({r: v * scale for r, v in by_round.get((sc, metric), {}).items()})
                cells += [fmt(c, f), fmt(w, f)]
            lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for name, title, metrics in (
            ("mqtt-throughput", "MQTT: messages/s per subscriber (higher is better)", MQTT_METRICS[:1]),
            ("mqtt-latency", "MQTT: p50 and p99 latency at full load, ms (lower is better)", MQTT_METRICS[1:3]),
            ("mqtt-cpu", "MQTT: CPU seconds of routers or brokers per 10,000 messages (lower is better)",
             MQTT_METRICS[3:])):
        panels = []
        for metric, mlabel, _, scale in metrics:
            for case, systems in MQTT_CASES:
                rows = [(system, *cold_warm({r: v * scale for r, v in by_round.get((sc, metric), {}).items()}))
                        for sc, system in systems if any(k[0] == sc for k in by_round)]
                if rows:
                    panels.append((f"{case}: {mlabel}" if len(metrics) > 1 else case, rows))
        if plots.figure(name, title, panels):
            lines += [f"![{title}](img/{name}.svg)", ""]


def spf_section(out, lines):
    path = os.path.join(out, "spf", "spf.json")
    lines += ["### SPF (JMH)", ""]
    if not os.path.exists(path):
        lines += ["Not run (or JMH failed; see spf/jmh.out).", ""]
        return
    with open(path) as f:
        results = json.load(f)
    lines += ["One full shortest-path recompute (`SpfBenchmark`); JMH warm-up iterations are not recorded, so there is "
              "no cold figure. Every measured iteration is listed.", "",
              "| benchmark | routers | mean | error (99.9%) | unit | iterations |", "|---|---:|---:|---:|---|---|"]
    for r in results:
        pm = r["primaryMetric"]
        its = [v for fork in pm.get("rawData", []) for v in fork]
        try:
            err = float(pm.get("scoreError"))  # JMH writes "NaN" (a string) when there are too few iterations
        except (TypeError, ValueError):
            err = float("nan")
        err = "n/a" if err != err else f"± {err:,.1f}"
        lines.append(f"| {r['benchmark'].rsplit('.', 1)[-1]} | {r.get('params', {}).get('routers', '')} "
                     f"| {pm['score']:,.1f} | {err} | {pm['scoreUnit']} | {', '.join(f'{v:,.1f}' for v in its)} |")
    lines.append("")


def sub_report(out, name, title, lines):
    path = os.path.join(out, name, "results.md")
    if not os.path.exists(path):
        return
    with open(path) as f:
        body = f.read().splitlines()
    if body and body[0].startswith("# "):
        body = body[1:]
    lines += [f"### {title}", ""]
    lines += [("###" + ln) if ln.startswith("#") else ln for ln in body]
    lines.append("")


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    out = argv[1]
    lines = []
    with open(os.path.join(out, "header.md")) as f:
        lines += f.read().rstrip("\n").splitlines() + [""]
    plots = Plots(out)
    tcp_section(out, plots, lines)
    mqtt_section(out, plots, lines)
    spf_section(out, lines)
    plots.draw()
    sub_report(out, "tcp", "TCP adaptor: full report (bench/tcp-benchmark.sh)", lines)
    sub_report(out, "mqtt", "MQTT: full report (bench/mqtt-benchmark.sh)", lines)
    print("\n".join(lines).rstrip("\n"))


if __name__ == "__main__":
    main(sys.argv)
