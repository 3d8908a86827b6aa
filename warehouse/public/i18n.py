"""The public site's texts in Italian (source), English and German (:mod:`.i18n_de`), and labels of codes
from the standard."""
from __future__ import annotations

import re
from typing import Mapping

from markupsafe import Markup

from questionnaires.taxonomy import UnknownCode, pa_category, service_type

from ..numbers import number  # noqa: F401  (the one formatter, shared with the console)
from .i18n_de import DE, LABELS_DE, MONTHS_DE

EN = {
    "Ascolto — dati aperti": "Ascolto — open data",
    "Esperienza dei servizi pubblici digitali: risultati nazionali": "Experience of digital public services: national results",
    "Ricevi le nuove pubblicazioni e le revisioni (feed Atom)": "Get new releases and revisions (Atom feed)",
    "Tutti i trimestri in un file": "All quarters in one file", "per fogli di calcolo (CSV)": "for spreadsheets (CSV)",
    "in SDMX-CSV, per sistemi statistici": "in SDMX-CSV, for statistical systems",
    "Trimestri pubblicati": "Released quarters", "Risultati nazionali": "National results",
    "Per tipo di PA": "By PA type", "Per tipo di servizio": "By service type", "Indicatore": "Indicator",
    "Media (0–100)": "Mean (0–100)", "IC 95% della quota": "95% CI of the share", "IC 95% della media": "95% CI of the mean", "Quota positiva %": "Positive share %", "Stato": "Status",
    "Scarica": "Download", "versione": "version", "Nota di revisione": "Revision note", "Trimestre": "Quarter",
    "Vai al contenuto": "Skip to content", "Lingua": "Language", "Nessun trimestre pubblicato.": "No quarter released yet.",
    "oscurato": "suppressed",
    "non confrontabile tra gli strumenti: pubblicato solo per strumento o canale, nei dati in formato aperto":
        "not comparable across instruments: published only by instrument or channel, in the open data files",
    "non rilevato: nessuna risposta del trimestre lo misura": "not measured: no response of the quarter measures it",
    "bassa affidabilità (N < {n})": "low reliability (N < {n})",
    "Stato: tra parentesi, la prima lettera è lo stato del valore, la seconda la riservatezza.":
        "Status: in brackets, the first letter is the value's status, the second its confidentiality.",
    "Stato del valore": "Value status", "Riservatezza": "Confidentiality",
    "valore normale": "normal value", "interruzione della serie": "break in series",
    "pubblicabile": "free (publishable)", "Pagina non trovata": "Page not found",
    "La pagina richiesta non esiste o non è più disponibile.": "The page you asked for does not exist or is no longer available.",
    "Torna ai risultati": "Back to the results", "Errore": "Error", "Troppe richieste": "Too many requests",
    "Sono state chieste troppe pagine in poco tempo da questa rete: riprova tra {s} secondi.":
        "Too many pages were asked for in a short time from this network: retry in {s} seconds.",
    "Nota metodologica": "Methodological note",
    "Legenda": "Legend",
    "Valori calcolati da conteggi perturbati con il metodo cell-key (segreto statistico); le celle con meno di {n} risposte sono oscurate.":
        "Values computed from counts perturbed by the cell-key method (statistical confidentiality); cells with fewer than {n} responses are suppressed.",
    "N: numero di risposte della cella (perturbato, come ogni conteggio pubblicato).":
        "N: the number of responses in the cell (perturbed, as every published count).",
    "IC 95%: intervallo di confidenza al 95%, l'incertezza dovuta al solo errore casuale; è più stretto quante più sono le risposte e non tiene conto di chi sceglie di rispondere.":
        "95% CI: the 95% confidence interval, the uncertainty due to random error alone; it is narrower the more responses there are and does not account for who chooses to answer.",
    "Due valori (per esempio di due trimestri) con intervalli molto sovrapposti possono non essere davvero diversi.":
        "Two values (of two quarters, say) whose intervals overlap a lot may not really differ.",
    "Dati in formato aperto": "Open data files", "Tipo di servizio": "Service type", "Tipo di PA": "PA type",
    "Tutti i trimestri": "All quarters", "Ultimo trimestre": "Latest quarter", "Pubblicato il": "Released on", "Versioni": "Versions",
    "rispetto alla versione precedente: {r} osservazioni riviste, {a} aggiunte, {d} tolte":
        "against the previous version: {r} observations revised, {a} added, {d} removed",
    "Dati parziali: il trimestre contiene risposte solo dei mesi {m}, non di tutti e tre.":
        "Partial data: the quarter holds responses of the months {m} only, not of all three.",
    "Il trimestre {q} ({m}) è concluso, ma i suoi risultati non sono stati pubblicati.":
        "The quarter {q} ({m}) has ended, but its results have not been released.",
    "Il trimestre {q} ({m}) non è pubblicato: si pubblicano solo trimestri conclusi, dopo la loro fine.":
        "The quarter {q} ({m}) is not released: only ended quarters are released, after their end.",
    "Ultimo trimestre pubblicato:": "Latest released quarter:",
    "dati parziali: solo {m}": "partial data: {m} only",
    "Si pubblicano solo trimestri conclusi: un trimestre compare qui dopo la sua fine.":
        "Only ended quarters are released: a quarter appears here after it has ended.",
    "non pubblicato. La media si pubblica solo se tutte le risposte usano la stessa scala (altrimenti vale la quota positiva, confrontabile tra strumenti); per «Obiettivo raggiunto» si pubblica la quota di «sì».":
        "not published. A mean is published only when every answer uses the same scale (otherwise the positive share, comparable across instruments, stands); for “Task completed” the share of “yes” is published.",
}
# the quarter's key findings (warehouse.public.highlights)
EN.update({
    "In sintesi": "Highlights",
    "{label}: {share}% di giudizi positivi (intervallo di confidenza al 95%: {lo}–{hi}).":
        "{label}: {share}% positive judgements (95% confidence interval: {lo}–{hi}).",
    "{label}: {share}% di risposte «sì» (intervallo di confidenza al 95%: {lo}–{hi}).":
        "{label}: {share}% “yes” answers (95% confidence interval: {lo}–{hi}).",
    "Rispetto al trimestre precedente ({q}): {d} punti (intervallo di confidenza al 95%: da {lo} a {hi}), {verdict}.":
        "Against the previous quarter ({q}): {d} points (95% confidence interval: {lo} to {hi}), {verdict}.",
    "in aumento": "an increase", "in calo": "a decrease", "nessuna variazione rilevabile": "no detectable change",
    "Nessun confronto con il trimestre precedente: è il primo trimestre pubblicato.":
        "No comparison with the previous quarter: this is the first quarter released.",
    "Nessun confronto con il trimestre precedente: il trimestre {q} non è pubblicato.":
        "No comparison with the previous quarter: the quarter {q} is not released.",
    "Nessun confronto con il trimestre precedente ({q}): l'indicatore non è pubblicato in uno dei due trimestri.":
        "No comparison with the previous quarter ({q}): the indicator is not published in one of the two quarters.",
    "Nessun confronto con il trimestre precedente ({q}): il valore di uno dei due trimestri è oscurato perché le risposte sono troppo poche.":
        "No comparison with the previous quarter ({q}): the value of one of the two quarters is suppressed because "
        "there are too few responses.",
    "Nessun confronto con il trimestre precedente ({q}): il valore di uno dei due trimestri si basa su meno di {n} risposte.":
        "No comparison with the previous quarter ({q}): the value of one of the two quarters rests on fewer than {n} "
        "responses.",
    "Nessun confronto con il trimestre precedente ({q}): la serie è interrotta perché è cambiata la versione del questionario.":
        "No comparison with the previous quarter ({q}): the series is broken because the questionnaire's version "
        "changed.",
    "Per tipo di servizio ({label}), variazione rilevabile rispetto al trimestre precedente, tenendo conto del numero di confronti (tipi di servizio confrontati: {m}): {items}.":
        "By service type ({label}), a detectable change against the previous quarter, allowing for the number of "
        "comparisons (service types compared: {m}): {items}.",
    "{name} {d} punti (da {lo} a {hi})": "{name} {d} points ({lo} to {hi})",
    "Per tipo di servizio ({label}): nessuna variazione rilevabile rispetto al trimestre precedente (tipi di servizio confrontati: {m}).":
        "By service type ({label}): no detectable change against the previous quarter (service types compared: {m}).",
    "Per tipo di servizio ({label}): nessun confronto con il trimestre precedente, perché nessun tipo ha valori pubblicati e confrontabili in entrambi i trimestri.":
        "By service type ({label}): no comparison with the previous quarter, because no type has published, "
        "comparable values in both quarters.",
    "Il trimestre contiene risposte solo dei mesi {m}: i valori non riguardano tutto il trimestre.":
        "The quarter holds responses of the months {m} only: the figures do not cover the whole quarter.",
})
# the trend charts (warehouse.public.charts)
EN.update({
    "% giudizi positivi": "% positive judgements",
    "barre: intervallo di confidenza al 95%": "bars: 95% confidence interval",
    "simbolo vuoto: meno di {n} risposte, bassa affidabilità": "hollow symbol: fewer than {n} responses, low reliability",
    "nessun simbolo: nessun valore pubblicato (oscurato per il segreto statistico)":
        "no symbol: no value published (suppressed for statistical confidentiality)",
    "{label}, {q}: {v}% (intervallo di confidenza al 95%: {lo}–{hi})": "{label}, {q}: {v}% (95% confidence interval: {lo}–{hi})",
    "{label}, {q}: {v}% (intervallo di confidenza al 95%: {lo}–{hi}; meno di {n} risposte, bassa affidabilità)":
        "{label}, {q}: {v}% (95% confidence interval: {lo}–{hi}; fewer than {n} responses, low reliability)",
    "Grafico della quota di giudizi positivi per trimestre, dal {first} al {last}, con intervalli di confidenza al 95%.":
        "Chart of the share of positive judgements by quarter, from {first} to {last}, with 95% confidence intervals.",
    "{label}: {v0}% nel {q0}, {v1}% nel {q1}.": "{label}: {v0}% in {q0}, {v1}% in {q1}.",
    "{label}: {v}% nel {q}.": "{label}: {v}% in {q}.",
    "{label}: nessun valore pubblicato.": "{label}: no value published.",
    "Trimestri senza un valore pubblicato: {qs}.": "Quarters without a published value: {qs}.",
    "Quota di giudizi positivi per trimestre, con l'intervallo di confidenza al 95% di ogni valore; i valori sono nelle tabelle qui sotto.":
        "Share of positive judgements by quarter, with each value's 95% confidence interval; the values are in the "
        "tables below.",
})
#: What each file of a release is for (the quarter page's list of open data files), in Italian (``EN`` below)
FILES = {"table.csv": "la tabella, per fogli di calcolo (CSV)",
         "table.sdmx.csv": "la tabella in SDMX-CSV, per sistemi statistici",
         "table.jsonstat.json": "la tabella in JSON-stat, per programmi e grafici (etichette in inglese)",
         "table.jsonstat.it.json": "la tabella in JSON-stat, per programmi e grafici (etichette in italiano)",
         "codelists.csv": "i codici e le loro etichette in italiano e inglese (CSV)",
         "structure.xml": "la struttura SDMX dei dati (XML)",
         "metadata.json": "i metadati: metodi, copertura e revisioni (JSON, in inglese)",
         "metadata.it.json": "i metadati: metodi, copertura e revisioni (JSON, in italiano)",
         "page.json": "I numeri di questa pagina (JSON)",
         "manifest.json": "L'elenco dei file con le loro impronte SHA-256, per verificare i file (JSON)"}
EN.update({"la tabella, per fogli di calcolo (CSV)": "the table, for spreadsheets (CSV)",
           "la tabella in SDMX-CSV, per sistemi statistici": "the table in SDMX-CSV, for statistical systems",
           "la tabella in JSON-stat, per programmi e grafici (etichette in inglese)":
               "the table in JSON-stat, for programs and charts (labels in English)",
           "la tabella in JSON-stat, per programmi e grafici (etichette in italiano)":
               "the table in JSON-stat, for programs and charts (labels in Italian)",
           "i codici e le loro etichette in italiano e inglese (CSV)":
               "the codes and their labels in Italian and English (CSV)",
           "la struttura SDMX dei dati (XML)": "the SDMX structure of the data (XML)",
           "i metadati: metodi, copertura e revisioni (JSON, in inglese)":
               "the metadata: methods, coverage and revisions (JSON, in English)",
           "i metadati: metodi, copertura e revisioni (JSON, in italiano)":
               "the metadata: methods, coverage and revisions (JSON, in Italian)",
           "I numeri di questa pagina (JSON)": "The figures of this page (JSON)",
           "L'elenco dei file con le loro impronte SHA-256, per verificare i file (JSON)":
               "The list of the files with their SHA-256 fingerprints, to check the files (JSON)"})
LABELS = {"it": {"SATISFACTION": "Soddisfazione", "EASE": "Facilità", "CLARITY": "Chiarezza", "SPEED": "Rapidità",
                 "TRUST": "Fiducia", "TASK_COMPLETED": "Obiettivo raggiunto"},
          "en": {"SATISFACTION": "Satisfaction", "EASE": "Ease", "CLARITY": "Clarity", "SPEED": "Speed",
                 "TRUST": "Trust", "TASK_COMPLETED": "Task completed"},
          "de": LABELS_DE}
#: Each language's own name, as its link in every page's language switcher says it
LANG_NAMES = {"it": "Italiano", "en": "English", "de": "Deutsch"}
TEXTS = {"en": EN, "de": DE}  # each language's table; Italian is the source


MONTHS = {"it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                 "ottobre", "novembre", "dicembre"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December"),
          "de": MONTHS_DE}


def quarter_months(label: str, lang: str) -> str:
    """A quarter's months in words (``2026-Q3`` → "luglio–settembre 2026", "July–September 2026",
    "Juli–September 2026"): what
    "2026-Q3" means to a reader who does not know the code; ``label`` itself when it is not a quarter."""
    m = re.fullmatch(r"(\d{4})-Q([1-4])", label or "")
    if not m:
        return label
    names, q = MONTHS.get(lang, MONTHS["it"]), int(m.group(2))
    return f"{names[3 * q - 3]}–{names[3 * q - 1]} {m.group(1)}"


def release_date(timestamp: str, lang: str) -> Markup:
    """A release's ``created_at`` as its page says it: the day in Rome (:func:`warehouse.periods.date_rome`)
    in words, as the quarters' months are ("2 dicembre 2026", "2 December 2026", "2. Dezember 2026": German
    writes the day as an ordinal), in a ``<time>`` whose
    ``datetime`` keeps the ISO date (``2026-12-02``, as the data files write it)."""
    from ..periods import date_rome

    iso = date_rome(timestamp)
    year, month, day = iso.split("-")
    words = f"{int(day)}{'.' if lang == 'de' else ''} {MONTHS.get(lang, MONTHS['it'])[int(month) - 1]} {year}"
    return Markup('<time datetime="{}">{}</time>').format(iso, words)


def gettext(text: str, lang: str) -> str:
    """``text`` (Italian, the source) in ``lang``; itself in Italian or when the table lacks it."""
    return TEXTS.get(lang, {}).get(text, text)


def type_name(code: str, lang: str) -> tuple[str, str]:
    """A service type's or PA category's name from the taxonomy, and the language it is in: ``lang``'s
    label, else the Italian one (a label the taxonomy does not have in ``lang``), else the code."""
    for lookup in (service_type, pa_category):
        try:
            return label_in(lookup(code).label, lang) or (code, lang)
        except UnknownCode:
            continue
    return code, lang


def label_in(label: Mapping[str, str], lang: str) -> tuple[str, str] | None:
    """A label (``{lang: text}``, as the taxonomy and the questionnaires write them) in ``lang``, else in
    Italian (the language every label has), with the language it is in; None when it has neither."""
    for each in (lang, "it"):
        if label.get(each):
            return label[each], each
    return None


def type_label(code: str, lang: str) -> Markup:
    """:func:`type_name` for a page's body: a name in another language than the page's (an Italian one
    on a German page) is marked ``<span lang="it">`` so that a screen reader says it in Italian."""
    return marked(*type_name(code, lang), lang)


def marked(text: str, its: str, lang: str) -> Markup:
    """``text`` (in language ``its``) escaped for a page in ``lang``, in ``<span lang="…">`` when they differ."""
    return Markup("{}").format(text) if its == lang else Markup('<span lang="{}">{}</span>').format(its, text)
