"""The console's texts: Italian is the source, English the translation (``_(text)`` in templates)."""
from __future__ import annotations

from flask import has_request_context, request, session
from markupsafe import Markup

from questionnaires.harmonize import CATEGORY_INDICATORS, SCORE_INDICATORS

from .. import codelists
from . import i18n_compare

LANGS = ("it", "en")

EN = {
    "Console di monitoraggio": "Monitoring console",
    "Adesione delle pubbliche amministrazioni": "Public administrations joining",
    "statistiche sull'esperienza dei servizi pubblici digitali": "customer-experience statistics of digital public services",
    "Ascolto — statistiche sull'esperienza dei servizi pubblici digitali":
        "Ascolto — customer-experience statistics of digital public services",
    "Panoramica nazionale": "National overview", "Tipi di servizio": "Service types", "Enti": "Entities",
    "Regioni": "Regions", "Qualità dei dati": "Data quality", "Esportazioni": "Exports",
    "Amministrazione": "Administration", "Accedi": "Sign in", "Esci": "Sign out",
    "Token di accesso": "Access token", "Accesso alla console": "Sign in to the console",
    "Incolla il token che ti è stato assegnato (inizia con asc_).": "Paste the token you were given (it starts with asc_).",
    "Token non valido, scaduto o revocato.": "Invalid, expired or revoked token.",
    "Questo è un token backend: serve solo a inviare risposte al collettore, non ad accedere alla console. Accedi "
    "con un token della console (ruolo monitoring, statistician, admin, entity o operator).":
        "This is a backend token: it posts answers to the collector only and does not open the console. Sign in "
        "with a console token (role monitoring, statistician, admin, entity or operator).",
    "Troppi tentativi di accesso non riusciti: riprova tra {n} secondi.":
        "Too many failed sign-ins: try again in {n} seconds.",
    "Scade": "Expires", "mai": "never", "scaduto": "expired",
    "Scadenza (facoltativa: 90d, 12h o AAAA-MM-GG)": "Expiry (optional: 90d, 12h or YYYY-MM-DD)",
    "Accesso necessario": "Sign-in needed", "Accesso negato": "Access denied",
    "Questa pagina richiede un token valido.": "This page needs a valid token.",
    "Il tuo ruolo non permette di usare questa pagina.": "Your role may not use this page.",
    "Questo token dà accesso solo all'area dell'ente {mine}, non a quella dell'ente {other}.":
        "This token opens the workspace of entity {mine} only, not that of entity {other}.",
    "Solo un amministratore o il token del responsabile dell'ente gestisce i token dell'ente.":
        "Only an admin or the entity's manager token manages the entity's tokens.",
    "Vai all'area del tuo ente": "Go to your entity's workspace", "back end": "back end",
    "Scadenza del token": "Token expiry",
    "Ruolo": "Role", "Lingua": "Language", "Vai al contenuto": "Skip to content",
    "Risposte": "Responses", "Servizi con risposte": "Services reporting", "Enti con risposte": "Entities reporting",
    "Indicatori principali (ultimo mese)": "Headline indicators (latest month)", "Indicatore": "Indicator",
    "Periodo": "Period", "Media (0–100)": "Mean (0–100)", "IC 95%": "95% CI", "Media: IC 95%": "Mean: 95% CI", "Stato": "Status",
    "Tabella dei dati del grafico": "Data table of the chart", "Scarica CSV": "Download CSV",
    "Legenda degli stati": "Status legend",
    "valore e N oscurati: meno di {n} risposte, vere o dopo la perturbazione (segreto statistico)": "value and N suppressed: fewer than {n} responses, true or after perturbation (statistical confidentiality)",
    "ogni valore è calcolato da conteggi perturbati con il metodo cell-key: un rumore piccolo e sempre uguale per la stessa cella": "every figure is computed from counts perturbed by the cell-key method: a small noise, always the same for the same cell",
    "bassa affidabilità: meno di {n} risposte": "low reliability: fewer than {n} responses",
    "oscurato": "suppressed", "bassa affidabilità": "low reliability", "Filtra": "Filter", "Modulo": "Module",
    "Regione": "Region", "Tipo di PA": "PA type", "Tutte": "All", "Tutti": "All", "Misura": "Measure",
    "media": "mean", "quota top-2-box": "top-2-box share", "Benchmark nazionale": "National benchmark",
    "Confronto tra enti dello stesso tipo di servizio": "Comparison of entities of the same service type",
    "Rango EB": "EB rank", "Ente": "Entity", "Valore": "Value", "Stima EB": "EB estimate",
    "Posizione nel funnel": "Funnel position", "Servizi": "Services", "Servizio": "Service",
    "Andamento rispetto al benchmark nazionale": "Trend vs the national benchmark",
    "Nessun dato.": "No data.", "Nessun servizio di questo ente nel registro.": "No service of this entity in the registry.", "(tabella)": "(table)", "Ultimo dato ricevuto": "Latest response received",
    "Record scartati da rielaborare": "Failed records to replay", "Da rielaborare": "To replay",
    "Rielaborati": "Replayed", "Archiviati": "Dismissed", "Totale": "Total",
    "su {n} in tutto (rielaborati: {r}; archiviati: {a})": "of {n} in all (replayed: {r}; dismissed: {a})",
    "Un record per lettera scartata, anche se scritta più volte, con il suo stato come lo dà «ascolto failed list»: "
    "da rielaborare (in attesa), rielaborato («ascolto failed replay») o archiviato («ascolto failed dismiss»).":
        "One record per dead letter, even one written more than once, with its status as “ascolto failed list” "
        "gives it: to replay (pending), replayed (“ascolto failed replay”) or dismissed (“ascolto failed dismiss”).",
    "Record persi (retention di Kafka)": "Records lost (Kafka retention)",
    "Record persi: cancellati dalla retention di Kafka prima di essere letti":
        "Records lost: deleted by Kafka's retention before they were read",
    "Topic": "Topic", "Partizione": "Partition", "Primo offset": "First offset", "Ultimo offset": "Last offset",
    "Rilevati il": "Found on", "da archiviare": "to dismiss", "archiviato": "dismissed",
    "Non sono record da rielaborare: la retention di Kafka li ha cancellati prima che il processore li leggesse e "
    "sono persi. «ascolto failed list --reason retention_gap» li elenca; si archiviano («ascolto failed dismiss») "
    "una volta presa nota.": "They are no records to replay: Kafka's retention deleted them before the processor "
    "read them, and they are lost. “ascolto failed list --reason retention_gap” lists them; dismiss them (“ascolto "
    "failed dismiss”) once noted.",
    "{n} intervalli di offset, {p} da archiviare: non rielaborabili («ascolto failed list --reason retention_gap»)":
        "{n} offset ranges, {p} to dismiss: not replayable (“ascolto failed list --reason retention_gap”)",
    "Celle": "Cells", "pubblicata": "published",
    "soddisfazione, mese {a}": "satisfaction, month {a}",
    "soddisfazione, mesi da {a} a {b}": "satisfaction, months {a} to {b}",
    "Formato": "Format", "Frequenza": "Frequency", "Dal periodo": "From period", "Al periodo": "To period", "Dal mese": "From month", "Al mese": "To month",
    "Scarica": "Download", "Pacchetto di microdati (Frictionless Data Package)": "Microdata package (Frictionless Data Package)",
    "Dove le risposte di un gruppo sono tutte di un solo ente o servizio tranne poche (meno di k), si rilasciano solo le sue.":
        "Where all but a few (fewer than k) of a group's responses are one entity's or service's, only its own are released.",
    "Entità": "Entities", "Assegnazioni": "Assignments", "Token": "Tokens", "Registro delle modifiche": "Audit log",
    "Aggiungi": "Add", "Crea": "Create", "Revoca": "Revoke", "Attiva": "Activate", "Disattiva": "Deactivate",
    "Assegna": "Assign", "Salva": "Save", "Nome": "Name", "Categoria IPA": "IPA category",
    "Codice IPA": "IPA code", "Codice Istat del comune": "Comune Istat code", "Codice Istat della regione": "Region Istat code",
    "Codice NUTS-2 della regione": "Region NUTS-2 code",
    "Solo in Trentino-Alto Adige senza comune: ITH1 (Bolzano) o ITH2 (Trento).":
        "Only in Trentino-Alto Adige without a comune: ITH1 (Bolzano) or ITH2 (Trento).",
    "Chiave": "Key", "Tipo": "Type", "Tipo di servizio": "Service type", "Canale": "Channel", "Origini ammesse (una per riga)": "Allowed origins (one per line)",
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
    # issue 13 / 19: the positive share, periods, breakdowns, statuses in words
    "uso interno": "internal use", "monitoraggio": "monitoring", "statistico": "statistician",
    "amministratore": "administrator", "ente": "entity", "operatore": "operator",
    "Mensile": "Monthly", "Trimestrale": "Quarterly", "Annuale": "Annual",
    "Periodo non indicato: l'ultimo periodo completo con dati.": "No period chosen: the latest complete period with data.",
    "I dati di un periodo si pubblicano quando il periodo è finito: il periodo in corso non è mostrato.":
        "A period's figures are published once it has ended: the period in progress is not shown.",
    "Nessun periodo concluso con dati: i dati di un periodo si pubblicano quando il periodo è finito.":
        "No period with data has ended yet: a period's figures are published once it has ended.",
    "{a} non è un periodo di questa frequenza: mostrato {b}.": "{a} is not a period of this frequency: showing {b}.",
    "{a} non è un periodo di questa frequenza e il periodo che lo contiene, {b}, è in corso (i suoi dati si pubblicano quando è finito): mostrato {c}, l'ultimo concluso con dati.":
        "{a} is not a period of this frequency and the one containing it, {b}, is still running (its figures are "
        "published once it has ended): showing {c}, the latest ended one with data.",
    "Il periodo in corso ({p}) non è mostrato: i dati di un periodo si pubblicano quando il periodo è finito.":
        "The period in progress ({p}) is not shown: a period's figures are published once it has ended.",
    "tutte le risposte del tipo di servizio in Italia nel periodo: i filtri per regione o tipo di PA scelgono solo gli enti mostrati; limiti, confronti FDR, stime EB e ranghi sono quelli calcolati su tutti gli enti del tipo":
        "all the service type's responses in Italy in the period: the region or PA type filters only choose the entities shown; limits, FDR comparisons, EB estimates and ranks are those computed over every entity of the type",
    "Copertura del periodo": "Period coverage", "in corso": "in progress", "parziale: dati dal {m}": "partial: data from {m}",
    "○ cerchio vuoto: periodo parziale (vedi la tabella)": "○ open circle: a partial period (see the table)",
    "barra chiara: periodo parziale (vedi la tabella)": "lighter bar: a partial period (see the table)",
    "non rilevato": "not collected",
    "Meno di 2 enti pubblicati: non c'è nulla da confrontare né da ordinare.":
        "Fewer than 2 published entities: there is nothing to compare or rank.",
    "Nessuna graduatoria: non c'è evidenza di differenze tra gli enti (varianza tra enti stimata τ² = 0).":
        "No ranking: no evidence of differences between the entities (estimated between-entity variance τ² = 0).",
    "Ranghi delle stime empirical-Bayes con intervalli del rango al 95% (nella colonna accanto): un ente può trovarsi in qualunque posizione del suo intervallo; stime pubblicate uguali condividono il rango (=); «significativo» è il flag FDR di Benjamini-Hochberg (q < 5%) su tutti gli enti.":
        "Ranks of the empirical-Bayes estimates with 95% rank intervals (in the next column): an entity may be at any position of its interval; equal published estimates share a rank (=); \"significant\" is the Benjamini-Hochberg FDR flag (q < 5%) over all entities.",
    "Sovradispersione": "Over-dispersion", "test χ²": "χ² test", "gl": "df",
    "test Monte Carlo": "Monte Carlo test", "repliche": "replicates",
    "IC 95% EB inf.": "EB 95% CI low", "IC 95% EB sup.": "EB 95% CI high",
    "pubblicato": "published", "interruzione di serie": "break in series",
    "risposte tutte uguali: intervallo di ampiezza zero": "all answers identical: zero-width interval",
    "meno di 2 risposte: nessun intervallo": "fewer than 2 answers: no interval",
    "pubblicato come quote di sì / in parte / no": "published as shares of yes / partly / no",
    "media non confrontabile: la cella unisce scale o strumenti diversi":
        "mean not comparable: the cell pools different scales or instruments",
    "Quota positiva %": "Positive share %", "Nota sulla media": "Note on the mean",
    "Per strumento e scala": "By instrument and scale", "Per canale": "By channel", "Strumento": "Instrument",
    "Scala": "Scale", "Quota positiva nazionale per periodo": "National positive share per period",
    "Risposte per periodo": "Responses per period", "Indicatori principali": "Headline indicators",
    "Da dove viene la quota: strumenti e canali": "Where the share comes from: instruments and channels",
    "ordina": "sort", "Soddisfazione: quota positiva %": "Satisfaction: positive share %",
    "quota positiva (confrontabile tra strumenti)": "positive share (comparable across instruments)",
    "media (solo con una scala)": "mean (one scale only)",
    "La media non è confrontabile qui: è mostrata la quota positiva.":
        "The mean is not comparable here: the positive share is shown.",
    "Limiti": "Limits", "binomiali esatti": "exact binomial", "normali": "normal",
    "normali, allargati per la sovradispersione (moltiplicativa)": "normal, widened for over-dispersion (multiplicative)",
    "normali, allargati per la sovradispersione (additiva)": "normal, widened for over-dispersion (additive)",
    "Nessuna graduatoria: non c'è evidenza di differenze tra gli enti.":
        "No ranking: there is no evidence that the entities differ.",
    "Limiti al 99,8%": "99.8% limits", "Limiti al 95%": "95% limits", "Numero di risposte": "Number of responses",
    "Con meno di {n} enti pubblicati un funnel plot non è informativo: ecco la tabella.":
        "With fewer than {n} published entities a funnel plot is not informative: here is the table.",
    "Intervallo del rango": "Rank interval", "Confronto (FDR)": "Comparison (FDR)",
    "sopra il limite al 99,8%": "above the 99.8% limit", "sopra il limite al 95%": "above the 95% limit",
    "entro i limiti": "inside the limits", "sotto il limite al 95%": "below the 95% limit",
    "sotto il limite al 99,8%": "below the 99.8% limit",
    "significativamente sopra (FDR 5%)": "significantly above (FDR 5%)",
    "significativamente sotto (FDR 5%)": "significantly below (FDR 5%)",
    "nessuna differenza significativa": "no significant difference",
    "Risposte (nazionale)": "Responses (national)", "Quota positiva nazionale %": "National positive share %",
    "Fasce: terzili delle quote positive regionali pubblicate con almeno {n} risposte; le regioni a bassa affidabilità non sono classificate.":
        "Bands: terciles of the published regional positive shares with at least {n} responses; regions of low reliability are not banded.",
    "non classificata (bassa affidabilità)": "not banded (low reliability)",
    "non classificata (meno di 3 regioni affidabili)": "not banded (fewer than 3 reliable regions)",
    "Invii rifiutati dal collettore": "Submissions refused by the collector",
    "Invii rifiutati dal collettore per motivo": "Submissions refused by the collector, by reason",
    "Codice": "Code", "Invii": "Submissions",
    "Contatori del collettore dall'ultimo avvio.": "The collector's counters since its last start.",
    "Nessun invio rifiutato dall'ultimo avvio del collettore.": "No submission refused since the collector last started.",
    "Invii rifiutati dal collettore per servizio": "Submissions refused by the collector, by service",
    "sconosciuto o non letto": "unknown or not read",
    "«sconosciuto o non letto»: chiavi non registrate o richieste rifiutate prima di leggerne il servizio.":
        "\u201cunknown or not read\u201d: keys not registered, or requests refused before their service was read.",
    "Risposte automatiche per servizio (conservate, escluse dalle statistiche)":
        "Automated answers by service (kept, left out of the statistics)",
    "Invii accettati da programmi (crawler, browser senza interfaccia, script): conservati nei dati per verifica, mai conteggiati nelle statistiche pubblicate.":
        "Submissions accepted from programs (crawlers, headless browsers, scripts): kept in the data for audit, never counted in the published statistics.",
    "Risposte automatiche escluse": "Automated answers left out",
    "Metriche del collettore non raggiungibili.": "The collector's metrics could not be reached.",
    "troppe richieste (limite di frequenza)": "too many requests (rate limit)", "origine non ammessa": "origin not allowed",
    "invio automatico": "automated submission", "servizio sconosciuto": "unknown service",
    "servizio non attivo": "inactive service", "questionario non assegnato": "questionnaire not assigned",
    "risposte non valide": "invalid answers", "richiesta malformata": "malformed request",
    "richiesta troppo grande": "request too large", "tipo di contenuto errato": "wrong content type",
    "servizio non disponibile": "service unavailable", "risorsa inesistente": "no such resource",
    "metodo non ammesso": "method not allowed",
    "né origine né token (un back end senza il suo token)": "neither an origin nor a token (a back end without its token)",
    "token del back end rifiutato": "back-end token refused", "dispositivo non ammesso": "device not allowed",
    "operatore non ammesso": "operator not allowed", "canale non previsto": "channel not declared",
    "anagrafica non disponibile": "registry unavailable",
    "record non leggibile": "unreadable record", "busta non conforme": "envelope not valid",
    "questionario sconosciuto": "unknown questionnaire", "armonizzazione non applicabile": "harmonization not applicable",
    "errore di elaborazione": "processing error",
    "Celle per stato (soddisfazione, mese × tipo di servizio × ente, con margini)":
        "Cells by status (satisfaction, month × service type × entity, with margins)",
    "metodo cell-key": "cell-key method",
    "primo periodo dopo un cambiamento dichiarato del questionario":
        "first period after a declared change of the questionnaire",
    "quota di giudizi positivi: le due categorie migliori della scala di ogni domanda, la faccina sorridente, il «sì»; confrontabile tra strumenti":
        "share of positive judgements: the two best categories of each item's own scale, the happy face, \"yes\"; comparable across instruments",
    "Aggiorna i periodi": "Update the periods", "Liste di codici (CSV, it/en)": "Codelists (CSV, it/en)",
    "Struttura SDMX (SDMX-ML 3.0)": "SDMX structure (SDMX-ML 3.0)",
    "quota positiva non pubblicata: la cella unisce una misura non principale ad altri strumenti":
        "positive share not published: the cell pools a non-headline measure with other instruments",
    "Metadati di riferimento (JSON: metodi, copertura, revisioni)":
        "Reference metadata (JSON: methods, coverage, revisions)", "Lingua delle etichette e dei metadati": "Language of the labels and metadata",
    "Periodi della frequenza scelta": "Periods of the chosen frequency",
    "Tipo di PA ": "PA type ",
}

EN.update(i18n_compare.EN)  # the comparison page, its legends, charts and notes

#: The core indicators' names as the menus give them (Italian; :data:`EN` translates): the codelists' own
#: (:data:`warehouse.codelists.INDICATORS`), one home for every page, export and API.
INDICATOR_LABELS = {ind: codelists.INDICATORS[ind][0] for ind in SCORE_INDICATORS + CATEGORY_INDICATORS}


def lang() -> str:
    """The reader's language: the page's ``lang``, else the session's, else Italian — also outside a
    request (a data function called by a test, the CLI or a background build reads Italian)."""
    if not has_request_context():
        return "it"
    v = request.args.get("lang")
    if v in LANGS:
        return v
    v = session.get("lang")
    return v if v in LANGS else "it"


#: Endpoints whose addresses never carry the page's ``lang``: files that are the same in every language,
#: and the ITA / ENG switch (which drops it from the page it goes back to).
_NO_LANG = frozenset({"static", "charts.plotly", "pages.set_lang"})


def page_lang() -> str | None:
    """The valid ``lang`` argument the page was opened with (``?lang=en``), else None."""
    v = request.args.get("lang") if has_request_context() else None
    return v if v in LANGS else None


def keep_lang(endpoint: str | None, values: dict) -> None:
    """``url_defaults`` of the console: every internal address built while answering a request opened
    with a valid ``?lang=`` keeps it (nav, rows' links, forms' actions, redirects), so that a shared
    English link stays English after a click; an explicit ``lang`` (even None, to drop it) wins.
    A GET form replaces its action's query: it carries the language in :func:`lang_field`."""
    if "lang" in values or endpoint in _NO_LANG:
        return
    v = page_lang()
    if v is not None:
        values["lang"] = v


def lang_field() -> Markup:
    """The hidden ``lang`` field of a GET form (the page's ``?lang=`` kept when it is submitted)."""
    v = page_lang()
    return Markup(f'<input type="hidden" name="lang" value="{v}">') if v else Markup("")


def gettext(text: str) -> str:
    return EN.get(text, text) if lang() == "en" else text


def name_indicators(text: str) -> str:
    """``text`` with each indicator code (``satisfaction``, ``task_completed``…) as the forms name it."""
    import re

    return re.sub(r"\b(" + "|".join(INDICATOR_LABELS) + r")\b", lambda m: INDICATOR_LABELS[m.group(1)], text)
