"""The intake's front (collector.front): plain submissions answered without Flask's request machinery,
exactly as the Flask view answers them; everything else, and every refusal, answered by Flask."""
from __future__ import annotations

import io
import json

import pytest
from flask import request_started
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from collector import metrics
from collector.app import close_app, create_app
from collector.front import SubmissionFront
from registry import connect, session_scope
from registry.tokens import create_token
from tests.conftest import ORIGIN, WIDGET, submission

INPS = "inps"


@pytest.fixture
def app(settings):
    app = create_app(settings.with_(rate_limit_ip="6/minute"))
    yield app
    close_app(app)


def _flask_only(app):
    """A test client of the same app with the front taken away (Flask's view answers everything)."""
    front = app.wsgi_app
    assert isinstance(front, SubmissionFront)

    class Client:
        def post(self, *args, **kwargs):
            app.wsgi_app = front.flask_wsgi
            try:
                return app.test_client().post(*args, **kwargs)
            finally:
                app.wsgi_app = front
    return Client()


def _answer(resp) -> tuple:
    body = resp.get_json()
    if isinstance(body, dict):
        body.pop("submission_id", None)
    headers = [(k, v) for k, v in resp.headers.items() if k != "Retry-After"]
    return resp.status_code, headers, body


def _backend_token(settings) -> str:
    with session_scope(connect(settings.database_url)) as s:
        return create_token(s, role="backend", label="INPS", actor="test:admin", entity=INPS)[1]


_CASES = {  # what each case changes in a valid widget post: (the body's, the headers')
    "accepted": (None, None),
    "accepted without the widget's headers": (None, lambda h, s: {"Origin": ORIGIN}),
    "origin not allowed": (None, lambda h, s: {"Origin": "https://evil.example"}),
    "no origin nor token": (None, lambda h, s: {}),
    "unknown service": (lambda b: b.update(service="demo-nope"), None),
    "invalid answers": (lambda b: b["answers"].update(satisfaction=9), None),
    "malformed": (lambda b: b.update(submission_id="not-a-uuid"), None),
    "back end": (lambda b: b.update(service="demo-inps-pensione"),
                 lambda h, s: {"Authorization": f"Bearer {_backend_token(s)}"}),
    "back end of another entity": (None, lambda h, s: {"Authorization": f"Bearer {_backend_token(s)}"}),
    "bad token": (None, lambda h, s: {"Authorization": "Bearer asc_nope"}),
}


@pytest.mark.parametrize("case", list(_CASES))
def test_the_front_answers_as_the_flask_view_does(app, settings, case):
    """Status, every header (CORS, nosniff, WWW-Authenticate; Retry-After's seconds aside) and body alike."""
    change_body, change_headers = _CASES[case]
    headers = dict(WIDGET, **{"User-Agent": "Mozilla/5.0 (iPhone; Mobile)"})
    headers = change_headers(headers, settings) if change_headers else headers
    answers = []
    for client in (app.test_client(), _flask_only(app)):
        body = submission()
        if change_body:
            change_body(body)
        answers.append(client.post("/v1/submissions", json=body, headers=headers))
    via_front, via_flask = answers
    assert _answer(via_front) == _answer(via_flask)
    if case in ("accepted", "accepted without the widget's headers", "back end"):
        assert via_front.status_code == 202, via_front.get_json()
    else:
        assert 400 <= via_front.status_code < 500 and via_front.get_json()["fields"]


def test_a_plain_post_never_reaches_flask_and_any_other_does(app):
    """What the front is for: a plain post is answered without Flask's request (no request_started);
    a chunked body, a non-JSON type, a body orjson refuses or one nested deeper than the front reads
    goes to Flask, which answers it as ever."""
    started = []

    def seen(sender, **extra):
        started.append(1)

    request_started.connect(seen, app)
    try:
        c = app.test_client()
        assert c.post("/v1/submissions", json=submission(), headers=WIDGET).status_code == 202
        assert started == []
        chunked = c.post("/v1/submissions", input_stream=io.BytesIO(json.dumps(submission()).encode()),
                         content_type="application/json", headers=dict(WIDGET, **{"Transfer-Encoding": "chunked"}),
                         environ_overrides={"wsgi.input_terminated": True})
        assert chunked.status_code == 202 and started == [1]
        surrogate = json.dumps(submission(comment="a \ud800 b")).encode()  # orjson refuses it; the view cleans it
        assert c.post("/v1/submissions", data=surrogate, content_type="application/json",
                      headers=WIDGET).status_code == 202
        assert started == [1, 1]
        text = c.post("/v1/submissions", data=b"{}", content_type="text/plain", headers=WIDGET)
        assert text.status_code == 415 and text.get_json()["fields"] == {
            "Content-Type": ["Must be application/json, got 'text/plain'."]}
        deep = c.post("/v1/submissions", data=b'{"context":' + b'{"a":' * 9 + b"1" + b"}" * 10,
                      content_type="application/json", headers=WIDGET)
        assert deep.status_code == 400 and "context" in deep.get_json()["fields"]
        assert len(started) == 4
    finally:
        request_started.disconnect(seen, app)


def test_a_request_the_front_hands_to_flask_is_counted_once(app):
    """The front gives up before counting anything: six posts of an unreadable body under a limit of
    six a minute are six 400s, the seventh the 429 (counted twice, the fourth would have been)."""
    c = app.test_client()
    statuses = [c.post("/v1/submissions", data=b'{"service": ', content_type="application/json",
                       headers=WIDGET).status_code for _ in range(7)]
    assert statuses == [400] * 6 + [429]


def test_a_refusal_met_by_the_front_is_counted_once_naming_its_service(app):
    before = metrics.REJECTED.labels("invalid_answers", "demo-roma-anagrafe")._value.get()
    body = submission()
    body["answers"]["satisfaction"] = 9
    resp = app.test_client().post("/v1/submissions", json=body, headers=WIDGET)
    assert resp.status_code == 422 and "answers.satisfaction" in resp.get_json()["fields"]
    assert metrics.REJECTED.labels("invalid_answers", "demo-roma-anagrafe")._value.get() == before + 1


def test_a_body_without_a_service_is_refused_naming_it_not_a_500(app):
    """The front runs outside Flask's request: a refusal must not look the service up there."""
    resp = app.test_client().post("/v1/submissions", json={}, headers=WIDGET)
    assert resp.status_code == 400 and "service" in resp.get_json()["fields"]


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.text(max_size=12),
                    st.lists(st.sampled_from(["clarity", "speed", "x"]), max_size=3),
                    st.dictionaries(st.sampled_from(["page", "hp", "fill_ms", "ref"]), st.text(max_size=6), max_size=2))
_FIELDS = ["submission_id", "service", "questionnaire", "version", "lang", "channel", "answers", "context", "test",
           "extra", "received_at"]
_ITEMS = ["satisfaction", "ease", "task", "went_well", "went_wrong", "comment", "nope"]


@st.composite
def _posts(draw):
    """A valid widget post with a few fields (or answers) replaced, dropped or added, under some headers."""
    body = submission()
    for _ in range(draw(st.integers(0, 3))):
        answers = body.get("answers")
        where = answers if isinstance(answers, dict) and draw(st.booleans()) else body
        name = draw(st.sampled_from(_ITEMS if where is answers else _FIELDS))
        if draw(st.booleans()):
            where.pop(name, None)
        else:
            where[name] = draw(_VALUES)
    headers = draw(st.sampled_from([WIDGET, WIDGET, WIDGET, {}, {"Origin": "https://evil.example"}, {"Origin": "null"},
                                    {"Authorization": "Bearer asc_nope"}, dict(WIDGET, **{"X-Ascolto-Device": "d"})]))
    content_type = draw(st.sampled_from(["application/json", "application/json", "application/json; charset=utf-8",
                                         "text/plain"]))
    return json.dumps(body).encode(), headers, content_type


def test_any_post_gets_the_same_answer_from_the_front_as_from_flask(settings):
    """Hypothesis: whatever the body and headers, the front answers as the Flask view would (status,
    headers but Retry-After's seconds, body but the submission's id), and never a 5xx."""
    app = create_app(settings.with_(rate_limit_enabled=False))
    flask_only = _flask_only(app)
    try:
        @given(post=_posts())
        @hsettings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                   database=None)
        def check(post):
            data, headers, content_type = post
            answers = [client.post("/v1/submissions", data=data, content_type=content_type, headers=headers)
                       for client in (app.test_client(), flask_only)]
            assert _answer(answers[0]) == _answer(answers[1])
            assert answers[0].status_code < 500, answers[0].get_json()

        check()
    finally:
        close_app(app)


@pytest.mark.parametrize("content_type", ["application/json\xa0", "\x85application/json",
                                          "application/json\u3000; charset=utf-8"])
def test_a_type_werkzeug_does_not_read_as_json_is_flasks_415(app, content_type):
    """The type's value is stripped of spaces and tabs only, as werkzeug strips it: NBSP and NEL
    (which gunicorn passes, latin-1 obs-text) made the front take as JSON a post Flask's view refuses."""
    answers = [client.post("/v1/submissions", data=json.dumps(submission()), content_type=content_type,
                           headers=WIDGET) for client in (app.test_client(), _flask_only(app))]
    assert _answer(answers[0]) == _answer(answers[1])
    assert answers[0].status_code == 415


@pytest.mark.parametrize("length", ["9" * 5000, "0" * 5000 + "9", "0" * 30 + "9"])
def test_a_content_length_of_many_digits_is_answered_by_flask_not_a_500(app, length):
    """``int()`` refuses a string of over 4300 digits: the front raised ValueError (a 500 from any server
    that passes such a header on), where werkzeug reads the length as 0 and the view answers its 400."""
    data = json.dumps(submission()).encode()
    answers = [client.post("/v1/submissions", data=data, content_type="application/json", headers=WIDGET,
                           environ_overrides={"CONTENT_LENGTH": length})
               for client in (app.test_client(), _flask_only(app))]
    assert _answer(answers[0]) == _answer(answers[1])
    assert answers[0].status_code == 400


class _Reset(io.RawIOBase):
    """A request body whose client reset the connection half-way."""

    def readable(self):
        return True

    def seekable(self):  # werkzeug's EnvironBuilder measures the stream
        return True

    def seek(self, offset, whence=0):
        return 0

    def readinto(self, b):
        raise ConnectionResetError(104, "Connection reset by peer")


def test_a_body_broken_off_mid_read_is_flasks_400_counted_against_the_client(app):
    """A client resetting its connection mid-body: Flask's view counts it against the client's address and
    answers werkzeug's 400 (counted as ``malformed``); the front let ConnectionResetError out of the app
    (no refusal counted, nothing against the limit of six a minute: the seventh was never refused)."""
    before = metrics.REJECTED.labels("malformed", metrics.UNKNOWN_SERVICE)._value.get()
    length = len(json.dumps(submission()))
    for client in (app.test_client(), _flask_only(app)):
        answers = [client.post("/v1/submissions", input_stream=_Reset(), content_type="application/json",
                               headers=WIDGET, environ_overrides={"CONTENT_LENGTH": str(length)}) for _ in range(3)]
        assert [a.status_code for a in answers] == [400] * 3
    assert metrics.REJECTED.labels("malformed", metrics.UNKNOWN_SERVICE)._value.get() == before + 6
    assert app.test_client().post("/v1/submissions", json=submission(), headers=WIDGET).status_code == 429
