#!/usr/bin/env python3
"""httprecv.py -- a real HTTP receiver for webhook tests (127.0.0.1 only).

    python3 httprecv.py PORTFILE OUTFILE [FAIL_FIRST]

Binds an ephemeral port on 127.0.0.1, writes it to PORTFILE, and appends
the body of every POST to OUTFILE as one line.  The first FAIL_FIRST
requests (default 0) get a 500, to exercise the sender's retries.  Exits
after 120 s in any case (tests are bounded).
"""
import http.server
import sys
import threading

portfile, outfile = sys.argv[1], sys.argv[2]
fail_first = int(sys.argv[3]) if len(sys.argv) > 3 else 0
count = 0
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with lock:
            count += 1
            fail = count <= fail_first
            if not fail:
                with open(outfile, "ab") as f:
                    f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(500 if fail else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
threading.Timer(120, srv.shutdown).start()
srv.serve_forever()
