"""English for the improvement-cycle pages (:mod:`.improve_pages`), merged into :data:`.i18n.EN`."""
from __future__ import annotations

from . import i18n

EN = {
    "Priorità di intervento": "Intervention priorities", "Miglioramento": "Improvement",
    "Priorità di intervento: importanza × performance": "Intervention priorities: importance × performance",
    "Aspetto": "Aspect", "Aspetti": "Aspects", "Importanza (% di R²)": "Importance (% of R²)",
    "IC 95% inf.": "95% CI lower", "IC 95% sup.": "95% CI upper",
    "Performance (% positive)": "Performance (% positive)", "Soglia di performance": "Performance split",
    "Quadrante": "Quadrant", "Importanza incerta": "Importance uncertain", "sì": "yes", "no": "no",
    "performance non pubblicata": "performance not published",
    "Cosa migliorare prima": "What to improve first",
    "Analisi rifiutata": "Analysis refused", "Motivo tecnico": "Technical reason",
    "Su un periodo più lungo le risposte bastano:": "Over a longer period there are enough answers:",
    "Il trimestre e l'anno che contengono il periodo sono in corso; in questi periodi conclusi le risposte "
    "bastano:": "The quarter and year containing the period are still running; these ended periods have enough "
                "answers:",
    "Scarica la valutazione (JSON)": "Download the evaluation (JSON)",
    "Regola dei quadranti": "Quadrant rule",
    "L'importanza è alta quando la quota di R² dell'aspetto è almeno la quota media":
        "Importance is high when the aspect's share of R² is at least the mean share",
    "la performance è alta quando la quota di giudizi positivi è almeno quella del benchmark nazionale dello stesso tipo di servizio.":
        "performance is high when the positive share is at least the national benchmark of the same service type.",
    "la performance è alta quando la quota di giudizi positivi è almeno la media degli aspetti mostrati.":
        "performance is high when the positive share is at least the mean of the aspects shown.",
    "L'importanza è derivata (pesi relativi), non un rapporto di causa ed effetto.":
        "Importance is derived (relative weights), not a cause-and-effect relation.",
    "Metodo": "Method", "Risposte complete": "Complete responses", "Repliche bootstrap": "Bootstrap replicates",
    "Periodo": "Period", "Aggiorna": "Update", "Unità": "Unit", "Servizio": "Service", "Ente": "Entity",
    "Tipo di servizio": "Service type", "Piani di miglioramento": "Improvement plans",
    "Nuovo piano": "New plan", "Piano di miglioramento": "Improvement plan", "Registra il piano": "Record the plan", "Salva una nuova versione": "Save a new version",
    "Indicatore": "Indicator", "Misura": "Measure", "Periodo di riferimento": "Baseline period",
    "Compilato dal sistema: il dato pubblicato del servizio nel periodo di riferimento.":
        "Filled in by the system: the service's published figure in the baseline period.",
    "Nella misura scelta: una quota in % (per esempio 80 o 80%) o una media da 0 a 100; più alta del valore di riferimento.":
        "In the chosen measure: a share in % (for example 80 or 80%) or a mean from 0 to 100; higher than the baseline value.",
    "Per un PDF o una copia su carta usa «Stampa» del browser: si stampa la sola valutazione.":
        "For a PDF or a paper copy use the browser's “Print”: only the evaluation is printed.",
    "Tabella": "Table",
    "Valore di riferimento": "Baseline value", "Obiettivo": "Target", "Scadenza": "Deadline",
    "Azioni": "Actions", "Responsabile del piano": "Plan owner", "Stato": "Status", "Versione": "Version",
    "Storico delle versioni": "Version history", "Modificato da": "Changed by", "Quando": "When",
    "quota di giudizi positivi (%)": "positive share (%)", "media (0–100)": "mean (0–100)",
    "attivo": "active", "completato": "completed", "ritirato": "withdrawn",
    "Esporta CSV": "Export CSV", "Esporta JSON": "Export JSON", "Nessun piano.": "No plans.",
    "Piano registrato.": "Plan recorded.", "Piano aggiornato.": "Plan updated.",
    "Correggi il campo": "Fix the field", "Valutazione del piano": "Plan evaluation",
    "Prima e dopo": "Before and after", "Periodo di verifica": "Follow-up period",
    "Riferimento": "Baseline", "Verifica": "Follow-up", "Differenza": "Difference", "IC 95% della differenza": "95% CI of the difference",
    "Esito": "Verdict", "Variazione minima rilevabile": "Minimum detectable change", "punti": "points",
    "Obiettivo raggiunto": "Target reached", "Valutazione non possibile": "Evaluation not possible",
    "Tendenza mensile": "Monthly trend", "Tendenza non stimabile": "Trend not estimable",
    "Odds ratio mensile": "Odds ratio per month", "Odds ratio tra {a} e {b}": "Odds ratio from {a} to {b}",
    "Mesi con risposte": "Months with answers",
    "Odds ratio della quota positiva per mese e sull'intervallo osservato, mai estrapolati oltre i mesi osservati; "
    "una tendenza richiede almeno {m} mesi e almeno {e} risposte positive e {e} non positive.":
        "Odds ratios of the positive share per month and over the span observed, never extrapolated beyond the "
        "months observed; a trend needs at least {m} months and at least {e} positive and {e} other answers.",
    "Meno di due anni di mesi: una variazione stagionale (estate, scadenze, iscrizioni) può apparire come tendenza; "
    "confrontare gli stessi mesi di anni diversi.":
        "Less than two years of months: a seasonal pattern (summer, deadlines, enrolments) can read as a trend; "
        "compare the same months of different years.",
    "Il periodo di riferimento ({b}) e quello di verifica ({f}) coprono mesi diversi dell'anno: parte della "
    "variazione può essere stagionale (estate, scadenze, iscrizioni); per escluderlo confrontare gli stessi mesi "
    "di anni diversi.":
        "The baseline period ({b}) and the follow-up period ({f}) cover different months of the year: part of the "
        "change may be seasonal (summer, deadlines, enrolments); to rule this out, compare the same months of "
        "different years.",
    "Mesi": "Months", "Mese": "Month",
    "Quota positiva (%)": "Positive share (%)", "Tendenza stimata (%)": "Estimated trend (%)",
    "Quota positiva per mese e tendenza stimata": "Positive share per month and estimated trend",
    "rising": "rising", "falling": "falling", "no detectable trend": "no detectable trend",
    "in aumento": "rising", "in calo": "falling", "nessuna tendenza rilevabile": "no detectable trend",
    "Il confronto descrive una variazione tra due periodi: non dice che sia dovuta alle azioni del piano.":
        "The comparison describes a change between two periods: it does not say the plan's actions caused it.",
    "il periodo di verifica coincide con quello di riferimento.": "the follow-up period is the baseline period.",
    "il periodo di verifica deve iniziare dopo la fine del periodo di riferimento: è precedente o si sovrappone.":
        "the follow-up period must begin after the baseline period ends: it is earlier or overlaps it.",
    "nessuna risposta": "no answers", "dato oscurato": "suppressed figure",
    "analisi dei fattori non disponibile: il questionario del servizio non pone le domande su {x}.":
        "no driver analysis: the service's questionnaire does not ask about {x}.",
    "analisi dei fattori non ancora possibile: servono almeno {n} risposte complete (soddisfazione e ogni aspetto) nel mese {p}, nel suo trimestre o nel suo anno (un trimestre o un anno conta quando è finito: i suoi dati si pubblicano allora). Il collegamento comparirà quando il servizio le avrà raccolte.":
        "no driver analysis yet: it needs at least {n} complete answers (satisfaction and every aspect) in the month "
        "{p}, its quarter or its year (a quarter or a year counts once it has ended: its figures are published "
        "then). The link will appear once the service has collected them.",
    "il mese {p} ha troppo poche risposte complete: l'analisi è sul periodo più lungo che ne ha abbastanza.":
        "the month {p} has too few complete answers: the analysis covers the shortest longer period that has enough.",
    "«{f}»": "\u201c{f}\u201d",  # a field named in a refusal
    "Intervallo molto ampio: con {m} mesi e queste risposte la tendenza è molto incerta; servono più mesi o più risposte.":
        "A very wide interval: with {m} months and these answers the trend is very uncertain; more months or more "
        "answers are needed.",
    "Valuta": "Evaluate", "Modifica": "Edit", "Fattori": "Drivers", "Torna ai piani": "Back to the plans",
    "Periodo di verifica non indicato: l'ultimo periodo completo con dati dopo il riferimento.":
        "No follow-up period chosen: the latest complete period with data after the baseline.",
    "periodo in corso: i suoi dati si pubblicano quando è finito.":
        "a period still running: its figures are published once it has ended.",
    "Periodo di verifica non indicato: il periodo dopo il riferimento, ancora in corso: si valuta quando è finito.":
        "No follow-up period chosen: the period after the baseline, still running: it is evaluated once it has ended.",
    "Periodo di verifica non indicato: il periodo dopo il riferimento (ancora senza risposte).":
        "No follow-up period chosen: the period after the baseline (no answers yet).",
    "non accertabile": "cannot be established",
    "Obiettivo {t} non accertabile:": "Target {t} cannot be established:",
    "Cambio di questionario in {m}: i due periodi non raccolgono la domanda nella stessa versione, e la variazione "
    "può essere dovuta al nuovo strumento oltre che al servizio.":
        "A questionnaire break in {m}: the two periods do not hold the same version of the question, and the change "
        "may be due to the new instrument as well as to the service.",
    "c'è un cambio di questionario in {m}: il periodo di riferimento e quello di verifica non raccolgono la domanda "
    "nella stessa serie, e le medie di serie diverse non si confrontano.":
        "a questionnaire break in {m}: the baseline and the follow-up do not hold the same series of the question, and "
        "means of different series are not compared.",
    "Obiettivo {t} raggiunto: l'IC 95% del valore di verifica ({lo} – {hi}) è tutto all'obiettivo o sopra.":
        "Target {t} reached: the 95% CI of the follow-up value ({lo} – {hi}) is wholly at or above the target.",
    "Obiettivo {t} non raggiunto: l'IC 95% del valore di verifica ({lo} – {hi}) è tutto sotto l'obiettivo.":
        "Target {t} not reached: the 95% CI of the follow-up value ({lo} – {hi}) is wholly below the target.",
    "Obiettivo {t} non accertabile: l'IC 95% del valore di verifica ({lo} – {hi}) comprende l'obiettivo, quindi con queste risposte non si può dire se è raggiunto.":
        "Target {t} cannot be established: the 95% CI of the follow-up value ({lo} – {hi}) holds the target, so these answers cannot tell whether it is reached.",
    "Obiettivo {t} non accertabile: il valore di verifica non ha un intervallo di confidenza.":
        "Target {t} cannot be established: the follow-up value has no confidence interval.",
    "metodo del test": "test method",
    "intervallo di Newcombe (dai due intervalli di Wilson) e test score per due proporzioni":
        "Newcombe's interval (from the two Wilson intervals) and the score test for two proportions",
    "intervallo e test t di Welch (varianze diverse)": "Welch's interval and t test (unequal variances)", "(AAAA-MM, AAAA-Qn, AAAA)": "(YYYY-MM, YYYY-Qn, YYYY)",
}

#: Italian labels of what the registry stores (English through :data:`EN`).
STATUS = {"active": "attivo", "completed": "completato", "withdrawn": "ritirato"}
MEASURE = {"top2": "quota di giudizi positivi (%)", "mean": "media (0–100)"}
#: the evaluation's methods (``Change.method``) in words, for the page (the JSON keeps the codes)
METHOD = {"newcombe-hybrid-score; score test":
          "intervallo di Newcombe (dai due intervalli di Wilson) e test score per due proporzioni",
          "welch": "intervallo e test t di Welch (varianze diverse)"}
TREND = {"rising": "in aumento", "falling": "in calo", "no detectable trend": "nessuna tendenza rilevabile"}


def install() -> None:
    for k, v in EN.items():
        i18n.EN.setdefault(k, v)
