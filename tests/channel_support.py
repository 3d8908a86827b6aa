"""Shared helpers of the channel tests (issue 14): a collector over the wide demo registry."""
from __future__ import annotations

import uuid

from registry import connect, session_scope
from registry import devices as device_ops
from registry.demo_wide import seed_wide

from .conftest import ORIGIN

KIOSK_SERVICE = "demo-milano-urp"     # faccia, channel kiosk (Comune di Milano)
DESK_SERVICE = "demo-roma-urp"        # faccia, channel front_office (Roma Capitale)
PHONE_SERVICE = "demo-napoli-urp"     # faccia, channel phone


def seed(settings) -> None:
    seed_wide(connect(settings.database_url), [ORIGIN])


def register_device(settings, service: str = KIOSK_SERVICE, channel: str | None = None) -> tuple[str, str]:
    """A new device of ``service``; returns (prefix, token)."""
    with session_scope(connect(settings.database_url)) as s:
        dev, token = device_ops.add_device(s, service_key=service, label="Sala d'attesa", channel=channel,
                                           actor="test:admin")
        return dev.prefix, token


def faces(service: str, face: str = "satisfied", **extra) -> dict:
    """A valid ``faccia`` submission (no channel: the registry decides)."""
    return {"submission_id": str(uuid.uuid4()), "service": service, "questionnaire": "faccia", "version": 1,
            "lang": "it", "answers": {"face": face}, **extra}
