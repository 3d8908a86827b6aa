"""Names per language of entities and services (migration 0009).

Italian is the registry's language: ``name`` is the Italian name and is mandatory. ``names`` holds
the name in the other languages of the standard (:data:`OTHER_LANGUAGES`: en, de, fr, sl — English,
German for Alto Adige, French for Valle d'Aosta, Slovenian), each optional: ``{"de": "Gemeinde
Bozen"}``. Every page that names a service or an entity — the widget, the hosted form, the kiosk,
the console — asks :func:`localized` for the name in its language and gets the Italian one where
that language has none, with ``"it"`` to mark it ``lang="it"`` (WCAG 3.1.2), as questionnaire
labels do (:func:`questionnaires.vocabulary.label_lang`).

Exports do not change: they carry codes (IPA code, service key) and the codelists' Italian and
English labels, never a registry name.

Set from the CLI (``ascolto registry names set entity|service KEY --lang de NAME``), the IPA import
(optional columns ``Denominazione_ente_en``, ``_de``, ``_fr``, ``_sl``) and
:func:`registry.ops.set_names`;
every change is audited (``update`` of the entity or service, before and after).
"""
from __future__ import annotations

from typing import Any, Mapping

from questionnaires.vocabulary import DEFAULT_LANGUAGE, LANGUAGES, label, label_lang

from .checks import check_name
from .errors import InvalidValue

#: the languages a name may be given in besides Italian (``name``)
OTHER_LANGUAGES = tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE)


def check_names(value: Any, field: str = "names") -> dict[str, str]:
    """``value`` as a clean ``{lang: name}`` of :data:`OTHER_LANGUAGES` (empty names dropped: no name in
    that language); :class:`InvalidValue` naming ``field`` (or ``name_<lang>``) and the problem."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidValue(field, "must be an object {language: name}")
    out = {}
    for lang, name in value.items():
        if lang == DEFAULT_LANGUAGE:
            raise InvalidValue(field, "the Italian name is the entity's or service's name, not one of its "
                                      f"other names (languages: {', '.join(OTHER_LANGUAGES)})")
        if lang not in OTHER_LANGUAGES:
            raise InvalidValue(field, f"{lang!r} is not a language of the standard; use one of "
                                      f"{', '.join(OTHER_LANGUAGES)}")
        if name is None or (isinstance(name, str) and not name.strip()):
            continue
        out[lang] = check_name(name, f"name_{lang}")
    return dict(sorted(out.items()))


def localized(name: str, names: Mapping[str, str] | None, lang: str) -> tuple[str, str | None]:
    """(the name in ``lang``, ``"it"`` when it is the Italian one shown on a page of another
    language, else None): ``names[lang]``, falling back to the Italian ``name``."""
    labels = {**(names or {}), DEFAULT_LANGUAGE: name}
    return label(labels, lang), label_lang(labels, lang)


def name_in(row: Any, lang: str) -> str:
    """The name of ``row`` (an :class:`~registry.models.Entity`, a :class:`~registry.models.Service` or
    a read-model view with ``name`` and ``names``) in ``lang``, Italian when it has none."""
    return localized(row.name, row.names, lang)[0]
