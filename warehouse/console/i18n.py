"""The console's texts: Italian is the source, English the translation (``_(text)`` in templates)."""
from __future__ import annotations

from flask import request, session

LANGS = ("it", "en")

EN = {
    "Console di monitoraggio": "Monitoring console",
    "Ascolto — statistiche sull'esperienza dei servizi pubblici digitali":
        "Ascolto — customer-experience statistics of digital public services",
    "Panoramica nazionale": "National overview", "Tipi di servizio": "Service types", "Enti": "Entities",
    "Regioni": "Regions", "Qualità dei dati": "Data quality", "Esportazioni": "Exports",
    "Amministrazione": "Administration", "Accedi": "Sign in", "Esci": "Sign out",
    "Token di accesso": "Access token", "Accesso alla console": "Sign in to the console",
    "Incolla il token che ti è stato assegnato (inizia con asc_).": "Paste the token you were given (it starts with asc_).",
    "Token non valido, scaduto o revocato.": "Invalid, expired or revoked token.",
    "Troppi tentativi di accesso non riusciti: riprova tra {n} secondi.":
        "Too many failed sign-ins: try again in {n} seconds.",
    "Scade": "Expires", "mai": "never", "scaduto": "expired",
    "Scadenza (facoltativa: 90d, 12h o AAAA-MM-GG)": "Expiry (optional: 90d, 12h or YYYY-MM-DD)",
    "Accesso necessario": "Sign-in needed", "Accesso negato": "Access denied",
    "Questa pagina richiede un token valido.": "This page needs a valid token.",
    "Il tuo ruolo non permette di usare questa pagina.": "Your role may not use this page.",
    "Ruolo": "Role", "Lingua": "Language", "Vai al contenuto": "Skip to content",
    "Risposte": "Responses", "Servizi con risposte": "Services reporting", "Enti con risposte": "Entities reporting",
    "Indicatori principali (ultimo mese)": "Headline indicators (latest month)", "Indicatore": "Indicator",
    "Periodo": "Period", "Media (0–100)": "Mean (0–100)", "IC 95%": "95% CI", "Stato": "Status",
    "Tabella dei dati del grafico": "Data table of the chart", "Scarica CSV": "Download CSV",
    "Legenda degli stati": "Status legend",
    "valore e N oscurati: meno di 3 risposte dopo la perturbazione (segreto statistico)": "value and N suppressed: fewer than 3 responses after perturbation (statistical confidentiality)",
    "ogni valore è calcolato da conteggi perturbati con il metodo cell-key: un rumore piccolo e sempre uguale per la stessa cella": "every figure is computed from counts perturbed by the cell-key method: a small noise, always the same for the same cell",
    "bassa affidabilità: meno di 30 risposte": "low reliability: fewer than 30 responses",
    "oscurato": "suppressed", "bassa affidabilità": "low reliability", "Filtra": "Filter",
    "Regione": "Region", "Tipo di PA": "PA type", "Tutte": "All", "Tutti": "All", "Misura": "Measure",
    "media": "mean", "quota top-2-box": "top-2-box share", "Benchmark nazionale": "National benchmark",
    "Confronto tra enti dello stesso tipo di servizio": "Comparison of entities of the same service type",
    "Rango EB": "EB rank", "Ente": "Entity", "Valore": "Value", "Stima EB": "EB estimate",
    "Posizione nel funnel": "Funnel position", "Servizi": "Services", "Servizio": "Service",
    "Andamento rispetto al benchmark nazionale": "Trend vs the national benchmark",
    "Nessun dato.": "No data.", "Ultimo dato ricevuto": "Latest response received",
    "Record scartati": "Failed records", "Celle": "Cells", "pubblicata": "published",
    "Formato": "Format", "Frequenza": "Frequency", "Dal periodo": "From period", "Al periodo": "To period",
    "Scarica": "Download", "Pacchetto di microdati (Frictionless Data Package)": "Microdata package (Frictionless Data Package)",
    "Entità": "Entities", "Assegnazioni": "Assignments", "Token": "Tokens", "Registro delle modifiche": "Audit log",
    "Aggiungi": "Add", "Crea": "Create", "Revoca": "Revoke", "Attiva": "Activate", "Disattiva": "Deactivate",
    "Assegna": "Assign", "Salva": "Save", "Nome": "Name", "Categoria IPA": "IPA category",
    "Codice IPA": "IPA code", "Codice Istat del comune": "Comune Istat code", "Codice Istat della regione": "Region Istat code",
    "Chiave": "Key", "Tipo di servizio": "Service type", "Canale": "Channel", "Origini ammesse (una per riga)": "Allowed origins (one per line)",
    "Questionario": "Questionnaire", "Versione": "Version", "Attivo": "Active", "sì": "yes", "no": "no",
    "Etichetta": "Label", "Creato": "Created", "Revocato": "Revoked",
    "Copia ora il segreto: non sarà più mostrato.": "Copy the secret now: it will not be shown again.",
    "Quando": "When", "Chi": "Who", "Azione": "Action", "Oggetto": "Object",
    "Modifica registrata.": "Change recorded.", "Errore": "Error", "Periodi": "Periods",
    "Confronto": "Comparison", "tutti i periodi": "all periods", "Applica": "Apply",
    "Le celle oscurate non sono mai mostrate come zero.": "Suppressed cells are never shown as zero.",
    "Ruoli": "Roles", "Scegli un tipo di servizio": "Choose a service type",
    "Risposte per mese": "Responses per month", "Intervallo": "Interval", "Prefisso": "Prefix",
    "Tabella per l'esportazione": "Publication table", "Serie": "Series",
    "Soddisfazione": "Satisfaction", "Facilità": "Ease", "Chiarezza": "Clarity", "Rapidità": "Speed",
    "Fiducia": "Trust", "Completamento": "Task completion", "Aggiornato": "Updated",
    "alto": "high", "medio": "middle", "basso": "low", "Fascia": "Band",
    "Fasce: terzili delle medie regionali pubblicate.": "Bands: terciles of the published regional means.",
    "Il registro": "The registry", "Media nazionale per mese": "National mean per month",
    "Risposte per mese e tipo di PA": "Responses per month and PA type", "Record scartati (DLQ) per motivo":
        "Failed records (DLQ) by reason", "Funnel plot": "Funnel plot", "Motivo": "Reason", "Record": "Records",
    "IC 95% inf.": "95% CI low", "IC 95% sup.": "95% CI high", "N nazionale": "National N",
    "Media nazionale": "National mean", "Ultime modifiche": "Latest changes",
}

EN.update({  # registry administration: the services page (issue 19)
    "Origini ammesse": "Allowed origins", "Codice da incollare": "Snippet to paste",
})

INDICATOR_LABELS = {"satisfaction": "Soddisfazione", "ease": "Facilità", "clarity": "Chiarezza", "speed": "Rapidità",
                    "trust": "Fiducia", "task_completed": "Completamento"}


def lang() -> str:
    v = request.args.get("lang")
    if v in LANGS:
        return v
    v = session.get("lang")
    return v if v in LANGS else "it"


def gettext(text: str) -> str:
    return EN.get(text, text) if lang() == "en" else text
