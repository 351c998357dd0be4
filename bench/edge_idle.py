"""Helpers for bench/edge-idle.sh: CPU of a JVM's threads by kind, and the report.

  edge_idle.py threads PID            one line per thread kind: "kind cpu_millis threads" (from jcmd Thread.print)
  edge_idle.py cpu PID                utime + stime of the process in clock ticks (/proc/PID/stat)
  edge_idle.py facts PID              "rss_kib threads" of the process (/proc/PID/status)
  edge_idle.py report RESULTS_TSV     the Markdown tables of a run (one row per jar and round, and thread kinds)
"""
import collections
import re
import subprocess
import sys

# Thread name -> kind. Names as the routers and the JDK give them; the first match wins.
KINDS = [
    ("core", r"^vanrouter-core"),
    ("control loop", r"^vanrouter-.*-control"),
    ("io loop", r"^vanrouter-.*-io-"),
    ("management", r"^(HTTP-Dispatcher|idle-timeout-task|server-timer|vanrouter-mgmt|vanrouter-management)"),
    ("GC", r"^(GC |VM Thread|G1 |Serial)"),
    ("JIT", r"^(C1 |C2 )"),
]
THREAD = re.compile(r'^"(?P<name>[^"]+)".*?cpu=(?P<cpu>[0-9.]+)ms')


def kind_of(name):
    for kind, pattern in KINDS:
        if re.search(pattern, name):
            return kind
    return "other JVM and process"


def threads(pid):
    out = subprocess.run(["jcmd", str(pid), "Thread.print"], capture_output=True, text=True, check=True).stdout
    cpu, count = collections.Counter(), collections.Counter()
    for line in out.splitlines():
        match = THREAD.match(line)
        if match:
            kind = kind_of(match["name"])
            cpu[kind] += float(match["cpu"])
            count[kind] += 1
    for kind in sorted(cpu):
        print(f"{kind.replace(' ', '_')} {cpu[kind]:.1f} {count[kind]}")


def cpu(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    print(int(fields[11]) + int(fields[12]))  # utime, stime (fields 14 and 15 of stat)


def facts(pid):
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            values[key] = value.split()[0] if value.split() else "0"
    print(values.get("VmRSS", "0"), values.get("Threads", "0"))


def report(path):
    """RESULTS_TSV lines: label round edges seconds load edge_cpu_s edge_threads edge_rss_kib interior_cpu_s
    interior_threads interior_rss_kib kinds (kind=cpu_ms/threads,...)."""
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    print("| jar | round | load (1 min) | edge JVM: CPU s per edge per minute | % of a core per edge | threads "
          "(per edge) | RSS MiB (per edge) | each interior: CPU s per minute | interior threads |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for (label, rnd, edges, seconds, load, edge_cpu, edge_threads, edge_rss, int_cpu, int_threads, _int_rss,
         _kinds) in rows:
        edges, seconds = int(edges), float(seconds)
        per_min = float(edge_cpu) / edges * 60 / seconds
        print(f"| {label} | {rnd} | {load} | {per_min:.3f} | {per_min / 60 * 100:.2f} | {edge_threads} "
              f"({int(edge_threads) / edges:.1f}) | {int(edge_rss) / 1024:.0f} ({int(edge_rss) / 1024 / edges:.2f}) "
              f"| {float(int_cpu) / 2 * 60 / seconds:.1f} | {int_threads} |")
    print()
    print("Edge JVM CPU by thread kind (ms per edge per minute; threads in the JVM):\n")
    kinds = sorted({k.split("=")[0] for row in rows for k in row[11].split(",") if k})
    print("| jar | round | " + " | ".join(k.replace("_", " ") for k in kinds) + " |")
    print("|---|---:|" + "---:|" * len(kinds))
    for row in rows:
        edges, seconds = int(row[2]), float(row[3])
        values = dict(k.split("=") for k in row[11].split(",") if k)
        cells = []
        for kind in kinds:
            ms, count = values.get(kind, "0/0").split("/")
            cells.append(f"{float(ms) / edges * 60 / seconds:.0f} ({count})")
        print(f"| {row[0]} | {row[1]} | " + " | ".join(cells) + " |")


def main(args):
    command = args[0]
    if command == "threads":
        threads(int(args[1]))
    elif command == "cpu":
        cpu(int(args[1]))
    elif command == "facts":
        facts(int(args[1]))
    elif command == "report":
        report(args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
