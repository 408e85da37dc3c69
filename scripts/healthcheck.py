#!/usr/bin/env python3
"""Container health check of the web service: asks gunicorn for ``/healthz/live`` (or a given path).

Uses only the standard library (no Django start-up on every probe) and sends the first of
``DJANGO_ALLOWED_HOSTS`` as the Host header, so that the portal does not refuse the probe.

    python scripts/healthcheck.py [/healthz/live] [--port 8000]
"""

import argparse
import http.client
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", default="/healthz/live")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--timeout", type=float, default=5)
    args = parser.parse_args()
    hosts = [host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and not h.startswith((".", "*"))), "localhost")
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.timeout)
    try:
        connection.request("GET", args.path, headers={"Host": host})
        response = connection.getresponse()
        body = response.read(2000).decode("utf-8", "replace")
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if response.status != 200:
        print(f"unhealthy: HTTP {response.status} {body}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
