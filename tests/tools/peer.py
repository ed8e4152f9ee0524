#!/usr/bin/env python3
"""peer.py -- a raw vigil protocol peer for the integration tests.

Speaks docs/protocol.md byte by byte (independently of core/proto.c), so
the tests can send what a real shipper never would: retransmissions,
gaps, malformed and oversized frames.  Loopback only.

  peer.py PORT CERT KEY CA ACTION [ARGS...]

Actions (each prints one result line; exit 0 when it went as expected):
  batch NAME FIRST COUNT [TAG]   HELLO, one BATCH of COUNT lines with
                                 sequences FIRST.., print "ack THROUGH"
  hold NAME SECONDS              HELLO, then keep the session idle
  frame-oversized                length field PROTO_FRAME_MAX+1
  frame-zero                     length field 0
  frame-unknown-type             type 99
  frame-garbage                  a frame of random bytes after the handshake
  batch-before-hello             a BATCH as the first frame
  hello-bad-version              HELLO with version 9
  hello-trailing                 HELLO with trailing bytes
  batch-unknown-stream           BATCH for a stream not in HELLO
  batch-short                    BATCH whose count exceeds its lines
  hello-type-vigil               HELLO with a stream of type "vigil" (the
                                 collector's own events)
  silent NAME                    HELLO, then silence until the collector
                                 drops the session: "closed"
  tls-garbage NAME               HELLO, then a forged TLS record on the
                                 raw socket (the collector's TLS fails)
For the malformed ones it prints "error REASON" (the collector's ERROR
frame) or "closed".
"""
import os
import socket
import ssl
import struct
import sys
import time

FRAME_MAX = 4 * 1024 * 1024


def s(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b


def frame(t, p):
    return struct.pack(">IB", len(p) + 1, t) + p


def hello(name, version=1, streams=None, trailing=b""):
    streams = streams or [(7, name, "auth")]
    p = struct.pack(">H", version) + s(HOST) + s("host") + s("m" * 32) + \
        s("b" * 32) + s("") + s("peer-instance") + \
        struct.pack(">H", len(streams))
    for sid, sname, stype in streams:
        p += struct.pack(">I", sid) + s(sname) + s(stype)
    return frame(1, p + trailing)


def batch(sid, first, lines):
    now = int(time.time() * 1e6)
    body = b"".join(struct.pack(">Q", now) + s(x) for x in lines)
    return frame(3, struct.pack(">IQI", sid, first, len(lines)) + body)


def read_frame(c):
    h = b""
    while len(h) < 5:
        d = c.recv(5 - len(h))
        if not d:
            return None, None
        h += d
    n, t = struct.unpack(">IB", h)
    p = b""
    while len(p) < n - 1:
        d = c.recv(n - 1 - len(p))
        if not d:
            return None, None
        p += d
    return t, p


def connect():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(CA)
    ctx.load_cert_chain(CERT, KEY)
    raw = socket.create_connection(("127.0.0.1", PORT), timeout=20)
    return ctx.wrap_socket(raw, server_hostname="localhost")


def expect_close(c):
    try:
        while True:
            t, p = read_frame(c)
            if t is None:
                print("closed")
                return 0
            if t == 8:
                n = struct.unpack(">I", p[:4])[0]
                print("error " + p[4:4 + n].decode(errors="replace"))
                return 0
    except (ConnectionError, ssl.SSLError, socket.timeout) as e:
        print("closed (%s)" % e)
        return 0


def lines_for(name, first, count, tag):
    return ["Mar 14 09:14:03 %s sshd[42]: peer test %s seq=%d" %
            (HOST, tag, first + i) for i in range(count)]


def main():
    global PORT, CERT, KEY, CA, HOST
    PORT, CERT, KEY, CA = int(sys.argv[1]), sys.argv[2], sys.argv[3], \
        sys.argv[4]
    HOST = os.environ.get("PEER_HOST", "peer")
    act, args = sys.argv[5], sys.argv[6:]
    c = connect()
    if act == "batch":
        name, first, count = args[0], int(args[1]), int(args[2])
        tag = args[3] if len(args) > 3 else "x"
        c.sendall(hello(name))
        t, p = read_frame(c)
        if t != 2:
            print("no welcome: %r" % (t,))
            return 1
        c.sendall(batch(7, first, lines_for(name, first, count, tag)))
        t, p = read_frame(c)
        if t != 4:
            return expect_close(c) or 1
        sid, through = struct.unpack(">IQ", p)
        print("ack %d" % through)
        return 0
    if act == "hold":
        c.sendall(hello(args[0]))
        t, p = read_frame(c)
        time.sleep(float(args[1]))
        c.sendall(batch(7, 1, lines_for(args[0], 1, 1, "hold")))
        t, p = read_frame(c)
        print("ack %d" % struct.unpack(">IQ", p)[1] if t == 4 else "closed")
        return 0 if t == 4 else 1
    if act == "silent":
        c.sendall(hello(args[0]))
        read_frame(c)
        c.settimeout(60)
        return expect_close(c)
    if act == "tls-garbage":
        c.sendall(hello(args[0]))
        read_frame(c)
        os.write(c.fileno(), b"\x17\x03\x03\x00\x20" + os.urandom(32))
        return expect_close(c)
    if act == "frame-oversized":
        c.sendall(struct.pack(">IB", FRAME_MAX + 1, 3) + b"\0" * 64)
    elif act == "frame-zero":
        c.sendall(struct.pack(">I", 0) + b"\0" * 8)
    elif act == "frame-unknown-type":
        c.sendall(frame(99, b"hello"))
    elif act == "frame-garbage":
        # random bytes under a length that covers them: raw random bytes
        # read as a length between 4093 and 4 MiB in about 1 run of 1000,
        # and the collector rightly waited for the rest (a flaky test)
        c.sendall(struct.pack(">I", 4092) + os.urandom(4092))
    elif act == "batch-before-hello":
        c.sendall(batch(7, 1, ["x"]))
    elif act == "hello-bad-version":
        c.sendall(hello("x", version=9))
    elif act == "hello-trailing":
        c.sendall(hello("x", trailing=b"junk"))
    elif act == "hello-type-vigil":
        c.sendall(hello("x", streams=[(7, "/var/log/x", "vigil")]))
    elif act == "batch-unknown-stream":
        c.sendall(hello("x"))
        read_frame(c)
        c.sendall(batch(8, 1, ["x"]))
    elif act == "batch-short":
        c.sendall(hello("x"))
        read_frame(c)
        b = bytearray(batch(7, 1, ["a", "b"]))
        b[5 + 12:5 + 16] = struct.pack(">I", 3)
        c.sendall(bytes(b))
    else:
        print("unknown action " + act)
        return 2
    return expect_close(c)


if __name__ == "__main__":
    sys.exit(main())
