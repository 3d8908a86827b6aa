"""The words of the microdata package (:mod:`warehouse.datapackage`) in Italian and English: its title,
terms, description, the descriptions of its fixed fields and of its missing-value codes. Each text is an
(Italian, English) pair, so ``ascolto export --format datapackage --lang it`` leaves no English in the
descriptor (the item wordings come from the questionnaire, in every language)."""
from __future__ import annotations

from questionnaires.codebook_text import INDICATOR_MEANINGS, MEANINGS_IT, MISSING_IT, MISSING_VALUES

#: (Italian, English) of every fixed text of ``datapackage.json``
T = {
    "title": ("Ascolto — risposte anonimizzate ai questionari sull'esperienza dei servizi",
              "Ascolto — anonymised responses to the customer-experience questionnaires"),
    "access": ("riservato: solo ruolo statistico", "restricted: statistician role only"),
    "conf_access": ("solo ruolo statistico", "statistician role only"),
    # the rows withheld over a range that is not one calendar period (route 23, docs/confidentiality.md)
    "withheld_not_stated": ("non contate per un intervallo che non è un mese, un trimestre o un anno di calendario (né "
                            "tutti i periodi): il conteggio è dato nel pacchetto di un tale periodo",
                            "not counted for a range that is not one calendar month, quarter or year (nor every "
                            "period): the package of such a period gives the count"),
    "terms": ("Microdati riservati, non dati aperti: solo per fini statistici, da parte di chi ha il ruolo statistico; "
              "nessuna ridistribuzione o pubblicazione di queste righe o di questo pacchetto; nessun tentativo di "
              "identificare un rispondente o un'amministrazione, né di collegarli ad altri dati a tal fine. Si possono "
              "pubblicare le tavole protette con il metodo cell-key (ascolto export --format "
              "csv|parquet|sdmx-csv|jsonstat).",
              "Restricted microdata, not open data: for statistical purposes only, by holders of the statistician "
              "role; no redistribution or publication of these rows or of this package; no attempt to identify a "
              "respondent or an administration, nor linking with other data to that end. What may be published is "
              "the tables protected by the cell-key method (ascolto export --format csv|parquet|sdmx-csv|jsonstat)."),
    "period_note": ("le righe sono mensili (campo period); l'intervallo comprende periodi interi di freq",
                    "rows are monthly (field period); the range covers whole periods of freq"),
    "period_note_open": ("le righe sono mensili (campo period); un estremo non indicato è il primo o l'ultimo mese con "
                         "dati concluso, non un limite di un periodo di freq",
                         "rows are monthly (field period); an open end is the first or last ended month with data, "
                         "not the boundary of a period of freq"),
    "empty": ("non applicabile: un indicatore che questa versione del questionario non misura (ad esempio la "
              "soddisfazione nelle valutazioni di Designers Italia), oppure went_well/went_wrong senza categoria "
              "(non chiesto, senza risposta o nessuna scelta: la colonna item_ dice quale), oppure una regione che "
              "l'amministrazione non ha registrato",
              "not applicable: an indicator this questionnaire version does not measure (e.g. satisfaction in "
              "the Designers Italia ratings), or went_well/went_wrong with no category (not asked, not answered "
              "or none chosen: the item_ column says which), or a region the administration has not registered"),
    "codes_separated": ("codici separati da ';'", "codes separated by ';'"),
    "options_separated": (" (codici delle opzioni separati da ';')", " (option codes separated by ';')"),
}
#: (Italian, English) description of each fixed field of a resource
FIELDS = {
    "row": ("numero di riga in questo file (non è un identificativo)", "row number within this file (no identifier)"),
    "period": ("mese della risposta (Europe/Rome), AAAA-MM", "month of the response (Europe/Rome), YYYY-MM"),
    "pa_type": ("categoria IPA dell'amministrazione", "IPA category of the administration"),
    "service_type": ("tipo di servizio (codice della tassonomia)", "service type (taxonomy code)"),
    "region": ("regione NUTS-2 dell'amministrazione", "NUTS-2 region of the administration"),
    "channel": ("canale del servizio", "channel of the service"),
    "lang": ("lingua in cui si è risposto al questionario", "language the questionnaire was answered in"),
    "questionnaire": ("questionario standard a cui si è risposto (codebook.json, codebook.md)",
                      "standard questionnaire answered (codebook.json, codebook.md)"),
    "version": ("versione pubblicata del questionario (codebook.json, codebook.md)",
                "published version of the questionnaire (codebook.json, codebook.md)"),
    "instrument": ("lo strumento a cui appartengono i quesiti di base (quelli di un modulo sono di cx-core)",
                   "the instrument owning the core items (a module's are cx-core's)"),
}
def text(key: str, lang: str) -> str:
    """The text ``key`` of :data:`T` in ``lang`` (``it``; anything else English)."""
    return T[key][0 if lang == "it" else 1]


def field_description(name: str, lang: str) -> str:
    """The description of the fixed field ``name`` (:data:`FIELDS`) in ``lang``."""
    return FIELDS[name][0 if lang == "it" else 1]


def meaning(indicator: str, lang: str) -> str:
    """A canonical indicator's meaning in ``lang`` (the codebook's in English)."""
    return MEANINGS_IT[indicator] if lang == "it" else INDICATOR_MEANINGS[indicator]


def missing_values(lang: str) -> dict[str, str]:
    """The missing-value codes with their meaning in ``lang``; ``""`` (not applicable) included."""
    return {**(MISSING_IT if lang == "it" else MISSING_VALUES), "": text("empty", lang)}


def withheld_words(withheld: int | None, min_n: int, lang: str = "en", stated: bool = True) -> str:
    """The description's sentence on the rows withheld (:func:`warehouse.datapackage.withheld_figure`;
    ``stated`` False: a range whose count is not given, ``withheld_not_stated``)."""
    if not stated:
        return ("righe escluse: " if lang == "it" else "rows withheld: ") + text("withheld_not_stated", lang) + ". "
    if lang == "it":
        if withheld is None:
            return f"alcune righe escluse (meno di {min_n}, vere o perturbate: non contate). "
        return ("nessuna riga esclusa. " if withheld == 0 else
                f"{withheld} righe escluse (un conteggio perturbato con il metodo cell-key). ")
    if withheld is None:
        return f"a few rows withheld (fewer than {min_n}, true or perturbed: not counted). "
    return "no row withheld. " if withheld == 0 else f"{withheld} rows withheld (a count perturbed by the cell-key method). "


def description(period: dict, k: int, quasi_identifiers: list[str], withheld: int | None, min_n: int,
                methodology: str, lang: str = "en", stated: bool = True) -> str:
    """The package's ``description`` in ``lang``: its months and their coverage (``period``, with
    ``partial_note`` in ``lang``), the k-anonymity rule, the rows withheld, what is left out, where the
    wordings are, and why the published tables differ (``methodology``: the page in ``lang``)."""
    partial = f"{period['partial_note']} " if period["partial_note"] else ""
    quasi = ", ".join(quasi_identifiers)
    if lang == "it":
        return (f"Risposte dei mesi da {period['from']} a {period['to']}. {partial}Una riga per risposta, rilasciata "
                f"solo se la sua combinazione di quasi-identificatori ({quasi}) è condivisa da almeno {k} risposte; "
                f"se tutte tranne da 1 a {k - 1} sono di un solo ente o servizio, sono rilasciate solo le sue; "
                + withheld_words(withheld, min_n, lang, stated) +
                "Nessun identificativo, data e ora (solo il mese), ente, servizio, dispositivo o testo libero. La "
                "formulazione dei quesiti in ogni lingua: le 'labels' dei campi, codebook.json e codebook.md. Le "
                "tavole pubblicate sono protette con il metodo cell-key: i loro valori differiscono di poco dai totali "
                f"calcolati da queste righe ({methodology}).")
    return (f"Responses of the months {period['from']} to {period['to']}. {partial}One row per response, released "
            f"only where its combination of quasi-identifiers ({quasi}) is shared by at least {k} responses; where "
            f"all but 1 to {k - 1} of them are one administration's or one service's, only its own are released; "
            + withheld_words(withheld, min_n, lang, stated) +
            "No identifiers, timestamps (month only), entity, service, device or free text. Item wording in every "
            "language: the fields' 'labels', codebook.json and codebook.md. Published tables are protected by the "
            "cell-key method: their figures differ slightly from totals computed from these rows "
            f"({methodology}).")
