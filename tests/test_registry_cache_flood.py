"""A flood of unknown service keys or back-end tokens cannot push the collector's known ones out of its
registry cache (registry.readmodel.ServiceDirectory): the not-found answers are kept and bounded apart from
the found. Before, the 10,000th junk key cleared the whole cache — every known service was asked of the
registry again, and while the registry was unreachable none could be served stale any more (every widget's
submission a 503). Real SQLite and PostgreSQL registries; the queries counted on the engine itself."""
from __future__ import annotations

import secrets

import pytest
from sqlalchemy import event

from registry import connect, dispose, session_scope
from registry.demo import seed
from registry.readmodel import ServiceDirectory
from registry.tokens import create_token
from tests.conftest import ORIGIN

FLOOD = 60  # unknown keys: more than the (lowered) bound of each side


@pytest.fixture
def directory(db_url):
    """(directory with its bound lowered to 50, the registry's factory, a list of the statements it runs)."""
    factory = connect(db_url)
    seed(factory, [ORIGIN])
    statements: list[str] = []
    event.listen(factory.kw["bind"], "before_cursor_execute", lambda *a: statements.append(a[2]))
    d = ServiceDirectory(factory, ttl_s=300, clock=lambda: 1000.0)
    d.MAX_ENTRIES = 50
    yield d, factory, statements
    dispose(factory)


def test_unknown_service_keys_never_push_a_known_service_out_of_the_cache(directory):
    d, _, statements = directory
    known = d.get("demo-roma-anagrafe")
    assert known is not None
    for i in range(FLOOD):
        assert d.get(f"junk-{i}") is None
    statements.clear()
    assert d.get("demo-roma-anagrafe") == known
    assert statements == []  # served from the cache, within its TTL: no query


def test_unknown_back_end_tokens_never_push_a_known_one_out_of_the_cache(directory):
    d, factory, statements = directory
    with session_scope(factory) as s:
        secret = create_token(s, role="backend", label="back end", actor="test:admin", entity="c_h501")[1]
    view = d.backend(secret)
    assert view is not None and view.entity == "c_h501"
    for _ in range(FLOOD):
        assert d.backend("asc_" + secrets.token_urlsafe(32)) is None
    statements.clear()
    assert d.backend(secret) == view
    assert statements == []


def test_the_unknown_keys_kept_stay_bounded(directory):
    d, _, _ = directory
    for i in range(FLOOD * 3):
        d.get(f"junk-{i}")
    assert len(d._cache.missing) <= d.MAX_ENTRIES and len(d._cache.found) == 0
