"""Structured JSON logs for every Ascolto process (one object per line on stderr).

Never log client addresses, user agents or answers: privacy by design.
"""
from __future__ import annotations

import logging.config
import os


def logging_config(level: str | None = None) -> dict:
    """A ``logging.config.dictConfig`` dict; also used by gunicorn as ``logconfig_dict``."""
    level = (level or os.environ.get("ASCOLTO_LOG_LEVEL", "INFO")).upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
        }},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "kafka": {"level": "WARNING"},
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": ["stderr"], "propagate": False},
        },
    }


def configure(level: str | None = None) -> None:
    logging.config.dictConfig(logging_config(level))
