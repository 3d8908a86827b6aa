"""The codebook in Italian and in English (``ascolto questionnaires codebook --lang it|en``): Istat's
statisticians read it in Italian, and it was English only — its headings, the indicators' and missing
values' meanings, the titles, scale ends and labels it shows. The codes and structure are the same in
both; the item wording is given in every language either way."""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from ascolto.cli import main
from questionnaires.codebook_text import T


def _write(tmp_path, lang: str) -> tuple[dict, str]:
    result = CliRunner().invoke(main, ["questionnaires", "codebook", "--out", str(tmp_path / lang), "--lang", lang])
    assert result.exit_code == 0, result.output
    return (json.loads((tmp_path / lang / "codebook.json").read_text("utf-8")),
            (tmp_path / lang / "codebook.md").read_text("utf-8"))


def _without_own_words(book: dict) -> dict:
    """The codebook less what ``lang`` changes: its language, the meanings of indicators and missing values."""
    return {**book, "language": None, "missing_values": sorted(book["missing_values"]),
            "canonical_indicators": [{**i, "meaning": None} for i in book["canonical_indicators"]]}


def test_the_codebook_is_written_in_italian_and_in_english_with_the_same_codes_and_structure(tmp_path):
    (it, md_it), (en, md_en) = _write(tmp_path, "it"), _write(tmp_path, "en")
    assert (it["language"], en["language"]) == ("it", "en")
    # JSON: every text of its own differs between the languages; everything else is identical
    assert _without_own_words(it) == _without_own_words(en)
    assert all(a["meaning"] != b["meaning"] for a, b in zip(it["canonical_indicators"], en["canonical_indicators"]))
    assert it["canonical_indicators"][0]["meaning"] == "soddisfazione complessiva per il servizio"
    assert all(it["missing_values"][c] != en["missing_values"][c] for c in en["missing_values"])
    # Markdown: the same lines carrying the same codes, in the same order
    assert len(md_it.splitlines()) == len(md_en.splitlines())
    assert re.findall(r"`[^`]*`", md_it) == re.findall(r"`[^`]*`", md_en)
    # no fixed text of one language left in the other (aside those spelt alike: "no", "positive" in "risposte
    # positive"), outside the rows that give texts in every language (wording, taxonomy: their "| `code` |")
    own_it, own_en = ("\n".join(l for l in md.splitlines() if not l.startswith(("| `", "| title |", "| titolo |")))
                      for md in (md_it, md_en))
    for it_text, en_text in T.values():
        it_fixed, en_fixed = it_text.split("{")[0].strip(), en_text.split("{")[0].strip()
        if en_fixed not in it_fixed and min(len(it_fixed), len(en_fixed)) >= 5:
            assert en_fixed not in own_it and it_fixed not in own_en, (it_fixed, en_fixed)
    for it_line, en_line in [
            ("# Ascolto — codebook dello standard dei questionari", "# Ascolto — codebook of the questionnaire standard"),
            ("| 1 | `satisfaction` | rating | sì | 1–5 (1 = Per niente; 5 = Moltissimo) | sempre | "
             "**satisfaction** (linear) |",
             "| 1 | `satisfaction` | rating | yes | 1–5 (1 = Not at all; 5 = Very much) | always | "
             "**satisfaction** (linear) |"),
            ("**La tua opinione sul servizio**", f"**{en['questionnaires'][0]['title']['en']}**"),
            ("- Lingue: it ✓, en ✓, de ✓, fr ✓, sl (mancano 10 testi su 37)",
             "- Languages: it ✓, en ✓, de ✓, fr ✓, sl (10 of 37 missing)"),
            ("| `sportello.urp` | Sportello per il pubblico (URP, Ufficio relazioni con il pubblico) |",
             "| `sportello.urp` | Public counter (URP, public relations office) |"),
            ("| `comment` | text | no | testo di al più 500 caratteri | sempre | — |",
             "| `comment` | text | no | text ≤ 500 characters | always | — |")]:
        assert it_line in md_it and en_line in md_en and it_line not in md_en and en_line not in md_it
    # the wording of the items is the same table, every language, in both
    assert "| `satisfaction` = 1 | Per niente | Not at all | Überhaupt nicht | Pas du tout | Sploh ne |" in md_it
    assert "| `satisfaction` = 1 | Per niente | Not at all | Überhaupt nicht | Pas du tout | Sploh ne |" in md_en


def test_the_codebook_refuses_a_language_it_is_not_written_in(tmp_path):
    result = CliRunner().invoke(main, ["questionnaires", "codebook", "--out", str(tmp_path / "cb"), "--lang", "de"])
    assert result.exit_code == 2 and "--lang" in result.output
    assert not (tmp_path / "cb").exists()


def test_a_typo_in_out_is_refused_not_created_as_a_tree(tmp_path):
    """`--out /srv/docs/codebok/2026` created the whole tree, as `ascolto export --out` did: only the last
    directory is created, inside one that exists (warehouse.outpath.check_parent); else exit 2 naming --out."""
    result = CliRunner().invoke(main, ["questionnaires", "codebook", "--out", str(tmp_path / "codebok" / "2026")])
    assert result.exit_code == 2 and "--out" in result.output, result.output
    assert f"{tmp_path / 'codebok'} does not exist" in result.output and list(tmp_path.iterdir()) == []
    made = CliRunner().invoke(main, ["questionnaires", "codebook", "--out", str(tmp_path / "codebook")])
    assert made.exit_code == 0 and (tmp_path / "codebook" / "codebook.json").is_file(), made.output
