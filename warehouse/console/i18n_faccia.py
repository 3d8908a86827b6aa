"""English for the "Mettiamoci la faccia" report (:mod:`.faccia`: its page and its CSV downloads), merged
into :data:`.i18n.EN` on import — the console's one translation mechanism (``_(text)`` in templates).

The report's own words: its page, its tables' heads (shared with the CSV downloads), the faces as the
``faccia`` questionnaire names them in English. The reasons and the channels come in the reader's
language from the questionnaire and the CHANNEL codelist (:func:`warehouse.faccia_report.report`).
"""
from __future__ import annotations

from . import i18n

EN = {
    "da {a} a {b}": "from {a} to {b}", "nessun dato": "no data", "rapporto del {d}": "report of {d}",
    "Dati parziali:": "Partial data:",
    "il mese {m} è ancora in corso; i suoi giudizi, i totali per canale e i motivi di tutto il periodo lo "
    "comprendono e cambieranno fino alla fine del mese.":
        "the month {m} is still running; its judgements, the totals by channel and the reasons of the whole "
        "period include it and will change until the month ends.",
    "Torna alla pagina dell'ente": "Back to the entity's page", "Torna all'area dell'ente": "Back to the entity's workspace",
    "per il PDF usa «Stampa» del browser.": "for a PDF use the browser's \u201cPrint\u201d.",
    "AAAA-MM": "YYYY-MM",
    "Nessun giudizio raccolto con il questionario a facce per questo ente nel periodo.":
        "No judgement collected with the faces questionnaire for this entity in the period.",
    "anno {p}": "year {p}", "{q}º trimestre {y}": "Q{q} {y}", "mese {p}": "month {p}",
    "Giudizi per canale": "Judgements by channel",
    "Quota di giudizi positivi (faccina sorridente) per canale, con intervallo di confidenza al 95%":
        "Share of positive judgements (the happy face) by channel, with its 95% confidence interval",
    "I totali per canale e i motivi si danno per un mese, un trimestre o un anno solare: scegli per esempio da "
    "gennaio a marzo, o da gennaio a dicembre. Un totale su un intervallo qualsiasi sarebbe una cella con una "
    "perturbazione sua, e molti intervalli insieme potrebbero svelare una cella oscurata.":
        "The totals by channel and the reasons are given for a calendar month, quarter or year: choose, for "
        "example, January to March, or January to December. A total over any other range would be a cell with a "
        "perturbation of its own, and many ranges together could reveal a suppressed cell.",
    "Giudizi per canale e mese": "Judgements by channel and month",
    "Distribuzione delle tre facce (%) e quota positiva per canale e mese":
        "Distribution of the three faces (%) and positive share by channel and month",
    "Che cosa ha funzionato bene": "What went well", "Che cosa non ha funzionato": "What did not go well",
    "Motivi scelti (% dei giudizi che ne indicano almeno uno), {p}":
        "Reasons chosen (% of the judgements giving at least one), {p}",
    "Nessun motivo pubblicabile nel periodo.": "No reason publishable in the period.",
    "Motivi: vedi la nota sui totali (un mese, un trimestre o un anno solare).":
        "Reasons: see the note on the totals (a calendar month, quarter or year).",
    "Ogni valore è calcolato da conteggi perturbati con il metodo cell-key (segreto statistico): le celle con "
    "meno di {n} giudizi non sono pubblicate («oscurato»); sotto i {r} giudizi il dato è poco affidabile («bassa "
    "affidabilità»); «interruzione di serie» segna il primo periodo dopo un cambiamento dichiarato del "
    "questionario. Quota positiva: giudizi con la faccina sorridente; intervalli di Wilson al 95%.":
        "Every figure is computed from counts perturbed by the cell-key method (statistical confidentiality): "
        "cells with fewer than {n} judgements are not published (\u201csuppressed\u201d); under {r} judgements a "
        "figure is of low reliability (\u201clow reliability\u201d); \u201cbreak in series\u201d marks the first "
        "period after a declared change of the questionnaire. Positive share: judgements with the happy face; "
        "95% Wilson intervals.",
    # the tables' heads (page and CSV)
    "Mese": "Month", "Giudizi": "Judgements", "Positivi (%)": "Positive (%)",
    "Soddisfatto/a (%)": "Satisfied (%)",
    "Né soddisfatto/a né insoddisfatto/a (%)": "Neither satisfied nor dissatisfied (%)",
    "Insoddisfatto/a (%)": "Dissatisfied (%)",
}

for _k, _v in EN.items():
    i18n.EN.setdefault(_k, _v)
