"""The SDMX structure of the publication table as SDMX-ML 3.0, written with pysdmx (issue 19 point 12).

One message with the codelists of :mod:`warehouse.codelists` (pysdmx's model carries one language
per name, written as ``xml:lang="en"``: the name is the English label, the description the Italian one), a concept scheme, the data structure
definition ``IT1:DSD_ASCOLTO_CX(1.0)`` (the dimensions and attributes of
:data:`warehouse.export.COLUMNS`, OBS_VALUE the measure) and the dataflow ``IT1:DF_ASCOLTO_CX(1.0)``
that SDMX-CSV exports refer to. :func:`write_structure` validates its own output by reading it back
(pysdmx ``read_sdmx`` with schema validation) before returning it.

SDMX identifiers may not contain dots: service-type codes (``anagrafe.certificati``) are written as
``anagrafe__certificati`` here and in SDMX-CSV (:func:`warehouse.codelists.sdmx_id`).
"""
from __future__ import annotations

from . import codelists as cl

AGENCY = "IT1"
DSD_ID, DATAFLOW_ID, CONCEPTS_ID = "DSD_ASCOLTO_CX", "DF_ASCOLTO_CX", "CS_ASCOLTO_CX"
CONCEPTS = {
    "FREQ": ("Frequenza", "Frequency"), "REF_AREA": ("Area di riferimento", "Reference area"),
    "PA_TYPE": ("Tipo di pubblica amministrazione", "Type of public administration"),
    "SERVICE_TYPE": ("Tipo di servizio", "Service type"), "INSTRUMENT": ("Strumento di rilevazione", "Instrument"),
    "SCALE": ("Scala di risposta", "Response scale"), "CHANNEL": ("Canale", "Channel"),
    "INDICATOR": ("Indicatore", "Indicator"), "TIME_PERIOD": ("Periodo", "Time period"),
    "OBS_VALUE": ("Valore", "Observation value"), "N_RESP": ("Numero di risposte (perturbato)",
                                                             "Number of responses (perturbed)"),
    "LOWER_BOUND": ("Limite inferiore dell'IC al 95%", "Lower bound of the 95% CI"),
    "UPPER_BOUND": ("Limite superiore dell'IC al 95%", "Upper bound of the 95% CI"),
    "UNIT_MEASURE": ("Unità di misura", "Unit of measure"), "OBS_STATUS": ("Stato dell'osservazione", "Observation status"),
    "CONF_STATUS": ("Stato di riservatezza", "Confidentiality status"),
    "CI_STATUS": ("Stato dell'intervallo di confidenza", "Confidence interval status"),
    "CKM_PERTURBED": ("Derivato da conteggi perturbati (metodo cell-key)", "Derived from perturbed counts (cell-key method)"),
}


def _codelist(name: str):
    from pysdmx.model import Code, Codelist

    codes = [Code(id=cl.sdmx_id(code), name=en, description=it) for code, (it, en) in cl.codelists()[name].items()]
    return Codelist(id=f"CL_{name}", agency=AGENCY, version="1.0", name=CONCEPTS[name][1],
                    urn=f"urn:sdmx:org.sdmx.infomodel.codelist.Codelist={AGENCY}:CL_{name}(1.0)",
                    description=CONCEPTS[name][0], items=codes)


def structures() -> list:
    """The pysdmx objects: codelists, the concept scheme, the DSD and the dataflow."""
    from pysdmx.model import Concept, ConceptScheme, DataType
    from pysdmx.model.dataflow import Component, Components, DataStructureDefinition, Dataflow, Role

    from .codelists import SDMX_ATTRIBUTES, SDMX_DIMENSIONS

    lists = {name: _codelist(name) for name in cl.codelists()}
    concepts = [Concept(id=c, name=en, description=it,
                        urn=f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={AGENCY}:{CONCEPTS_ID}(1.0).{c}")
                for c, (it, en) in CONCEPTS.items()]
    scheme = ConceptScheme(id=CONCEPTS_ID, agency=AGENCY, version="1.0", name="Ascolto concepts",
                           description="Concetti di Ascolto", items=concepts)
    by_id = {c.id: c for c in concepts}

    def component(cid: str, role, required: bool, dtype=DataType.STRING, attachment: str | None = None):
        return Component(id=cid, required=required, role=role, concept=by_id[cid], local_dtype=dtype,
                         local_codes=lists.get(cid), attachment_level=attachment)

    comps = [component(d, Role.DIMENSION, True, DataType.PERIOD if d == "TIME_PERIOD" else DataType.STRING)
             for d in SDMX_DIMENSIONS]
    comps.append(component("OBS_VALUE", Role.MEASURE, False, DataType.DOUBLE))
    for a in SDMX_ATTRIBUTES:
        dtype = DataType.INTEGER if a == "N_RESP" else DataType.DOUBLE if a.endswith("_BOUND") else DataType.STRING
        comps.append(component(a, Role.ATTRIBUTE, a in ("OBS_STATUS", "CONF_STATUS"), dtype, "O"))
    dsd = DataStructureDefinition(id=DSD_ID, agency=AGENCY, version="1.0",
                                  name="Ascolto — customer experience of public services",
                                  description="Ascolto — esperienza dei servizi pubblici",
                                  components=Components(comps))
    flow = Dataflow(id=DATAFLOW_ID, agency=AGENCY, version="1.0", name="Ascolto — customer experience of public services",
                    description="Ascolto — esperienza dei servizi pubblici",
                    structure=f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure={AGENCY}:{DSD_ID}(1.0)")
    return [*lists.values(), scheme, dsd, flow]


def write_structure() -> str:
    """The structure message as SDMX-ML 3.0 text, read back by pysdmx before it is returned."""
    from pysdmx.io import read_sdmx, write_sdmx
    from pysdmx.io.format import Format

    text = write_sdmx(structures(), Format.STRUCTURE_SDMX_ML_3_0)
    msg = read_sdmx(text, validate=True)  # raises when the message does not validate or parse
    if len(msg.get_data_structure_definitions()) != 1:
        raise ValueError("the SDMX structure did not read back with its DSD")
    return text
