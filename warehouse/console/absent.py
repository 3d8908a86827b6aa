"""Why a console page shows no value where a value goes, in one wording for every page.

:data:`ABSENT` holds, for each kind of absent value, its word and its meaning: the status column says the
word, the dash that stands for the value carries its kind and word (``_macros.absent_dash``), every page's
legend explains each kind (``_macros.legend``), and a chart with nothing to draw says the kinds its rows
hold, with their periods (:func:`undrawn`). A "—" is never left unexplained: the overview's trend of
clarity said "fewer than 3 responses" above 70 responses a month (its share not published: ``not_headline``).
"""
from __future__ import annotations

import math
from typing import Any

from ..protect import FREE
from .i18n import gettext as _


#: Why a cell shows no value, by kind (:func:`absent_kind`): its word (the status column's, the dash's title)
#: and what it means (the legend's entry, a chart's note when it has nothing to draw) — the one wording of
#: every console page (:func:`absent_words`), so that a "—" is never left unexplained. ``suppressed``:
#: statistical confidentiality; ``not_headline``: the comparability guard will not pool the cell's
#: instruments even as a positive share (the page rating's clarity beside the services' clarity: the API's
#: ``positive_share_status`` ``not_headline``); ``missing``: no response counts in the cell.
ABSENT = {
    "suppressed": ("oscurato",
                   "valore e N oscurati: meno di {n} risposte, vere o dopo la perturbazione (segreto statistico)"),
    "not_headline": ("quota positiva non pubblicata: la cella unisce una misura non principale ad altri strumenti",
                     "la quota positiva non si pubblica per una cella che unisce a quelle di altri strumenti le "
                     "risposte di una misura che non è la misura principale dell'indicatore (la chiarezza della "
                     "pagina di Designers Italia accanto alla chiarezza dei servizi): le due domande non si "
                     "confrontano. Le risposte (N) sono contate; la quota di ciascuno strumento è nella tabella "
                     "«Per strumento e scala»"),
    "missing": ("nessuna risposta", "nessuna risposta conta in questa cella: nel periodo non ne è arrivata alcuna"),
}


def absent_kind(r: dict[str, Any]) -> str | None:
    """Why the cell ``r`` (a cube row, or :func:`.data.cell`'s) shows no positive share: ``suppressed``,
    ``not_headline`` or ``missing`` (:data:`ABSENT`); None when it shows one."""
    if r.get("conf_status") not in (None, FREE):
        return "suppressed"
    if (r.get("top2_status") or r.get("share_status")) not in (None, "ok"):
        return "not_headline"
    share = r["share"] if "share" in r else r.get("top2")
    return "missing" if share is None or (isinstance(share, float) and math.isnan(share)) else None


def absent_words(kind: str, min_n: int) -> tuple[str, str]:
    """``(word, meaning)`` of an absent value's ``kind`` in the reader's language (``min_n``: the configured
    ``ASCOLTO_DISCLOSURE_MIN_N``, which the meaning of ``suppressed`` states)."""
    word, meaning = ABSENT[kind]
    return _(word), _(meaning).format(n=min_n)


def undrawn(rows: list[dict[str, Any]], min_n: int) -> str:
    """Why a chart whose table has ``rows`` draws nothing (:meth:`.data.Chart.drawn`), in the reader's language:
    each kind of absent value its rows hold (:data:`ABSENT` in :func:`absent_words`' words, the legend's),
    with the periods it concerns ("In ogni periodo" when all). Rows that do not say their status (a count's
    chart) read as before: too few responses, or none."""
    kinds: dict[str, list[str]] = {}
    for r in rows:
        kind = absent_kind(r) if "conf_status" in r else None
        kinds.setdefault(kind or "unknown", []).append(str(r.get("period") or ""))
    if set(kinds) <= {"unknown"}:
        return _("Nessun valore da disegnare: in ogni periodo le risposte sono meno di {n} (valore oscurato) o "
                 "mancano. La tabella dice lo stato di ciascun periodo.").format(n=min_n)
    said = [_("Nessun valore da disegnare.")]
    for kind, periods in kinds.items():
        if kind == "unknown":
            continue
        where = (_("In ogni periodo") if len(periods) == len(rows) or not all(periods)
                 else _("In {p}").format(p=", ".join(periods)))
        word, meaning = absent_words(kind, min_n)
        said.append(f"{where}: {word}. {meaning[:1].upper()}{meaning[1:]}.")
    return " ".join([*said, _("La tabella dice lo stato di ciascun periodo.")])

