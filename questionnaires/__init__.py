"""The Ascolto standard: questionnaire definitions, their model, harmonization and the record contract.

Every other part imports from here; this package imports none of them.
"""
from .catalog import Catalog, UnknownQuestionnaire, default_catalog
from .model import LANGUAGES, DEFAULT_LANGUAGE, AnswersInvalid, DefinitionError, Item, Option, Questionnaire

__all__ = [
    "Catalog", "UnknownQuestionnaire", "default_catalog",
    "LANGUAGES", "DEFAULT_LANGUAGE", "AnswersInvalid", "DefinitionError", "Item", "Option", "Questionnaire",
]
