"""English for the service type's comparison page, the legends and charts around it, and a few later texts of
other pages (a value's absence, the services' administration, the Exports page): merged into :data:`.i18n.EN`
when :mod:`.i18n` is imported."""
from __future__ import annotations

EN: dict[str, str] = {}
EN.update({  # an empty service type table says why (data_units.empty_note)
    "Nessun ente di questo tipo di servizio ha risposte a questa domanda nel periodo {p}.":
        "No entity of this service type has answers to this question in the period {p}.",
    "Nessun ente di questo tipo di servizio ha risposte a questa domanda nel periodo {p} con i filtri scelti ({f}): "
    "senza filtri si vedono tutti gli enti.":
        "No entity of this service type has answers to this question in the period {p} with the chosen filters ({f}): "
        "without filters every entity is shown.",
})

EN.update({  # a funnel whose every chosen unit is hidden draws nothing (data_units.UNIT_NOTES[...]["hidden"])
    "Nessun valore pubblicato tra gli enti scelti (meno di {n} risposte: oscurato): il funnel non ha punti da "
    "disegnare. La tabella dice lo stato di ciascuno.": "No published value among the chosen entities (fewer than "
    "{n} responses: suppressed): the funnel has no point to draw. The table gives each one's status.",
    "Nessun valore pubblicato tra i servizi scelti (meno di {n} risposte: oscurato): il funnel non ha punti da "
    "disegnare. La tabella dice lo stato di ciascuno.": "No published value among the chosen services (fewer than "
    "{n} responses: suppressed): the funnel has no point to draw. The table gives each one's status.",
})

EN.update({  # a comparison of services says "servizi" (data_units.UNIT_NOTES["service"])
    "Nessun servizio di questo tipo ha risposte a questa domanda nel periodo {p}.":
        "No service of this type has answers to this question in the period {p}.",
    "Nessun servizio di questo tipo ha risposte a questa domanda nel periodo {p} con i filtri scelti ({f}): "
    "senza filtri si vedono tutti i servizi.":
        "No service of this type has answers to this question in the period {p} with the chosen filters ({f}): "
        "without filters every service is shown.",
    "Con meno di {n} servizi pubblicati un funnel plot non è informativo: ecco la tabella.":
        "With fewer than {n} published services a funnel plot is not informative: here is the table.",
    "Meno di 2 servizi pubblicati: non c'è nulla da confrontare né da ordinare.":
        "Fewer than 2 published services: there is nothing to compare or rank.",
    "Nessuna graduatoria: non c'è evidenza di differenze tra i servizi (varianza tra servizi stimata τ² = 0).":
        "No ranking: no evidence of differences between the services (estimated between-service variance τ² = 0).",
    "Ranghi delle stime empirical-Bayes con intervalli del rango al 95% (nella colonna accanto): un servizio può "
    "trovarsi in qualunque posizione del suo intervallo; stime pubblicate uguali condividono il rango (=); "
    "«significativo» è il flag FDR di Benjamini-Hochberg (q < 5%) su tutti i servizi.":
        "Ranks of the empirical-Bayes estimates with 95% rank intervals (in the next column): a service may be at "
        "any position of its interval; equal published estimates share a rank (=); \"significant\" is the "
        "Benjamini-Hochberg FDR flag (q < 5%) over all services.",
})

EN.update({  # a breakdown card of a question the questionnaires concerned do not ask (data_units)
    "Non rilevato: i questionari di questo tipo di servizio non pongono questa domanda.":
        "Not collected: the questionnaires of this service type do not ask this question.",
    "Non rilevato: i questionari dei servizi dell'ente non pongono questa domanda.":
        "Not collected: the questionnaires of the entity's services do not ask this question.",
})

EN.update({  # the comparison's columns in words (_macros.legend(ranks=True), the service type page)
    "le posizioni in classifica che l'ente può occupare, date le risposte raccolte: «1–4» vuol dire che potrebbe "
    "essere dal 1° al 4° posto. Se gli intervalli di due enti si sovrappongono, i dati non dicono quale dei due va "
    "meglio.":
        "the positions in the ranking the entity may hold, given the responses collected: \"1–4\" means it could be "
        "anywhere from 1st to 4th. When two entities' intervals overlap, the data do not say which of the two does "
        "better.",
    "il valore dell'ente avvicinato al benchmark nazionale, tanto più quanto meno risposte ha (metodo empirical "
    "Bayes): un ente con poche risposte non finisce primo o ultimo per caso. La classifica usa questa stima.":
        "the entity's value moved towards the national benchmark, the more so the fewer responses it has "
        "(empirical-Bayes method): an entity with few responses does not come first or last by chance. The ranking "
        "uses this estimate.",
    "fuori dai limiti: l'ente si discosta dal benchmark nazionale più di quanto il caso spieghi con il suo numero "
    "di risposte; entro i limiti: la differenza può essere dovuta al caso.":
        "outside the limits: the entity differs from the national benchmark by more than chance explains with its "
        "number of responses; inside the limits: the difference may be due to chance.",
    "«significativamente sopra» o «sotto» il benchmark solo quando la differenza resta anche tenendo conto che si "
    "confrontano molti enti insieme (chi guarda molti enti ne trova sempre qualcuno diverso per caso).":
        "\"significantly above\" or \"below\" the benchmark only when the difference holds even allowing for "
        "comparing many entities at once (whoever looks at many entities always finds some that differ by chance).",
})

EN.update({"per questo un totale può differire di poco dalla somma delle sue righe (ogni cella ha il suo rumore)":
           "so a total may differ slightly from the sum of its rows (each cell has its own noise)"})
EN.update({"Mostra {p}": "Show {p}"})  # a running period's 400 page links the ended one (error.html)
EN.update({"Confronta": "Compare", "enti": "entities", "servizi": "services"})  # the service type's level
EN.update({  # a chart with nothing to draw, and an entity's trend of a type whose questionnaires do not ask
    "Nessun valore da disegnare: in ogni periodo le risposte sono meno di {n} (valore oscurato) o mancano. "
    "La tabella dice lo stato di ciascun periodo.":
        "Nothing to draw: in every period there are fewer than {n} responses (value suppressed) or none. "
        "The table gives the status of each period.",
    "Non rilevato: i questionari dei servizi dell'ente di questo tipo non pongono questa domanda.":
        "Not collected: the questionnaires of the entity's services of this type do not ask this question.",
})
EN.update({"Andamento del tipo di servizio": "Trend of the service type",  # the service type page's trend
           "Benchmark nazionale per periodo": "National benchmark per period"})

EN.update({  # the legend in words a reader who is not a statistician understands (_macros.legend)
    "In parole semplici: gli enti differiscono tra loro più di quanto spieghi il caso, per ragioni comuni a molti; "
    "i limiti sono allargati perché un ente risulti fuori solo per una differenza davvero sua.":
        "In plain words: the entities differ from one another by more than chance explains, for reasons many share; "
        "the limits are widened so that an entity is outside them only for a difference truly its own.",
    "con così poche risposte si potrebbe riconoscere chi ha risposto":
        "with so few responses who answered could be recognised",
    "il valore può cambiare molto da un periodo all'altro per caso; guardare il suo IC 95%":
        "the value may change a lot from one period to the next by chance; look at its 95% CI",
    "intervallo di confidenza al 95%: i valori compatibili con le risposte raccolte, tenuto conto del solo caso; è "
    "più stretto quante più sono le risposte e non tiene conto di chi sceglie di rispondere. Due valori con "
    "intervalli molto sovrapposti possono non essere davvero diversi.":
        "the 95% confidence interval: the values compatible with the responses collected, allowing for chance "
        "alone; it is narrower the more responses there are and does not account for who chooses to answer. Two "
        "values whose intervals overlap a lot may not really differ.",
})

EN.update({  # a chart's text alternative (data.Chart.alt)
    "grafico di {y} per {x}": "chart of {y} by {x}", "grafico": "chart", "serie: {s}": "series: {s}",
    "i valori ({n} righe) sono nella tabella dei dati del grafico che segue":
        "the values ({n} rows) are in the chart's data table that follows",
})

EN.update({  # registry administration: the services page (issue 19)
    "Origini ammesse": "Allowed origins", "Codice da incollare": "Snippet to paste",
    "Modalità di prova": "Test mode",
    "sì, fino al {until} (ora italiana)": "yes, until {until} (Italian time)", "ore": "hours",
    "Nomi nelle altre lingue": "Names in other languages", "Campi": "Fields", "Contesto": "Context",
    "Codice IPA dell'ente (token entity, operator e backend)": "The entity's IPA code (entity, operator and backend tokens)",
    "Responsabile (può creare token dell'ente)": "Manager (may create the entity's tokens)",
    "Una pagina in una lingua senza nome mostra il nome italiano.":
        "A page in a language without a name shows the Italian name.",
})

EN.update({  # why a value is absent (data.ABSENT): the dash's title, the legend, a chart with nothing to draw
    "la quota positiva non si pubblica per una cella che unisce a quelle di altri strumenti le risposte di una misura "
    "che non è la misura principale dell'indicatore (la chiarezza della pagina di Designers Italia accanto alla "
    "chiarezza dei servizi): le due domande non si confrontano. Le risposte (N) sono contate; la quota di ciascuno "
    "strumento è nella tabella «Per strumento e scala»":
        "no positive share is published for a cell pooling the answers to a measure that is not the indicator's "
        "headline measure with other instruments' (Designers Italia's page clarity beside the services' clarity): "
        "the two questions do not compare. The responses (N) are counted; each instrument's share is in the table "
        "«By instrument and scale»",
    "nessuna risposta": "no responses",
    "nessuna risposta conta in questa cella: nel periodo non ne è arrivata alcuna":
        "no response counts in this cell: none arrived in the period",
    "Nessun valore da disegnare.": "Nothing to draw.", "In ogni periodo": "In every period", "In {p}": "In {p}",
    "La tabella dice lo stato di ciascun periodo.": "The table gives the status of each period.",
})

EN.update({"Con tutti i periodi, frequenza {f}:": "With all periods, frequency {f}:"})  # the Exports page
EN.update({  # a service type with two published units (warehouse.console.data_units: no shrinkage, their difference)
    **{f"Due soli {p} pubblicati: la stima e l'intervallo di ciascuno sono i suoi, senza stime empirical-Bayes (con due "
       f"{p} la variabilità tra {p} non si può stimare e la contrazione dipenderebbe da un'ipotesi, non dai dati). Il "
       "confronto è la loro differenza; l'intervallo del rango è un solo posto soltanto se la differenza è significativa.":
       f"Only two published {e}: each one's estimate and interval are its own, with no empirical-Bayes estimates (with "
       f"two {e} the variability between {e} cannot be estimated, and shrinking them would follow an assumption, not "
       "the data). The comparison is their difference; the rank interval is a single place only if the difference "
       "is significant." for p, e in (("enti", "entities"), ("servizi", "services"))},
    "Differenza tra {a} e {b}: {d} punti (IC 95% {lo} – {hi}; p {p}): {v}.":
        "Difference between {a} and {b}: {d} points (95% CI {lo} – {hi}; p {p}): {v}.",
    "significativa al 5%": "significant at 5%",
    "non significativa: nessuna evidenza che differiscano": "not significant: no evidence that they differ"})

