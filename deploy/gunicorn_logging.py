"""Gunicorn's logger for every Ascolto server: no access-log line is built that nobody keeps.

Gunicorn builds each request's access-log atoms (headers, times, the client address) whenever a
logging configuration is given, and only then asks the ``gunicorn.access`` logger whether it
wants them. Ours never does (``settings.logs``: WARNING, privacy by design: no client addresses
are logged), so that work was spent on every request for nothing.
"""
from __future__ import annotations

import logging

from gunicorn import glogging


class Logger(glogging.Logger):
    """:class:`gunicorn.glogging.Logger` whose access log counts as enabled only when the
    ``gunicorn.access`` logger takes INFO records (decided again on every configuration load)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        self._access_log_enabled = self._compute_access_log_enabled() and self.access_log.isEnabledFor(logging.INFO)
