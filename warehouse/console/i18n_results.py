"""English for the workspace, onboarding and coverage pages (merged into :data:`.i18n.EN`)."""
from __future__ import annotations

from . import i18n

EN = {
    "Area dell'ente": "Entity workspace", "Commenti dei cittadini": "Citizens' comments",
    "Token dell'ente": "Entity tokens", "Canale": "Channel", "Verifica": "Check",
    "Verifica la mia pagina": "Check my page", "Verifica ora": "Check now",
    "Posizione rispetto al benchmark nazionale (stesso tipo di servizio)":
        "Position against the national benchmark (same service type)",
    "Enti confrontati": "Entities compared", "Cosa è andato bene": "What went well",
    "Cosa non è andato bene": "What went wrong", "Motivo": "Reason",
    "clarity": "clarity", "completeness": "completeness", "orientation": "orientation", "technical": "no technical problems",
    "within": "within the limits", "above_95": "above (95%)", "above_99.8": "above (99.8%)",
    "below_95": "below (95%)", "below_99.8": "below (99.8%)",
    "I commenti sono già privati dei dati personali. Sono visibili solo all'ente e allo staff nazionale: non vengono mai pubblicati.":
        "Personal data are already removed from the comments. Only the entity and national staff see them: they are never published.",
    "Periodo (AAAA-MM, AAAA-Qn)": "Period (YYYY-MM, YYYY-Qn)", "Valutazione": "Rating", "Cerca nel testo": "Search the text",
    "Commenti trovati": "Comments found", "mostrati i più recenti": "showing the newest", "Ricevuto": "Received",
    "Commento": "Comment", "Nessun commento.": "No comments.", "Responsabile": "Manager",
    "Aderisci ad Ascolto": "Join Ascolto", "Richiesta ricevuta": "Request received",
    "Codice IPA dell'ente": "IPA code of the administration", "Nome del servizio": "Service name",
    "Canali": "Channels", "Invia la richiesta": "Send the request", "Richieste di adesione": "Join requests",
    "Richiesta approvata": "Request approved", "Codice da incollare nella pagina": "Code to paste into the page",
    "Approva": "Approve", "Rifiuta": "Reject", "Motivo del rifiuto": "Reason for rejecting",
    "Torna alle richieste": "Back to the requests", "Nessuna richiesta.": "No requests.", "Origini": "Origins",
    "Origini dichiarate": "Declared origins", "Origini viste": "Origins seen", "Origine": "Origin",
    "Dichiarata": "Declared", "Richieste": "Requests", "Rifiutate": "Refused", "Ultima": "Last",
    "Il widget funziona: arrivano richieste dall'origine dichiarata.":
        "The widget works: requests arrive from the declared origin.",
    "Nessuna richiesta del widget ricevuta finora: controlla di aver incollato il codice.":
        "No widget request received so far: check that the code is in the page.",
    "Copertura": "Coverage", "Servizi attivi": "Active services", "obiettivo": "target",
    "Per categoria di PA": "By PA category", "Servizi silenziosi": "Silent services",
    "nessuna risposta da": "no response for", "giorni": "days", "Ultima risposta": "Last response",
    "Servizi sotto la numerosità minima": "Services under the minimum n", "Trimestre": "Quarter", "Nessuno.": "None.",
}


def install() -> None:
    for k, v in EN.items():
        i18n.EN.setdefault(k, v)
