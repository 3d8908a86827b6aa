"""The README as a new user follows it in December 2026, after the rule "a period is published once it
has ended" (docs/confidentiality.md, route 20): its example commands name periods that can be asked for
(they named 2026-Q4, 2026 and 2026-12, each a refusal — exit 2 — while they run), and its quick start
says where an answer sent on the demo page shows up within seconds (the data-quality page's newest
answer; tests/test_console_running_menus.py shows that figure includes the running month) rather than
promising it "counted in the console" within seconds."""
from __future__ import annotations

import re
from pathlib import Path

from warehouse.periods import is_complete, require_started

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text("utf-8")
LABEL = r"\d{4}(?:-Q[1-4]|-\d\d)?"


def test_every_period_in_the_readmes_commands_can_be_asked_for_today():
    """A period that has ended stays ended: once this passes it cannot start failing with the date."""
    asked = [label for m in re.finditer(rf"--(?:period|from|to) ({LABEL}(?:\|{LABEL})*)", README)
             for label in m.group(1).split("|")]
    assert len(asked) >= 6, asked  # indicators' three, export's range, publish's quarter
    for label in asked:
        require_started(label, "README")
        assert is_complete(label), f"the README's example {label} is still running: its command is refused"


def test_the_quick_start_says_where_an_answer_shows_up_and_when_it_is_counted():
    start = README.index("**Open <http://localhost:8002/>**")
    quick = re.sub(r"\s+", " ", README[start:README.index("`make test` needs nothing running")])
    assert "within a few seconds the answer is counted in the console" not in quick
    assert 'data quality page (`/quality`) then shows its time as "Ultimo dato ricevuto"' in quick
    assert "counted in the console's figures once its month has ended" in quick
    assert "the period menus stop at the last ended one and say why" in quick
    # the page the README points at has that very figure
    quality = (ROOT / "warehouse" / "console" / "templates" / "quality.html").read_text("utf-8")
    assert re.search(r'_\("Ultimo dato ricevuto"\) \}\}</span><span [^>]*data-kpi="fresh"', quality)
