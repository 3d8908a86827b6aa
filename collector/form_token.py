"""The no-JS form's signed token: service, questionnaire, version, ``submission_id`` and render time.

The render time travels in an itsdangerous-signed token so that ``fill_ms`` is computed by the
server; the secret is ``Settings.form_secret`` or a random one created once in the data dir.
"""
from __future__ import annotations

import time
import uuid
from pathlib import Path

from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from questionnaires.model import Questionnaire
from settings.secret_policy import local_secret

TOKEN_MAX_AGE_S = 24 * 3600


def _signer() -> URLSafeTimedSerializer:
    """The token signer; the secret is ``Settings.form_secret`` or one kept in the data dir.

    Every collector process behind one address must share the secret: set
    ``ASCOLTO_FORM_SECRET`` when collectors run on several hosts.
    """
    signer = current_app.extensions.get("ascolto.form_signer")
    if signer is None:
        settings = current_app.config["ASCOLTO_SETTINGS"]
        secret = getattr(settings, "form_secret", "") or _local_secret(Path(settings.data_dir))
        signer = URLSafeTimedSerializer(secret, salt="ascolto.form/1")
        current_app.extensions["ascolto.form_signer"] = signer
    return signer


def _local_secret(data_dir: Path) -> str:
    """The data dir's own random form secret (``form-secret``; :func:`settings.secret_policy.local_secret`)."""
    return local_secret(data_dir, "form-secret", "ASCOLTO_FORM_SECRET")


def _issue(cfg, q: Questionnaire, submission_id: str | None = None, frame: str = "") -> tuple[str, str]:
    """A fresh ``(submission_id, token)``; the token signs service, questionnaire, id, render time,
    and ``frame``: the allowed origin whose page framed the form when it was rendered ("" if none)."""
    sid = submission_id or str(uuid.uuid4())
    token = _signer().dumps({"s": cfg.key, "q": q.id, "v": q.version, "i": sid, "t": int(time.time() * 1000),
                             "f": frame})
    return sid, token
