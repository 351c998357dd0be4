#!/usr/bin/env python3
"""Report of bench/amqp-benchmark.sh: medians over rounds, the skupper-router anchor, spread, every round (Markdown).

Usage: amqp_report.py RAW.csv ROUNDS   (RAW.csv: round,scenario,metric,value,note as written by the script)
"""
import statistics
import sys

import benchlib

ANCHOR = 32_900  # skupper-router, AMQP 100-byte messages A -> B, acked/s, this machine kind (issue 12)

SCENARIOS = [
    # scenario, path, mode, what "msgs/s" counts
    ("ceiling", "one router (sender and receiver on A)", "unsettled", "acked/s"),
    ("vr-ab", "router A → router B", "unsettled", "acked/s"),
    ("ceiling-pre", "one router (sender and receiver on A)", "pre-settled", "received/s"),
    ("vr-ab-pre", "router A → router B", "pre-settled", "received/s"),
    ("mqtt-ab-q1", "router A → router B", "MQTT QoS 1 (reference)", "received/s"),
]

# Per-round figures shown with their spread: (metric, label, format, scale).
SPREAD = [
    ("rate", "msgs/s", "{:,.0f}", 1),
    ("p50_us", "p50 ms", "{:.2f}", 1e-3),
    ("p99_us", "p99 ms", "{:.2f}", 1e-3),
    ("cpu_s_per_10k", "router CPU s per 10,000 msgs", "{:.3f}", 1),
    ("gen_cpu_us_per_msg", "generator CPU µs/msg", "{:.1f}", 1),
]


def read_rounds(path):
    """(scenario, metric) -> {round: value}; MqttLoad's rate_avg is the mqtt scenario's rate."""
    return benchlib.read_scenario_rounds(
        path, lambda sc, metric: "rate" if sc.startswith("mqtt-") and metric == "rate_avg" else metric)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    by_round, notes = read_rounds(argv[1])

    def med(sc, metric):
        vs = list(by_round.get((sc, metric), {}).values())
        return statistics.median(vs) if vs else None

    def total(sc, metric):
        vs = list(by_round.get((sc, metric), {}).values())
        return sum(vs) if vs else None

    def num(v, digits=0):
        return "–" if v is None else f"{v:,.{digits}f}"

    def ms(us):
        return "–" if us is None else f"{us / 1000:.2f}"

    present = [s for s in SCENARIOS if (s[0], "rate") in by_round or s[0] in notes]
    print(f"Medians of {argv[2]} round(s). msgs/s over the measured window: unsettled, ACCEPTED dispositions "
          "reaching the sender (acked/s); pre-settled and MQTT, messages received. Latency: send to receipt, one "
          "clock (at full load: mostly the window divided by the rate). Outcomes, lost, duplicates: summed over "
          "the rounds (a valid run has none). Router CPU: the scenario's routers, over the whole run.")
    print()
    print("| case | mode | msgs/s | counted | p50 ms | p99 ms | released / rejected / modified | lost | duplicates "
          "| router CPU s / 10k msgs | generator CPU µs/msg | vs skupper-router 32,900 acked/s |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for sc, path, mode, counted in present:
        rate = med(sc, "rate")
        cell = "failed" if rate is None else num(rate)
        if sc.startswith("mqtt-") and med(sc, "acked_rate") is not None:
            cell += f" (PUBACK {num(med(sc, 'acked_rate'))})"
        outcomes = "–"
        if not sc.startswith("mqtt-"):
            outcomes = " / ".join(num(total(sc, m)) for m in ("released", "rejected", "modified"))
        anchor = ""
        if sc == "vr-ab" and rate is not None:
            anchor = f"**{rate / ANCHOR:.2f} ×** (32,900)"
        elif sc in ("vr-ab-pre", "mqtt-ab-q1") and rate is not None:
            anchor = f"{rate / ANCHOR:.2f} × (different guarantee)"
        print(f"| {path} | {mode} | {cell} | {counted} | {ms(med(sc, 'p50_us'))} | {ms(med(sc, 'p99_us'))} "
              f"| {outcomes} | {num(total(sc, 'lost'))} "
              f"| {num(total(sc, 'duplicates')) if not sc.startswith('mqtt-') else '–'} "
              f"| {num(med(sc, 'cpu_s_per_10k'), 3)} | {num(med(sc, 'gen_cpu_us_per_msg'), 1)} | {anchor} |")
    print()
    vr, ceil = med("vr-ab", "rate"), med("ceiling", "rate")
    print("Goal (issue 12, point 4): AMQP 100-byte messages/s A → B against skupper-router's 32,900 acked/s: "
          + (f"vanrouter {num(vr)} acked/s = **{vr / ANCHOR:.2f} ×**." if vr is not None else "no vr-ab figure."))
    if ceil is not None and vr is not None:
        print(f"The one-router ceiling (same generator, unsettled) was {num(ceil)} acked/s; A → B reached "
              f"{vr / ceil:.2f} of it. A figure close to the ceiling is bounded by the generator and this machine "
              "(two routers and the generator share its cores), not by the path.")
    print()
    print("Spread of the rounds (every round's figure in round order; max/min near 1 means steady):")
    print()
    print("| figure | case | mode | min | median | max | max/min | rounds |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for metric, label, f, scale in SPREAD:
        for sc, path, mode, _ in present:
            per = {r: v * scale for r, v in by_round.get((sc, metric), {}).items()}
            if per:
                print(benchlib.spread_row([label, path, mode], per, f, na="–"))
    print()
    print("Every round (sent, and for AMQP acked / received and stalls of 1 s with nothing moving):")
    print()
    print("| round | case | mode | sent | acked | received | msgs/s | stalls |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    rounds = sorted({r for (sc, m), per in by_round.items() if m == "sent" for r in per}, key=int)
    for rnd in rounds:
        for sc, path, mode, _ in present:
            def get(m):
                return by_round.get((sc, m), {}).get(rnd)
            if get("sent") is None:
                continue
            print(f"| {rnd} | {path} | {mode} | {num(get('sent'))} | {num(get('acked'))} | {num(get('received'))} "
                  f"| {num(get('rate'))} | {num(get('stalls'))} |")
    for sc, lines in notes.items():
        print()
        print(f"Failures in {sc}:")
        for line in lines:
            print(f"- {line}")


if __name__ == "__main__":
    main(sys.argv)
