"""The data-quality page: volumes of the ended months (the running one is not published: the chart says so), freshness
(the newest answer stored, of any month: seconds after it is sent), the processor's dead letters, the cells by status, the
automated answers kept out of the statistics, and the collector's refusals by reason and by service
read from its Prometheus metrics (issue 19 points 3 and 9).

The collector counts every refused submission in ``ascolto_submissions_rejected_total{reason,service}``
(``collector/metrics.py``; ``service`` is a registered service's key, else ``unknown``) and serves the
sum over its workers at ``GET /metrics``; the console reads it from ``Settings.metrics_url``
(``ASCOLTO_COLLECTOR_METRICS_URL``, default the local collector) with a short timeout. The counters
start at 0 when the collector restarts: the page says so. Automated answers (``device`` ``bot``) are
counted in the dataset itself (they are kept there for audit; :func:`dataset.views.counted`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

from dataset.views import counted

from .. import cube
from ..periods import rome_time
from ..protect import FREE
from .data import Chart, code_label, count, coverage_text, status_text, table
from .i18n import gettext as _

REJECTED = "ascolto_submissions_rejected_total"
ACCEPTED = "ascolto_submissions_accepted_total"
#: The collector's refusal codes in words (the error codes of DESIGN §4).
REASONS = {"rate_limited": "troppe richieste (limite di frequenza)", "origin_not_allowed": "origine non ammessa",
           "rejected_as_automated": "invio automatico", "unknown_service": "servizio sconosciuto",
           "inactive_service": "servizio non attivo", "questionnaire_not_assigned": "questionario non assegnato",
           "invalid_answers": "risposte non valide", "malformed": "richiesta malformata",
           "too_large": "richiesta troppo grande", "unsupported_media_type": "tipo di contenuto errato",
           "unavailable": "servizio non disponibile", "not_found": "risorsa inesistente",
           "method_not_allowed": "metodo non ammesso",
           "backend_token_required": "né origine né token (un back end senza il suo token)",
           "backend_not_allowed": "token del back end rifiutato", "device_not_allowed": "dispositivo non ammesso",
           "operator_not_allowed": "operatore non ammesso", "channel_not_declared": "canale non previsto",
           "registry_unavailable": "anagrafica non disponibile"}
#: The processor's dead-letter reasons in words (processor.badrows.Reason; the warehouse does not import it).
FAILED_REASONS = {"undecodable": "record non leggibile", "invalid_envelope": "busta non conforme",
                  "unknown_service": "servizio sconosciuto", "unknown_questionnaire": "questionario sconosciuto",
                  "invalid_answers": "risposte non valide", "harmonization": "armonizzazione non applicabile",
                  "processing_error": "errore di elaborazione"}
#: The collector's label of refusals that named no registered service (collector.metrics.UNKNOWN_SERVICE).
UNKNOWN_SERVICE = "unknown"


def collector_refusals(url: str, timeout: float = 1.0) -> dict[str, Any]:
    """``{"ok", "by_reason": [(reason, n)], "by_service": [(service, reason, n)], "accepted", "error"}``
    from the collector's ``/metrics`` (largest counts first)."""
    from prometheus_client.parser import text_string_to_metric_families

    try:
        with urlopen(url, timeout=timeout) as resp:  # noqa: S310 (a configured URL of our own collector)
            text = resp.read(2_000_000).decode("utf-8", "replace")
        by_reason: dict[str, float] = {}
        by_service: dict[tuple[str, str], float] = {}
        accepted = 0.0
        for fam in text_string_to_metric_families(text):
            for s in fam.samples:
                if s.name == REJECTED:
                    reason, service = s.labels.get("reason", "?"), s.labels.get("service", UNKNOWN_SERVICE)
                    by_reason[reason] = by_reason.get(reason, 0) + s.value
                    by_service[service, reason] = by_service.get((service, reason), 0) + s.value
                elif s.name == ACCEPTED:
                    accepted += s.value
    except (URLError, OSError, ValueError) as exc:
        return {"ok": False, "by_reason": [], "by_service": [], "accepted": None, "error": f"{type(exc).__name__}: {exc}"}
    rows = sorted(((r, int(v)) for r, v in by_reason.items() if v), key=lambda kv: (-kv[1], kv[0]))
    services = sorted(((s, r, int(v)) for (s, r), v in by_service.items() if v),
                      key=lambda t: (t[0] == UNKNOWN_SERVICE, -t[2], t[0], t[1]))
    return {"ok": True, "by_reason": rows, "by_service": services, "accepted": int(accepted), "error": ""}


def failed_listing(data_dir) -> tuple:
    """``(path, size, mtime_ns)`` of every dead-letter file under ``data_dir/failed`` and of its ledger of
    replays and dismissals, sorted: what the dead letters and their statuses are now (a new or removed file,
    a replay or a dismissal changes it). Cheap: a directory walk, no file read."""
    import os

    from dataset.failed import LEDGER

    root = Path(data_dir) / "failed"
    out = []
    for d, _dirs, files in os.walk(root):
        for f in files:
            try:
                st = os.stat(os.path.join(d, f))
            except FileNotFoundError:  # purged meanwhile
                continue
            if f.endswith(".parquet") or (f == LEDGER and d == str(root)):
                out.append((os.path.join(d, f), st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


#: A dead letter's status (:data:`dataset.failed.STATUSES`) as the page counts it: pending, replayed (the
#: replay wrote it, or found it already written), dismissed — ``ascolto failed list``'s statuses.
FAILED_STATUS = {"pending": "pending", "written": "replayed", "duplicate": "replayed", "dismissed": "dismissed"}


def failed_by_reason(data_dir) -> list[tuple[str, dict[str, int]]]:
    """``[(reason, {"pending", "replayed", "dismissed": letters})]``, most pending first: the dead letters
    as ``ascolto failed list`` counts them — one per letter however many times it was written, each by its
    status (:func:`dataset.failed.letters`, the one reading of the ``failed/`` dataset the processor uses too).
    A ``retention_gap`` letter (records lost, :data:`dataset.failed.NOT_REPLAYABLE`) is not among them: nothing
    of it is to replay (:func:`retention_gaps` gives it)."""
    return _failed(data_dir)[0]


def retention_gaps(data_dir) -> dict:
    """The offsets the topic's retention deleted before the processor read them (``retention_gap`` letters,
    :mod:`processor.gaps`): ``{"records": lost in all, "letters": gaps, "pending": gaps not yet dismissed,
    "ranges": [(topic, partition, first offset, last offset, records, found at (epoch), pending)]}``."""
    return _failed(data_dir)[1]


def _failed(data_dir) -> tuple[list[tuple[str, dict[str, int]]], dict[str, int]]:
    from dataset.failed import NOT_REPLAYABLE, letters, lost_records

    by: dict[str, dict[str, int]] = {}
    gaps: dict = {"records": 0, "letters": 0, "pending": 0, "ranges": []}
    for row in letters(Path(data_dir) / "failed"):
        if row["reason"] in NOT_REPLAYABLE:  # records lost: never a letter "to replay" (processor.gaps)
            n = lost_records(row)
            gaps["records"] += n
            gaps["letters"] += 1
            gaps["pending"] += row["status"] == "pending"
            gaps["ranges"].append((row["topic"], row["partition"], row["offset"], row["offset"] + n - 1, n,
                                   row["failed_at"].timestamp(), row["status"] == "pending"))
            continue
        counts = by.setdefault(row["reason"], {"pending": 0, "replayed": 0, "dismissed": 0})
        counts[FAILED_STATUS.get(row["status"], "replayed")] += 1
    return sorted(by.items(), key=lambda kv: (-kv[1]["pending"], -sum(kv[1].values()), kv[0])), gaps


def responses_by_service(data_dir, per_file: dict | None = None) -> dict[str, tuple[int, float | None]]:
    """``{service: (automated answers, epoch of the newest answer)}`` over every response file.

    Each file is read once: ``per_file`` (kept by the caller between visits) holds what each file
    ``(path, size, mtime_ns)`` gave; a visit reads only the files written (or compacted) since, in
    one DuckDB pass, and forgets the ones gone. Listed and read under the shared dataset lock
    (:func:`dataset.files.read_listed`: compaction cannot remove a listed file in between)."""
    import os

    import duckdb

    from dataset import layout
    from dataset.files import read_listed
    from dataset.views import empty_select

    per_file = {} if per_file is None else per_file

    def read(files):
        now = {}
        for f in files:
            st = os.stat(f)
            now[str(f)] = (st.st_size, st.st_mtime_ns)
        new = [f for f, stat in now.items() if (f, *stat) not in per_file]
        found: dict[str, list] = {f: [] for f in new}
        if new:
            listing = "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in new) + "]"
            with duckdb.connect(":memory:") as rc:  # the view's typed empty relation: a file missing a column reads NULL
                for name, service, n, newest in rc.execute(
                        f"SELECT filename, service, count(*) FILTER (WHERE NOT {counted()}), epoch(max(received_at)) "
                        f"FROM ({empty_select()} UNION ALL BY NAME SELECT * FROM read_parquet({listing}, filename = true, "
                        "union_by_name = true, hive_partitioning = false)) GROUP BY 1, 2").fetchall():
                    found[name].append((service, int(n), newest))
        for key in [k for k in per_file if now.get(k[0]) != k[1:]]:
            del per_file[key]  # gone, or rewritten
        for f in new:
            per_file[(f, *now[f])] = found[f]
        return list(per_file.values())

    out: dict[str, tuple[int, float | None]] = {}
    for rows in read_listed(data_dir, Path(data_dir) / layout.RESPONSES, read):
        for service, n, newest in rows:
            was_n, was_t = out.get(service, (0, None))
            out[service] = (was_n + n, newest if was_t is None or (newest is not None and newest > was_t) else was_t)
    return out


def _facts(con, settings, failed_files: tuple, per_file: dict | None = None) -> dict[str, Any]:
    """What the page reads from the data: the published volumes and cells (through
    :mod:`warehouse.protect`, by :func:`.data.table`), the first month, the newest response, the
    automated answers per service (:func:`responses_by_service`: only the files new since
    ``per_file`` was filled) and the dead letters by reason and status (:func:`failed_by_reason`, read when
    ``failed_files`` lists any). The slow part of the page: :func:`quality_facts` reuses it."""
    recent = cube.period_labels(con, "M")[-12:]
    volumes = [(r["period"], r["pa_type"], r["n"]) for r in table(
        con, settings, indicator=cube.RESPONSES, by=["pa_type"], start=recent[0], end=recent[-1])] if recent else []
    per_service = responses_by_service(settings.data_dir, per_file)
    newest = [t for _n, t in per_service.values() if t is not None]
    failed, gaps = _failed(settings.data_dir) if failed_files else ([], {"records": 0, "letters": 0, "pending": 0,
                                                                          "ranges": []})
    return {"volumes": volumes, "first": cube.first_data_month(con), "fresh": max(newest) if newest else None,
            "failed": failed, "gaps": gaps,
            "automated": sorted(((sv, n) for sv, (n, _t) in per_service.items() if n), key=lambda t: (-t[1], t[0])),
            "cells": table(con, settings, indicator="satisfaction", by=["service_type", "entity"], margins=True,
                           start=recent[0], end=recent[-1]) if recent else [],
            "cells_months": (recent[0], recent[-1]) if recent else None}  # the months the cells are of


def quality_facts(con, settings, version: str | None = None, cache: dict | None = None) -> dict[str, Any]:
    """:func:`_facts`, computed once per data version and reused: ``cache`` (a dict kept by the app)
    holds the facts of the rollup ``version`` (:attr:`warehouse.dataset.Warehouse.version`, which
    changes whenever a response file does, automated ones included) and of the dead-letter listing
    (:func:`failed_listing`); either changed, or no ``version``, and they are computed again — reading
    only the response files new since (``cache["files"]``, :func:`responses_by_service`). One visit
    computes at a time (the others wait for its result). Every published number in the facts went
    through :mod:`warehouse.protect` when it was computed."""
    import threading

    if cache is None or version is None:
        return _facts(con, settings, failed_listing(settings.data_dir))
    with cache.setdefault("lock", threading.Lock()):
        key = (version, failed_listing(settings.data_dir))
        entry = cache.get("entry")
        if entry is None or entry[0] != key:
            entry = cache["entry"] = (key, _facts(con, settings, key[1], cache.setdefault("files", {})))
        return entry[1]


def quality_page(con, settings, args, lang, version: str | None = None, cache: dict | None = None) -> dict[str, Any]:
    """The page's figures and tables (:func:`quality_facts`, reused per data version) with the
    collector's refusals read live from its metrics."""
    facts = quality_facts(con, settings, version, cache)
    volumes, first, failed, cells, automated = (facts[k] for k in ("volumes", "first", "failed", "cells", "automated"))
    fresh = rome_time(facts["fresh"])
    counts = {_("pubblicato"): 0, _("bassa affidabilità"): 0, _("interruzione di serie"): 0, _("oscurato"): 0}
    for c in cells:
        counts[status_text(c)] += 1
    refusals = collector_refusals(settings.metrics_url)
    pa_types = sorted({v[1] for v in volumes})
    refused_note = _("Contatori del collettore dall'ultimo avvio.") if refusals["ok"] \
        else _("Metriche del collettore non raggiungibili.")
    if refusals["ok"] and not refusals["by_reason"]:  # nothing refused: say it (an empty card said nothing)
        refused_note = _("Nessun invio rifiutato dall'ultimo avvio del collettore.")
    months = facts.get("cells_months")  # the card states the months its count is of (the last 12 ended)
    failed_totals = {k: sum(c[k] for _r, c in failed) for k in ("pending", "replayed", "dismissed")}
    lost = facts["gaps"]  # a retention gap's records are lost, not to replay: shown apart (processor.gaps)
    return {"fresh": fresh, "failed_total": failed_totals["pending"], "failed_totals": failed_totals, "lost": lost,
            "cells": len(cells), "refusals": refusals,
            "cells_period": (_("soddisfazione, mese {a}").format(a=months[0]) if months[0] == months[1] else
                             _("soddisfazione, mesi da {a} a {b}").format(a=months[0], b=months[1])) if months else "",
            "refused_total": sum(n for _r, n in refusals["by_reason"]) if refusals["ok"] else None,
            "automated_total": sum(int(c) for _s, c in automated),
            "charts": [
        Chart("volumes", "Risposte per mese e tipo di PA", [("period", "Periodo"), ("pa_type", "Tipo di PA"),
                                                             ("responses", "Risposte"),
                                                             ("coverage", "Copertura del periodo")],
              [{"period": p, "pa_type": code_label("PA_TYPE", t), "responses": count(c),
                "coverage": coverage_text(p, first)} for p, t, c in volumes],
              {"data": [{"type": "bar", "name": code_label("PA_TYPE", t), "x": [p for p, tt, _c in volumes if tt == t],
                         "y": [count(c) for _p, tt, c in volumes if tt == t]} for t in pa_types],
               "layout": {"barmode": "stack", "xaxis": {"type": "category", "title": {"text": _("Periodo")}},
                          "yaxis": {"title": {"text": _("Risposte")}}}},
              note=_("I dati di un periodo si pubblicano quando il periodo è finito: il periodo in corso non è "
                     "mostrato.")),
        Chart("refusals", "Invii rifiutati dal collettore per motivo", [("reason", "Motivo"), ("code", "Codice"),
                                                                       ("submissions", "Invii")],
              [{"reason": _(REASONS.get(r, r)), "code": r, "submissions": n} for r, n in refusals["by_reason"]],
              note=refused_note),
        Chart("refusals_by_service", "Invii rifiutati dal collettore per servizio",
              [("service", "Servizio"), ("reason", "Motivo"), ("code", "Codice"), ("submissions", "Invii")],
              [{"service": _("sconosciuto o non letto") if s == UNKNOWN_SERVICE else s, "reason": _(REASONS.get(r, r)),
                "code": r, "submissions": n} for s, r, n in refusals["by_service"]],
              note=refused_note + " " + _("«sconosciuto o non letto»: chiavi non registrate o richieste rifiutate "
                                          "prima di leggerne il servizio.") if refusals["by_service"] else refused_note),
        Chart("automated", "Risposte automatiche per servizio (conservate, escluse dalle statistiche)",
              [("service", "Servizio"), ("responses", "Risposte")],
              [{"service": s, "responses": int(c)} for s, c in automated],
              note=_("Invii accettati da programmi (crawler, browser senza interfaccia, script): conservati nei dati "
                     "per verifica, mai conteggiati nelle statistiche pubblicate.")),
        Chart("failed", "Record scartati (DLQ) per motivo",
              [("reason", "Motivo"), ("code", "Codice"), ("pending", "Da rielaborare"), ("replayed", "Rielaborati"),
               ("dismissed", "Archiviati"), ("records", "Totale")],
              [{"reason": _(FAILED_REASONS.get(r, r)), "code": r, **c, "records": sum(c.values())} for r, c in failed],
              note=_("Un record per lettera scartata, anche se scritta più volte, con il suo stato come lo dà "
                     "«ascolto failed list»: da rielaborare (in attesa), rielaborato («ascolto failed replay») o "
                     "archiviato («ascolto failed dismiss»).") if failed else ""),
        *([Chart("lost", "Record persi: cancellati dalla retention di Kafka prima di essere letti",
                 [("topic", "Topic"), ("partition", "Partizione"), ("first", "Primo offset"), ("last", "Ultimo offset"),
                  ("records", "Record"), ("found", "Rilevati il"), ("status", "Stato")],
                 [{"topic": t, "partition": p, "first": a, "last": b, "records": n, "found": rome_time(at),
                   "status": _("da archiviare") if pending else _("archiviato")} for t, p, a, b, n, at, pending in lost["ranges"]],
                 note=_("Non sono record da rielaborare: la retention di Kafka li ha cancellati prima che il processore "
                        "li leggesse e sono persi. «ascolto failed list --reason retention_gap» li elenca; si archiviano "
                        "(«ascolto failed dismiss») una volta presa nota."))] if lost["ranges"] else []),
        Chart("suppression", "Celle per stato (soddisfazione, mese × tipo di servizio × ente, con margini)",
              [("status", "Stato"), ("cells", "Celle")], [{"status": k, "cells": v} for k, v in counts.items()]),
    ]}


__all__ = ["FREE", "collector_refusals", "failed_by_reason", "failed_listing", "quality_facts", "quality_page",
           "retention_gaps"]
