"""The reference `make bench` compares pages with: a bare WSGI app answering with fixed bytes.

gunicorn runs it with the site's own settings (`bench.reference:application`), serving the
file named by BENCH_REFERENCE_FILE, read once into memory. What it costs is gunicorn, the network
stack and wrk, nothing else: the ceiling for a page of that size on this machine.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_REFERENCE_FILE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
