"""The public site's Atom feed of releases (RFC 4287), one per language (``/<lang>/feed.atom``): readers,
newsrooms and other statistical offices subscribe once and learn of each quarter released or revised.

One entry per released quarter, newest first (at most :data:`LIMIT`): its ``id`` is a ``tag:`` URI of the
quarter alone (stable across hosts and revisions, so a revision *updates* the entry a reader already has),
``updated`` the newest version's ``created_at`` and ``published`` the first's; the title says the quarter,
its months and its version; the content is the quarter's key findings
(:func:`warehouse.public.highlights.sentences`) and, for a revision, its note. Links are absolute, from
the site's configured address (``base``: ``ASCOLTO_PUBLIC_SITE_URL``, never a request's Host, since the feed is
cached for every reader). Built with the standard library's ElementTree: text is escaped by it.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Callable, Mapping

from .releases import Release

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 40  # ten years of quarters
TAG = "tag:ascolto.istat.it,2026:"  # the feed's and the entries' ids: never an address that may move


def atom(releases: Mapping[str, Release], lang: str, base: str, title: str,
         entry_title: Callable[[Release], str], bullets: Callable[[Release], list[str]],
         revision: Callable[[Release], str]) -> bytes:
    """The feed as UTF-8 XML. ``base``: the site's address (no trailing slash);
    ``entry_title``, ``bullets`` and ``revision`` give a release's title, its key findings and (a revision
    only) the words before its note, in ``lang``."""
    ET.register_namespace("", ATOM)

    def el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
        e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            e.text = text
        return e

    shown = [releases[p] for p in sorted(releases, reverse=True)][:LIMIT]
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    el(feed, "id", f"{TAG}releases:{lang}")
    el(feed, "title", title)
    el(feed, "updated", max((r.manifest["created_at"] for r in shown), default="1970-01-01T00:00:00+00:00"))
    el(feed, "link", rel="self", type="application/atom+xml", href=f"{base}/{lang}/feed.atom")
    el(feed, "link", rel="alternate", type="text/html", href=f"{base}/{lang}/")
    author = el(feed, "author")
    el(author, "name", "Ascolto")
    for r in shown:
        entry = el(feed, "entry")
        el(entry, "id", f"{TAG}release:{r.period}")
        el(entry, "title", entry_title(r))
        el(entry, "updated", r.manifest["created_at"])
        el(entry, "published", (r.history[0] if r.history else r.manifest)["created_at"])
        el(entry, "link", rel="alternate", type="text/html", href=f"{base}/{lang}/{r.period}")
        el(entry, "link", rel="related", type="application/json", href=f"{base}/data/{r.period}.json")
        lines = list(bullets(r))
        if r.version > 1 and r.manifest.get("note"):
            lines.append(f"{revision(r)}: {r.manifest['note']}")
        el(entry, "summary", "\n".join(lines), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
