"""The SDMX structure of the publication table as SDMX-ML 3.0, written with pysdmx (issue 19 point 12).

One message with the codelists of :mod:`warehouse.codelists`, a concept scheme, the data structure
definition ``IT1:DSD_ASCOLTO_CX(1.0)`` (the dimensions and attributes of
:data:`warehouse.codelists.SDMX_COLUMNS`, OBS_VALUE the measure) and the dataflow ``IT1:DF_ASCOLTO_CX(1.0)``
that SDMX-CSV exports refer to, annotated with the links to its reference metadata (:func:`annotations`). :func:`write_structure` validates its own output by reading it back
(pysdmx ``read_sdmx`` with schema validation) before returning it.

**Names in both languages.** Every codelist, code, concept, scheme, DSD and dataflow has a
``<com:Name xml:lang="it">`` (the Italian label of :mod:`warehouse.codelists`) and a
``<com:Name xml:lang="en">`` (the English one). pysdmx's model carries one name per artefact and
writes it as ``xml:lang="en"``, so the objects get the English label and :func:`_add_italian_names`
adds the Italian one beside it in the written XML (pysdmx reads the English one back); so do the
codes' descriptions (:func:`warehouse.codelists.descriptions`: what an INSTRUMENT is). The dataflow's
annotations likewise have an ``<com:AnnotationText>`` in each language (:func:`_add_italian_annotations`).

**Our own data are valid under the DSD.** A suppressed cell has no value: the measure OBS_VALUE is
declared ``usage="optional"`` (SDMX 3.0; pysdmx writes no usage for measures, so
:func:`_optional_measure` sets it), and the mandatory attributes OBS_STATUS (``Q``) and CONF_STATUS
(``A``) say why it is empty. The dimensions and every attribute used by the SDMX-CSV are declared,
coded ones with the codes the data use (PROVISIONAL ``Y`` included: a provisional figure keeps its
OBS_STATUS, SDMX having one code per attribute and observation). Attributes are attached to the
observation, but UNIT_MEASURE, UNIT_MULT and DECIMALS to the INDICATOR dimension (:data:`ATTACHMENT`:
a series' unit, its multiplier ``0`` and its ``4`` decimals, SDMX cross-domain codes).

SDMX identifiers may not contain dots: service-type codes (``anagrafe.certificati``) are written as
``anagrafe__certificati`` here and in SDMX-CSV (:func:`warehouse.codelists.sdmx_id`).

**Reproducible.** The same structure gives the same bytes (:func:`_header`): the message header's
``ID`` is derived from the SHA-256 of the structures it carries, ``Prepared`` is the day the data are
as of (the newest response's, JSON-stat's ``updated``, passed by the caller) and the ``Sender`` is
the agency ``IT1``. pysdmx's defaults — a random UUID, the clock's time, the unknown sender ``ZZZ`` —
made two exports of the same data differ.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

from . import codelists as cl

AGENCY = "IT1"
DSD_ID, DATAFLOW_ID, CONCEPTS_ID = "DSD_ASCOLTO_CX", "DF_ASCOLTO_CX", "CS_ASCOLTO_CX"
#: (Italian, English) names of the artefacts that are not concepts or codes.
TITLE = ("Ascolto — esperienza dei servizi pubblici", "Ascolto — customer experience of public services")
SCHEME = ("Concetti di Ascolto", "Ascolto concepts")
#: The concepts' names (Italian, English): one home, :data:`warehouse.codelists.CONCEPTS`.
CONCEPTS = cl.CONCEPTS
SIMS_TITLE = "Reference metadata (ESS SIMS v2.0)"
#: Attributes every observation carries (usage="mandatory"): they explain an empty OBS_VALUE.
MANDATORY_ATTRIBUTES = ("OBS_STATUS", "CONF_STATUS")
#: Attributes attached to a dimension rather than the observation: the unit is the series' (each
#: INDICATOR is in one unit, ``<IND>_POS`` and the task shares PC, ``<IND>_MEAN`` PT). Every other
#: attribute is the observation's own. UNIT_MULT (``0``) and DECIMALS (``4``) go with the unit: the series'.
ATTACHMENT = {"UNIT_MEASURE": "INDICATOR", "UNIT_MULT": "INDICATOR", "DECIMALS": "INDICATOR"}


def italian_names(protection=None) -> dict[tuple[str, ...], str]:
    """The Italian name of every nameable artefact of the message, keyed by the ids of the artefact
    and its parent (``("CL_FREQ",)``, ``("CL_FREQ", "M")``, ``("CS_ASCOLTO_CX", "FREQ")``,
    ``("DSD_ASCOLTO_CX",)``): the labels of :mod:`warehouse.codelists` and :data:`CONCEPTS`."""
    names: dict[tuple[str, ...], str] = {(DSD_ID,): TITLE[0], (DATAFLOW_ID,): TITLE[0], (CONCEPTS_ID,): SCHEME[0]}
    for c, (it, _en) in CONCEPTS.items():
        names[(CONCEPTS_ID, c)] = it
    for name, codes in cl.sdmx_codelists(**cl.thresholds(protection)).items():
        names[(f"CL_{name}",)] = CONCEPTS[name][0]
        for code, (it, _en) in codes.items():
            names[(f"CL_{name}", cl.sdmx_id(code))] = it
    return names


def _codelist(name: str, protection=None):
    """CL_<name> with the English labels as names and descriptions (:func:`warehouse.codelists.descriptions`;
    the Italian ones are added in the XML)."""
    from pysdmx.model import Code, Codelist

    described = cl.descriptions().get(name, {})
    codes = [Code(id=cl.sdmx_id(code), name=en, description=described[code][1] if code in described else None)
             for code, (_it, en) in cl.sdmx_codelists(**cl.thresholds(protection))[name].items()]
    return Codelist(id=f"CL_{name}", agency=AGENCY, version="1.0", name=CONCEPTS[name][1],
                    urn=f"urn:sdmx:org.sdmx.infomodel.codelist.Codelist={AGENCY}:CL_{name}(1.0)", items=codes)


def _annotation_texts(protection=None, metadata_url: str | None = None) -> dict[str, tuple[str, str]]:
    """``{annotation id: (Italian text, English text)}`` of the dataflow's annotations (:func:`annotations`)."""
    from .protect import Protection

    protection = protection or Protection()
    it_page, en_page = protection.methodology("it"), protection.methodology("en")
    if metadata_url:
        where = ("i metadati di riferimento di questi dati (ESS SIMS v2.0, JSON): metodi, copertura, accuratezza, "
                 "revisioni",
                 "the reference metadata of these data (ESS SIMS v2.0, JSON): methods, coverage, accuracy, revisions")
    else:
        where = ("i metadati di riferimento (ESS SIMS v2.0, JSON) di un'esportazione sono scritti da 'ascolto export "
                 "--format metadata' con gli stessi --freq/--from/--to, e riportati nel suo JSON-stat (extension."
                 "reference_metadata); un rilascio trimestrale li ha come metadata.json (metadata.it.json in italiano) "
                 "accanto a questa struttura",
                 "the reference metadata (ESS SIMS v2.0, JSON) of an export are written by 'ascolto export --format "
                 "metadata' with the same --freq/--from/--to, and carried in its JSON-stat (extension."
                 "reference_metadata); a quarterly release has them as metadata.json beside this structure")
    return {"REFERENCE_METADATA": where,
            "METHODOLOGY": (f"metodi e segreto statistico spiegati a parole, in italiano: {it_page}",
                            f"methods and confidentiality in words; in Italian {it_page}")}


def annotations(protection=None, metadata_url: str | None = None) -> list:
    """The dataflow's links to its reference metadata (SDMX annotations, absolute URLs on the public
    site, ``ASCOLTO_PUBLIC_SITE_URL`` via :attr:`warehouse.protect.Protection.site`), each text in
    English here and in Italian beside it in the written XML (:func:`_add_italian_annotations`):

    - ``REFERENCE_METADATA`` — the machine-readable reference metadata (ESS SIMS v2.0 JSON,
      :mod:`warehouse.refmeta`): ``metadata_url`` when the structure belongs to one set of data (a
      release's ``metadata.json`` on the public site); without it, the text says where an export's is
      (``ascolto export --format metadata`` of the same range) and the URL is the methodology page;
    - ``METHODOLOGY`` — the public site's methodology page (methods and confidentiality in words)."""
    from pysdmx.model import Annotation

    from .protect import Protection

    page = (protection or Protection()).methodology("en")
    texts = _annotation_texts(protection, metadata_url)
    return [Annotation(id="REFERENCE_METADATA", type="REFERENCE_METADATA", title=SIMS_TITLE,
                       url=metadata_url or page, text=texts["REFERENCE_METADATA"][1]),
            Annotation(id="METHODOLOGY", type="METHODOLOGY", title="Methodology (public site)", url=page,
                       text=texts["METHODOLOGY"][1])]


def structures(protection=None, metadata_url: str | None = None) -> list:
    """The pysdmx objects: codelists, the concept scheme, the DSD and the dataflow (English names; the
    dataflow annotated with its reference metadata, :func:`annotations`); the status labels state
    ``protection``'s thresholds (:func:`warehouse.codelists.codelists`)."""
    from pysdmx.model import Concept, ConceptScheme, DataType
    from pysdmx.model.dataflow import Component, Components, DataStructureDefinition, Dataflow, Role

    from .codelists import SDMX_ATTRIBUTES, SDMX_DIMENSIONS

    lists = {name: _codelist(name, protection) for name in cl.sdmx_codelists()}
    concepts = [Concept(id=c, name=en,
                        urn=f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={AGENCY}:{CONCEPTS_ID}(1.0).{c}")
                for c, (_it, en) in CONCEPTS.items()]
    scheme = ConceptScheme(id=CONCEPTS_ID, agency=AGENCY, version="1.0", name=SCHEME[1], items=concepts)
    by_id = {c.id: c for c in concepts}

    def component(cid: str, role, required: bool, dtype=DataType.STRING, attachment: str | None = None):
        return Component(id=cid, required=required, role=role, concept=by_id[cid], local_dtype=dtype,
                         local_codes=lists.get(cid), attachment_level=attachment)

    comps = [component(d, Role.DIMENSION, True, DataType.PERIOD if d == "TIME_PERIOD" else DataType.STRING)
             for d in SDMX_DIMENSIONS]
    comps.append(component("OBS_VALUE", Role.MEASURE, False, DataType.DOUBLE))
    for a in SDMX_ATTRIBUTES:
        dtype = DataType.INTEGER if a == "N_RESP" else DataType.DOUBLE if a.endswith("_BOUND") else DataType.STRING
        comps.append(component(a, Role.ATTRIBUTE, a in MANDATORY_ATTRIBUTES, dtype, ATTACHMENT.get(a, "O")))
    dsd = DataStructureDefinition(id=DSD_ID, agency=AGENCY, version="1.0", name=TITLE[1],
                                  components=Components(comps))
    flow = Dataflow(id=DATAFLOW_ID, agency=AGENCY, version="1.0", name=TITLE[1],
                    structure=f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={AGENCY}:{DSD_ID}(1.0)",
                    annotations=annotations(protection, metadata_url))
    return [*lists.values(), scheme, dsd, flow]


_COM = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common}"
_STR = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure}"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def italian_descriptions() -> dict[tuple[str, ...], str]:
    """The Italian description of every described code, keyed as :func:`italian_names`."""
    return {(f"CL_{name}", cl.sdmx_id(code)): it for name, codes in cl.descriptions().items()
            for code, (it, _en) in codes.items()}


def _add_italian_names(root, italian: dict[tuple[str, ...], str], tag: str = "Name") -> None:
    """Put ``<com:Name xml:lang="it">`` (``tag``: or ``Description``) before the English one of every named
    (described) artefact under ``root``; raises ``KeyError`` for an artefact without an Italian one (no
    name or description is left untranslated)."""
    for name in list(root.iter(f"{_COM}{tag}")):
        owner = name.getparent()
        parent = owner.getparent()
        key = (owner.get("id"),) if parent.get("id") is None else (parent.get("id"), owner.get("id"))
        italian_name = name.makeelement(f"{_COM}{tag}", {_LANG: "it"})
        italian_name.text = italian[key]
        previous = name.getprevious()
        italian_name.tail = owner.text if previous is None else previous.tail  # the same indentation
        name.addprevious(italian_name)


def _add_italian_annotations(root, italian: dict[str, tuple[str, str]]) -> None:
    """Put ``<com:AnnotationText xml:lang="it">`` before the English text of every annotation under ``root``
    (``italian``: :func:`_annotation_texts`); raises ``KeyError`` for an annotation without one."""
    for text in list(root.iter(f"{_COM}AnnotationText")):
        italian_text = text.makeelement(f"{_COM}AnnotationText", {_LANG: "it"})
        italian_text.text = italian[text.getparent().get("id")][0]
        italian_text.tail = text.getprevious().tail
        text.addprevious(italian_text)


def _optional_measure(root) -> None:
    """Declare the measures of the DSD ``usage="optional"`` (SDMX 3.0): a suppressed cell has no OBS_VALUE.
    (The schema's default is optional too, but a missing ``usage`` reads as mandatory in pysdmx: say it.)"""
    for measures in root.iter(f"{_STR}MeasureList"):
        for measure in measures.iterchildren(f"{_STR}Measure"):
            measure.set("usage", "optional")


#: ``Prepared`` of a structure written without the data's date (no response yet): the Unix epoch, a
#: fixed value rather than the clock's (reproducible-builds convention).
NO_DATA_PREPARED = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MES = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message}"


def prepared_at(as_of: date | datetime | str | None) -> datetime:
    """The header's ``Prepared`` for data as of ``as_of``: that day at 00:00 UTC (``"2026-12-01"``, a date,
    or a bare month ``"2026-12"``: its first day, :func:`warehouse.cube.last_day`'s forms);
    :data:`NO_DATA_PREPARED` when ``None``."""
    if as_of is None:
        return NO_DATA_PREPARED
    if isinstance(as_of, datetime):
        return as_of.astimezone(timezone.utc)
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of if len(as_of) > 7 else f"{as_of}-01")
    return datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc)


def _header(root) -> None:
    """Make the message header a function of the message: ``ID`` ``IT1_DF_ASCOLTO_CX_`` + the first 20
    hex digits of the SHA-256 of the canonical XML (C14N) of ``mes:Structures`` (``Prepared`` and
    ``Sender`` are written by pysdmx from :func:`write_structure`'s header; the sender is checked here)."""
    from lxml import etree

    body = root.find(f"{_MES}Structures")
    digest = hashlib.sha256(etree.tostring(body, method="c14n")).hexdigest()[:20]
    header = root.find(f"{_MES}Header")
    header.find(f"{_MES}ID").text = f"{AGENCY}_{DATAFLOW_ID}_{digest}"
    if header.find(f"{_MES}Sender").get("id") != AGENCY:
        raise ValueError("the SDMX structure's sender is not the agency")


def write_structure(protection=None, metadata_url: str | None = None, as_of: date | datetime | str | None = None) -> str:
    """The structure message as SDMX-ML 3.0 text — names in Italian and English, OBS_VALUE optional —
    read back by pysdmx with schema validation before it is returned. ``protection``
    (:class:`warehouse.protect.Protection`, default thresholds when ``None``): the thresholds the
    labels of OBS_STATUS U and CONF_STATUS A state, and the site its links are on; ``metadata_url``: the
    reference metadata of the data the structure goes with (:func:`annotations`); ``as_of``: the day the
    data it goes with are as of (:func:`warehouse.cube.last_day`), the header's ``Prepared``. The same
    arguments give the same text, byte for byte (the module's "Reproducible")."""
    from lxml import etree
    from pysdmx.io import read_sdmx, write_sdmx
    from pysdmx.io.format import Format
    from pysdmx.model import Organisation
    from pysdmx.model.message import Header

    header = Header(id=f"{AGENCY}_{DATAFLOW_ID}", prepared=prepared_at(as_of), sender=Organisation(id=AGENCY))
    root = etree.fromstring(write_sdmx(structures(protection, metadata_url), Format.STRUCTURE_SDMX_ML_3_0,
                                       header=header).encode("utf-8"))
    _add_italian_names(root, italian_names(protection))
    _add_italian_names(root, italian_descriptions(), "Description")
    _add_italian_annotations(root, _annotation_texts(protection, metadata_url))
    _optional_measure(root)
    _header(root)
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")
    msg = read_sdmx(text, validate=True)  # raises when the message does not validate or parse
    if len(msg.get_data_structure_definitions()) != 1:
        raise ValueError("the SDMX structure did not read back with its DSD")
    return text
