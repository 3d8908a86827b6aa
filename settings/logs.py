"""Structured JSON logs for every Ascolto process (one object per line on stderr).

Never log client addresses, user agents or answers: privacy by design.
"""
from __future__ import annotations

import logging.config
import re

#: kafka-python 3's network loop warns of any step over 0.1 s "blocking the event loop"; in a process whose
#: own threads hold the GIL (the processor's writer, the shipper's batches) a step waits that long routinely,
#: harmlessly: heartbeats are seconds apart. Steps under this many seconds are not worth an operator's look.
KAFKA_SLOW_STEP_S = 1.0
_SLOW_STEP = re.compile(r"^Task .* ran for (\d+(?:\.\d+)?)s \(>")


class KafkaSlowStepFilter(logging.Filter):
    """Drops kafka-python's "Task … ran for Xs" warnings under ``KAFKA_SLOW_STEP_S``; every other record,
    and a slow step at or over it, passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        found = _SLOW_STEP.match(record.getMessage()) if record.name == "kafka.net.selector" else None
        return found is None or float(found.group(1)) >= KAFKA_SLOW_STEP_S


def logging_config(level: str = "INFO") -> dict:
    """A ``logging.config.dictConfig`` dict (``level``: ``Settings.log_level``); also gunicorn's ``logconfig_dict``."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
        }},
        "filters": {"kafka_slow_step": {"()": "settings.logs.KafkaSlowStepFilter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr",
                                "filters": ["kafka_slow_step"]}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "kafka": {"level": "WARNING"},
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": ["stderr"], "propagate": False},
        },
    }


def configure(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))
