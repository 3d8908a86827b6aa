"""Route 24 (December 2026): the key-driver analysis of an entity read its withheld rows.

An entity's analysis was computed from every one of its rows and published to full float precision,
including the rows of a small service whose cube cells are suppressed (n 1–2) and whose microdata rows
are withheld (their quasi-identifier group is under k). A regional government is the only entity of
its PA type in its region, so the microdata package's rows of that PA type and region are exactly its
released rows: the attacker (statistician role) rebuilds them and tries every possible answer pattern
of the one withheld row (5⁵ ratings × 3 task completions = 9,375) until the recomputed R² and weights
equal the published ones — the hidden respondent's answers, the suppressed cell.
Now the analysis reads only the rows the package releases (:func:`warehouse.released.released_sql`, the
package's own rule), so its output is a function of released rows: the entity's published figures are
those of its released rows alone, and no search singles out the hidden answers (the figures are also
rounded now, to 3 decimals: defence in depth — on full floats the search found the truth alone, at 3
decimals it left 2 candidates, the truth one of them).
"""
from __future__ import annotations

import csv
import io
import itertools
import json
import zipfile

import numpy as np
import pytest

from settings import Settings
from tests.console_auth import api_client, token
from tests.warehouse_rows import response, speed_driven, write
from warehouse.drivers import DECIMALS, DRIVERS, OUTCOME, lmg_weights

pytestmark = pytest.mark.usefixtures("clock_2027")  # fixed data of 2026, read as ended periods

MONTH = "2026-05"
REGION, PA_TYPE, ENTITY = "ITI4", "L4", "r_lazio"
HIDDEN = {"ease": 100.0, "clarity": 25.0, "speed": 75.0, "trust": 0.0, "task_completed": 0.0, OUTCOME: 0.0}
COLUMNS = [*DRIVERS, OUTCOME]


def _scenario(tmp_path, small_type: str = "tributi.pagamento"):
    """The region's 120 answers to its large service (one quasi-identifier group: released) and one answer
    to its small service, of ``small_type`` (another type: a group of one, withheld; its cube cell suppressed
    either way)."""
    rng = np.random.default_rng(24)
    rows = speed_driven(rng, 120, service="lazio-sanita", entity=ENTITY, period=MONTH)
    for r in rows:
        r.update(pa_type=PA_TYPE, region=REGION, service_type="sanita.prenotazione")
    small = response(period=MONTH, pa_type=PA_TYPE, region=REGION, entity=ENTITY, service="lazio-bollo",
                     service_type=small_type, satisfaction=1, ease=1, clarity=1)
    small.update(HIDDEN)
    write(tmp_path, [*rows, small])
    settings = Settings(data_dir=tmp_path)
    client = api_client(settings)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token(settings, 'statistician')}"
    return client


def _released_rows(client, withheld: int | None = None) -> np.ndarray:
    """The entity's rows in the month's package: those of its PA type and region (it is their only entity)."""
    resp = client.get(f"/exports/datapackage.zip?from={MONTH}&to={MONTH}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    package = zipfile.ZipFile(io.BytesIO(resp.get_data()))
    conf = json.loads(package.read("datapackage.json"))["confidentiality"]
    assert conf["withheld_rows"] == withheld  # None, "fewer than 3": the small service's row is withheld
    out = []
    for name in package.namelist():
        if name.endswith(".csv"):
            for r in csv.DictReader(io.StringIO(package.read(name).decode("utf-8"))):
                if (r["period"], r["pa_type"], r["region"]) == (MONTH, PA_TYPE, REGION):
                    out.append([float(r[c]) for c in COLUMNS])
    return np.array(out)


def _candidates() -> np.ndarray:
    """Every answer pattern of one row: five 5-point ratings (0–100) and task completion (0, 50, 100)."""
    grid = [(0.0, 25.0, 50.0, 75.0, 100.0)] * 4 + [(0.0, 50.0, 100.0), (0.0, 25.0, 50.0, 75.0, 100.0)]
    return np.array(list(itertools.product(*grid)))


def _design(rows: np.ndarray) -> np.ndarray:
    """The regression's columns (:func:`warehouse.drivers.design`, every task level present): four ratings,
    task completion's dummies for partly and yes, satisfaction."""
    task = rows[:, 4]
    return np.column_stack([rows[:, :4], task == 50, task == 100, rows[:, 5]]).astype(float)


def _weights(known: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """The LMG weights of ``known`` with each candidate row of ``cand`` added (moments updated per
    candidate: every candidate at once); an empty ``cand`` row of NaN adds nothing."""
    x, c = _design(known), _design(np.nan_to_num(cand))
    add = ~np.isnan(cand).any(axis=1)
    c = c * add[:, None]
    n = len(x) + add[:, None, None]
    mean = (x.sum(axis=0) + c) / n[:, :, 0]
    cross = (x.T @ x + c[:, :, None] * c[:, None, :]) / n
    cov = cross - mean[:, :, None] * mean[:, None, :]
    sd = np.sqrt(np.einsum("bii->bi", cov))
    corr = cov / (sd[:, :, None] * sd[:, None, :])
    return lmg_weights(corr, [[0], [1], [2], [3], [4, 5]])


def _search(known: np.ndarray, published: dict) -> list[tuple]:
    """The candidates for one more row whose LMG weights and R², with ``known``, are the published ones
    at the published precision (:data:`warehouse.drivers.DECIMALS`)."""
    cand = _candidates()
    weights = _weights(known, cand)
    target = np.array([published[a] for a in DRIVERS])
    hit = (np.all(np.round(weights, DECIMALS) == np.round(target, DECIMALS), axis=1)
           & (np.round(weights.sum(axis=1), DECIMALS) == round(published["r2"], DECIMALS)))
    return [tuple(row) for row in cand[hit]]


def test_route_24_the_drivers_of_an_entity_give_its_withheld_row(tmp_path):
    client = _scenario(tmp_path)
    known = _released_rows(client)
    assert len(known) == 120 and set(known[:, 4]) == {0.0, 50.0, 100.0}
    resp = client.get(f"/api/v1/improve/drivers?entity={ENTITY}&period={MONTH}")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()["drivers"]
    published = {"r2": body["r2"], **{d["aspect"]: d["weight"] for d in body["drivers"]}}
    alone = _weights(known, np.full((1, len(COLUMNS)), np.nan))[0]
    assert [published[a] for a in DRIVERS] == [round(float(w), DECIMALS) for w in alone]  # the released rows'
    assert published["r2"] == round(float(alone.sum()), DECIMALS)
    recovered = _search(known, published)
    truth = tuple(HIDDEN[c] for c in COLUMNS)
    assert recovered != [truth]


def test_route_24_residual_a_small_service_sharing_a_group_is_withheld(tmp_path):
    """A small service's one answer shares its quasi-identifier group with the entity's large service of the
    same type. Counted over every service, the package released it among the large service's 120, and the large
    service's own analysis (a function of its rows only) picked it out: the released row whose removal gives the
    published weights — the answers of a cell the cube suppresses, even at 3 decimals. Now k is counted per
    service (:data:`warehouse.released.COUNTED_WITHIN`): the row is withheld, the group's released rows are the
    large service's alone: no released row is another service's for its analysis to single out."""
    client = _scenario(tmp_path, small_type="sanita.prenotazione")
    known = _released_rows(client, withheld=None)  # None: "fewer than 3", the small service's row withheld
    assert len(known) == 120
    assert not any(tuple(row) == tuple(HIDDEN[c] for c in COLUMNS) for row in known)
    body = client.get(f"/api/v1/improve/drivers?service=lazio-sanita&period={MONTH}").get_json()["drivers"]
    published = np.array([{d["aspect"]: d["weight"] for d in body["drivers"]}[a] for a in DRIVERS])
    alone = _weights(known, np.full((1, len(COLUMNS)), np.nan))[0]
    assert np.all(np.round(alone, DECIMALS) == published)  # the large service's figures: its released rows'
