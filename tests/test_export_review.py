"""``ascolto export`` used as an Istat statistician would (review of the exports, December 2026): what a
refusal says must fit the request refused.

Real data through the warehouse (the data of tests/test_export_defaults.py: 2025-12 to 2026-11, the
clock pinned to 15 December 2026); the CLI through click's runner; no mocks."""
from __future__ import annotations

import html as markup

import pytest

from .test_export_defaults import _cli, data, december  # noqa: F401  (fixtures)

HINT = "The microdata package holds months"


@pytest.mark.parametrize("args, field", [
    (("--from", "2026-12"), "--from"),  # running: a frequency does not cure it
    (("--from", "2026-06", "--to", "2026-03"), "--from"),  # reversed
    (("--from", "2026-03", "--to", "2030-01"), "--to"),  # not started
])
def test_a_packages_refusal_not_about_its_frequency_gives_no_frequency_hint(data, december, tmp_path, args, field):
    """The package's refusal of any ``--from``/``--to`` that is a period label ended with "The microdata
    package holds months: leave --freq out (it follows --from/--to), or give --freq M." — also for a
    running month, a range whose start is after its end or a period not begun, where no ``--freq`` was
    given and none helps. The hint is for a range that cuts a period of ``--freq`` alone."""
    r = _cli(data, "--format", "datapackage", "--out", str(tmp_path / "pkg"), *args)
    assert r.exit_code == 2 and f"Invalid value for {field}" in r.stderr, r.stderr
    assert HINT not in r.stderr and "--freq" not in r.stderr, r.stderr
    assert not (tmp_path / "pkg").exists()


def test_a_packages_frequency_hint_names_a_frequency_that_keeps_the_range(data, december, tmp_path):
    """``--from 2025 --to 2026-06`` without ``--freq`` (so years, the form of ``--from``) was told "leave
    --freq out (it follows --from/--to), or give --freq A": the very request refused. The hint now names
    the frequency the refused label is written in (``--to 2026-06``: M), and leaving ``--freq`` out only
    where one was given and the range keeps without it."""
    out = tmp_path / "pkg"
    r = _cli(data, "--format", "datapackage", "--out", str(out), "--from", "2025", "--to", "2026-06")
    assert r.exit_code == 2 and "Invalid value for --to" in r.stderr, r.stderr
    assert f"{HINT}: give --freq M." in r.stderr and "leave --freq out" not in r.stderr, r.stderr
    r = _cli(data, "--format", "datapackage", "--out", str(out), "--from", "2025-12", "--to", "2026-06")
    assert r.exit_code == 0, r.output  # the way out works
    # a --freq given that cuts the months: leaving it out keeps the range (test_export_defaults)
    r = _cli(data, "--format", "datapackage", "--out", str(tmp_path / "q"), "--freq", "Q", "--to", "2026-05")
    assert r.exit_code == 2 and f"{HINT}: leave --freq out (it follows --from/--to), or give --freq M." in r.stderr


def test_a_range_open_at_one_end_without_data_is_said_as_asked(tmp_path):
    """``--to 2025-10`` alone, the data beginning in 2025-11, was refused with "No responses from 2025-11 to
    2025-10 (from=-, to=2025-10)": the open start filled in with the data's first month, a range backwards
    that nobody asked for; likewise ``--from`` after a gap at the end of the data. Said as asked now."""
    from click.testing import CliRunner

    from ascolto.cli import main
    from tests.warehouse_rows import response, write

    root = tmp_path / "data"
    write(root, [response(period=p, satisfaction=1 + i % 5, entity=f"c_{i % 4}") for p in ("2025-11", "2025-12")
                 for i in range(20)])

    def cli(*args):
        return CliRunner().invoke(main, ["export", "--format", "csv", "--out", str(tmp_path / "t.csv"), *args],
                                  env={"ASCOLTO_DATA_DIR": str(root)})

    r = cli("--to", "2025-10")
    assert r.exit_code == 1 and "--to: No responses up to 2025-10" in r.stderr, r.stderr  # the data's state: exit 1
    assert "No responses up to 2025-10 (to=2025-10): the data cover 2025-11 to 2025-12" in r.stderr, r.stderr
    r = cli("--from", "2026-02")
    assert r.exit_code == 1 and "--from: No responses from 2026-02" in r.stderr, r.stderr
    assert "No responses from 2026-02 on (from=2026-02): the data cover 2025-11 to 2025-12" in r.stderr, r.stderr
    r = cli("--from", "2026-02", "--to", "2026-03")  # a whole range: as before
    assert "No responses from 2026-02 to 2026-03 (from=2026-02, to=2026-03)" in r.stderr, r.stderr
    assert not (tmp_path / "t.csv").exists()


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_field_of_the_microdata_package_is_described_in_its_language(tmp_path, lang):
    """Every column of a resource had a ``description`` in the package's language but ``questionnaire`` and
    ``version``: the codebook of the microdata left two columns of every file undescribed. Now each field
    has one, the fixed fields' from :data:`warehouse.datapackage_text.FIELDS` (Italian for ``--lang it``)."""
    import json

    from click.testing import CliRunner

    from ascolto.cli import main
    from tests.warehouse_rows import response, write
    from warehouse.datapackage_text import FIELDS

    root = tmp_path / "data"
    write(root, [response(period="2025-11", satisfaction=1 + i % 5, entity="c_h501") for i in range(12)])
    out = tmp_path / "pkg"
    r = CliRunner().invoke(main, ["export", "--format", "datapackage", "--out", str(out), "--lang", lang],
                           env={"ASCOLTO_DATA_DIR": str(root)})
    assert r.exit_code == 0, r.output
    [resource] = json.loads((out / "datapackage.json").read_text("utf-8"))["resources"]
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields if not f.get("description")] == []
    header = (out / resource["path"]).read_text("utf-8").splitlines()[0].split(",")
    assert [f["name"] for f in fields] == header  # nothing missing, nothing stale
    said = {f["name"]: f["description"] for f in fields}
    for name in ("questionnaire", "version"):
        assert said[name] == FIELDS[name][0 if lang == "it" else 1]


@pytest.mark.parametrize("query, said", [
    ("to=2025-10", "nessuna risposta fino a 2025-10: i dati coprono i mesi da 2025-12 a 2026-11; niente da "
                   "esportare in quell'intervallo."),
    ("from=2020-01&to=2020-12", "nessuna risposta da 2020-01 a 2020-12: i dati coprono i mesi da 2025-12 a 2026-11; "
                                "niente da esportare in quell'intervallo."),
])
def test_the_italian_exports_page_says_a_range_without_responses_in_italian(data, december, query, said):
    """The Exports page's package over months without responses, in Italian (the page's default), said
    "Parametro non valido: «to». (No responses …; nothing to export for that range.)": the English detail
    in brackets, as for a refusal the page cannot word. It is worded in Italian now (the API keeps English)."""
    from settings import Settings
    from tests.console_auth import token
    from warehouse.console import create_app

    settings = Settings(data_dir=data, rollup_check_s=0.0)
    client = create_app(settings).test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(settings, 'statistician')}"
    r = client.get(f"/exports/datapackage.zip?{query}")
    page = markup.unescape(r.get_data(as_text=True))
    assert r.status_code == 400 and f"Parametro non valido: «to»: {said}" in page, page[-800:]  # before the data
    assert "No responses" not in page and "nothing to export" not in page
