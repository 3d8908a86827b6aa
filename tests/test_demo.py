"""Issue 19 point 10: the demo seeds a past that makes every console part mean something, through
the collector's real intake, and its live client loses nothing to rate limits."""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deploy.broker import free_port
from deploy.demo_data import demo_bodies, post_demo
from deploy.demo_history import funnel_plan, load_history, plan
from questionnaires import default_catalog
from questionnaires.envelope import CHANNELS
from registry import connect
from registry.demo_wide import all_entities, all_services, seed_wide
from tests.conftest import ORIGIN, ProcessorThread, wait_for, WIDGET

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
ROME = ZoneInfo("Europe/Rome")


def _month(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(ROME).strftime("%Y-%m")


def test_the_plan_covers_thirteen_months_every_instrument_channel_and_several_entities_and_regions():
    lines = plan([ORIGIN], now=NOW)
    assert 3000 < len(lines) < 7000  # enough for every cut, small enough for a quick `make run`
    assert all(datetime.fromisoformat(l["received_at"]) < NOW for l in lines)
    months = {_month(l["received_at"]) for l in lines}
    assert len(months) == 13 and min(months) == "2025-11" and max(months) == "2026-11"
    subs = [l["submission"] for l in lines]
    assert {s["channel"] for s in subs} == set(CHANNELS)
    assert {s["questionnaire"] for s in subs} == {q.id for q in default_catalog()}  # every instrument
    region = {ipa: nuts or "" for ipa, _n, _c, _r, nuts, _com in all_entities()}
    from registry.geo import from_comune
    for ipa, _n, _c, _r, nuts, com in all_entities():
        region[ipa] = nuts or (from_comune(com).region_nuts if com else None) or region[ipa]
    by_type = defaultdict(set)
    for key, entity, _name, stype, *_ in all_services():
        by_type[stype].add(entity)
    for stype, entities in by_type.items():
        assert len(entities) >= 3, stype
        assert len({region[e] for e in entities}) >= 2, stype
    assert len({s["submission_id"] for s in subs}) == len(subs)
    catalog = default_catalog()
    for s in subs[::7]:
        catalog.get(s["questionnaire"], 1).validate(s["answers"])
    assert plan([ORIGIN], now=NOW) == lines  # deterministic: a rerun sends the same ids
    robots = [l for l in lines if "Bot" in l["user_agent"]]  # a few, for the quality page's automated count
    assert 0 < len(robots) < 0.03 * len(lines) and all(l["submission"]["channel"] == "web" for l in robots)


def test_the_history_reaches_past_periods_through_the_intake_and_loads_once(settings):
    origins = [ORIGIN]
    seed_wide(connect(settings.database_url), origins)
    env = {"ASCOLTO_BROKER": settings.broker, "ASCOLTO_TOPIC": settings.topic,
           "ASCOLTO_DATABASE_URL": settings.database_url, "ASCOLTO_DATA_DIR": str(settings.data_dir),
           "PYTHONPATH": str(ROOT)}
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    summary = load_history(settings.data_dir, env, origins, months=13, scale=0.12, now=now)
    history = plan(origins, now=now, months=13, scale=0.12)
    expected, views = len(history), len(funnel_plan(history, now=now))
    assert summary == {"lines": expected + views, "accepted": expected + views, "refused": {},
                       "funnel": {"lines": views, "accepted": views}}
    assert load_history(settings.data_dir, env, origins, months=13, scale=0.12, now=now) is None  # marker
    processor = ProcessorThread(settings)
    try:
        from dataset.funnel import funnel_view_sql
        from warehouse.dataset import open_dataset

        def periods():
            with open_dataset(settings.data_dir) as con:
                rows = con.execute("SELECT period, count(*) FROM responses GROUP BY period").fetchall()
                sql = funnel_view_sql(settings.data_dir)
                reports = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0] if sql else 0
            return rows if sum(n for _, n in rows) == expected and reports == views else None

        rows = wait_for(periods, timeout_s=60, message="the history and its funnel reports in the dataset")
    finally:
        processor.close()
    assert len(rows) == 13  # twelve past months and this one, as the processor assigns periods


def test_the_demo_history_gives_the_console_response_rates_through_the_widgets_path(settings):
    """The demo sent no funnel counts: the console's response-rates page said "no counts received from
    the widget". The history now carries the widget's reports of its last months (posted to
    ``/v1/funnel`` with the page's Origin, through the collector's backfill), and the page shows a
    response rate and a break-off rate per web service and month, published like every figure."""
    import re

    from tests.console_auth import api_client

    origins = [ORIGIN]
    seed_wide(connect(settings.database_url), origins)
    env = {"ASCOLTO_BROKER": settings.broker, "ASCOLTO_TOPIC": settings.topic,
           "ASCOLTO_DATABASE_URL": settings.database_url, "ASCOLTO_DATA_DIR": str(settings.data_dir),
           "PYTHONPATH": str(ROOT)}
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    history = plan(origins, now=now, months=4, scale=0.5)
    reports = funnel_plan(history, now=now)
    assert {l["origin"] for l in reports} == set(origins) and all("submission" not in l for l in reports)
    assert load_history(settings.data_dir, env, origins, months=4, scale=0.5, now=now)["refused"] == {}
    processor = ProcessorThread(settings)
    try:
        from dataset.funnel import funnel_view_sql
        from warehouse.dataset import open_dataset

        def counted():
            sql = funnel_view_sql(settings.data_dir)
            with open_dataset(settings.data_dir) as con:
                return sql and con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0] == len(reports)

        wait_for(counted, timeout_s=60, message="the funnel reports in the dataset")
    finally:
        processor.close()
    page = api_client(settings, "monitoring").get("/quality/response-rates?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "No counts received from the widget" not in html
    rates = [float(x) for x in re.findall(r'<td data-col="response_rate">([\d.]+)</td>', html)]
    breaks = [float(x) for x in re.findall(r'<td data-col="break_off">([\d.]+)</td>', html)]
    assert len(rates) >= 10 and len(breaks) >= 10  # published cells of several services and months

    def count(row: str, col: str) -> float | None:
        found = re.search(rf'<td data-col="{col}">([\d,]+)</td>', row)
        return float(found.group(1).replace(",", "")) if found else None

    rows = [{c: count(r, c) for c in ("impressions", "starts", "submissions")} for r in html.split("<tr")]
    shown = [r for r in rows if None not in r.values()]
    # Plausible over all published cells (the demo's services answer 15–35% of their views and lose
    # 10–35% of those started): a cell's few starts make its own break-off 0% as often as not.
    assert 12 < 100 * sum(r["submissions"] for r in shown) / sum(r["impressions"] for r in shown) < 40
    assert 5 < 100 * sum(r["starts"] - r["submissions"] for r in shown) / sum(r["starts"] for r in shown) < 40
    services = set(re.findall(r'<th scope="row" data-service="([\w-]+)"><a href="[^"]*">[^<]+</a> <code>[\w-]+</code> '
                              r'\(Web\)</th>', html))
    assert len(services) >= 5


def test_the_funnel_plan_is_the_widgets_reports_behind_the_web_answers_of_the_last_months():
    lines = plan([ORIGIN], now=NOW)
    reports = funnel_plan(lines, now=NOW)
    assert reports == funnel_plan(lines, now=NOW)  # deterministic: a rerun sends the same report ids
    assert len({r["funnel"]["report_id"] for r in reports}) == len(reports)
    assert {_month(r["received_at"]) for r in reports} == {"2026-08", "2026-09", "2026-10", "2026-11"}
    assert all(datetime.fromisoformat(r["received_at"]) < NOW for r in reports)
    web = [l for l in lines if l["submission"]["channel"] == "web" and "Bot" not in l["user_agent"]
           and _month(l["received_at"]) >= "2026-08"]
    counts = [r["funnel"] for r in reports]
    assert sum(c["submissions"] for c in counts) in range(len(web) - 5, len(web) + 1)  # one answered view each
    assert all(c["impressions"] == 1 and c["submissions"] <= c["starts"] for c in counts)  # the widget's shape
    by = defaultdict(lambda: [0, 0, 0])
    for c in counts:
        by[c["service"]] = [a + c[k] for a, k in zip(by[c["service"]], ("impressions", "starts", "submissions"))]
    rates = [sub / imp for imp, _s, sub in by.values()]
    assert all(0.08 < r < 0.5 for r in rates) and len(set(round(r, 2) for r in rates)) > 5  # a rate per service
    assert {r["funnel"]["service"] for r in reports} <= {k for k, *_rest, ch, _q in all_services() if ch == "web"}


def test_the_backfill_clock_is_not_reachable_over_http_and_refuses_the_future(client, settings):
    from collector.backfill import backfill
    from tests.conftest import submission

    from collector.intake import BACKFILL_CLOCK
    assert BACKFILL_CLOCK not in client.application.extensions
    body = dict(submission(), received_at="2020-01-01T00:00:00Z")
    assert client.post("/v1/submissions", json=body, headers=WIDGET).status_code == 400  # not a field of the API
    future = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    bad = dict(submission(), answers={"satisfaction": 9})
    out = backfill(settings, [{"received_at": future, "submission": submission()},
                              {"received_at": "2026-01-05T10:00:00+00:00", "submission": bad},
                              {"received_at": "2026-01-05T10:00:00+00:00", "submission": submission(),
                               "origin": "https://evil.example"},
                              {"received_at": "2026-01-05T10:00:00+00:00", "submission": submission()}])
    assert out == {"lines": 4, "accepted": 1, "refused": {"received_at_in_future": 1, "invalid_answers": 1,
                                                          "origin_not_allowed": 1}}


def test_the_live_demo_client_waits_on_429_and_loses_nothing(settings):
    from werkzeug.serving import make_server

    from collector.app import close_app, create_app

    seed_wide(connect(settings.database_url), [ORIGIN])
    app = create_app(settings.with_(rate_limit_ip="4/second"))
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    waits = []
    try:
        accepted = post_demo(f"http://127.0.0.1:{port}", 14, origin=ORIGIN, progress=waits.append)
    finally:
        server.shutdown()
        close_app(app)
    assert accepted == 14
    assert waits and all("429" in w and "Retry-After" in w for w in waits)


def _stored(settings, n: int) -> int:
    """Wait until the dataset holds exactly ``n`` responses; return ``n``."""
    from warehouse.dataset import open_dataset

    def count():
        with open_dataset(settings.data_dir) as con:
            got = con.execute("SELECT count(*) FROM responses").fetchone()[0]
        return got if got == n else None
    return wait_for(count, timeout_s=60, message=f"{n} demo answers in the dataset")


def test_a_second_start_says_its_demo_answers_were_already_stored(settings):
    """A second ``make run`` printed "100 of 100 accepted" though the processor stored all 100 as
    duplicates (the demo's ids are fixed): ``ascolto up``'s line says which were stored by an earlier
    start — and the dataset agrees (real collector, broker and processor)."""
    from werkzeug.serving import make_server

    from collector.app import close_app, create_app
    from deploy.demo_data import accepted_line

    seed_wide(connect(settings.database_url), [ORIGIN])
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(settings.with_(rate_limit_ip="50/second"))
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    processor = ProcessorThread(settings)

    def start(n):  # what ascolto up does after the history: post n, say how many were accepted
        return accepted_line(settings.data_dir, post_demo(f"http://127.0.0.1:{port}", n, origin=ORIGIN), n)

    def stored(n):
        return _stored(settings, n)

    try:
        assert start(6) == "6 of 6 accepted."
        stored(6)
        assert start(10) == ("10 of 10 accepted (the first 6 already stored by an earlier start in this data "
                             "directory: the demo's submissions have fixed ids, and the processor stores each id "
                             "once, so those add no answer).")
        stored(10)
        assert start(10).startswith("10 of 10 accepted (all already stored by an earlier start")
        time.sleep(2)
        assert stored(10) == 10  # the third start added none, as it said
    finally:
        processor.close()
        server.shutdown()
        close_app(app)


def test_the_live_demo_posts_the_widgets_funnel_counts_with_the_pages_origin(settings):
    """``ascolto demo --funnel`` posts, beside today's answers, the funnel reports of their page views
    to ``POST /v1/funnel`` from the demo site's origin (the widget's path: it refuses a report without
    an allowed Origin), waiting on 429 like the answers."""
    from werkzeug.serving import make_server

    from collector.app import close_app, create_app
    from deploy.demo_data import funnel_reports, post_funnel

    seed_wide(connect(settings.database_url), [ORIGIN])
    app = create_app(settings.with_(rate_limit_ip="20/second"))
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bodies = demo_bodies(40)
    reports = funnel_reports(bodies)
    try:
        assert post_funnel(f"http://127.0.0.1:{port}", "https://elsewhere.example", reports[:3]) == 0  # 403
        accepted = post_funnel(f"http://127.0.0.1:{port}", ORIGIN, reports)
    finally:
        server.shutdown()
        close_app(app)
    assert accepted == len(reports) and reports == funnel_reports(bodies)
    web = [b for b in bodies if b["channel"] == "web"]
    assert sum(r["submissions"] for r in reports) == len(web) and len(reports) > 2 * len(web)


@pytest.mark.parametrize("now", [NOW, datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)])
def test_the_live_demo_sends_none_of_the_historys_ids(now):
    # both draw from random.Random(2026): ids taken from that one stream repeated some of the
    # history's, and the processor dropped those live submissions as duplicates of the past
    history = {line["submission"]["submission_id"] for line in plan([ORIGIN], now=now)}
    live = [body["submission_id"] for body in demo_bodies(500)]
    assert len(set(live)) == 500
    assert not history & set(live)
    assert [b["submission_id"] for b in demo_bodies(500)] == live  # a restarted demo sends the same ids


def test_ascolto_demo_without_a_collector_says_what_to_do(tmp_path):
    """`ascolto demo` before `make run` ended in a urllib traceback (connection refused)."""
    from click.testing import CliRunner

    from ascolto.cli import main

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    out = CliRunner().invoke(main, ["demo", "--responses", "3", "--collector-url", url],
                             env={"ASCOLTO_DATA_DIR": str(tmp_path)})
    assert out.exit_code == 1 and isinstance(out.exception, SystemExit), out.output
    assert f"cannot reach the collector at {url}" in out.output
    assert "`make run`" in out.output and "--collector-url" in out.output


@pytest.mark.parametrize("responses", ["-1", "0"])
def test_ascolto_demo_refuses_a_count_that_posts_nothing_as_a_usage_error(tmp_path, responses):
    """`ascolto demo --responses -1` printed "0 of -1 accepted" and exited 0: a count below 1 is a usage
    error naming the option (exit 2), before any collector is asked."""
    from click.testing import CliRunner

    from ascolto.cli import main

    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there: the refusal comes first
    out = CliRunner().invoke(main, ["demo", "--responses", responses, "--collector-url", url],
                             env={"ASCOLTO_DATA_DIR": str(tmp_path)})
    assert out.exit_code == 2 and "--responses" in out.output and "accepted" not in out.output, out.output
    assert "cannot reach the collector" not in out.output


def test_ascolto_demo_says_why_the_collector_refused(settings):
    """A collector whose registry lacks the demo's services answered 404 to most posts, and the demo said
    only "1 of 12 accepted"."""
    from click.testing import CliRunner
    from werkzeug.serving import make_server

    from ascolto.cli import main
    from collector.app import close_app, create_app

    app = create_app(settings)  # the small demo registry only (tests.conftest): not ascolto up's
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = CliRunner().invoke(main, ["demo", "--responses", "12", "--collector-url", f"http://127.0.0.1:{port}"],
                                 env={"ASCOLTO_DATA_DIR": str(settings.data_dir)})
    finally:
        server.shutdown()
        close_app(app)
    assert out.exit_code == 1, out.output
    assert "collector refused a submission: 404 unknown_service:" in out.output
    assert out.output.count("404 unknown_service") == 1  # once per error code, not once per post
    assert "of 12 accepted" in out.output and "registry.demo_wide" in out.output


def test_the_backfill_says_how_it_is_used_and_what_it_cannot_read(tmp_path, capsys):
    """`python -m collector.backfill --help` opened a file named --help, and a missing FILE ended in a traceback."""
    from collector.backfill import main

    assert main(["--help"]) == 0 and capsys.readouterr().out.startswith("usage: python -m collector.backfill FILE")
    assert main([str(tmp_path / "nope.jsonl")]) == 2
    assert f"cannot read {tmp_path / 'nope.jsonl'}: No such file or directory" in capsys.readouterr().err
    assert main([]) == 2 and "usage:" in capsys.readouterr().err


def test_the_backfill_names_the_line_that_is_not_json_and_loads_nothing(tmp_path, capsys):
    """A backlog of thousands of lines with one broken line: the refusal names the file's line (it said
    "line 1 column 1", the position inside that line) and nothing is loaded; a file that is not UTF-8 too."""
    from collector.backfill import main

    path = tmp_path / "backlog.jsonl"
    path.write_text('{"received_at": "2026-11-01T10:00:00Z", "submission": {}}\n\n{"received_at": 3,\n',
                    encoding="utf-8")
    assert main([str(path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"collector.backfill: {path} line 3 is not JSON (Expecting property name enclosed in double quotes: line 1 column 19 (char 18)); nothing loaded")
    path.write_bytes(b'{"received_at": "2026-11-01T10:00:00Z"}\n{"page": "caf\xe9"}\n')
    assert main([str(path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"collector.backfill: {path} line 2 is not UTF-8 (byte 0xe9 at column 14); nothing loaded")
    path.write_text('{"received_at": "2026-11-01T10:00:00Z"}\n' + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert main([str(path)]) == 1  # was a RecursionError traceback
    assert capsys.readouterr().err.strip() == (
        f"collector.backfill: {path} line 2 is not JSON this tool reads (nested too deeply); nothing loaded")


def test_ascolto_demo_says_a_repeat_sends_the_same_ids_and_another_seed_adds_answers(settings):
    """``ascolto demo`` run twice printed "5 of 5 accepted" twice though the second run added no answer
    (fixed ids); it now names its seed, and ``--seed`` adds answers (real collector, broker and processor)."""
    from click.testing import CliRunner
    from werkzeug.serving import make_server

    from ascolto.cli import main
    from collector.app import close_app, create_app

    seed_wide(connect(settings.database_url), [ORIGIN])
    app = create_app(settings.with_(rate_limit_ip="50/second"))
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    processor = ProcessorThread(settings)

    def demo(*extra):
        out = CliRunner().invoke(main, ["demo", "--responses", "5", "--collector-url", f"http://127.0.0.1:{port}",
                                        "--origin", ORIGIN, *extra],
                                 env={"ASCOLTO_DATA_DIR": str(settings.data_dir)})
        assert out.exit_code == 0, out.output
        return out.output

    def stored(n):
        return _stored(settings, n)

    try:
        first = demo()
        assert "5 of 5 accepted (the ids of --seed 2026, the same at every run" in first
        assert "another --seed adds answers" in first
        stored(5)
        demo()
        time.sleep(2)
        assert stored(5) == 5  # the repeat added none, as it says
        assert "--seed 7" in demo("--seed", "7")
        stored(10)
    finally:
        processor.close()
        server.shutdown()
        close_app(app)


@pytest.mark.parametrize("page", ["/", "/floating.html"])
def test_the_demo_pages_name_an_icon_so_the_browser_logs_no_404(page):
    # without one, every browser asks the demo site for /favicon.ico and prints its 404 in the console
    # of the PA developer following the README, next to the widget's own messages
    import re
    import urllib.request

    from deploy.demo_site import make_server, serve_in_thread

    server = make_server(free_port(), collector_port=8000)
    serve_in_thread(server)
    try:
        html = urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}{page}").read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert re.search(r'<link rel="icon" href="data:,">', html), "no icon: the browser will ask for /favicon.ico"
