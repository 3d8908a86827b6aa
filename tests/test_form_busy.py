"""The no-JS form when the collector's rate limits refuse it: the citizen keeps the answers and reads
the page in their own language.

Many citizens behind one address (a library, a municipal office's Wi-Fi, a school) share the
per-client limit; a burst after a newsletter meets the per-service one. Both limits refused the
form's POST before its view ran: the citizen got an error page with every answer gone, in Italian
whatever language the form was in (the POST carries ``lang`` in its body, not in its URL). Now the
form comes back, answers kept, with the "too many requests" notice in its language and the
``Retry-After``, as for a 503, and the submission is not stored (sent again, it is, once).
"""
from __future__ import annotations

import pytest

from tests.test_form import GOOD, _open, _post


@pytest.fixture
def limited(settings):
    """A collector whose per-client limit is two form posts a minute."""
    from collector.app import close_app, create_app

    app = create_app(settings.with_(rate_limit_ip="2/minute"))
    yield app.test_client()
    close_app(app)


def test_past_the_per_client_limit_the_form_comes_back_with_the_answers_in_german(limited):
    fields = _open(limited, "de")
    for _ in range(2):
        _post(limited, _open(limited, "de"), {})  # two other posts from the same address (errors: 422)
    resp = _post(limited, fields, GOOD)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    page = resp.get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Ihre Antworten wurden beibehalten" in page  # "your answers have been kept"
    assert ">Tutto chiaro,\ngrazie</textarea>" in page and 'value="5" checked' in page
    assert f'name="submission_id" value="{fields["submission_id"]}"' in page  # the same answer set, the same id


def test_the_per_service_limit_keeps_the_answers_too(settings):
    from collector.app import close_app, create_app

    app = create_app(settings.with_(rate_limit_service="1/minute"))
    try:
        client = app.test_client()
        _post(client, _open(client, "fr"), {})
        resp = _post(client, _open(client, "fr"), GOOD)
        assert resp.status_code == 429 and resp.headers["Retry-After"]
        page = resp.get_data(as_text=True)
        assert '<html lang="fr">' in page and ">Tutto chiaro,\ngrazie</textarea>" in page
    finally:
        close_app(app)
