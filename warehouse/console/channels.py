"""The channel view (issue 14 §4): an entity's or a service type's indicator by channel.

``/channels?entity=IPA`` or ``/channels?service_type=CODE`` (``indicator``, default satisfaction;
``freq`` M, Q or A, default A): one row per (period, channel, instrument) — instruments stay apart,
since a face and a 5-point rating are not the same measure — every cell a published cell of
:func:`warehouse.cube.table`, shown as every page shows one (:func:`warehouse.console.data.cell`: the
status in words, a suppressed cell "oscurato", the mean only where it is comparable; the legend). A period still running, or covered by the data only from a later
month, says so in its row ("Copertura del periodo": :func:`warehouse.console.data.coverage_text`).
An unknown entity is a 404, an unknown service type the console's 400 naming
``service_type`` (:func:`warehouse.console.data.check_codes`). A form chooses the indicator and
the frequency (the URL keeps them: a deep link shows the same table); ``/channels.csv`` with the same
parameters downloads exactly the table. Linked from the entity and service-type pages. ``/channels``
alone offers the choice of a service type or an entity (``/channels.csv`` alone is a 400 naming ``entity``).
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from questionnaires.taxonomy import service_types

from .. import codelists
from ..comparability import QueryError
from ..cube import Cut, first_data_month, table
from ..protect import Protection
from . import i18n
from .data import cell, check_codes, coverage_text, indicator_arg, table_csv
from .auth import not_found, require
from .paths import query_args

bp = Blueprint("channels", __name__)
i18n.EN.update({"Scegli un tipo di servizio": "Choose a service type",
                "oppure il codice IPA di un ente": "or an entity's IPA code",
                "Scegli un tipo di servizio o un ente per vederne gli indicatori per canale.":
                    "Choose a service type or an entity to see its indicators by channel.",
                "Mostra": "Show", "Canali": "Channels", "Canale": "Channel", "Strumento": "Instrument", "Quota positiva": "Positive share",
                })


COLUMNS = [("period", "Periodo"), ("channel_label", "Canale"), ("questionnaire", "Strumento"), ("n", "Risposte"),
           ("mean", "Media (0–100)"), ("mean_lower", "Media: IC 95% inf."), ("mean_upper", "Media: IC 95% sup."),
           ("mean_note", "Nota sulla media"), ("share", "Quota positiva %"),
           ("share_lower", "IC 95% inf."), ("share_upper", "IC 95% sup."), ("status", "Stato"),
           ("coverage", "Copertura del periodo")]


def _view() -> dict:
    """The request's channel table: ``rows`` (each a published cell, :func:`warehouse.console.data.cell`),
    the unit, its name, the indicator and the frequency."""
    args = request.args
    # a code pasted with a space or tab around it (from a spreadsheet, an e-mail) is the same code
    entity, stype = ((args.get(k) or "").strip() or None for k in ("entity", "service_type"))
    if bool(entity) == bool(stype):
        raise QueryError("entity", "Give exactly one of entity or service_type.")
    if stype:  # a code outside the taxonomy is a typo: 400 naming it, not an empty table
        check_codes({"service_type": [stype]})
    indicator = indicator_arg(args)
    freq = args.get("freq", "A")
    filters = {"entity": [entity]} if entity else {"service_type": [stype]}
    settings = current_app.config["ASCOLTO_SETTINGS"]
    con = current_app.config["ASCOLTO_WAREHOUSE"]().cursor()
    df = table(con, Cut(indicator, ["channel", "questionnaire"], filters, freq), Protection.from_settings(settings))
    first = first_data_month(con)
    rows = [{"period": r["period"], "channel": r["channel"],
             "channel_label": codelists.label("CHANNEL", r["channel"], i18n.lang()),
             "questionnaire": r["questionnaire"], **cell(r), "coverage": coverage_text(r["period"], first)}
            for r in df.to_dict("records")]
    name = _entity_name(entity) if entity is not None else None
    if entity is not None and name is None and not rows:
        raise not_found("entity", f"No entity with IPA code {entity!r} in the registry.")
    return {"rows": rows, "entity": entity, "entity_name": name, "service_type": stype, "indicator": indicator,
            "freq": freq}


def _choice() -> list[tuple[str, str]]:
    """The service types of the taxonomy a bare ``/channels`` offers: ``(code, label)`` in the reader's
    language, in the order of their labels."""
    from .data import type_label

    return sorted(((code, type_label(code, i18n.lang())) for code in service_types()), key=lambda t: t[1].casefold())


@bp.get("/channels")
@require("dashboards")
def page():
    """The channel table of the entity or service type asked for; asked for neither (``/channels``
    typed in the address bar, or the choice's form sent empty), a page offering the choice — a service
    type of the taxonomy, or an entity's IPA code — and no table. Both at once stay a 400 naming ``entity``."""
    if not any((request.args.get(k) or "").strip() for k in ("entity", "service_type")):
        return render_template("channels.html", choose=True, types=_choice(), page="service-types")
    v = _view()
    return render_template("channels.html", **v, columns=COLUMNS,
                           csv_href=url_for("channels.download", **query_args()),
                           page="entities" if v["entity"] else "service-types")


@bp.get("/channels.csv")
@require("dashboards")
def download():
    """Exactly the page's table as CSV (:func:`warehouse.console.data.table_csv`), named after the unit,
    the indicator and the frequency."""
    v = _view()
    return table_csv(COLUMNS, v["rows"], f"ascolto-channels-{v['entity'] or v['service_type']}-{v['indicator']}-"
                                         f"{v['freq']}.csv")


def _entity_name(ipa: str) -> str | None:
    from registry import Entity, session_scope
    from registry.names import name_in

    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        e = s.get(Entity, ipa)
        return name_in(e, i18n.lang()) if e else None
