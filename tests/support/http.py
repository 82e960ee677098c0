"""One HTTP client for the tests' own requests to service processes.

Making an httpx client (its TLS context) costs about 50 ms of CPU on a slow machine, a
request to a local service a few; the suite's helpers that poll or seed would spend more
on clients than on requests. No connection is kept between requests, so a service that
was stopped, or started again on the same port, is met afresh.
"""

from __future__ import annotations

import httpx

HTTP = httpx.Client(timeout=30.0, limits=httpx.Limits(max_keepalive_connections=0))
