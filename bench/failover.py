#!/usr/bin/env python3
"""Failover probes for bench/failover.sh.

  failover.py measure PORT PID SIGNAL SECS   send SIGNAL (KILL or STOP) to PID, then open a new connection through
                                             PORT and send a redis PING, again and again, until one gets PONG; print
                                             "ms attempts" (ms from the signal to that PONG), or "none attempts"
  failover.py wait-via MGMT DEST HOP SECS    wait until the router at management port MGMT routes DEST via HOP
"""
import os
import signal
import sys
import time

from benchlib import run_command, status  # the router's GET /status, the command line (same directory)
from tcp_bench import ping_once  # a new connection, a redis PING, its PONG (same directory)

ATTEMPT_TIMEOUT = 0.05  # a stream opened towards the dead router is not answered: try a new one soon


def measure(port, pid, sig, secs):
    ping_once(port, 2.0)  # the path works before the fault
    start = time.monotonic()
    os.kill(int(pid), getattr(signal, "SIG" + sig))
    attempts = 0
    while time.monotonic() - start < float(secs):
        attempts += 1
        try:
            ping_once(port, ATTEMPT_TIMEOUT)
            print(f"{(time.monotonic() - start) * 1000:.0f} {attempts}")
            return
        except OSError:
            time.sleep(0.002)
    print(f"none {attempts}")


def wait_via(mgmt, dest, hop, secs):
    deadline = time.time() + float(secs)
    while time.time() < deadline:
        try:
            nodes = status(mgmt, 2).get("nodes", [])
            if any(n.get("id") == dest and n.get("nextHop") == hop for n in nodes):
                return
        except Exception:  # noqa: BLE001 - not answering yet
            pass
        time.sleep(0.1)
    sys.exit(f"failover: router at :{mgmt} does not route {dest} via {hop} after {secs} s")


def main(argv):
    run_command(argv, __doc__, {"measure": lambda a: measure(*a), "wait-via": lambda a: wait_via(*a)}, common=False)

if __name__ == "__main__":
    main(sys.argv)
