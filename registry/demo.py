"""A demo registry: real-looking entities of the pilot (INPS, INAIL, Roma Capitale, …) and services."""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from . import ops
from .db import session_scope
from .models import Entity, Service

ENTITIES = [
    # ipa_code, name, IPA category, region Istat, NUTS-2, comune Istat
    ("c_h501", "Roma Capitale", "L6", "12", "ITI4", "058091"),
    ("c_f205", "Comune di Milano", "L6", "03", "ITC4", "015146"),
    ("inps", "Istituto Nazionale della Previdenza Sociale", "C16", "12", "ITI4", None),
    ("inail", "Istituto Nazionale per l'Assicurazione contro gli Infortuni sul Lavoro", "C16", "12", "ITI4", None),
    ("asl_rm1", "Azienda Sanitaria Locale Roma 1", "L7", "12", "ITI4", None),
    ("r_lombar", "Regione Lombardia", "L4", "03", "ITC4", None),
]

SERVICES = [
    # key, entity, name, service type, channel
    ("demo-roma-anagrafe", "c_h501", "Certificati anagrafici online", "anagrafe.certificati", "web"),
    ("demo-milano-anagrafe", "c_f205", "Certificati anagrafici online", "anagrafe.certificati", "web"),
    ("demo-inps-pensione", "inps", "Domanda di pensione", "previdenza.domanda-prestazione", "web"),
    ("demo-inail-denuncia", "inail", "Denuncia di infortunio", "previdenza.domanda-prestazione", "web"),
    ("demo-asl-prenotazione", "asl_rm1", "Prenotazione visite ed esami", "sanita.prenotazione", "web"),
    ("demo-lombardia-bandi", "r_lombar", "Bandi e contributi online", "regione.bandi", "web"),
]

#: names in other languages than Italian (registry.names): the widget on the demo page, the form and the
#: console show them in those languages; the other services show their Italian name everywhere
NAMES = {
    "demo-roma-anagrafe": {"en": "Online civil registry certificates", "de": "Meldebescheinigungen online",
                           "fr": "Certificats d'état civil en ligne", "sl": "Spletna potrdila iz matičnega registra"},
    "demo-milano-anagrafe": {"en": "Online civil registry certificates"},
    "demo-inps-pensione": {"en": "Pension application"},
    "inps": {"en": "National Social Security Institute"},
    "inail": {"en": "National Institute for Insurance against Accidents at Work"},
    "r_lombar": {"en": "Lombardy Region"},
}
QUESTIONNAIRE = ("cx-core", 1)
ACTOR = "demo-seed"


def demo_origins(port: int) -> list[str]:
    """The origins of the demo PA site on ``port`` (``ascolto up``'s, ``ASCOLTO_DEMO_PORT``): what the demo
    services allow, so that its page's widget may post."""
    return [f"http://{host}:{port}" for host in ("localhost", "127.0.0.1")]


def seed(factory: sessionmaker[Session], origins: list[str], *, actor: str = ACTOR) -> None:
    """Insert or refresh the demo entities and services (idempotent); services allow ``origins``.

    Goes through the service layer, so the demo data is validated against the taxonomy and every
    change is audited; a second call with the same origins changes (and audits) nothing.
    """
    with session_scope(factory) as s:
        for ipa, name, cat, reg, nuts, com in ENTITIES:
            names = {"names": NAMES[ipa]} if ipa in NAMES else {}
            if s.get(Entity, ipa) is None:
                ops.add_entity(s, actor=actor, ipa_code=ipa, name=name, category=cat, comune_istat=com,
                               region_istat=reg, region_nuts=nuts, **names)
            else:
                ops.update_entity(s, ipa, actor=actor, name=name, category=cat, comune_istat=com,
                                  region_istat=reg, region_nuts=nuts, **names)
        for key, ipa, name, stype, channel in SERVICES:
            names = {"names": NAMES[key]} if key in NAMES else {}
            if s.get(Service, key) is None:
                ops.add_service(s, actor=actor, key=key, entity_ipa=ipa, name=name, service_type=stype,
                                channel=channel, allowed_origins=origins, questionnaire_id=QUESTIONNAIRE[0],
                                questionnaire_version=QUESTIONNAIRE[1], **names)
                continue
            ops.update_service(s, key, actor=actor, name=name, channel=channel, allowed_origins=origins,
                               sampling_rate=1.0, **names)
            if s.get(Service, key).service_type != stype:
                ops.update_service(s, key, actor=actor, service_type=stype)
            ops.assign_questionnaire(s, key, *QUESTIONNAIRE, actor=actor)
            ops.activate(s, key, actor=actor)


DEMO_TOKENS = (("admin", "demo admin"), ("monitoring", "demo monitoring"))


def seed_tokens(factory: sessionmaker[Session], *, actor: str = ACTOR) -> dict[str, str] | None:
    """Create the demo console tokens (an admin's and a monitoring one) unless they exist.

    Returns {role: secret} when they were created now, ``None`` when they already existed (a
    secret is shown once and never stored: revoke them to have new ones made).
    """
    from .tokens import create_token, list_tokens

    with session_scope(factory) as s:
        existing = {(t.role, t.label) for t in list_tokens(s)}
        if all(rl in existing for rl in DEMO_TOKENS):
            return None
        return {role: create_token(s, role=role, label=label, actor=actor)[1]
                for role, label in DEMO_TOKENS if (role, label) not in existing}
