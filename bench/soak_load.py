#!/usr/bin/env python3
"""Load and fault helpers for bench/soak.sh (standard library only).

Subcommands:
  echo-server PORT                   echo every byte back on 127.0.0.1:PORT (a thread per connection)
  proxy LISTEN TARGET CONTROL        forward 127.0.0.1:LISTEN to 127.0.0.1:TARGET; while the file CONTROL exists the
                                     link is down: open connections are cut and new ones closed at once (link flap)
  tcp-load PORT THREADS STATS        THREADS loops of: connect to PORT, send 1-64 KiB, read it back, compare, close
                                     (every request is a new connection: client churn); counters to STATS
  mqtt-load PUB_PORT SUB_PORTS STATS publishers on PUB_PORT (QoS 0 and QoS 1, sequence numbers), subscribers on each
                                     of SUB_PORTS (comma-separated) that reconnect every 10-30 s; counters to STATS
  free-ports N                       N free TCP ports below the ephemeral range
  process MGMT_PORT                  one CSV row fragment: heap used from GET /process, then a full GC (POST
                                     /process/gc) and the rest from its answer:
                                     rss,heap,heap_after_gc,direct,allocator_direct,fds,threads (MiB, counts)
Counters are rewritten once a second as "name value" lines. Stops on SIGTERM.
"""
import json
import os
import random
import signal
import socket
import struct
import sys
import threading
import time
import urllib.request

import benchlib  # free-ports, shared with the other helpers (same directory)

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
counters = {}
lock = threading.Lock()


def count(name, n=1):
    with lock:
        counters[name] = counters.get(name, 0) + n


def stats_writer(path):
    def run():
        while not stop.wait(1.0):
            with lock:
                text = "".join(f"{k} {v}\n" for k, v in sorted(counters.items()))
            with open(path + ".tmp", "w") as f:
                f.write(text)
            os.replace(path + ".tmp", path)
    threading.Thread(target=run, daemon=True).start()


def serve(port, handler):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(1024)
    server.settimeout(0.5)
    while not stop.is_set():
        try:
            conn, _ = server.accept()
        except socket.timeout:
            continue
        threading.Thread(target=handler, args=(conn,), daemon=True).start()


def echo_server(port):
    def handle(conn):
        with conn:
            try:
                while True:
                    data = conn.recv(65536)
                    if not data:
                        return
                    conn.sendall(data)
            except OSError:
                pass
    serve(port, handle)


def proxy(listen, target, control):
    live = set()

    def pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    dst.shutdown(socket.SHUT_WR)  # pass the half-close on; the other direction goes on
                    return
                dst.sendall(data)
        except OSError:
            for s in (src, dst):  # reset or cut: both ends go
                try:
                    s.close()
                except OSError:
                    pass

    def handle(conn):
        if os.path.exists(control):
            conn.close()
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", target), timeout=5)
            upstream.settimeout(None)
        except OSError:
            conn.close()
            return
        with lock:
            live.add(conn)
            live.add(upstream)
        forward = threading.Thread(target=pipe, args=(conn, upstream), daemon=True)
        forward.start()
        pipe(upstream, conn)
        forward.join()
        for s in (conn, upstream):
            s.close()
        with lock:
            live.discard(conn)
            live.discard(upstream)

    def cutter():
        while not stop.wait(0.2):
            if os.path.exists(control):
                with lock:
                    doomed = list(live)
                for s in doomed:
                    try:
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        s.close()  # RST: the link is cut
                    except OSError:
                        pass
    threading.Thread(target=cutter, daemon=True).start()
    serve(listen, handle)


def tcp_load(port, threads, stats):
    def loop(seed):
        rnd = random.Random(seed)
        while not stop.is_set():
            payload = rnd.randbytes(rnd.randint(1, 64 * 1024))
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                    s.sendall(payload)
                    s.shutdown(socket.SHUT_WR)
                    back = bytearray()
                    while True:
                        data = s.recv(65536)
                        if not data:
                            break
                        back += data
                count("tcp_ok" if back == payload else ("tcp_reset" if not back else "tcp_mismatch"))
            except OSError as e:
                count(f"tcp_error_{type(e).__name__}")  # refused or reset while churn takes a path down
                stop.wait(0.2)
            stop.wait(0.02)
    stats_writer(stats)
    workers = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(threads)]
    for w in workers:
        w.start()
    while not stop.wait(1):
        pass


# ------------------------------------------------------------------------------------------------ minimal MQTT 3.1.1
def mqtt_string(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def mqtt_packet(header, body):
    out, length = bytearray([header]), len(body)
    while True:
        digit, length = length & 0x7F, length >> 7
        out.append(digit | (0x80 if length else 0))
        if not length:
            return bytes(out) + body


def mqtt_read(sock):
    first = sock.recv(1)
    if not first:
        raise OSError("closed")
    length, shift = 0, 0
    while True:
        b = sock.recv(1)[0]
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    body = bytearray()
    while len(body) < length:
        data = sock.recv(length - len(body))
        if not data:
            raise OSError("closed")
        body += data
    return first[0] >> 4, first[0] & 0x0F, bytes(body)


def mqtt_connect(port, client_id):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(mqtt_packet(0x10, mqtt_string("MQTT") + bytes([4, 2, 0, 60]) + mqtt_string(client_id)))
    kind, _, body = mqtt_read(s)
    if kind != 2 or body[1] != 0:
        raise OSError("CONNECT refused")
    return s


def mqtt_subscriber(port, name, topic_filter, qos):
    rnd = random.Random(name)
    while not stop.is_set():
        try:
            s = mqtt_connect(port, name)
            s.sendall(mqtt_packet(0x82, struct.pack("!H", 1) + mqtt_string(topic_filter) + bytes([qos])))
            s.settimeout(1.0)
            until = time.monotonic() + rnd.uniform(10, 30)
            count("mqtt_sub_connects")
            while not stop.is_set() and time.monotonic() < until:
                try:
                    kind, flags, body = mqtt_read(s)
                except socket.timeout:
                    continue
                if kind == 3:
                    count(f"mqtt_received_qos{(flags >> 1) & 3}")
                    if flags & 0x06:
                        topic_len = struct.unpack("!H", body[:2])[0]
                        s.sendall(mqtt_packet(0x40, body[2 + topic_len:4 + topic_len]))
            if rnd.random() < 0.5:
                s.sendall(mqtt_packet(0xE0, b""))  # clean DISCONNECT, else just close
            s.close()
        except OSError:
            count("mqtt_sub_errors")
            stop.wait(0.5)


def mqtt_publisher(port, name, qos, rate):
    payload = os.urandom(200)
    while not stop.is_set():
        try:
            s = mqtt_connect(port, name)
            s.settimeout(10)
            packet_id = 0
            until = time.monotonic() + 60
            while not stop.is_set() and time.monotonic() < until:
                topic = f"soak/{name}/{packet_id % 10}"
                if qos:
                    packet_id = packet_id % 65535 + 1
                    s.sendall(mqtt_packet(0x32, mqtt_string(topic) + struct.pack("!H", packet_id) + payload))
                    kind, _, _ = mqtt_read(s)  # PUBACK: one in flight at a time
                else:
                    packet_id += 1
                    s.sendall(mqtt_packet(0x30, mqtt_string(topic) + payload))
                count(f"mqtt_published_qos{qos}")
                stop.wait(1.0 / rate)
            s.sendall(mqtt_packet(0xE0, b""))
            s.close()
        except OSError:
            count("mqtt_pub_errors")
            stop.wait(0.5)


def mqtt_load(pub_port, sub_ports, stats):
    stats_writer(stats)
    threads = [threading.Thread(target=mqtt_publisher, args=(pub_port, "pub0", 0, 200), daemon=True),
               threading.Thread(target=mqtt_publisher, args=(pub_port, "pub1", 1, 50), daemon=True)]
    for i, port in enumerate(sub_ports):
        threads.append(threading.Thread(target=mqtt_subscriber, args=(port, f"sub{i}", "soak/#", 1), daemon=True))
        threads.append(threading.Thread(target=mqtt_subscriber,
                                        args=(port, f"shared{i}", "$share/g/soak/#", 1), daemon=True))
    for t in threads:
        t.start()
    while not stop.wait(1):
        pass


def process_row(mgmt_port):
    base = f"http://127.0.0.1:{mgmt_port}/process"
    try:
        with urllib.request.urlopen(base, timeout=10) as r:
            before = json.load(r)  # heap used includes garbage: read before the GC
        with urllib.request.urlopen(urllib.request.Request(base + "/gc", method="POST"), timeout=10) as r:
            p = json.load(r)
    except (OSError, ValueError):
        print(",,,,,,")
        return
    mib = lambda v: f"{v / 1048576:.1f}" if v >= 0 else ""
    direct = max(p["directBytes"], p["nettyDirectBytes"])
    print(",".join([mib(p["rssBytes"]), mib(before["heapUsedBytes"]), mib(p["heapUsedAfterGcBytes"]), mib(direct),
                    mib(p["allocatorDirectBytes"]), str(p["openFds"]), str(p["threads"])]))


def main(argv):
    benchlib.run_command(argv, __doc__, {
        "echo-server": lambda a: echo_server(int(a[0])),
        "proxy": lambda a: proxy(int(a[0]), int(a[1]), a[2]),
        "tcp-load": lambda a: tcp_load(int(a[0]), int(a[1]), a[2]),
        "mqtt-load": lambda a: mqtt_load(int(a[0]), [int(p) for p in a[1].split(",")], a[2]),
        "free-ports": lambda a: benchlib.free_ports(int(a[0]), need_all=False),
        "process": lambda a: process_row(int(a[0])),
    }, common=False)

if __name__ == "__main__":
    main(sys.argv)
