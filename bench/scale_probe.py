"""Helpers for bench/scale-processes.sh: free ports, and waits on routers' management /status.

  scale_probe.py ports N LOW HIGH                  N ports in [LOW, HIGH] that no socket on this machine uses
  scale_probe.py interiors START DEADLINE FLOOR_KIB EXPECT PORT...
                                                   seconds from START (epoch) until the routers at PORTs each see
                                                   EXPECT others reachable
  scale_probe.py edges START DEADLINE FLOOR_KIB PORT...
                                                   seconds from START until every edge at PORTs has had an active
                                                   uplink, then checks once more that they all still have one
Waits print the seconds, or "timeout" (exit 1), or "memory" (exit 3) when MemAvailable falls below FLOOR_KIB.
"""
import json
import subprocess
import sys
import time
import urllib.request


def status(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5) as response:
            return json.load(response)
    except (OSError, ValueError):
        return None


def mem_available_kib():
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    return 0


def reachable(port):
    s = status(port)
    return -1 if s is None else sum(1 for n in s["nodes"] if n["reachable"])


def has_active_uplink(port):
    s = status(port)
    return s is not None and any(link["state"] == "uplink (active)" for link in s["links"])


def wait(start, deadline, floor_kib, done):
    """Polls done() once a second (it carries its own progress) until it holds, the deadline passes or memory runs
    low."""
    while True:
        if mem_available_kib() < floor_kib:
            print("memory")
            sys.exit(3)
        if done():
            print(round(time.time() - start, 1))
            return
        if time.time() > start + deadline:
            print("timeout")
            sys.exit(1)
        time.sleep(1)  # polling other processes' state; they converge on their own


def main(args):
    command = args[0]
    if command == "ports":
        n, low, high = map(int, args[1:4])
        used = set()
        for line in subprocess.run(["ss", "-Htan"], capture_output=True, text=True, check=True).stdout.splitlines():
            local = line.split()[3]
            used.add(int(local.rsplit(":", 1)[1]))
        free = [p for p in range(low, high + 1) if p not in used][:n]
        if len(free) < n:
            sys.exit(f"only {len(free)} free ports in {low}..{high}, {n} needed")
        print("\n".join(map(str, free)))
    elif command == "interiors":
        start, deadline, floor_kib, expect = float(args[1]), float(args[2]), int(args[3]), int(args[4])
        ports = [int(p) for p in args[5:]]
        wait(start, deadline, floor_kib, lambda: all(reachable(p) == expect for p in ports))
    elif command == "edges":
        start, deadline, floor_kib = float(args[1]), float(args[2]), int(args[3])
        pending = [int(p) for p in args[4:]]

        def all_attached():
            pending[:] = [p for p in pending if not has_active_uplink(p)]
            return not pending

        wait(start, deadline, floor_kib, all_attached)
        lost = [p for p in map(int, args[4:]) if not has_active_uplink(p)]
        if lost:
            print(f"# {len(lost)} edge(s) without an active uplink at the final check, e.g. management port {lost[0]}",
                  file=sys.stderr)
            sys.exit(1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
