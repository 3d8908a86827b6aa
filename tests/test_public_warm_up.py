"""The public site loads its releases as it starts, as the console builds its rollup (warehouse.warmup).

Loading a release verifies every file's checksum: the first reader after a start must not wait for
that. The site starts the load in a background thread (``releases-warm-up``) when the releases
directory exists; readers arriving meanwhile wait for that one load (the releases' lock) and are
answered from all of it.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from tests.workspace_data import build_workspace
from warehouse.dataset import Warehouse
from warehouse.protect import Protection
from warehouse.public import create_app, releases
from warehouse.publish import publish

Q = "2026-Q3"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    settings, _ = build_workspace(tmp_path_factory.mktemp("public-warm-up"))
    with Warehouse(settings) as wh:
        publish(wh.cursor(), Q, settings.releases_path, Protection.from_settings(settings),
                now=datetime(2026, 11, 29, 12, tzinfo=timezone.utc))
    return settings.with_(public_rate_limit="100000/minute")


def test_the_public_site_loads_its_releases_as_it_starts_and_the_first_pages_wait_for_that_load(published,
                                                                                               monkeypatch):
    loads = []
    real = releases._load

    def counted(*args, **kwargs):
        loads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(releases, "_load", counted)
    app = create_app(published)  # the warm-up is loading now
    answers: list = [None] * 3
    readers = [threading.Thread(target=lambda i=i: answers.__setitem__(i, app.test_client().get(f"/it/{Q}")))
               for i in range(3)]
    for t in readers:
        t.start()
    for t in readers:
        t.join(60)
    assert loads == ["releases-warm-up"]  # loaded once, as the site started; the readers waited for it
    assert all(a.status_code == 200 and Q in a.get_data(as_text=True) for a in answers)
    assert app.config["ASCOLTO_WARM_UP"].name == "releases-warm-up"


def test_no_warm_up_before_anything_is_published(tmp_path):
    from settings import Settings

    app = create_app(Settings(data_dir=tmp_path))
    assert app.config["ASCOLTO_WARM_UP"] is None
    assert app.test_client().get("/it/").status_code == 200
