"""The words of the reference metadata (:mod:`warehouse.refmeta`) in Italian and English: the SIMS
concepts' names as Istat's quality reports give them in Italian ("Accuratezza e affidabilità") and as
ESS SIMS v2.0 gives them in English, and every text, each an ``(italiano, English)`` pair with
``str.format`` fields (the thresholds and parameters of the protection, the methodology URL).
:func:`name` and :func:`text` pick the language; no text is left in one language only (a test)."""
from __future__ import annotations

#: SIMS code → (Italian, English) name of the concept.
NAMES = {
    "S.3": ("Presentazione statistica", "Statistical presentation"),
    "S.3.1": ("Descrizione dei dati", "Data description"),
    "S.3.2": ("Sistema di classificazione", "Classification system"),
    "S.3.3": ("Copertura settoriale", "Sector coverage"),
    "S.3.4": ("Concetti e definizioni statistiche", "Statistical concepts and definitions"),
    "S.3.5": ("Unità statistica", "Statistical unit"),
    "S.3.6": ("Popolazione statistica", "Statistical population"),
    "S.3.7": ("Area di riferimento", "Reference area"),
    "S.3.8": ("Copertura temporale", "Time coverage"),
    "S.4": ("Unità di misura", "Unit of measure"),
    "S.5": ("Periodo di riferimento", "Reference period"),
    "S.7": ("Riservatezza", "Confidentiality"),
    "S.13": ("Accuratezza e affidabilità", "Accuracy and reliability"),
    "S.14": ("Tempestività e puntualità", "Timeliness and punctuality"),
    "S.15": ("Coerenza e comparabilità", "Coherence and comparability"),
    "S.17": ("Revisione dei dati", "Data revision"),
    "S.18": ("Trattamento statistico", "Statistical processing"),
}

T = {
    "S.3.1": (
        "Giudizi degli utenti dei servizi pubblici italiani sul servizio appena utilizzato, raccolti con i "
        "questionari standard di Ascolto (cx-core e i suoi moduli, le componenti di valutazione di Designers "
        "Italia, le tre facce). Serie per indicatore (soddisfazione, facilità, chiarezza, rapidità, fiducia): "
        "<IND>_POS, la quota di giudizi positivi in % (le categorie più alte della scala propria di ciascun "
        "quesito: 4-5 su cinque punti o stelle, la faccia sorridente, sì), l'indicatore principale, confrontabile "
        "tra strumenti; <IND>_MEAN, il punteggio medio su 0-100, pubblicato solo per le celle le cui risposte "
        "provengono da una sola scala, strumento, formulazione e serie; TASK_COMPLETED_YES|PARTLY|NO, quote; "
        "MOD_<MODULO>__<QUESITO>_POS|MEAN, i quesiti propri di un modulo (solo i servizi che usano quel modulo; "
        "nella tavola per strumento), la cui etichetta di INDICATOR indica, per un quesito sì/no o a scelta, la "
        "risposta contata come positiva e quelle escluse dalla quota. Ogni valore con il suo intervallo al 95% "
        "(LOWER_BOUND, UPPER_BOUND) e il numero di risposte (N_RESP, perturbato).",
        "Judgements of users of Italian public services on the service they have just used, from the "
        "standard Ascolto questionnaires (cx-core and its modules, the Designers Italia rating "
        "components, the three faces). Series per indicator (satisfaction, ease, clarity, speed, trust): "
        "<IND>_POS, the share of positive judgements in % (the top categories of each item's own scale: "
        "4-5 of five points or stars, the happy face, yes), the headline comparable across instruments; "
        "<IND>_MEAN, the mean score on 0-100, published only for cells whose answers come from one scale, "
        "instrument, wording and series; TASK_COMPLETED_YES|PARTLY|NO, shares; MOD_<MODULE>__<ITEM>_POS|MEAN, "
        "a module's own items (the services using that module only; in the table by instrument), whose "
        "INDICATOR label names, for a yes/no or choice item, the answer counted as positive and those "
        "left out of the share. Each value with its 95% "
        "interval (LOWER_BOUND, UPPER_BOUND) and the number of responses (N_RESP, perturbed)."),
    "S.3.2": (
        "REF_AREA: regione NUTS-2 dell'amministrazione (IT = Italia); PA_TYPE: categorie IPA; SERVICE_TYPE: la "
        "tassonomia dei tipi di servizio di Ascolto; FREQ, INSTRUMENT, SCALE, CHANNEL, INDICATOR, UNIT_MEASURE, "
        "UNIT_MULT, DECIMALS, OBS_STATUS, PROVISIONAL, CONF_STATUS, CI_STATUS, CKM_PERTURBED: le liste di codici "
        "della struttura SDMX (ascolto export --format sdmx-structure) e del file <nome>.codelists.csv, con "
        "etichette in italiano e in inglese. _T = totale, _U = non noto.",
        "REF_AREA: NUTS-2 region of the administration (IT = Italy); PA_TYPE: IPA categories; "
        "SERVICE_TYPE: the Ascolto service-type taxonomy; FREQ, INSTRUMENT, SCALE, CHANNEL, INDICATOR, "
        "UNIT_MEASURE, UNIT_MULT, DECIMALS, OBS_STATUS, PROVISIONAL, CONF_STATUS, CI_STATUS, CKM_PERTURBED: the "
        "codelists of the SDMX structure (ascolto export --format sdmx-structure) and of the <name>.codelists.csv "
        "file, labels in Italian and English. _T = total, _U = unknown."),
    "S.3.3": (
        "Le pubbliche amministrazioni che hanno aderito ad Ascolto e i servizi che hanno registrato; l'adesione è "
        "volontaria, quindi le amministrazioni coperte non sono un campione di tutte le amministrazioni italiane.",
        "Public administrations that have joined Ascolto and the services they registered; participation "
        "is voluntary, so the administrations covered are not a sample of all Italian administrations."),
    "S.3.4": (
        "Quota positiva: risposte positive / risposte al quesito, secondo la scala propria del quesito "
        "(metodologia: {methodology}). Media: media dei punteggi 0-100 di una sola scala. Un rispondente conta "
        "una volta per invio (invii ripetuti con lo stesso identificativo sono registrati una volta); le "
        "risposte automatiche (di prova) sono escluse.",
        "Positive share: positive answers / answers to the item, per the item's own scale (methodology: "
        "{methodology}). Mean: average of the 0-100 scores of one scale. A respondent counts "
        "once per submission (repeated submissions with the same id are stored once); automated "
        "(test) answers are excluded."),
    "S.3.5": ("Una risposta (invio) a un questionario su un servizio.",
              "One response (submission) to a questionnaire about one service."),
    "S.3.6": (
        "Risposte degli utenti che hanno scelto di rispondere (adesione spontanea). Non c'è lista di campionamento "
        "né probabilità di selezione: le stime descrivono i rispondenti, non tutti gli utenti dei servizi.",
        "Responses of users who chose to answer (opt-in). There is no sampling frame and no selection "
        "probability: the figures describe the respondents, not all users of the services."),
    "S.3.7": ("Italia; regioni secondo la sede dell'amministrazione, non del rispondente.",
              "Italy; regions by the seat of the administration, not of the respondent."),
    "S.4": ("PC: percentuale (quote e loro limiti); PT: punti su 0–100 (medie e loro limiti); UNIT_MULT 0 (unità) "
            "e DECIMALS 4; N_RESP: numero di risposte dopo la perturbazione cell-key.",
            "PC: percent (shares and their bounds); PT: points on 0–100 (means and their bounds); UNIT_MULT 0 "
            "(units) and DECIMALS 4; N_RESP: number of responses after cell-key perturbation."),
    "S.5": ("Il mese in cui il collettore ha ricevuto la risposta (ora di Europe/Rome); trimestri e anni "
            "aggregano i loro mesi.",
            "The month in which the collector received the response (Europe/Rome time); "
            "quarters and years aggregate their months."),
    "S.7": (
        "Ogni conteggio è perturbato con il metodo cell-key (p-table con deviazione massima {d} e varianza {v}); "
        "ogni valore pubblicato deriva da conteggi perturbati. Le celle il cui n vero o perturbato è inferiore a "
        "{m}, o in cui la perturbazione non lascia risposte nelle categorie, non mostrano né valore né n "
        "(OBS_STATUS=Q, CONF_STATUS=A); non c'è soppressione secondaria. I microdati (ad accesso riservato) "
        "contengono solo le righe i cui identificativi indiretti sono condivisi da almeno {k} risposte.",
        "Every count is perturbed by the cell-key method (p-table with maximum deviation {d} and "
        "variance {v}); every published figure derives from perturbed counts. Cells whose true or "
        "perturbed n is below {m}, or with no answer left in their categories by the perturbation, "
        "show neither value nor n (OBS_STATUS=Q, CONF_STATUS=A); there is no secondary "
        "suppression. Microdata (restricted) release only rows whose quasi-identifiers are shared by "
        "at least {k} responses."),
    "sampling_error": (
        "Quote positive: intervallo di Wilson al 95%; medie: intervallo t di Student al 95% (CI_STATUS indica "
        "quando è degenere o non definito); n è quello pubblicato. Entrambi aggiungono alla varianza "
        "campionaria la varianza del rumore cell-key ({v} per conteggio, metodo delta): l'intervallo di Wilson "
        "alla numerosità effettiva, l'intervallo t con la varianza sommata. OBS_STATUS=U segnala meno di {low} "
        "risposte (bassa affidabilità); nel primo periodo dopo un'interruzione "
        "dichiarata ne prende il posto OBS_STATUS=B (uno stato per osservazione): lì lo dice N_RESP inferiore "
        "a {low}. Una combinazione senza risposte non ha osservazione (JSON-stat: valore nullo con stato O; "
        "M dove la serie non è definita per la cella).",
        "Positive shares: Wilson score 95% interval; means: Student t 95% interval "
        "(CI_STATUS says when it is degenerate or undefined); n is the published n. "
        "Both add the variance of the cell-key noise ({v} per count, delta method) to the "
        "sampling variance: the Wilson interval at the effective sample size, the t interval "
        "with the summed variance. OBS_STATUS=U marks fewer than {low} responses (low reliability); "
        "in the first period after a declared break OBS_STATUS=B takes its place (one "
        "status per observation): there N_RESP below {low} says it. A combination without responses has no "
        "observation (JSON-stat: a null value with status O; M where the series is not defined for the cell)."),
    "non_sampling_error": (
        "Autoselezione: rispondono di più i molto soddisfatti e i molto insoddisfatti, i canali digitali "
        "raggiungono gli utenti digitali; i tassi di risposta differiscono tra servizi e canali. Queste "
        "distorsioni non sono negli intervalli, che descrivono solo il rumore casuale (campionamento e "
        "perturbazione). Non si applicano ponderazione, imputazione o calibrazione. Gli effetti della modalità "
        "tra strumenti (una faccia allo sportello, un modulo web) restano nelle quote positive aggregate: le "
        "disaggregazioni per INSTRUMENT e CHANNEL li mostrano.",
        "Self-selection: the very satisfied and the very dissatisfied answer more, digital channels reach "
        "digital users; response rates differ between services and channels. These biases are not in "
        "the intervals, which describe random noise only (sampling and perturbation). No weighting, imputation "
        "or calibration is applied. Mode effects between instruments (a face at a desk, a web form) remain in "
        "pooled positive shares: the INSTRUMENT and CHANNEL breakdowns show them."),
    "S.14": (
        "La raccolta è continua; una risposta è registrata entro pochi secondi dalla ricezione ed entra nelle "
        "tavole quando il suo periodo è finito (ora italiana): un periodo ancora in corso non è pubblicato.",
        "Collection is continuous; a response is stored within seconds of its receipt and enters the tables "
        "once its period has ended (Europe/Rome): a period still running is not published."),
    "S.15": (
        "Una modifica dichiarata di un quesito avvia una nuova serie: il suo primo periodo ha OBS_STATUS=B; "
        "medie, funnel e graduatorie non aggregano mai a cavallo dell'interruzione. Le medie non aggregano mai "
        "scale o strumenti diversi (sono invece omesse). Con il metodo cell-key le tavole non sono additive: un "
        "margine differisce leggermente dalla somma delle celle pubblicate, e un trimestre dalla somma dei suoi "
        "mesi. Il primo periodo può coprire solo una parte dei suoi mesi (lo dice COMMENT_OBS).",
        "A declared change of a questionnaire item starts a new series: its first period carries OBS_STATUS=B; "
        "means, funnels and rankings never pool across it. Means are never pooled across scales or "
        "instruments (withheld instead). Under the cell-key method tables are not additive: a margin differs "
        "slightly from the sum of its published cells, and a quarter from the sum of its months. The first "
        "period may cover only part of its months (COMMENT_OBS says so)."),
    "policy": (
        "Le tavole sono calcolate a richiesta dai dati correnti; 'data_as_of' è il giorno della risposta più "
        "recente dell'intervallo descritto ('updated' di JSON-stat, il giorno della risposta più recente di tutti "
        "i dati, è la data dell'insieme di dati da cui l'esportazione è tratta). Un periodo "
        "ancora in corso non è pubblicato (PROVISIONAL resta vuoto). Un periodo concluso può ancora cambiare quando risposte ricevute in esso sono registrate in "
        "ritardo: la coda del collettore rielaborata dopo un'interruzione del broker, un arretrato del "
        "processore, o dati storici caricati con le loro date originali. I rilasci trimestrali (ascolto publish "
        "--period AAAA-Qn) sono congelati e versionati: una modifica dei loro valori pubblicati diventa una "
        "nuova versione (v2, ...) con una nota e il numero di osservazioni riviste, aggiunte e rimosse (una "
        "ripubblicazione con valori identici non è una revisione); le versioni precedenti restano disponibili. "
        "I parametri e il segreto della perturbazione sono fissi per tutta la vita dei dati, così dati invariati "
        "danno valori invariati in ogni esportazione.",
        "The tables are computed on demand from the live dataset; 'data_as_of' is the day of the newest "
        "response in the range described (JSON-stat's 'updated', the newest response of all the data, dates "
        "the dataset the export was taken from). A period still "
        "running is not published (PROVISIONAL stays empty). A completed period can still change when "
        "responses received in it are stored late: the collector's spool replayed after a broker outage, "
        "a processor backlog, or history loaded by backfill with its original dates. Quarterly releases "
        "(ascolto publish --period YYYY-Qn) are frozen and versioned: a change of their published figures "
        "becomes a new version (v2, ...) with a note and the counts of revised, added and removed observations "
        "(a republication with identical figures is not a revision); earlier versions "
        "stay available. The perturbation parameters and secret are fixed for the life of the data, so "
        "unchanged data give unchanged figures in every export."),
    "practice": ("Le revisioni sono pubblicate solo come nuove versioni del rilascio; non c'è destagionalizzazione.",
                 "Revisions are published only as new release versions; there is no seasonal adjustment."),
    "source_data": (
        "Questionari compilati sulle pagine web e nelle app delle amministrazioni (widget, modulo), ai totem, "
        "agli sportelli e al telefono (gli operatori registrano il giudizio con le tre facce).",
        "Questionnaires answered on administrations' web pages and apps (widget, form), "
        "kiosks, front offices and phone (operators record the three-face judgement)."),
    "data_collection": (
        "I questionari standard elencati sotto, per versione pubblicata. Un'osservazione aggrega le versioni del "
        "suo INSTRUMENT che hanno avuto risposte nel periodo; le versioni di una stessa serie (lo stesso "
        "series_from_version) sono aggregate, una versione che dichiara un'interruzione avvia una nuova serie "
        "(il suo primo periodo: OBS_STATUS=B) e le medie non aggregano mai serie diverse.",
        "The standard questionnaires below, by published version. An observation pools the versions of its "
        "INSTRUMENT that answered in its period; versions of one series (the same series_from_version) "
        "are pooled, a version declaring a break starts a new series (its first period: OBS_STATUS=B) "
        "and means are never pooled across series."),
    "frequency_of_data_collection": ("Continua.", "Continuous."),
    "data_validation": (
        "Ogni invio è validato rispetto alla versione del suo questionario dal collettore e di nuovo dal "
        "processore; i record non validi sono tenuti a parte (dataset degli scarti), mai nelle tavole; i "
        "duplicati per identificativo di invio sono registrati una volta.",
        "Every submission is validated against its questionnaire version by the collector "
        "and again by the processor; invalid records are kept apart (failed dataset), never "
        "in the tables; duplicates by submission id are stored once."),
    "data_compilation": (
        "Ogni versione di questionario dichiara come i suoi quesiti corrispondono agli indicatori canonici "
        "(punteggi 0-100, risposte positive per scala); quote e medie sono calcolate per cella dai conteggi "
        "perturbati per categoria di risposta.",
        "Each questionnaire version declares how its items map to the canonical indicators "
        "(0-100 scores, positive answers per scale); shares and means are computed per cell "
        "from perturbed counts per answer category."),
    "adjustment": ("Nessuno: nessuna ponderazione, imputazione, calibrazione o destagionalizzazione.",
                   "None: no weighting, imputation, calibration or seasonal adjustment."),
    # S.13's perturbation (warehouse.refmeta.perturbation_words)
    "no_perturbation": ("Nessuna perturbazione: i conteggi sono pubblicati come sono (protezione disattivata).",
                        "No perturbation: the counts are published as they are (protection off)."),
    "noise_effect": ("circa 5 punti su una quota per le celle di 10-29 risposte e circa 12 per quelle di 3-9",
                     "about 5 points on a share for cells of 10-29 and about 12 for cells of 3-9"),
    "noise_at_defaults": (
        "con i valori predefiniti D = 2, V = 1 (variazione assoluta media {default}) è stato misurato in "
        "{effect}; qui il rumore è impostato a D = {D}, V = {V}",
        "at the default D = 2, V = 1 (mean absolute change {default}) it was measured at {effect}; here the "
        "noise is set to D = {D}, V = {V}"),
    "perturbation": (
        "Il rumore cell-key è al massimo {D} per conteggio (variazione assoluta media di n circa {mad}); è "
        "trascurabile per le celle di 100 risposte o più; {effect}; gli intervalli pubblicati lo includono.",
        "The cell-key noise is at most {D} per count (mean absolute change of n about {mad}); it is negligible "
        "for cells of 100 or more responses; {effect}; the published intervals include it."),
}


def name(code: str, lang: str) -> str:
    """The key of a SIMS concept in ``lang``: its code and name (``"S.13 Accuratezza e affidabilità"``)."""
    return f"{code} {NAMES[code][1 if lang == 'en' else 0]}"


def text(key: str, lang: str, **fields) -> str:
    """The text ``key`` of :data:`T` in ``lang`` (``it`` or ``en``), its fields filled with ``fields``."""
    return T[key][1 if lang == "en" else 0].format(**fields)
