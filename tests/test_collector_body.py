"""The depth limit of :func:`collector.body.json_body` at its boundary, with and without the
bracket-count shortcut (issue 18: a body with few brackets skips the walk)."""
from __future__ import annotations

import json

import pytest
from flask import Flask

from collector.body import MAX_DEPTH, json_body
from collector.errors import ApiError


def _nested(levels: int) -> object:
    """A value holding ``levels`` containers, alternating lists and objects."""
    v: object = 1
    for i in range(levels):
        v = [v] if i % 2 else {"k": v}
    return v


def _parse(body: dict, pad: int = 0):
    raw = json.dumps(dict(body, pad="{[" * pad)).encode()  # brackets in a string: counted, not nested
    with Flask(__name__).test_request_context(data=raw, content_type="application/json"):
        return json_body()


@pytest.mark.parametrize("pad", [0, MAX_DEPTH])
def test_a_value_nested_up_to_the_limit_is_read_one_more_level_is_a_400_naming_its_field(pad):
    ok = _nested(MAX_DEPTH - 1)  # the body plus these: MAX_DEPTH containers, the deepest at depth MAX_DEPTH - 1
    assert _parse({"context": ok}, pad)["context"] == ok
    with pytest.raises(ApiError) as exc:
        _parse({"context": _nested(MAX_DEPTH)}, pad)
    assert exc.value.status == 400 and exc.value.fields == {"context": [f"Nested deeper than {MAX_DEPTH} levels."]}
    assert exc.value.message == "context is nested too deeply."
