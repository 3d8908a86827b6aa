"""Derived values of frozen questionnaire objects are cached on identity, never written into the objects."""
from __future__ import annotations

import gc

from questionnaires import default_catalog
from questionnaires.memo import IdentityCache


class Frozen:
    __hash__ = None  # like the model's dataclasses holding mappings: unhashable


def test_a_value_is_built_once_per_live_object_and_never_for_another():
    cache, built = IdentityCache(), []
    a, b = Frozen(), Frozen()
    build = lambda o: built.append(o) or len(built)  # noqa: E731
    assert (cache.get(a, build), cache.get(a, build), cache.get(b, build)) == (1, 1, 2)
    del a
    gc.collect()
    c = Frozen()  # may reuse a's id: must not get a's value
    assert cache.get(c, build) == 3


def test_validating_and_harmonizing_leave_the_questionnaire_untouched():
    q = default_catalog().get("cx-core", 1)
    before = dict(vars(q))
    q.fast_validate({"satisfaction": 4, "task": "yes"})
    q.validate({"satisfaction": 4, "task": "yes"})
    from questionnaires.harmonize import canonical_indicators
    canonical_indicators(q, {"satisfaction": 4})
    assert vars(q) == before
