"""The front door's rate limit: each address may send `COOPNET_FRONTDOOR_RATE` requests
("5/hour"), counted in Django's configured cache, so that with a shared Redis
(`COOPNET_CACHE_URL`) an address is counted once across every web process. Django-ninja's
`SimpleRateThrottle` (already the API's throttle) keeps the count and reads the client's
address behind `COOPNET_PROXY_HOPS` trusted proxies, as the API's own throttles do: no other
library is needed. Only what is accepted counts (a request stored, or a honeypot filled): a
form sent back for a typo costs the client nothing."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class FrontDoorThrottle(SimpleRateThrottle):
    """Made anew for each request: it keeps the request's count on itself."""

    scope = "frontdoor"

    def __init__(self) -> None:
        super().__init__(rate=settings.COOPNET_FRONTDOOR_RATE)

    def get_cache_key(self, request: HttpRequest) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def full(self, request: HttpRequest) -> bool:
        """Has this address sent all it may within the period? Counts nothing."""
        self.key = self.get_cache_key(request)
        self.now = time.time()
        period, most = self.duration or 0, self.num_requests or 0
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - period]
        return len(self.history) >= most

    def count(self, request: HttpRequest) -> None:
        """Count one accepted request of this address."""
        self.allow_request(request)

    def retry_after(self) -> int:
        """Whole seconds until the address may send again (after `full`)."""
        return max(1, math.ceil(self.wait() or 1))
