"""The words of the codebook (:mod:`questionnaires.codebook`) in Italian and English: the meanings of
the canonical indicators and of the missing-value codes, and every fixed text of ``codebook.md``. Each
fixed text is an (Italian, English) pair, so ``ascolto questionnaires codebook --lang it`` (and the data
package's codebook, ``ascolto export --format datapackage --lang it``) leaves no English in the
codebook; the item wording comes from the questionnaire, in every language."""
from __future__ import annotations

INDICATOR_MEANINGS = {
    "satisfaction": "overall satisfaction with the service",
    "ease": "ease of use",
    "clarity": "clarity of the information",
    "speed": "satisfaction with the time taken",
    "trust": "trust in the administration",
    "task_completed": "the citizen did what they came to do (yes 100, partly 50, no 0)",
    "went_well": "what went well, as category codes",
    "went_wrong": "what went wrong, as category codes",
}
#: The canonical indicators' meanings in Italian (:data:`INDICATOR_MEANINGS`, English)
MEANINGS_IT = {
    "satisfaction": "soddisfazione complessiva per il servizio",
    "ease": "facilità d'uso",
    "clarity": "chiarezza delle informazioni",
    "speed": "soddisfazione per il tempo impiegato",
    "trust": "fiducia nell'amministrazione",
    "task_completed": "il cittadino ha fatto ciò per cui era venuto (sì 100, in parte 50, no 0)",
    "went_well": "cosa è andato bene, come codici di categoria",
    "went_wrong": "cosa è andato male, come codici di categoria",
}
#: The missing-value codes, as the microdata files write them (warehouse.datapackage), and their meaning.
MISSING_VALUES = {
    "NOT_ASKED": "the item was hidden by its show_if branching: no answer exists and the indicator is empty",
    "NOT_ANSWERED": "an optional item left blank: absent from the answers map, the indicator is empty",
    "NOT_SCORED": "an answer a 'map' rule scores as null (e.g. 'don't know'): the raw answer is kept, the "
                  "indicator is empty",
}
#: The missing-value codes' meanings in Italian (:data:`MISSING_VALUES`, English)
MISSING_IT = {
    "NOT_ASKED": "il quesito era nascosto dalla sua condizione show_if: non c'è risposta e l'indicatore è vuoto",
    "NOT_ANSWERED": "un quesito facoltativo lasciato in bianco: assente dalla mappa delle risposte, l'indicatore è vuoto",
    "NOT_SCORED": "una risposta a cui una regola 'map' dà punteggio nullo (ad esempio 'non so'): la risposta grezza è "
                  "conservata, l'indicatore è vuoto",
}

#: (Italian, English) of every fixed text of ``codebook.md``; ``{…}`` are filled in by the renderer
T = {
    "title": ("# Ascolto — codebook dello standard dei questionari", "# Ascolto — codebook of the questionnaire standard"),
    "intro": ("Schema `{schema}`. I testi sono riportati in {langs}; dove manca una traduzione il questionario "
              "mostra il testo italiano (indicato sotto con *— (it)*).",
              "Schema `{schema}`. Texts are given in {langs}; where a translation is missing the widget shows the "
              "Italian text (marked *— (it)* below)."),
    "indicators": ("## Indicatori canonici", "## Canonical indicators"),
    "indicators_head": ("| indicatore | tipo | significato |", "| indicator | kind | meaning |"),
    "category_kind": ("codici di categoria", "category codes"),
    "category_codes": ("Codici di categoria: ", "Category codes: "),
    "missing": ("Valori mancanti:", "Missing values:"),
    "contents": ("## Indice", "## Contents"),
    "published": ("- Pubblicato: `{hash}`", "- Published: `{hash}`"),
    "draft": ("- Pubblicato: **no (bozza)**", "- Published: **no (draft)**"),
    "extends": ("- Estende: [{ref}](#{anchor}) — i suoi quesiti vengono prima, invariati",
                "- Extends: [{ref}](#{anchor}) — its items come first, unchanged"),
    "extends_none": ("- Estende: —", "- Extends: —"),
    "channels": ("- Canali: {channels}", "- Channels: {channels}"),
    "any": ("tutti", "any"),
    "languages": ("- Lingue: {state}", "- Languages: {state}"),
    "lang_missing": ("{lang} (mancano {missing} testi su {texts})", "{lang} ({missing} of {texts} missing)"),
    "changes": ("- Modifiche: {text}", "- Changes: {text}"),
    "discontinued": ("- Indicatori non più rilevati: {names}", "- Discontinued indicators: {names}"),
    "break": ("- Interruzione della serie per **{name}**: {reason}", "- Break in series for **{name}**: {reason}"),
    "scales": ("- Scale: ", "- Scales: "),
    "positive": ("risposte positive", "positive"),
    "items_head": ("| # | codice | tipo | obbligatorio | risposte | mostrato se | armonizzazione |",
                   "| # | code | type | required | answers | shown if | harmonization |"),
    "from": ("(da {ref})", "(from {ref})"),
    "yes": ("sì", "yes"),
    "no": ("no", "no"),
    "always": ("sempre", "always"),
    "several": ("(risposta multipla)", "(several)"),
    "text_answer": ("testo di al più {n} caratteri", "text ≤ {n} characters"),
    "wording": ("### Formulazione", "### Wording"),
    "text": ("testo", "text"),
    "q_title": ("titolo", "title"),
    "hint": ("suggerimento", "hint"),
    "base_wording": ("La formulazione dei quesiti di {ref} è nella sua sezione.",
                     "The wording of the items from {ref} is in its own section."),
    "service_types": ("## Tipi di servizio", "## Service types"),
    "service_types_head": ("| codice | denominazione | categorie di PA | questionari |",
                           "| code | label | PA categories | questionnaires |"),
    "pa_categories": ("## Categorie di PA (IPA)", "## PA categories (IPA)"),
    "pa_categories_head": ("| codice | denominazione |", "| code | label |"),
}


def words(lang: str) -> dict[str, str]:
    """Every fixed text of ``codebook.md`` in ``lang`` (``it``; anything else English)."""
    return {key: pair[0 if lang == "it" else 1] for key, pair in T.items()}


def meanings(lang: str) -> dict[str, str]:
    """The canonical indicators' meanings in ``lang`` (``it``; anything else English)."""
    return dict(MEANINGS_IT if lang == "it" else INDICATOR_MEANINGS)


def missing_values(lang: str) -> dict[str, str]:
    """The missing-value codes with their meaning in ``lang`` (``it``; anything else English)."""
    return dict(MISSING_IT if lang == "it" else MISSING_VALUES)
