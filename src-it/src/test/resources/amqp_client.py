#!/usr/bin/python3
"""AMQP 1.0 test client for AmqpAdaptorIT (python3-qpid-proton, Debian).

receive URL ADDRESS OUTFILE SECONDS: attaches a receiver, writes "attached", then for each message appends its body
  (UTF-8) as a line to OUTFILE, flushed, and only then accepts it; ends after SECONDS or when the connection drops.
send URL ADDRESS PREFIX COUNT OUTFILE SECONDS: sends PREFIX:0 .. PREFIX:COUNT-1 unsettled, one at a time; a message
  that is not ACCEPTED (released, modified, rejected, a timeout, a lost connection) is sent again; each ACCEPTED one
  is appended to OUTFILE. Exits 0 once all were accepted, 2 if SECONDS passed first.
"""
import sys
import time

from proton import Message
from proton.utils import BlockingConnection, SendException


def receive(url, address, outfile, seconds):
    end = time.time() + float(seconds)
    conn = BlockingConnection(url, timeout=10)
    receiver = conn.create_receiver(address, credit=10)
    print("attached", flush=True)
    with open(outfile, "a") as out:
        while time.time() < end:
            try:
                message = receiver.receive(timeout=0.5)
            except Exception as e:  # a timeout, or the router went away
                if "Timeout" in type(e).__name__:
                    continue
                print("receiver ended: %r" % e, flush=True)
                return
            body = message.body
            out.write((body.decode("utf-8") if isinstance(body, (bytes, memoryview)) else str(body)) + "\n")
            out.flush()
            receiver.accept()
    conn.close()


def send(url, address, prefix, count, outfile, seconds):
    end = time.time() + float(seconds)
    conn, sender = None, None
    with open(outfile, "a") as out:
        for i in range(int(count)):
            body = "%s:%d" % (prefix, i)
            while True:
                if time.time() > end:
                    print("gave up at %s" % body, flush=True)
                    sys.exit(2)
                try:
                    if sender is None:
                        conn = BlockingConnection(url, timeout=10)
                        sender = conn.create_sender(address)
                    sender.send(Message(body=body), timeout=20)
                    out.write(body + "\n")
                    out.flush()
                    break
                except SendException:
                    time.sleep(0.05)  # released: no receiver took it yet; send it again
                except Exception as e:
                    print("resending %s after %r" % (body, e), flush=True)
                    try:
                        conn.close()
                    except Exception:
                        pass
                    conn, sender = None, None
                    time.sleep(0.2)
    conn.close()
    print("sent %s" % count, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "receive":
        receive(*sys.argv[2:6])
    else:
        send(*sys.argv[2:8])
