"""The channel view (issue 14 §4): an entity's or a service type's indicator by channel.

``/channels?entity=IPA`` or ``/channels?service_type=CODE`` (``indicator``, default satisfaction;
``freq`` M, Q or A, default A): one row per (period, channel, instrument) — instruments stay apart,
since a face and a 5-point rating are not the same measure — every cell a published cell of
:func:`warehouse.cube.table`, shown as every page shows one (:func:`warehouse.console.data.cell`: the
status in words, a suppressed cell "oscurato", the mean only where it is comparable; the legend). A period still running, or covered by the data only from a later
month, says so in its row ("Copertura del periodo": :func:`warehouse.console.data.coverage_text`).
An unknown entity is a 404, an unknown service type the console's 400 naming
``service_type`` (:func:`warehouse.console.data.check_codes`). Linked from the entity and
service-type pages.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from ..comparability import QueryError
from ..cube import Cut, first_data_month, table
from ..protect import Protection
from . import i18n
from .data import cell, check_codes, coverage_text, indicator_arg
from .auth import require

bp = Blueprint("channels", __name__)
CHANNEL_LABELS = {"web": "Web", "app": "App", "email": "E-mail", "sms": "SMS", "kiosk": "Totem",
                  "front_office": "Sportello", "phone": "Telefono"}
i18n.EN.update({"Canali": "Channels", "Canale": "Channel", "Strumento": "Instrument", "Quota positiva": "Positive share",
                "Totem": "Kiosk", "Sportello": "Front office", "Telefono": "Phone"})


@bp.get("/channels")
@require("dashboards")
def page():
    args = request.args
    entity, stype = args.get("entity"), args.get("service_type")
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
    rows = [{"period": r["period"], "channel": r["channel"], "label": CHANNEL_LABELS.get(r["channel"], r["channel"]),
             "questionnaire": r["questionnaire"], **cell(r), "coverage": coverage_text(r["period"], first)}
            for r in df.to_dict("records")]
    if entity is not None and not rows and not _known_entity(entity):
        abort(404)
    return render_template("channels.html", rows=rows, entity=entity, service_type=stype, indicator=indicator,
                           page="entities" if entity else "service-types")


def _known_entity(ipa: str) -> bool:
    from registry import Entity, session_scope

    with session_scope(current_app.config["ASCOLTO_REGISTRY"]) as s:
        return s.get(Entity, ipa) is not None
