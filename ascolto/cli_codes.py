"""Options whose value is a code of the questionnaire standard's codelists: a PA type (IPA category) or a
service type (``questionnaires/taxonomy/``), a channel (``questionnaires.envelope.CHANNELS``), a score
indicator (``questionnaires.harmonize.SCORE_INDICATORS``). A code the standard does not define is refused
by click before the registry is opened — exit 2, ``Invalid value for '--category': 'ZZ9' is not a PA type of the
questionnaire standard (valid: L6, …)`` — as ``click.Choice`` does, with the valid codes listed (the
taxonomy is read when a value is given, not when ``ascolto`` starts)."""
from __future__ import annotations

from typing import Any

import click


class _Code(click.ParamType):
    """A code from one of the standard's codelists (``codes()``), normalised by ``clean``."""
    what = ""

    def codes(self) -> list[str]:
        raise NotImplementedError

    def clean(self, value: str) -> str:
        return value.strip()

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        code = self.clean(str(value))
        valid = self.codes()
        if code not in valid:
            self.fail(f"{str(value)!r} is not {self.what} of the questionnaire standard (valid: {', '.join(valid)})",
                      param, ctx)
        return code


class PAType(_Code):
    """An IPA category that is a PA type of the standard (``L6``; ``l6`` is read as ``L6``)."""
    name, what = "category", "a PA type"

    def codes(self) -> list[str]:
        from questionnaires.taxonomy import pa_categories
        return list(pa_categories())

    def clean(self, value: str) -> str:
        return value.strip().upper()


class ServiceTypeCode(_Code):
    """A service type of the standard's taxonomy (``anagrafe.certificati``)."""
    name, what = "code", "a service type"

    def codes(self) -> list[str]:
        from questionnaires.taxonomy import service_types
        return list(service_types())


class ChannelCode(_Code):
    """A collection channel of the envelope's contract (``web``, ``kiosk``, …)."""
    name, what = "channel", "a channel"

    def codes(self) -> list[str]:
        from questionnaires.envelope import CHANNELS
        return list(CHANNELS)


class IndicatorCode(_Code):
    """A canonical indicator with a score (what an improvement plan can target)."""
    name, what = "indicator", "a score indicator"

    def codes(self) -> list[str]:
        from questionnaires.harmonize import SCORE_INDICATORS
        return list(SCORE_INDICATORS)


PA_TYPE = PAType()
SERVICE_TYPE = ServiceTypeCode()
CHANNEL = ChannelCode()
INDICATOR = IndicatorCode()
