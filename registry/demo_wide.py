"""The demo registry of ``ascolto up``: the pilot of :mod:`registry.demo` widened so that every part
of the console means something — several entities per service type, in several regions, every
instrument (cx-core, the Designers Italia ratings, the faces, each module) and every channel.

:func:`seed_wide` runs :func:`registry.demo.seed` (the six cx-core web services the tests and
benchmarks know) and adds :data:`MORE_ENTITIES` and :data:`MORE_SERVICES`, through the service
layer (validated against the taxonomy, audited, idempotent).
"""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from . import ops
from .db import session_scope
from .demo import ACTOR, ENTITIES, QUESTIONNAIRE, SERVICES, seed
from .models import Entity, Service

MORE_ENTITIES = [
    # ipa_code, name, IPA category, region Istat, NUTS-2, comune Istat
    ("c_f839", "Comune di Napoli", "L6", None, None, "063049"),
    ("c_l219", "Comune di Torino", "L6", None, None, "001272"),
    ("c_a944", "Comune di Bologna", "L6", None, None, "037006"),
    ("c_g273", "Comune di Palermo", "L6", None, None, "082053"),
    ("c_d612", "Comune di Firenze", "L6", None, None, "048017"),
    ("c_a662", "Comune di Bari", "L6", None, None, "072006"),
    ("c_l736", "Comune di Venezia", "L6", None, None, "027042"),
    ("r_lazio", "Regione Lazio", "L4", "12", None, None),
    ("r_toscan", "Regione Toscana", "L4", "09", None, None),
    ("r_puglia", "Regione Puglia", "L4", "16", None, None),
    ("asl_na1", "Azienda Sanitaria Locale Napoli 1 Centro", "L7", "15", None, None),
    ("ausl_bo", "Azienda USL di Bologna", "L7", "08", None, None),
    ("ats_mi", "ATS della Città Metropolitana di Milano", "L7", "03", None, None),
    ("enpam", "Ente Nazionale di Previdenza e Assistenza dei Medici e degli Odontoiatri", "C16", "12", None, None),
    ("onaosi", "Opera Nazionale per l'Assistenza agli Orfani dei Sanitari Italiani", "C16", "10", None, None),
    ("ic_rm_mazzini", "Istituto Comprensivo Mazzini - Roma", "L33", None, None, "058091"),
    ("ic_mi_manzoni", "Istituto Comprensivo Manzoni - Milano", "L33", None, None, "015146"),
    ("ic_na_croce", "Istituto Comprensivo Croce - Napoli", "L33", None, None, "063049"),
    ("ic_pa_verga", "Istituto Comprensivo Verga - Palermo", "L33", None, None, "082053"),
]

MORE_SERVICES = [
    # key, entity, name, service type, channel, questionnaire
    ("demo-roma-anagrafe-mod", "c_h501", "Certificati anagrafici (con modulo)", "anagrafe.certificati", "app", "mod-anagrafe"),
    ("demo-napoli-anagrafe", "c_f839", "Certificati anagrafici online", "anagrafe.certificati", "web", "cx-core"),
    ("demo-torino-anagrafe", "c_l219", "Certificati anagrafici online", "anagrafe.certificati", "web", "mod-anagrafe"),
    ("demo-bologna-anagrafe", "c_a944", "Certificati anagrafici online", "anagrafe.certificati", "web", "di-rating-servizio"),
    ("demo-palermo-anagrafe", "c_g273", "Certificati anagrafici online", "anagrafe.certificati", "web", "cx-core"),
    ("demo-firenze-anagrafe", "c_d612", "Certificati anagrafici online", "anagrafe.certificati", "email", "cx-core"),
    ("demo-roma-tari", "c_h501", "Pagamento TARI", "tributi.pagamento", "web", "mod-tributi"),
    ("demo-milano-tari", "c_f205", "Pagamento TARI", "tributi.pagamento", "app", "cx-core"),
    ("demo-torino-tari", "c_l219", "Pagamento TARI", "tributi.pagamento", "web", "di-rating-servizio"),
    ("demo-bari-tari", "c_a662", "Pagamento TARI", "tributi.pagamento", "sms", "cx-core"),
    ("demo-lazio-bollo", "r_lazio", "Pagamento bollo auto", "tributi.pagamento", "web", "mod-tributi"),
    ("demo-inps-pensione-mod", "inps", "Domanda di pensione (con modulo)", "previdenza.domanda-prestazione", "app", "mod-previdenza"),
    ("demo-inps-contact", "inps", "Contact center", "previdenza.domanda-prestazione", "phone", "faccia"),
    ("demo-enpam-prestazioni", "enpam", "Domanda di prestazioni", "previdenza.domanda-prestazione", "web", "cx-core"),
    ("demo-onaosi-contributi", "onaosi", "Domanda di contributi", "previdenza.domanda-prestazione", "email", "mod-previdenza"),
    ("demo-asl-prenotazione-mod", "asl_rm1", "Prenotazioni CUP (con modulo)", "sanita.prenotazione", "web", "mod-sanita"),
    ("demo-asl-na1-cup", "asl_na1", "Prenotazioni CUP", "sanita.prenotazione", "web", "cx-core"),
    ("demo-ausl-bo-cup", "ausl_bo", "Prenotazioni CUP", "sanita.prenotazione", "web", "di-rating-servizio"),
    ("demo-ats-mi-cup", "ats_mi", "Prenotazioni online", "sanita.prenotazione", "web", "cx-core"),
    ("demo-asl-rm1-totem", "asl_rm1", "Totem di accettazione", "sanita.prenotazione", "kiosk", "faccia"),
    ("demo-lazio-bandi", "r_lazio", "Bandi e contributi online", "regione.bandi", "web", "di-rating-servizio"),
    ("demo-toscana-bandi", "r_toscan", "Bandi e contributi online", "regione.bandi", "web", "cx-core"),
    ("demo-puglia-bandi", "r_puglia", "Bandi e contributi online", "regione.bandi", "web", "cx-core"),
    ("demo-ic-roma-iscrizioni", "ic_rm_mazzini", "Iscrizioni online", "scuola.iscrizione", "web", "mod-scuola"),
    ("demo-ic-milano-iscrizioni", "ic_mi_manzoni", "Iscrizioni online", "scuola.iscrizione", "web", "cx-core"),
    ("demo-ic-napoli-iscrizioni", "ic_na_croce", "Iscrizioni online", "scuola.iscrizione", "web", "di-rating-servizio"),
    ("demo-ic-palermo-iscrizioni", "ic_pa_verga", "Iscrizioni online", "scuola.iscrizione", "web", "mod-scuola"),
    ("demo-roma-pagina", "c_h501", "Pagine informative", "informazioni.pagina", "web", "di-rating-pagina"),
    ("demo-milano-pagina", "c_f205", "Pagine informative", "informazioni.pagina", "web", "di-rating-pagina"),
    ("demo-venezia-pagina", "c_l736", "Pagine informative", "informazioni.pagina", "web", "di-rating-pagina"),
    ("demo-inail-pagina", "inail", "Pagine informative", "informazioni.pagina", "web", "cx-core"),
    ("demo-roma-urp", "c_h501", "URP - sportello", "sportello.urp", "front_office", "faccia"),
    ("demo-milano-urp", "c_f205", "URP - totem", "sportello.urp", "kiosk", "faccia"),
    ("demo-napoli-urp", "c_f839", "URP - telefono", "sportello.urp", "phone", "faccia"),
    ("demo-venezia-urp", "c_l736", "URP - sportello", "sportello.urp", "front_office", "faccia"),
]


def all_services() -> list[tuple[str, str, str, str, str, str]]:
    """Every demo service as (key, entity, name, service type, channel, questionnaire id)."""
    return [(*s, QUESTIONNAIRE[0]) for s in SERVICES] + list(MORE_SERVICES)


def all_entities() -> list[tuple]:
    return list(ENTITIES) + list(MORE_ENTITIES)


def seed_wide(factory: sessionmaker[Session], origins: list[str], *, actor: str = ACTOR) -> None:
    """The pilot (:func:`registry.demo.seed`) plus the entities and services above (idempotent)."""
    seed(factory, origins, actor=actor)
    with session_scope(factory) as s:
        for ipa, name, cat, reg, nuts, com in MORE_ENTITIES:
            if s.get(Entity, ipa) is None:
                ops.add_entity(s, actor=actor, ipa_code=ipa, name=name, category=cat, comune_istat=com,
                               region_istat=reg, region_nuts=nuts)
        for key, ipa, name, stype, channel, qid in MORE_SERVICES:
            if s.get(Service, key) is None:
                ops.add_service(s, actor=actor, key=key, entity_ipa=ipa, name=name, service_type=stype,
                                channel=channel, allowed_origins=origins, questionnaire_id=qid)
            else:
                ops.update_service(s, key, actor=actor, allowed_origins=origins)
