"""Shared by the bench/*.py helpers (standard library only): free ports, a router's status, the CPU and memory of
processes, and the pieces of the reports that are the same for every benchmark.

Subcommands any helper can hand on (common_command): free-ports N, wait-routes MGMT_PORT SECS ID.., rss PID,
cpu SID..., busiest N [EXCLUDE_PID]; see tcp_bench.py.
"""
import csv
import json
import os
import random
import socket
import statistics
import sys
import time
import urllib.request


def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def free_ports(n, udp=False, need_all=True):
    """Prints n distinct ports on 127.0.0.1 that are free for TCP (and for UDP too with udp=True: iperf3 uses one
    number for both). With need_all, fewer is fatal; otherwise as many as were found."""
    # Ports below net.ipv4.ip_local_port_range: an outgoing connection can never take them (a router dialling a peer
    # that is not listening yet can otherwise connect to itself on loopback).
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except OSError:
        low = 32768
    kinds = (socket.SOCK_STREAM, socket.SOCK_DGRAM) if udp else (socket.SOCK_STREAM,)
    candidates = list(range(10000, max(low - 1, 11000)))
    random.shuffle(candidates)
    held, ports = [], []
    for p in candidates:
        if len(ports) == n:
            break
        socks = []
        try:
            for kind in kinds:
                s = socket.socket(socket.AF_INET, kind)
                socks.append(s)
                s.bind(("127.0.0.1", p))
        except OSError:
            for s in socks:
                s.close()
            continue
        held.extend(socks)
        ports.append(p)
    for s in held:
        s.close()
    if need_all and len(ports) < n:
        die(f"only {len(ports)} free ports found")
    print(" ".join(map(str, ports)))


def status(mgmt_port, timeout):
    """The router's GET /status as JSON; raises OSError or ValueError."""
    with urllib.request.urlopen(f"http://127.0.0.1:{mgmt_port}/status", timeout=timeout) as r:
        return json.load(r)


def status_or_die(mgmt_port):
    try:
        return status(mgmt_port, 5)
    except (OSError, ValueError) as e:
        die(f"no status on port {mgmt_port} ({e})")


def wait_routes(mgmt_port, secs, ids):
    deadline = time.time() + float(secs)
    last = "no answer"
    while time.time() < deadline:
        try:
            reach = {n.get("id") for n in status(mgmt_port, 2).get("nodes", []) if n.get("reachable")}
            missing = [i for i in ids if i not in reach]
            if not missing:
                return
            last = "not reachable yet: " + ", ".join(missing)
        except Exception as e:  # noqa: BLE001 - any failure means "not yet"
            last = str(e)
        time.sleep(0.2)
    die(f"routes not ready after {secs} s ({last})")


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def proc_stats():
    """pid -> (session id, own utime + stime, utime + stime + cutime + cstime in clock ticks, comm) per process."""
    stats = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                text = f.read()
        except OSError:
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        f = text[text.rindex(")") + 2:].split()
        # After "pid (comm) ": state ppid pgrp session ... utime(11) stime(12) cutime(13) cstime(14)
        own = int(f[11]) + int(f[12])
        stats[int(name)] = (int(f[3]), own, own + int(f[13]) + int(f[14]), comm)
    return stats


def cpu_seconds(sids):
    sids = {int(s) for s in sids}
    ticks = sum(t for sid, _, t, _ in proc_stats().values() if sid in sids)
    print(f"{ticks / os.sysconf('SC_CLK_TCK'):.2f}")


def busiest(n, exclude):
    before = proc_stats()
    time.sleep(1.0)
    after = proc_stats()
    me = {os.getpid(), os.getppid(), int(exclude)}
    use = sorted(((t - before[p][1], p, c) for p, (_, t, _, c) in after.items() if p in before and p not in me),
                 reverse=True)[:int(n)]
    hz = os.sysconf("SC_CLK_TCK")
    use = [u for u in use if u[0] > 0]
    print(", ".join(f"{c} ({p}) {100.0 * d / hz:.0f}%" for d, p, c in use) or "none used CPU")


def run_command(argv, doc, commands, common=True):
    """A helper's command line: argv[1] names one of commands (name -> function of the arguments after it) or, with
    common, one of common_command's; no name or an unknown one prints the usage (doc) and exits with status 1."""
    if len(argv) < 2:
        die(doc)
    cmd, args = argv[1], argv[2:]
    if cmd in commands:
        commands[cmd](args)
    elif not (common and common_command(cmd, args)):
        die(f"unknown subcommand {cmd}\n{doc}")


def common_command(cmd, args):
    """Runs one of the subcommands every helper has; False when cmd is none of them."""
    if cmd == "free-ports":
        free_ports(int(args[0]))
    elif cmd == "wait-routes":
        wait_routes(args[0], args[1], args[2:])
    elif cmd == "rss":
        v = rss_mib(args[0])
        if v is None:
            die(f"no process {args[0]}")
        print(f"{v:.1f}")
    elif cmd == "cpu":
        cpu_seconds(args)
    elif cmd == "busiest":
        busiest(args[0], args[1] if len(args) > 1 else 0)
    else:
        return False
    return True


def read_iperf(path):
    """iperf3's -J output as JSON; its own error is fatal."""
    with open(path) as f:
        d = json.load(f)
    if "error" in d:
        die("iperf3: " + d["error"])
    return d


# ---------------------------------------------------------------------------------------------------- reports

def read_path_rounds(csv_path):
    """A raw.csv of round,path,case,metric,value,note: (path, case, metric) -> {round: value}, and the first note of
    each (path, case) that did not run or failed."""
    by_round, notes = {}, {}
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            if row["value"] in ("", "NA"):
                if row.get("note"):
                    notes.setdefault((row["path"], row["case"]), row["note"])
                continue
            by_round.setdefault((row["path"], row["case"], row["metric"]), {})[row["round"]] = float(row["value"])
    return by_round, notes


def read_scenario_rounds(csv_path, metric_of=lambda scenario, metric: metric):
    """A raw.csv of round,scenario,metric,value,note: (scenario, metric_of(scenario, metric)) -> {round: value}, and
    per scenario its failures ("round N: note"); values that are not numbers are left out."""
    by_round, notes = {}, {}
    with open(csv_path, newline="") as f:
        for r in csv.DictReader(f):
            if r["value"] == "NA":
                notes.setdefault(r["scenario"], []).append(f"round {r['round']}: {r['note']}")
                continue
            try:
                v = float(r["value"])
            except ValueError:
                continue
            by_round.setdefault((r["scenario"], metric_of(r["scenario"], r["metric"])), {})[r["round"]] = v
    return by_round, notes


def derive_cpu(by_round, units):
    """Adds CPU per unit of work, per round, from each (path, case, "cpu_s"): units are (work metric, new metric,
    scale, the cases it applies to or None for all)."""
    for (path, case, metric), per in list(by_round.items()):
        if metric != "cpu_s":
            continue
        for unit, name, scale, cases in units:
            if cases is not None and case not in cases:
                continue
            work = by_round.get((path, case, unit), {})
            for rnd, cpu in per.items():
                if work.get(rnd):
                    by_round.setdefault((path, case, name), {})[rnd] = cpu / work[rnd] * scale


def add_ratio(by_round, path, case, metric, base):
    """Adds (path, case, METRIC_vs_BASE): per round, the path's figure divided by base's from the same round (the
    paths of a round run one after another, so they share its conditions)."""
    ref = by_round.get((base, case, metric), {})
    for rnd, v in by_round.get((path, case, metric), {}).items():
        if ref.get(rnd):
            by_round.setdefault((path, case, f"{metric}_vs_{base}"), {})[rnd] = v / ref[rnd]


def router_rss(by_round, path, skip_case=None):
    """router id -> every RSS figure (MiB) of a vanrouter path's routers after its cases."""
    per_router = {}
    for (p, case, metric), per in by_round.items():
        if p == path and metric.startswith("rss_") and case != skip_case:
            per_router.setdefault(metric[4:-4], []).extend(per.values())
    return per_router


def steal_limit():
    """The CPU steal (% of busy CPU time) above which a measurement is degraded: bench/lib.sh's bench_steal_limit."""
    return float(os.environ.get("BENCH_STEAL_LIMIT", "10"))


def degraded_rounds(by_round, key):
    """The rounds (sorted) in which the measurement key[:-1] + ("steal_pct",) ran with more steal than the limit."""
    per = by_round.get(key[:-1] + ("steal_pct",), {})
    limit = steal_limit()
    return sorted((r for r, v in per.items() if v > limit), key=lambda r: (len(r), r))


def steal_rows(by_round, cases, paths):
    """Markdown lines: the CPU steal during each case (% of the machine's busy CPU time that the host gave to other
    guests; bench/lib.sh) per path, median of the rounds and the largest, then the measurements above the limit: their
    figures, and every ratio that uses them, are degraded. cases: (case, label); paths: (path, label). Keys are
    (path, case, metric) as in read_path_rounds, or (scenario, metric) with case None."""
    def key(path, case):
        return (path, "steal_pct") if case is None else (path, case, "steal_pct")
    present = [(p, pl) for p, pl in paths if any(by_round.get(key(p, c)) for c, _ in cases)]
    if not present:
        return []
    limit = steal_limit()
    out = ["CPU steal during each measurement: % of the machine's busy CPU time that the host gave to its other "
           f"guests (the \"st\" of vmstat); median of the rounds (largest in brackets). Above {limit:g} % a "
           "measurement is degraded, and so is every ratio that uses it.\n",
           "| case | " + " | ".join(pl for _, pl in present) + " |",
           "|---|" + "---:|" * len(present)]
    above = []
    for case, label in cases:
        cells = []
        for path, plabel in present:
            per = by_round.get(key(path, case), {})
            cells.append(f"{statistics.median(per.values()):.1f} ({max(per.values()):.1f})" if per else "n/a")
            above += [f"{plabel} {label} r{r} {v:.1f} %" for r, v in sorted(per.items()) if v > limit]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append(f"- {len(above)} measurement(s) above {limit:g} %" + (": " + "; ".join(above) if above else ""))
    return out


def fmt(v, f):
    return "n/a" if v is None else f.format(v)


def spread_row(cells, per, f, na="n/a"):
    """A Markdown row: the cells that name it, then min, median, max, max/min and every round's figure in round
    order ("r1 4.30, r2 4.41") of per ({round: value})."""
    order = sorted(per, key=lambda r: (not r.isdigit(), int(r) if r.isdigit() else r))
    vs = [per[r] for r in order]
    lo, hi = min(vs), max(vs)
    return (f"| {' | '.join(cells)} | {f.format(lo)} | {f.format(statistics.median(vs))} "
            f"| {f.format(hi)} | {na if lo == 0 else f'{hi / lo:.2f}'} "
            f"| {', '.join(f'r{r} ' + f.format(per[r]) for r in order)} |")


def spread_rows(by_round, metrics, paths):
    """Markdown rows: metric, path, min, median, max, max/min and every round's value, for (case, metric, label,
    format) x (path, label)."""
    rows = []
    for case, metric, label, f in metrics:
        for path, plabel in paths:
            per = by_round.get((path, case, metric))
            if per:
                rows.append(spread_row([label.strip(), plabel], per, f))
    return rows


def finish_report(out, notes, out_path, heading):
    """Appends the cases that did not run (grouped by path and first reason) to the report lines, then writes the
    report to out_path (appended) and stdout. notes: {(path, case): reason}."""
    if notes:
        out.append("")
        out.append(heading)
        by_note = {}
        for (path, case), note in sorted(notes.items()):
            by_note.setdefault((path, note), []).append(case)
        for (path, note), cases in by_note.items():
            out.append(f"- {path} {', '.join(cases)}: {note}")
    text = "\n".join(out) + "\n"
    with open(out_path, "a") as f:
        f.write(text)
    sys.stdout.write(text)
