"""Indicators in words for the console's pages and menus: a core indicator's name, a module indicator's
question (:func:`warehouse.codelists.module_questions`) under its module's name — the code
(``mod-anagrafe:findability``) is the value a form sends, never the text a reader is shown."""
from __future__ import annotations

from .. import codelists
from .i18n import INDICATOR_LABELS, gettext as _, lang as current_lang


def indicator_label(ind: str) -> str:
    """An indicator in the reader's language: a core one's name, a module indicator's question (never its
    code ``mod-anagrafe:findability``, which stays the value a form sends); an unknown code as it is."""
    pair = codelists.indicator_names().get(ind)  # the exports' names: one home
    return pair[1 if current_lang() == "en" else 0] if pair else ind


def indicator_menu(indicators: list[str]) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """An indicator menu's options as ``[(group, [(code, label)])]``: the core indicators first, ungrouped
    (``group`` None) and named as every menu names them (:data:`.i18n.INDICATOR_LABELS`), then each module's
    indicators under the module's name ("Modulo: …", the instrument's label), each by its question."""
    groups: dict[str | None, list[tuple[str, str]]] = {None: []}
    for ind in indicators:
        if ind in INDICATOR_LABELS:
            groups[None].append((ind, _(INDICATOR_LABELS[ind])))
            continue
        module = (codelists.module_questions().get(ind) or (None,))[0]
        group = f"{_('Modulo')}: {codelists.label('INSTRUMENT', module, current_lang())}" if module else None
        groups.setdefault(group, []).append((ind, indicator_label(ind)))
    return [(g, opts) for g, opts in groups.items() if opts]
