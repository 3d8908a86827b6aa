"""The console test data (tests/console_data.py) plus citizens' comments and entity tokens (no tests here)."""
from __future__ import annotations

from pathlib import Path

from registry import connect, session_scope
from registry.tokens import create_token
from tests.console_data import build
from tests.warehouse_rows import response, write

ROMA, MILANO = "c_h501", "c_f205"
#: An entity whose every cell is suppressed: one answer a month (its workspace has nothing to draw).
SPARSE, SPARSE_SERVICE = "asl_rm1", "demo-asl-prenotazione"
COMMENTS = [  # entity, service, period, channel, rating, comment
    (ROMA, "demo-roma-anagrafe", "2026-09", "web", 5, "Servizio ottimo e veloce"),
    (ROMA, "demo-roma-anagrafe", "2026-10", "app", 2, "Pagina lenta, ho dovuto riprovare"),
    (ROMA, "demo-roma-anagrafe", "2026-10", "web", 1, "=HYPERLINK(\"http://evil.example\")"),
    (MILANO, "demo-milano-anagrafe", "2026-10", "web", 2, "Segreto di Milano: modulo lento"),
]


def build_workspace(root: Path) -> tuple:
    """Settings, tokens by role (``entity`` = a Roma manager token, ``entity_milano`` = Milano's)."""
    settings, tokens = build(root)
    write(root, [response(period=p, entity=e, service=s, channel=ch, satisfaction=r, comment=text,
                          region="ITI4" if e == ROMA else "ITC4")
                 for e, s, p, ch, r, text in COMMENTS]
          + [response(period=p, entity=SPARSE, service=SPARSE_SERVICE, pa_type="L7", service_type="sanita.prenotazione",
                      satisfaction=4) for p in ("2026-08", "2026-09", "2026-10")])
    with session_scope(connect(settings.database_url)) as s:
        tokens["entity"] = create_token(s, role="entity", label="roma manager", actor="test", entity=ROMA,
                                        manager=True)[1]
        tokens["entity_milano"] = create_token(s, role="entity", label="milano", actor="test", entity=MILANO)[1]
    return settings, tokens
