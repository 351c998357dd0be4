#!/usr/bin/env python3
"""Report of bench/mqtt-benchmark.sh: medians over rounds, vanrouter/mosquitto ratios, the issue's goals (Markdown).

Usage: mqtt_report.py RAW.csv ROUNDS   (RAW.csv: round,scenario,metric,value,note as written by the script)
"""
import statistics
import sys

import benchlib

SCENARIOS = [
    # scenario, case label, system label
    ("ceiling", "ceiling, QoS 0", "one mosquitto (publisher and subscriber on it)"),
    ("mosq-ab", "A→B, QoS 0", "mosquitto A ⇢ bridge ⇢ mosquitto B"),
    ("vr-ab", "A→B, QoS 0", "vanrouter A → B"),
    ("mosq-fan3", "fan-out ×3, QoS 0", "mosquitto A bridged to B, C, D"),
    ("vr-fan3", "fan-out ×3, QoS 0", "vanrouter A linked to B, C, D"),
    ("ceiling-q1", "ceiling, QoS 1", "one mosquitto"),
    ("mosq-ab-q1", "A→B, QoS 1", "mosquitto A ⇢ bridge ⇢ mosquitto B"),
    ("vr-ab-q1", "A→B, QoS 1", "vanrouter A → B"),
]
PAIRS = {"vr-ab": "mosq-ab", "vr-fan3": "mosq-fan3", "vr-ab-q1": "mosq-ab-q1"}
ANCHORS = {
    "vr-ab": "skupper-router 32,900 (acked); NATS 619,000",
    "vr-fan3": "skupper-router 17,600; NATS 369,000 per receiver",
    "vr-ab-q1": "skupper-router 32,900 (acked)",
}


# Per-round figures shown with their spread: (metric, label, format, scale).
SPREAD = [
    ("rate_avg", "msgs/s per subscriber", "{:,.0f}", 1),
    ("p50_us", "p50 ms", "{:.2f}", 1e-3),
    ("p99_us", "p99 ms", "{:.2f}", 1e-3),
    ("cpu_s_per_10k", "CPU s per 10,000 msgs", "{:.3f}", 1),
    ("cpu_s_per_gib", "CPU s per GiB", "{:.1f}", 1),
]


def read_rounds(path):
    """(scenario, metric) -> {round: value}, with CPU per 10,000 published messages and per GiB delivered derived."""
    by_round, notes = benchlib.read_scenario_rounds(path)
    for (sc, metric), per in list(by_round.items()):
        if metric != "cpu_s":
            continue
        for rnd, cpu in per.items():
            def get(m):
                return by_round.get((sc, m), {}).get(rnd)
            sent, subs, lost, size = get("sent"), get("subs"), get("lost") or 0, get("payload_bytes")
            if sent:
                by_round.setdefault((sc, "cpu_s_per_10k"), {})[rnd] = cpu / sent * 1e4
            if sent and subs and size and sent * subs - lost > 0:
                by_round.setdefault((sc, "cpu_s_per_gib"), {})[rnd] = cpu / ((sent * subs - lost) * size / 2**30)
    return by_round, notes


def spread_rows(by_round, scenarios):
    rows = []
    for metric, label, f, scale in SPREAD:
        for sc, case, system in scenarios:
            per = {r: v * scale for r, v in by_round.get((sc, metric), {}).items()}
            if per:
                rows.append(benchlib.spread_row([label, case, system], per, f, na="–"))
    return rows


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    by_round, notes = read_rounds(argv[1])
    values = {k: list(v.values()) for k, v in by_round.items()}

    def med(sc, metric):
        vs = values.get((sc, metric))
        return statistics.median(vs) if vs else None

    def num(v, digits=0):
        if v is None:
            return "–"
        return f"{v:,.{digits}f}"

    def ms(us):
        return "–" if us is None else f"{us / 1000:.2f}"

    def ratio(a, b):
        return "–" if a is None or b in (None, 0) else f"{a / b:.2f}"

    present = [s for s in SCENARIOS if (s[0], "rate_avg") in values or s[0] in notes]
    print(f"Medians of {argv[2]} round(s). Rates are messages/s received per subscriber in the measured window "
          "(fan-out: mean of the 3 subscribers, slowest in brackets); QoS 1 also the publisher's PUBACKs/s. "
          "Latency is publish to receipt, one clock. CPU: brokers/routers of the scenario, µs per published "
          "message over the whole run (probe, warm-up and drain included); generator CPU: the load generator's "
          "process during the load, per published message.")
    print()
    print("| case | system | msgs/s per subscriber | p50 ms | p99 ms | lost | reordered | CPU µs/msg | generator CPU µs/msg "
          "| rate vs mosquitto | p99 vs mosquitto | anchors (issue) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for sc, case, system in present:
        rate, rmin, acked = med(sc, "rate_avg"), med(sc, "rate_min"), med(sc, "acked_rate")
        cell = num(rate)
        if "fan3" in sc and rmin is not None:
            cell += f" ({num(rmin)})"
        if sc.endswith("-q1") and acked is not None:
            cell += f"; acked {num(acked)}"
        if rate is None:
            cell = "failed"
        lost = values.get((sc, "lost"))
        reord = values.get((sc, "reordered"))
        other = PAIRS.get(sc)
        print(f"| {case} | {system} | {cell} | {ms(med(sc, 'p50_us'))} | {ms(med(sc, 'p99_us'))} "
              f"| {num(sum(lost)) if lost else '–'} | {num(sum(reord)) if reord else '–'} "
              f"| {num(med(sc, 'cpu_us_per_msg'), 1)} | {num(med(sc, 'gen_cpu_us_per_msg'), 1)} "
              f"| {ratio(rate, med(other, 'rate_avg')) if other else ''} "
              f"| {ratio(med(sc, 'p99_us'), med(other, 'p99_us')) if other else ''} | {ANCHORS.get(sc, '')} |")
    print()
    print("Lost: messages published but never received (summed over rounds and subscribers; QoS 0 may drop, "
          "mosquitto also drops QoS 1 past its queue limits).")
    print()
    print("CPU seconds (user + system, `/proc/PID/stat` before and after each run: probe, warm-up, measurement and "
          "drain) of the scenario's routers or brokers, per 10,000 published messages and per GiB of payload "
          "delivered to subscribers (100-byte payloads); median of the rounds. A ratio below 1 means vanrouter used "
          "less CPU than mosquitto for the same work.")
    print()
    print("| case | mosquitto s / 10k msgs | vanrouter s / 10k msgs | vanrouter / mosquitto | mosquitto s / GiB "
          "| vanrouter s / GiB | vanrouter / mosquitto |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for vr_sc, mq_sc in PAIRS.items():
        if vr_sc not in {p[0] for p in present} and mq_sc not in {p[0] for p in present}:
            continue
        case = next(c for s, c, _ in SCENARIOS if s == vr_sc)
        v10, m10 = med(vr_sc, "cpu_s_per_10k"), med(mq_sc, "cpu_s_per_10k")
        vg, mg = med(vr_sc, "cpu_s_per_gib"), med(mq_sc, "cpu_s_per_gib")
        print(f"| {case} | {num(m10, 3)} | {num(v10, 3)} | {ratio(v10, m10)} | {num(mg, 1)} | {num(vg, 1)} "
              f"| {ratio(vg, mg)} |")
    print()
    print("Spread of the rounds (every round's figure in round order; max/min near 1 means steady):")
    print()
    print("| figure | case | system | min | median | max | max/min | rounds |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for line in spread_rows(by_round, present):
        print(line)
    print()
    steal = benchlib.steal_rows(by_round, [(None, "load run")],
                                [(sc, sc) for sc, _, _ in present])
    if steal:
        print("\n".join(steal))
        print()

    def verdict(ok):
        return "–" if ok is None else ("PASS" if ok else "FAIL")

    vr, mq = med("vr-ab", "rate_avg"), med("mosq-ab", "rate_avg")
    vr99, mq99 = med("vr-ab", "p99_us"), med("mosq-ab", "p99_us")
    q1 = med("vr-ab-q1", "rate_avg")
    ceil = med("ceiling", "rate_avg")
    print("Goals (issue 4, point 6):")
    print()
    print(f"- QoS 0 through two vanrouters ≥ 165,000 msg/s (5 × skupper-router's 32,900): {num(vr)} → "
          f"{verdict(None if vr is None else vr >= 165_000)}")
    print(f"- above bridged mosquitto: {ratio(vr, mq)} × → {verdict(None if vr is None or mq is None else vr > mq)}")
    print(f"- lower p99 than bridged mosquitto: {ms(vr99)} ms vs {ms(mq99)} ms → "
          f"{verdict(None if vr99 is None or mq99 is None else vr99 < mq99)}")
    print(f"- QoS 1 through two vanrouters ≥ 65,800 msg/s (2 × skupper-router): {num(q1)} → "
          f"{verdict(None if q1 is None else q1 >= 65_800)}")
    if ceil:
        print(f"- load generator ceiling (one mosquitto, QoS 0): {num(ceil)} msg/s; vanrouter A→B reached "
              f"{ratio(vr, ceil)} of it. A result close to the ceiling is bounded by the generator and the machine, "
              "not the router.")
    for sc, lines in notes.items():
        print()
        print(f"Failures in {sc}:")
        for line in lines:
            print(f"- {line}")


if __name__ == "__main__":
    main(sys.argv)
