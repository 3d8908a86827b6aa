"""The console's refusals (400, 404, 405, 422, a form's token) in the reader's language.

The warehouse raises its refusals in English (the API's language); a console *page* shows them in
Italian, from the refusal's kind, code, reason and field, keeping the English detail for English
readers. :func:`translate_problem` is the one pattern table lookup (the registry's refusals use it
too: :mod:`.i18n_registry`).
"""
from __future__ import annotations

from .i18n import INDICATOR_LABELS, lang

#: what a mean (or another statistic) cannot pool, by the guard's reason code
REASONS_IT = {
    "mixed_indicators": "indicatori diversi", "mixed_scales": "scale di risposta diverse",
    "mixed_instruments": "strumenti diversi", "mixed_wordings": "domande formulate in modo diverso",
    "break_in_series": "risposte da entrambi i lati di un'interruzione di serie dichiarata",
    "not_headline": "una misura che non è la misura principale dell'indicatore",
    "not_a_score": "una domanda categoriale (serve una domanda con punteggio)",
    "not_categorical": "una domanda con punteggio (serve una domanda categoriale)",
    "not_task": "una scala diversa da sì / in parte / no",
    "mixed_response_formats": "domande a scelta singola e a scelta multipla",
    "mixed_option_sets": "domande con categorie diverse",
    "shares_only": "risposte sì / in parte / no (pubblicate come tre quote, non come media)",
    "scores_off_grid": "punteggi tra le categorie di risposta che il cubo conta (0, 25, 50, 75, 100)",
}
#: the drivers analysis' refusal codes (warehouse.drivers.DriversRefused)
DRIVERS_IT = {
    "too_few_responses": "Meno di {min_n} risposte danno la soddisfazione e ogni aspetto in questa selezione: "
                         "l'importanza derivata sarebbe troppo instabile per essere pubblicata.",
    "items_not_asked": "Non rilevato in questa selezione (nessuna risposta): {field}; gli strumenti usati qui non "
                       "pongono questa domanda.",
    "items_not_asked_many": "Non rilevati in questa selezione (nessuna risposta): {field}; gli strumenti usati qui "
                            "non pongono queste domande.",
    "no_variance": "Le risposte sono (quasi) tutte uguali ({field}): l'importanza non si può stimare.",
}

#: the drivers' fields in words: the refusal (:func:`refusal`) and its reason line (the drivers page's
#: ``field_labels``) name them alike
DRIVER_FIELDS_IT = {"n": "numero di risposte", "satisfaction": "soddisfazione", "ease": "facilità",
                    "clarity": "chiarezza", "speed": "rapidità", "trust": "fiducia",
                    "task_completed": "obiettivo raggiunto"}


def _query_it(field: str | None, message: str) -> str:
    import re

    if m := re.match(r"^Malformed code (.+?)\.$", message):
        return f"Codice malformato {m.group(1)} nel parametro «{field}»."
    if m := re.match(r"^Unknown [\w ]+? ('.+?'):.*? at (/api/v1/codelists\?codelist=\w+)", message):
        return (f"Codice sconosciuto {m.group(1)} nel parametro «{field}»: i codici validi sono elencati in "
                f"{m.group(2)} (quelli con dati: i valori in /api/v1/meta).")
    if it := _none_ended_it(message):
        return f"Parametro non valido: «{field}»: {it}"
    if it := translate_problem(message, _QUERY_IT):
        return f"Parametro non valido: «{field}»: {it}"
    return f"Parametro non valido: «{field}»." + (f" ({message})" if message else "")


_FREQ_IT = {"month": "nessun mese", "quarter": "nessun trimestre", "year": "nessun anno"}
_FREQ_WORD_IT = {"A": "annuale", "Q": "trimestrale", "M": "mensile"}


def _none_ended_it(message: str) -> str | None:
    """:func:`warehouse.export_periods.held_periods`' refusal (an export of no ended period) in Italian,
    its finer frequencies named as the exports page's menu names them; None for any other message."""
    import re

    if m := re.fullmatch(r"No (month|quarter|year) with data has ended, so the export would hold no figure: the "
                         r"answers received so far are of (\S+), which is still running \(published from (\S+)\)\.",
                         message):
        return (f"{_FREQ_IT[m[1]]} con dati è concluso, quindi l'esportazione non conterrebbe alcun valore: le "
                f"risposte ricevute finora sono del periodo {m[2]}, ancora in corso (si pubblica dal {m[3]}).")
    if message == "No response has been stored yet, so the export would hold no figure.":
        return "nessuna risposta è ancora arrivata, quindi l'esportazione non conterrebbe alcun valore."
    if message.startswith("No response is counted (automated answers"):
        return ("nessuna risposta è conteggiata (le risposte automatiche sono conservate per verifica, mai "
                "conteggiate), quindi l'esportazione non conterrebbe alcun valore.")
    m = re.fullmatch(r"No (month|quarter|year) with data has ended, so the export would hold no figure"
                     r"(?:\. (\S+) is still running \(published from (\S+)\)(?:; its ended parts: (.+))?)?\.", message)
    if m is None:
        return None
    said = f"{_FREQ_IT[m[1]]} con dati è concluso, quindi l'esportazione non conterrebbe alcun valore."
    if m[2]:
        said += f" Il periodo {m[2]} è in corso (si pubblica dal {m[3]})"
        parts = re.findall(r"freq=(\w) \((\S+)(?: to (\S+))?\)", m[4] or "")
        if parts:
            said += "; le sue parti concluse: " + " oppure ".join(
                f"frequenza {_FREQ_WORD_IT[f]} ({a}{f' – {b}' if b else ''})" for f, a, b in parts)
        said += "."
    return said


#: refusals of a query parameter (QueryError, English) a page says in Italian
_QUERY_IT = [
    (r"('.*') is not a service of (\S+)\.", "{0} non è un servizio dell'ente {1}."),
    (r"A period is YYYY-MM, YYYY-Qn or YYYY\.", "un periodo si scrive AAAA-MM, AAAA-Qn o AAAA."),
    (r"\w+ (?:is required: a period|must be a period) YYYY-MM, YYYY-Qn or YYYY(?:; got ('.*'))?\.",
     "un periodo si scrive AAAA-MM, AAAA-Qn o AAAA."),
    (r"Comments are not filtered by rating.*",
     "i commenti non si filtrano per valutazione (rivelerebbe i conteggi protetti): le valutazioni sono nelle "
     "quote pubblicate."),
    (r"\w+=(\S+) has not started yet: .*", "il periodo {0} non è ancora iniziato: scegliere un periodo già iniziato."),
    (r"\w+=(\S+) is still running: its figures are published once it has ended, from (\S+)\. Ask for an ended "
     r"one, such as (\S+)\.",
     "il periodo {0} è in corso: i suoi dati si pubblicano quando è finito, dal {1}. Chiedere un periodo "
     "concluso, per esempio {2}."),
    *[(rf"\w+=(\S+) is still running: its figures are published once it has ended, from (\S+)\. No {en} with "
       r"data has ended yet\.",
       f"il periodo {{0}} è in corso: i suoi dati si pubblicano quando è finito, dal {{1}}. Nessun {it} con dati è "
       "ancora concluso.") for en, it in (("month", "mese"), ("quarter", "trimestre"), ("year", "anno"))],
    (r"\w+=(\S+) is a (month|quarter|year), but freq=(\w) publishes \w+: ask (freq=\w&\w+=\S+), or (\S+)(?:, the "
     r"\w+ holding it| for its \w+)\.",
     "il periodo {0} non è della frequenza {2}: chiedere {3}, oppure {4}."),
    (r"channel is one of (.+)\.", "il canale è uno tra {0}."),
    (r"A quarter is YYYY-Qn\.", "un trimestre si scrive AAAA-Qn."),
    (r"A figure over a range .* is given for one calendar month, quarter or year only; from=(\S+), to=(\S+) is not one\. "
     r"Ask for one period \(period=\S+, or from=(\S+)&to=(\S+)\).*",
     "un valore su un intervallo (le unità di un confronto, i totali di un rapporto) si dà solo per un mese, un "
     "trimestre o un anno solare; da {0} a {1} non lo è. Scegliere un periodo (per esempio da {2} a {3}): "
     "ogni altro intervallo sarebbe una cella con una perturbazione sua, e molti intervalli insieme potrebbero "
     "svelare una cella oscurata."),
    (r"No responses in \w+=(\S+)(?: \(the months \S+ to \S+\))?: the data cover the months (\S+) to (\S+); "
     r"nothing to show for that period\.",
     "nessuna risposta nel periodo {0}: i dati coprono i mesi da {1} a {2}; non c'è niente da mostrare per quel "
     "periodo."),
    (r"No responses in (\S+): the data cover (\S+) to (\S+)\.",
     "nessuna risposta nel {0}: i dati coprono i trimestri da {1} a {2}."),
    (r"No responses in (\S+): the data cover no quarter yet\.", "nessuna risposta nel {0}: i dati non coprono ancora alcun trimestre."),
    # a range without responses (warehouse.data_range: the Exports page's package, the API's figures)
    *[(rf"No responses {en} \([^)]*\): the data cover (\S+) to (\S+); {tail_en}\.",
       f"nessuna risposta {it}: i dati coprono i mesi da {{{n}}} a {{{n + 1}}}; {tail_it}.")
      for en, it, n in ((r"from (\S+) to (\S+)", "da {0} a {1}", 2), (r"up to (\S+)", "fino a {0}", 1),
                        (r"from (\S+) on", "da {0} in poi", 1))
      for tail_en, tail_it in (("nothing to export for that range", "niente da esportare in quell'intervallo"),
                               ("ask for a period in that range", "chiedere un periodo in quell'intervallo"))],
    (r"at most (\d+) characters\.", "al massimo {0} caratteri."),
    (r"contains a NUL character\.", "contiene un carattere NUL."),
    (r"Give exactly one of (.+) or (\w+)\.", "indicare uno solo tra {0} e {1}."),
    (r"\w+ must be one of (.+?)(?:; got ('.*'))?\.", "i valori ammessi sono {0}."),
    (r"\w+ must be (\w+) or (\w+)\.", "i valori ammessi sono {0} e {1}."),
    (r"\w+ (?:is|must be) a month, YYYY-MM(?:; got ('.*'))?\.", "un mese si scrive AAAA-MM."),
    (r"\w+=(\d{4}-\d\d) is after \w+=(\d{4}-\d\d)\.", "{0} viene dopo {1}: il primo mese va prima del secondo."),
    (r"\w+=(\S+) is after \w+=(\S+)\.", "{0} viene dopo {1}: il primo periodo va prima del secondo."),
    # a range cutting a period of freq (warehouse.periods.validate_range: the Exports page's download)
    *[(rf"freq=(\w) publishes whole {en}, but \w+=(\S+) {edge_en} inside (\S+); {at_en} at (\S+) \(or use a finer "
       r"freq\)\.", f"la frequenza {{0}} pubblica {it} interi, ma {{1}} {edge_it} dentro {{2}}: {at_it} {{3}} (o "
       "scegliere una frequenza più fine).")
      for en, it in (("months", "mesi"), ("quarters", "trimestri"), ("years", "anni"))
      for edge_en, at_en, edge_it, at_it in (("starts", "start", "comincia", "cominciare da"),
                                             ("ends", "end", "finisce", "finire con"))],
    (r"Give either period or from/to, not both\.", "indicare il periodo oppure from/to, non entrambi."),
    # a parameter given twice (api.refuse_unknown_args): on a page, and on the API's (the microdata download)
    (r"(\w+) is given (\d+) times: give it once\.", "è indicato {1} volte nell'indirizzo: questa pagina ne legge "
     "uno solo, va indicato una volta."),
    (r"(\w+) is given (\d+) times: give it once \(several values comma-separated: (\S+)\)\.",
     "è indicato {1} volte nell'indirizzo: va indicato una volta (più valori separati da virgole: {2})."),
    (r"Unknown \w+ ('.*'); one of (.+)\.", "valore sconosciuto {0}: i valori ammessi sono {1}."),
    # an unknown unit (warehouse.console.unit_codes: unknown_service_type, check_units)
    (r"No service type ('.*'): the codes are listed at (\S+)\.",
     "nessun tipo di servizio {0}: i codici sono elencati in {1}."),
    (r"Unknown entity ('.*'): no entity \(IPA code\) '.*' in the registry or the data\. The entities are listed "
     r"at (\S+)\.", "nessun ente con codice IPA {0} nel registro né nei dati: gli enti sono elencati in {1}."),
    (r"Unknown entity ('.*'): codes are case-sensitive: did you mean ('.*')\? The entities are listed at (\S+)\.",
     "nessun ente con codice IPA {0}: maiuscole e minuscole contano, forse {1}? Gli enti sono elencati in {2}."),
    (r"Unknown service ('.*'): no service key '.*' in the registry or the data\. An entity's services are listed "
     r"on its page, (.+)\.", "nessun servizio con chiave {0} nel registro né nei dati: i servizi di un ente sono "
     "elencati nella sua pagina, {1}."),
    (r"Unknown service ('.*'): codes are case-sensitive: did you mean ('.*')\? An entity's services are listed on "
     r"its page, (.+)\.", "nessun servizio con chiave {0}: maiuscole e minuscole contano, forse {1}? I servizi "
     "di un ente sono elencati nella sua pagina, {2}."),
]


def translate_problem(problem: str, table: list[tuple[str, str]]) -> str | None:
    """A registry refusal's problem (English, :class:`registry.errors.RegistryError`) in Italian: the
    template of the first ``(pattern, template)`` of ``table`` whose pattern matches ``problem`` whole,
    filled with its groups (a quoted ``'x'`` shown as «x»); None when none matches."""
    import re

    for pattern, it in table:
        if m := re.fullmatch(pattern, problem, re.S):
            return it.format(*[f"«{g[1:-1]}»" if len(g) > 1 and g[0] == g[-1] == "'" else g
                               for g in m.groups(default="")])
    return None


def refusal(kind: str, message: str, field: str | None = None, reason: str | None = None,
            fields: list[str] | None = None) -> str:
    """A refusal's text for a page: ``message`` (English) for English readers — a refused parameter led
    by its name (``Invalid parameter: «period»: …``, as in Italian); in Italian from
    ``kind`` (``invalid_parameter``, ``not_comparable``, ``not_found`` or a drivers code), ``reason`` and
    ``field`` — a drivers refusal names every one of ``fields`` when given (each item not asked, as its
    reason line lists them; it named the first only)."""
    if lang() == "en":  # a refused parameter is named first, as the Italian page names it
        return f"Invalid parameter: «{field}»: {message}" if kind == "invalid_parameter" and field else message
    if kind == "not_comparable":
        what = REASONS_IT.get(reason or "")
        return (f"Non confrontabile: la statistica unirebbe {what}." if what else
                "Non confrontabile: la statistica unirebbe misure diverse.")
    if kind in DRIVERS_IT:
        import re

        min_n = (re.search(r"Fewer than (\d+)", message) or [None, "?"])[1]
        names = [DRIVER_FIELDS_IT.get(f, INDICATOR_LABELS.get(f, f).lower()) for f in (fields or [field or ""])]
        many = kind == "items_not_asked" and len(names) > 1
        return DRIVERS_IT[kind + "_many" if many else kind].format(field=", ".join(names), min_n=min_n)
    if kind == "invalid_parameter":
        return _query_it(field, message)
    if kind == "csrf":  # a form sent without its token, or with one that expired (flask_wtf's English)
        return "Il modulo è scaduto o non è valido: ricarica la pagina e riprova."
    if kind == "not_found":  # a path (or parameter) naming nothing; werkzeug's own 404 has no field
        return translate_problem(message, _NOT_FOUND_IT) or (
            "La pagina richiesta non esiste o non è più disponibile." if field is None else message)
    if kind == "request_entity_too_large":  # a body over the console's limit (MAX_BODY_BYTES)
        return "La richiesta è troppo grande: il modulo inviato supera il limite della console."
    if kind == "method_not_allowed":
        return "Questo indirizzo non accetta questo tipo di richiesta: usare i link e i pulsanti delle pagine."
    return message


#: 404s of a path or parameter that names nothing (auth.not_found, English) a page says in Italian
_NOT_FOUND_IT = [
    (r"No entity with IPA code ('.*') in the registry\.", "Nessun ente con codice IPA {0} nel registro."),
    (r"No service type ('.*'): the codes are listed at (\S+)\.",
     "Nessun tipo di servizio {0}: i codici sono elencati in {1}."),
    (r"No service ('.*') in the registry\.", "Nessun servizio {0} nel registro."),
    (r"No chart ('.*') to download on the page ('.*')\.", "Nessun grafico {0} scaricabile nella pagina {1}."),
    (r"No page ('.*') with charts to download\.", "Nessuna pagina {0} con grafici da scaricare."),
    (r"No plotly\.js ('.*') here: the console serves (\S+), (\S+)\.",
     "Nessun plotly.js {0} qui: la console serve la versione {1}, {2}."),
    (r"No token ('.*') of entity ('.*')\.", "Nessun token {0} dell'ente {1}."),
    (r"The item non-response is a service's: give service=KEY\.",
     "La mancata risposta per domanda è di un servizio: indicare service=CHIAVE."),
]
