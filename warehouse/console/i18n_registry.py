"""The registry's refusals in the page's language (the admin pages, the onboarding queue).

:class:`registry.errors.RegistryError` says ``field`` and ``problem`` in English, the language of the
API and the CLI. A console page says them in the reader's language, like the rest of the console
(:func:`.i18n.lang`: ``?lang=en``, else the session's choice, else Italian): :func:`registry_refusal`
gives ``"field: problem"`` unchanged to English readers, and ``"Etichetta (field): problema"`` to
Italian ones — the field's Italian label with its code kept (so the form's field is named either
way), the problem from :data:`PROBLEMS_IT`. A problem no pattern covers is still framed in Italian,
its English detail in brackets (``tests/test_console_admin_refusals.py`` keeps the table complete
for what the admin pages can meet).
"""
from __future__ import annotations

from registry import RegistryError

from . import i18n
from .i18n import gettext, lang
from .i18n_refusals import translate_problem

#: the registry's field codes as the admin forms label them (Italian; English: the code itself)
FIELDS_IT = {
    "ipa_code": "Codice IPA", "name": "Nome", "category": "Categoria IPA", "comune_istat": "Codice Istat del comune",
    "region_istat": "Codice Istat della regione", "region_nuts": "Codice NUTS-2 della regione",
    "entity_ipa": "Ente", "entity": "Ente", "service_type": "Tipo di servizio", "key": "Chiave", "channel": "Canale",
    "channels": "Canali", "allowed_origins": "Origini ammesse", "questionnaire_id": "Questionario",
    "questionnaire_version": "Versione", "version": "Versione", "active": "Attivo", "test_mode": "Modalità di prova",
    "role": "Ruolo", "label": "Etichetta", "expires": "Scadenza", "manager": "Responsabile dell'ente",
    "token": "Token", "request": "Richiesta di adesione", "names": "Nomi", "kind": "Tipo", "actor": "Autore",
    "sampling_rate": "Frazione di campionamento", "hours": "Durata in ore", "service_name": "Nome del servizio",
    "name_en": "Nome in inglese", "name_de": "Nome in tedesco", "name_fr": "Nome in francese",
    "name_sl": "Nome in sloveno",
}

#: ``(pattern of the English problem, Italian template)``: :func:`.i18n_refusals.translate_problem`'s table
#: (first full match wins; a quoted ``'x'`` group is shown as «x»). Specific patterns come first.
PROBLEMS_IT = [
    # registry.checks (the values of an entity, a service, an origin, a questionnaire)
    (r"is required", "è obbligatorio."),
    (r"contains control characters", "contiene caratteri di controllo."),
    (r"is (\d+) characters long, at most (\d+) allowed", "è lungo {0} caratteri, al massimo {1}."),
    (r"at most (\d+) characters", "al massimo {0} caratteri."),
    (r"('.*') is not an IPA code .*", "{0} non è un codice IPA (lettere, cifre, _ . -; al massimo 32 caratteri)."),
    (r"('.*') is not an IPA category code .*", "{0} non è un codice di categoria IPA (es. L6, C16)."),
    (r"('.*') is not a PA type of the questionnaire standard \(valid: (.+)\)",
     "{0} non è un tipo di PA dello standard dei questionari (validi: {1})."),
    (r"('.*') is not a 6-digit Istat comune code", "{0} non è un codice Istat di comune (6 cifre)."),
    (r"province code ('.*') of comune ('.*') is not a known Istat province",
     "il codice di provincia {0} del comune {1} non è una provincia Istat nota."),
    (r"('.*') is not an Istat region code \(01–20\)", "{0} non è un codice Istat di regione (01–20)."),
    (r"region ('.*') spans NUTS-2 (.+): give the NUTS-2 code",
     "la regione {0} comprende più aree NUTS-2 {1}: indicare il codice NUTS-2."),
    (r"NUTS-2 ('.*') is not in region ('.*') \(expected one of (.+)\)",
     "l'area NUTS-2 {0} non è nella regione {1} (attese: {2})."),
    (r"('.*') disagrees with comune ('.*') \(region ('.*')\)", "{0} non concorda con il comune {1} (regione {2})."),
    (r"('.*') disagrees with comune ('.*') \(NUTS-2 ('.*')\)", "{0} non concorda con il comune {1} (NUTS-2 {2})."),
    (r"a comune or a region Istat code is required", "serve il codice Istat del comune o della regione."),
    (r"is empty: the region cannot be derived", "è vuoto: la regione non si può ricavare."),
    (r"('.*') is not a service key .*", "{0} non è una chiave di servizio (3–64 lettere, cifre, _ o -)."),
    (r"an origin must be a non-empty string", "un'origine non può essere vuota."),
    (r"('.*') is not a URL origin", "{0} non è un'origine (https://host)."),
    (r"('.*') must be http\(s\)://host\[:port\](?:: did you mean (\S+)\?)?",
     "{0} deve essere nella forma http(s)://host[:porta]."),
    (r"('.*'): write the host as browsers send it, (\S+)", "{0}: scrivi l'host come lo inviano i browser, {1}."),
    (r"('.*'): ('.*') is not a host name \(letters, digits, - and \. only\)",
     "{0}: {1} non è un nome di host (solo lettere, cifre, - e .)."),
    (r"('.*'): a part of the host name is longer than 63", "{0}: una parte del nome di host supera i 63 caratteri."),
    (r"('.*'): the host name is longer than 253", "{0}: il nome di host supera i 253 caratteri."),
    (r"('.*') is an origin only: .*",
     "{0}: solo l'origine, senza percorso, parametri, frammento o utente (es. https://www.comune.example.it)."),
    (r"must be a list of origins, not a string", "deve essere un elenco di origini, non un testo."),
    (r"give the origin .*", "indica l'origine (https://host) delle pagine che ospiteranno il widget."),
    (r"at most (\d+) origins", "al massimo {0} origini."),
    (r"(.+) is outside \(0, 1\]", "{0} è fuori dall'intervallo (0, 1]."),
    (r"('.*') is not in the service-type taxonomy.*", "{0} non è un tipo di servizio della tassonomia."),
    (r"('.*') applies to PA categories (.+), not to ('.*') \((.+)\); types for .+?: (.+)",
     "il tipo {0} è per le PA delle categorie {1}, non per l'ente {2} (categoria {3}); i tipi per questo ente: {4}."),
    (r"service type ('.*') does not allow ('.*') \(allowed: (.+)\)",
     "il tipo di servizio {0} non ammette il questionario {1} (ammessi: {2})."),
    (r"no version of ('.*') is published", "nessuna versione di {0} è pubblicata."),
    (r"(.+) is not a version number", "{0} non è un numero di versione."),
    (r"(.+) is not a whole number of hours from (\d+) to (\d+)", "{0} non è un numero intero di ore da {1} a {2}."),
    (r"('.*') version (\d+) is not published", "la versione {1} di {0} non è pubblicata."),
    (r"('.*') is for the channels (.+), not ('.*')", "{0} è per i canali {1}, non per {2}."),
    (r"no questionnaire allowed for ('.*') is published", "nessun questionario ammesso per {0} è pubblicato."),
    # registry.ops (entities, services, names)
    (r"no entity ('.*')", "nessun ente {0}."),
    (r"entity ('.*') already exists", "l'ente {0} esiste già."),
    (r"no service ('.*')", "nessun servizio {0}."),
    (r"service ('.*') already exists", "il servizio {0} esiste già."),
    (r"('.*') does not fit service ('.*') of type ('.*') \(applies to (.+)\)",
     "{0} non è compatibile con il servizio {1} di tipo {2} (categorie ammesse: {3})."),
    (r"(.+) is not a boolean", "{0} non è un valore sì / no."),
    (r"a version was given without a questionnaire", "è indicata una versione senza il questionario."),
    (r"('.*'): names belong to an entity or a service", "{0}: i nomi sono di un ente o di un servizio."),
    (r"must be an object \{language: name\}", "deve essere un oggetto {{lingua: nome}}."),
    (r"the Italian name is .*\(languages: (.+)\)",
     "il nome italiano è il nome dell'ente o del servizio, non uno degli altri nomi (lingue: {0})."),
    (r"('.*') is not a language of the standard; use one of (.+)",
     "{0} non è una lingua dello standard; usare una tra {1}."),
    # registry.tokens, registry.audit
    (r"('.*') is too far in the future \(at most (\S+)\)", "{0} è troppo lontano nel futuro (al massimo {1})."),
    (r"('.*') is not a duration .*", "{0} non è una durata (12h, 90d, 26w), una data (AAAA-MM-GG) o un istante ISO 8601."),
    (r"(\S+) is not in the future", "{0} non è nel futuro."),
    (r"role ('.*') is not scoped to an entity \(scoped roles: (.+)\)",
     "il ruolo {0} non è legato a un ente (ruoli legati a un ente: {1})."),
    (r"role ('.*') needs the IPA code of an existing entity", "il ruolo {0} richiede il codice IPA di un ente esistente."),
    (r"only role 'entity' may issue further tokens, not ('.*')",
     "solo il ruolo «entity» può emettere altri token, non {0}."),
    (r"no token ('.*')", "nessun token {0}."),
    (r"('.*') was already revoked at (\S+)", "{0} era già stato revocato ({1})."),
    (r"who makes the change must be named", "va indicato chi fa la modifica."),
    # registry.onboarding (the admin's queue of join requests)
    (r"no onboarding request (\d+)", "nessuna richiesta di adesione {0}."),
    (r"request (\d+) was already approved", "la richiesta {0} è già stata approvata."),
    (r"request (\d+) was already rejected", "la richiesta {0} è già stata respinta."),
    (r"request (\d+) was already (\w+)", "la richiesta {0} è già stata trattata ({1})."),
    (r"('.*') is not in the IPA index known to Ascolto.*",
     "{0} non è nell'Indice delle PA noto ad Ascolto: controlla il codice su indicepa.gov.it."),
    (r"choose at least one channel", "scegli almeno un canale."),
    # the most general last
    (r"(.+) is not a number", "{0} non è un numero."),
    (r"('.*') is not one of (.+)", "{0} non è uno tra: {1}."),
]


i18n.EN.update({  # the flashes and refusals of the admin and workspace token pages
    "Token {prefix} revocato.": "Token {prefix} revoked.",
    "Un token non revoca sé stesso qui: esci, o chiedi a un amministratore.":
        "A token does not revoke itself here: sign out, or ask an admin.",
})


def problem_it(problem: str) -> str | None:
    """The Italian of a registry ``problem`` (English), or None when :data:`PROBLEMS_IT` has no pattern for it."""
    return translate_problem(problem, PROBLEMS_IT)


def registry_refusal(exc: RegistryError) -> str:
    """What a page says of ``exc``: ``str(exc)`` (``field: problem``) to English readers; in Italian
    the field's label and code, then the problem (its English in brackets if no pattern covers it)."""
    if lang() == "en":
        return str(exc)
    it = problem_it(exc.problem) or f"valore non accettato ({exc.problem})."
    label = FIELDS_IT.get(exc.field)
    return f"{label} ({exc.field}): {it}" if label else f"{exc.field}: {it}"


def said(text: str, **values) -> str:
    """An Italian console text in the page's language (:func:`.i18n.gettext`), ``{name}`` filled from
    ``values``: for a flash whose words carry a value (``Token {prefix} revocato.``)."""
    return gettext(text).format(**values)


__all__ = ["FIELDS_IT", "PROBLEMS_IT", "problem_it", "registry_refusal", "said"]
