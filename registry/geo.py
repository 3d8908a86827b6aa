"""Istat territorial codes: comune → province → region → NUTS-2 (shipped as a small table).

An Istat comune code has six digits; the first three are the code of the province (for the
metropolitan cities, the "historical" province code). A province belongs to one region; the
region's NUTS-2 code follows, except in Trentino-Alto Adige (region 04) where each autonomous
province is its own NUTS-2 region (ITH1 Bolzano, ITH2 Trento).

The province table covers the codes in use up to 2025, including the Sardinian provinces
abolished in 2016 (104–107) and Sud Sardegna (111), so older files still resolve. Sardinia's
2026 reform (new Istat codes from 1 January 2026) is not in it yet: such comuni are rejected
with a reason naming the province code, and the codes go here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Istat region code → (name, NUTS-2 code of the 2021 classification).
REGIONS: dict[str, tuple[str, str | None]] = {
    "01": ("Piemonte", "ITC1"),
    "02": ("Valle d'Aosta/Vallée d'Aoste", "ITC2"),
    "03": ("Lombardia", "ITC4"),
    "04": ("Trentino-Alto Adige/Südtirol", None),  # NUTS-2 by province: ITH1, ITH2
    "05": ("Veneto", "ITH3"),
    "06": ("Friuli-Venezia Giulia", "ITH4"),
    "07": ("Liguria", "ITC3"),
    "08": ("Emilia-Romagna", "ITH5"),
    "09": ("Toscana", "ITI1"),
    "10": ("Umbria", "ITI2"),
    "11": ("Marche", "ITI3"),
    "12": ("Lazio", "ITI4"),
    "13": ("Abruzzo", "ITF1"),
    "14": ("Molise", "ITF2"),
    "15": ("Campania", "ITF3"),
    "16": ("Puglia", "ITF4"),
    "17": ("Basilicata", "ITF5"),
    "18": ("Calabria", "ITF6"),
    "19": ("Sicilia", "ITG1"),
    "20": ("Sardegna", "ITG2"),
}

# NUTS-2 regions that are provinces, not regions.
PROVINCE_NUTS = {"021": "ITH1", "022": "ITH2"}

_BY_REGION = {
    "01": "001 002 003 004 005 006 096 103",
    "02": "007",
    "03": "012 013 014 015 016 017 018 019 020 097 098 108",
    "04": "021 022",
    "05": "023 024 025 026 027 028 029",
    "06": "030 031 032 093",
    "07": "008 009 010 011",
    "08": "033 034 035 036 037 038 039 040 099",
    "09": "045 046 047 048 049 050 051 052 053 100",
    "10": "054 055",
    "11": "041 042 043 044 109",
    "12": "056 057 058 059 060",
    "13": "066 067 068 069",
    "14": "070 094",
    "15": "061 062 063 064 065",
    "16": "071 072 073 074 075 110",
    "17": "076 077",
    "18": "078 079 080 101 102",
    "19": "081 082 083 084 085 086 087 088 089",
    "20": "090 091 092 095 104 105 106 107 111",
}

# Istat province code (3 digits) → Istat region code (2 digits).
PROVINCE_REGION: dict[str, str] = {p: r for r, ps in _BY_REGION.items() for p in ps.split()}

_COMUNE = re.compile(r"^\d{6}$")


class UnknownTerritory(ValueError):
    """A code that is malformed or not in the shipped tables."""


@dataclass(frozen=True)
class Place:
    region_istat: str
    region_nuts: str
    comune_istat: str | None = None


def normalize_comune(code: str) -> str:
    """A comune code as six digits: spreadsheets drop leading zeros (``58091`` → ``058091``)."""
    code = code.strip()
    if code.isdigit() and 4 <= len(code) <= 6:
        code = code.zfill(6)
    if not _COMUNE.match(code):
        raise UnknownTerritory(f"{code!r} is not a 6-digit Istat comune code")
    return code


def from_comune(code: str) -> Place:
    """Region and NUTS-2 of the comune ``code``; raises :class:`UnknownTerritory`."""
    comune = normalize_comune(code)
    province = comune[:3]
    region = PROVINCE_REGION.get(province)
    if region is None:
        raise UnknownTerritory(f"province code {province!r} of comune {comune!r} is not a known Istat province")
    return Place(region, PROVINCE_NUTS.get(province) or REGIONS[region][1], comune)


def from_region(region: str, nuts: str | None = None) -> Place:
    """A place known only by its region (entities without a comune); ``nuts`` is checked or derived.

    Trentino-Alto Adige (04) has two NUTS-2 regions, so ``nuts`` is required there.
    """
    region = region.strip()
    if region not in REGIONS:
        raise UnknownTerritory(f"{region!r} is not an Istat region code (01–20)")
    expected = {REGIONS[region][1]} if REGIONS[region][1] else set(PROVINCE_NUTS.values())
    if nuts is None:
        if len(expected) != 1:
            raise UnknownTerritory(f"region {region!r} spans NUTS-2 {', '.join(sorted(expected))}: give the NUTS-2 code")
        nuts = next(iter(expected))
    elif nuts not in expected:
        raise UnknownTerritory(f"NUTS-2 {nuts!r} is not in region {region!r} (expected one of {sorted(expected)})")
    return Place(region, nuts)
