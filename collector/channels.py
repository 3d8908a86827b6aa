"""The channel of a submission comes from the registry, not from the client (issue 14).

* An answer sent by a registered kiosk device (header ``X-Ascolto-Device: kio_…``) carries the
  device's channel (``kiosk`` or ``front_office``) whatever the page claims; an unknown or revoked
  device, or one of another service, is a 403 naming ``device``.
* Any other answer carries the service's channel: a body without ``channel`` gets it, a body
  claiming another one is refused (409 ``channel_not_declared`` naming ``channel``).
* Either way the channel must be one the questionnaire declares, when it declares any (``faccia``:
  front_office, kiosk, phone) — 409 naming ``channel`` otherwise.
"""
from __future__ import annotations

from registry.readmodel import DeviceView, ServiceView

from .errors import ApiError

DEVICE_HEADER = "X-Ascolto-Device"


def device_for(directory, token: str | None, cfg: ServiceView) -> DeviceView | None:
    """The registered, active device of ``cfg`` presenting ``token`` (None when no token was sent)."""
    if token is None:
        return None
    dev = directory.device(token.strip())
    if dev is None:
        raise ApiError(403, "device_not_allowed", "The kiosk device is unknown or was revoked.",
                       {"device": ["Unknown or revoked device."]})
    if dev.service_key != cfg.key:
        raise ApiError(403, "device_not_allowed", f"The device is not registered for service {cfg.key!r}.",
                       {"device": ["Registered for another service."]})
    return dev


def resolve(claimed: object, cfg: ServiceView, declared: tuple[str, ...], device: DeviceView | None) -> str:
    """The channel to record for a submission to ``cfg`` (see the module's rules)."""
    if device is not None:
        channel = device.channel
    else:
        channel = cfg.channel if claimed is None else claimed
        if channel != cfg.channel:
            raise ApiError(409, "channel_not_declared",
                           f"Service {cfg.key!r} collects on the {cfg.channel!r} channel only.",
                           {"channel": [f"Expected {cfg.channel!r} (or leave it out)."]})
    if declared and channel not in declared:
        raise ApiError(409, "channel_not_declared",
                       f"The questionnaire is for the channels {', '.join(declared)}, not {channel!r}.",
                       {"channel": [f"Not among {', '.join(declared)}."]})
    return channel
