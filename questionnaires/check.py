"""``ascolto questionnaires check``: every rule of the standard, as a list of problems.

A *standard directory* holds ``definitions/`` (one ``ID.vVERSION.json`` per questionnaire
version), ``taxonomy/`` (``pa_categories.json``, ``service_types.json``) and ``published.json``
(the content hash of every published version). :func:`check_standard` reports, as
:class:`~questionnaires.model.Problem` s naming the file, the item and the problem:

errors
  unreadable files; schema violations; duplicate item or option codes; ``show_if`` that refers
  to a missing or later item, does not fit its source or can never hold; ``extends`` whose base is
  missing or invalid; harmonization that names unknown indicators or items, uses a method that
  does not fit, leaves an answer unmapped, maps onto non-canonical category codes, or leaves a
  rating item unmapped; a text missing in Italian or English; a file not named after its id and
  version; a published file edited (hash mismatch), a published version whose file is gone, a
  definition not yet published; versions that skip a number; a new version that does not say what
  changed or silently drops an indicator its predecessor harmonized; a new version that changes an
  indicator's item (scale, options, wording, scores, routing: :func:`questionnaires.breaks.changes`)
  without declaring a break for it, or declares a break for an indicator its predecessor did not
  harmonize; a service type naming an unknown questionnaire or PA category.
warnings
  texts missing in German, French or Slovenian (served in Italian); a questionnaire that no
  service type may use.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .breaks import changes as series_changes
from .breaks import declared as declared_breaks
from .catalog import STANDARD_DIR, build_all, read_sources, verify_published
from .model import LANGUAGES, REQUIRED_LANGUAGES, Problem, Questionnaire
from .published import MANIFEST_NAME, ManifestError, parse_ref, read_manifest, ref
from .taxonomy import read_taxonomy

OPTIONAL_LANGUAGES = tuple(lang for lang in LANGUAGES if lang not in REQUIRED_LANGUAGES)


@dataclass
class Report:
    """The outcome of a check: problems (errors first) and what was checked."""

    problems: list[Problem] = field(default_factory=list)
    questionnaires: dict[tuple[str, int], Questionnaire] = field(default_factory=dict)
    files: dict[tuple[str, int], str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_standard(root: Path = STANDARD_DIR, *, drafts_ok: bool = False) -> Report:
    """Check the standard directory ``root``; never raises for a defect of the data.

    With ``drafts_ok`` a definition not yet published is not an error (what ``ascolto
    questionnaires publish`` needs to check a standard it is about to extend).
    """
    root = Path(root)
    report = Report()
    problems = report.problems
    definitions = root / "definitions"
    if not definitions.is_dir():
        problems.append(Problem(str(root), "", "no definitions/ directory: not a standard directory"))
        return report

    sources = read_sources(definitions, relative_to=root)
    built, structural = build_all(sources)
    problems.extend(structural)
    report.questionnaires = built
    report.files = {src.key: src.name for src in sources if src.key is not None}
    name_of = report.files

    # publication: hashes, missing files, drafts
    manifest_path = root / MANIFEST_NAME
    try:
        manifest = read_manifest(manifest_path)
    except ManifestError as exc:
        problems.append(Problem(MANIFEST_NAME, "", str(exc).split(": ", 1)[-1]))
        manifest = {}
    problems.extend(verify_published(sources, manifest))
    for key in sorted(manifest, key=parse_ref):
        if parse_ref(key) not in name_of:
            qid, version = parse_ref(key)
            problems.append(Problem(MANIFEST_NAME, key, f"published, but definitions/{qid}.v{version}.json is missing "
                                                        "(a published version is never removed)"))
    for key, name in sorted(name_of.items()):
        if ref(*key) not in manifest and not drafts_ok:
            problems.append(Problem(name, "", f"{ref(*key)} is not published: when it is final, run "
                                              f"`ascolto questionnaires publish {ref(*key)}`"))
        q = built.get(key)
        if q is not None and q.base is not None and ref(*key) in manifest and q.base.ref not in manifest:
            problems.append(Problem(name, "extends", f"{ref(*key)} is published but its base {q.base.ref} is not"))

    # languages: it and en complete, de / fr / sl reported
    for key, q in sorted(built.items()):
        name = name_of[key]
        for lang in REQUIRED_LANGUAGES:
            for place in q.missing_translations(lang):
                problems.append(Problem(name, place, f"missing {lang} text"))
        total = sum(1 for _ in q.texts())
        for lang in OPTIONAL_LANGUAGES:
            missing = q.missing_translations(lang)
            if missing:
                problems.append(Problem(
                    name, "", f"{lang}: {len(missing)} of {total} texts missing, served in Italian: "
                              + ", ".join(missing), level="warning"))

    # versions: consecutive, changes described, harmonization continued
    versions: dict[str, list[int]] = defaultdict(list)
    for qid, version in name_of:
        versions[qid].append(version)
    for qid, found in sorted(versions.items()):
        found.sort()
        for gap in sorted(set(range(1, found[-1] + 1)) - set(found)):
            later = min(v for v in found if v > gap)
            problems.append(Problem(name_of[(qid, later)], "", f"{qid}@{gap} is missing: versions are numbered 1, 2, 3…"))
        for version in found:
            if version == 1 or (qid, version) not in built:
                continue
            q, name = built[(qid, version)], name_of[(qid, version)]
            if not q.changes:
                problems.append(Problem(name, "changes", f"version {version} must say what changed since "
                                                         f"version {version - 1} ('changes', in it and en)"))
            prev = built.get((qid, version - 1))
            if prev is None:
                continue
            for indicator in prev.harmonization:
                if indicator not in q.harmonization and indicator not in q.discontinued:
                    problems.append(Problem(
                        name, f"harmonization '{indicator}'",
                        f"harmonized by {prev.ref} but not here: keep a rule for it, so the series continues, "
                        "or list it in 'discontinued'"))
            breaks = declared_breaks(q, prev)
            for indicator in q.harmonization:
                if indicator not in prev.harmonization:
                    continue
                changed = series_changes(prev, q, indicator)
                if changed and indicator not in breaks:
                    problems.append(Problem(
                        name, f"harmonization '{indicator}'",
                        f"changed since {prev.ref} under the same rule ({'; '.join(changed)}): answers before and "
                        f"after are not the same measurement; declare a break (\"breaks\": {{\"{indicator}\": "
                        "{\"it\": …, \"en\": …}}) or keep the item as it was"))
            for indicator in q.breaks:
                if indicator not in prev.harmonization:
                    problems.append(Problem(name, f"breaks '{indicator}'",
                                            f"'{indicator}' is not harmonized by {prev.ref}: no series to break"))
            for indicator in q.discontinued:
                if indicator not in prev.harmonization:
                    problems.append(Problem(name, "discontinued",
                                            f"'{indicator}' is not harmonized by {prev.ref}: nothing to discontinue"))

    # taxonomy
    taxonomy = root / "taxonomy"
    _, types, tax_problems = read_taxonomy(taxonomy, relative_to=root)
    problems.extend(tax_problems)
    ids = {qid for qid, _ in name_of}
    used: set[str] = set()
    for code, st in sorted(types.items()):
        for qid in st.questionnaires:
            used.add(qid)
            if qid not in ids:
                problems.append(Problem(str(Path("taxonomy") / "service_types.json"), f"service type '{code}'",
                                        f"questionnaire '{qid}' has no definition"))
    if types:
        for qid in sorted(ids - used):
            first = name_of[(qid, min(versions[qid]))]
            problems.append(Problem(first, "", f"no service type in taxonomy/service_types.json may use '{qid}'",
                                    level="warning"))

    problems.sort(key=lambda p: (p.level != "error", p.file, p.where))
    return report
