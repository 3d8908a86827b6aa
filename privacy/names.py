"""Personal names after the phrases that introduce them.

Recognised lead-ins: "mi chiamo", "il mio nome è", "(io) sono", "il sottoscritto"/"la
sottoscritta", "firmato"/"f.to", "in fede", titles ("sig.", "sig.ra", "signor", "dott.",
"dott.ssa", "dr.", "prof.", "avv.", "ing.", …) and a closing ("cordiali saluti", "distinti
saluti", "un saluto", …) followed by a name on the same line after a comma or on the next line.
A name is one to four capitalised words, with the particles of Italian surnames (De Luca,
Di Stefano, D'Amico, Dell'Acqua, Anna Maria De' Medici); after "mi chiamo" a name in lower case
is taken too. The lead-in is kept; the name becomes ``[NOME]``.
"""
from __future__ import annotations

import re
from collections import Counter

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zà-öø-ÿ"
_WORD = rf"(?:[{_UP}][{_LOW}]*['’])?[{_UP}][{_LOW}]+|[{_UP}][{_LOW}]?['’]\s?[{_UP}][{_LOW}]+"
_PARTICLE = r"(?:de|di|da|del|della|dei|degli|dello|de['’]|d['’]|lo|la|van|von|le|li)"
_NAME = rf"(?:{_WORD})(?:[ \t]+(?:{_PARTICLE}[ \t]+)?(?:{_WORD})){{0,3}}"
_LEAD = (r"(?i:mi\s+chiamo|il\s+mio\s+nome\s+(?:è|e['’`]|é)|(?:io\s+)?sono|(?:il|la)\s+sottoscritt[oa]"
         r"|firmato|f\.to|in\s+fede|sig(?:nor[ae]?|\.\s?r[aa]|\.\s?na|g?\.|ra\.?)|dott(?:\.\s?ssa|\.|oressa|or)"
         r"|dr\.|prof(?:\.\s?ssa|\.|essoressa|essor)|avv\.|ing\.|geom\.|rag\.)")
_CLOSING = r"(?i:cordiali\s+saluti|distinti\s+saluti|un\s+(?:caro\s+)?saluto|saluti|grazie\s+e\s+saluti|in\s+fede)"
_NAME_RE = re.compile(
    rf"(?P<lead>(?<!\w){_LEAD}[:,]?[ \t]+|(?<!\w){_CLOSING}[ \t]*(?:[,.!:][ \t]*|[,.!:]?[ \t]*\r?\n\s*))"
    rf"(?P<name>{_NAME})")
_LOWER_NAME_RE = re.compile(
    rf"(?P<lead>(?<!\w)(?i:mi\s+chiamo|il\s+mio\s+nome\s+(?:è|e['’`]|é))[:,]?\s+)"
    rf"(?P<name>[{_LOW}]+(?:\s+(?:{_PARTICLE}\s+)?[{_LOW}]+)?)")

#: capitalised words that follow a lead-in and are not names (checked on the first word).
NOT_NAMES = frozenset("""
Molto Poco Abbastanza Davvero Veramente Proprio Stato Stata Stati State Soddisfatto Soddisfatta Soddisfatti
Insoddisfatto Insoddisfatta Contento Contenta Contenti Deluso Delusa Delusi Riuscito Riuscita Rimasto Rimasta
Arrivato Arrivata Andato Andata Tornato Tornata Venuto Venuta Dovuto Dovuta Costretto Costretta
Un Una Uno Il La Lo Gli Le In Da Di Per Con Su Tra Fra Tutti Tutto Tutte Ancora Già Sempre Mai Qui Qua Lì Là
Nato Nata Residente Cittadino Cittadina Cittadini Pensionato Pensionata Studente Studentessa Utente Cliente
Inps Inail Comune Regione Provincia Ministero Agenzia Ufficio Servizio Sportello Asl Governo Stato Italiano
Italiana Italiani Non Ok Grazie Buongiorno Buonasera Salve Io Noi Voi Anche Solo Sono Ma Però Quindi Poi
Ore Oggi Ieri Domani Lunedì Martedì Mercoledì Giovedì Venerdì Sabato Domenica Gennaio Febbraio Marzo Aprile
Maggio Giugno Luglio Agosto Settembre Ottobre Novembre Dicembre Sì Si No Bene Male Felice Grato Grata
Cordiali Distinti Saluti Team Staff Segreteria Direzione Redazione Spid Cie Pec App Web Sito Portale
Sindaco Sindaca Assessore Assessora Presidente Direttore Direttrice Responsabile Dirigente Funzionario Funzionaria
Impiegato Impiegata Medico Dottore Dottoressa Operatore Operatrice Addetto Addetta Segretario Segretaria
""".split())

#: words ending a lower-case name after "mi chiamo" ("mi chiamo mario e vorrei…").
_STOP_LOWER = frozenset("""e ed ma però per non ho sono vorrei volevo abito vivo che il la lo i gli le un una
uno da di in con su a al alla del della anche già ancora sto stavo sempre mai oggi ieri""".split())


def names(text: str, counts: Counter) -> str:
    def sub(m: re.Match) -> str:
        if m.group("name").split()[0].rstrip("'’") in NOT_NAMES:
            return m.group(0)
        counts["NOME"] += 1
        return m.group("lead") + "[NOME]"

    def sub_lower(m: re.Match) -> str:
        words = m.group("name").split()
        keep = []
        for w in words:
            if w in _STOP_LOWER:
                break
            keep.append(w)
        if not keep:
            return m.group(0)
        counts["NOME"] += 1
        rest = m.group("name")[len(" ".join(keep)):] if m.group("name").startswith(" ".join(keep)) else ""
        return m.group("lead") + "[NOME]" + rest

    text = _NAME_RE.sub(sub, text)
    return _LOWER_NAME_RE.sub(sub_lower, text)
