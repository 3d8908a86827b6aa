"""Failed console sign-ins, limited per client and per token prefix, and logged for monitoring.

The same ``limits`` set-up as the collector's rate limits (a sliding-window counter, in memory or in
Redis when ``ASCOLTO_REDIS_URL`` is set, so several console processes share it), counting a client
under its keyed bucket (:class:`settings.buckets.ClientBuckets`: never the raw address). Only failures
count: :meth:`SignInThrottle.check` refuses (with the seconds to wait) a client that has failed
``Settings.console_signin_limit`` times in the window, *before* the token is looked at; a prefix that
has (:meth:`SignInThrottle.check_prefix`) refuses every *wrong* secret, but never its token's own: the
prefix is no secret (the audit log and the entity's tokens page show it), so refusing the right
secret too let anyone lock its owner out with a few wrong guesses;
:meth:`SignInThrottle.failed` counts a failure and logs it with the token's public prefix and the
client's bucket (the same keyed hash in every process of the installation, so repeated failures from
one client can be followed across the logs), never the secret and never the address (no IP addresses
are stored, logs included). A limiter storage outage lets sign-ins through (logged).
"""
from __future__ import annotations

import logging
import time

from limits import parse, storage, strategies

from settings import Settings
from settings.buckets import ClientBuckets, close_limiter, limiter_storage

log = logging.getLogger("ascolto.console")
MALFORMED = "-"  # what the log says for a value that is not a well-formed token


class SignInThrottle:
    def __init__(self, settings: Settings):
        uri, options = limiter_storage(settings)
        self._strategy = strategies.SlidingWindowCounterRateLimiter(storage.storage_from_string(uri, **options))
        self._limit = parse(settings.console_signin_limit)
        self._bucket = ClientBuckets(settings).bucket

    def close(self) -> None:
        """Close the limiter storage's connections (Redis) at the console's shutdown
        (:func:`settings.buckets.close_limiter`); idempotent."""
        close_limiter(self._strategy)

    def _keys(self, client: str, prefix: str | None) -> list[tuple[str, str]]:
        return [("client", self._bucket(client))] + ([("prefix", prefix)] if prefix else [])

    def check(self, client: str, prefix: str | None) -> int:
        """0 when this sign-in may be tried, else the seconds to wait (for ``Retry-After``)."""
        wait = 0
        for scope, key in self._keys(client, prefix):
            try:
                if not self._strategy.test(self._limit, "ascolto-console-signin", scope, key):
                    reset = self._strategy.get_window_stats(self._limit, "ascolto-console-signin", scope, key).reset_time
                    wait = max(wait, int(reset - time.time()) + 1, 1)
            except Exception as exc:  # the limiter's storage failing must not lock staff out
                log.warning("sign-in limiter storage unavailable (%s); sign-in allowed", exc)
        if wait:
            log.warning("console sign-in throttled: token prefix %s, client bucket %s, retry in %d s",
                        prefix or MALFORMED, self._bucket(client), wait)
        return wait

    def check_prefix(self, prefix: str | None) -> int:
        """:meth:`check` for the token prefix alone (0 when no prefix or not limited)."""
        wait = 0
        if prefix:
            try:
                if not self._strategy.test(self._limit, "ascolto-console-signin", "prefix", prefix):
                    reset = self._strategy.get_window_stats(self._limit, "ascolto-console-signin", "prefix",
                                                            prefix).reset_time
                    wait = max(int(reset - time.time()) + 1, 1)
            except Exception as exc:
                log.warning("sign-in limiter storage unavailable (%s); sign-in allowed", exc)
        return wait

    def failed(self, client: str, prefix: str | None, via: str) -> None:
        """Count and log one failed sign-in (``via``: ``form`` or ``bearer``)."""
        log.warning("console sign-in failed: token prefix %s, client bucket %s, via %s", prefix or MALFORMED,
                    self._bucket(client), via)
        for scope, key in self._keys(client, prefix):
            try:
                self._strategy.hit(self._limit, "ascolto-console-signin", scope, key)
            except Exception as exc:
                log.warning("sign-in limiter storage unavailable (%s)", exc)
