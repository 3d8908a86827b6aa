"""English for the workspace, onboarding and coverage pages (merged into :data:`.i18n.EN`)."""
from __future__ import annotations

from . import i18n

EN = {
    "Area dell'ente": "Entity workspace", "Commenti dei cittadini": "Citizens' comments",
    "Token dell'ente": "Entity tokens", "Canale": "Channel", "Verifica": "Check",
    "Verifica la mia pagina": "Check my page", "Verifica ora": "Check now",
    "Arrivano richieste, ma da un'origine non dichiarata: vengono rifiutate. Aggiungi l'origine alla richiesta o "
    "correggi la pagina.": "Requests arrive, but from an origin that was not declared: they are refused. Add the "
                           "origin to the request or correct the page.",
    "Il responsabile web di una pubblica amministrazione può chiedere di raccogliere il parere dei cittadini su un "
    "servizio. Il codice IPA deve essere nell'Indice delle PA.":
        "A public administration's web manager may ask to collect citizens' opinions on a service. The IPA code "
        "must be in the Indice delle PA (the index of public administrations).",
    "Origini delle pagine che ospiteranno il widget (una per riga, es. https://www.comune.example.it)":
        "Origins of the pages that will host the widget (one per line, e.g. https://www.comune.example.it)",
    "rapporto": "report",
    "Nessuna pagina esterna viene consultata: il controllo usa le richieste del widget ricevute dal collettore "
    "negli ultimi {n} giorni.": "No external page is fetched: the check uses the widget's requests the collector "
                                "received in the last {n} days.",
    "Lingua del codice e del modulo": "Language of the code and the form", "Mostra il codice": "Show the code",
    "Posizione rispetto al benchmark nazionale (stesso tipo di servizio)":
        "Position against the national benchmark (same service type)",
    "Confronto non fatto": "Comparison not made", "Per strumento, ciascuno confrontabile": "By instrument, each comparable",
    "il funnel, i confronti FDR e la graduatoria EB unirebbero strumenti che per questo indicatore non si confrontano":
        "the funnel, the FDR comparisons and the EB ranking would pool instruments that do not compare for this "
        "indicator",
    "nessun benchmark: per questo tipo di servizio l'indicatore è raccolto con strumenti che non si confrontano "
    "(per esempio la chiarezza di una pagina e quella di un servizio)":
        "no benchmark: for this service type the indicator is collected with instruments that do not compare "
        "(the clarity of one page and that of a service, say)",
    "nessuna risposta dell'ente nel periodo": "no answers of the entity in the period",
    "nessun benchmark: meno di 3 enti con un dato pubblicato per questo tipo di servizio nel periodo":
        "no benchmark: fewer than 3 entities have a published figure for this service type in the period",
    "non rilevato: i questionari dei servizi non pongono questa domanda":
        "not collected: the services' questionnaires do not ask this question",
    "Enti confrontati": "Entities compared", "Cosa è andato bene": "What went well",
    "Cosa non è andato bene": "What went wrong", "Motivo": "Reason",
    "Le quote sono mostrate per strumento: i questionari di questi servizi chiedono i motivi in modo diverso (una sola risposta o più risposte, o motivi diversi) e le loro quote non si possono sommare.":
        "The shares are shown per instrument: these services' questionnaires ask for the reasons differently (one answer or several, or different reasons) and their shares cannot be pooled.",
    "chiarezza delle indicazioni": "clarity of the information", "completezza": "completeness",
    "orientamento (capire se si procede correttamente)": "orientation (knowing one is on track)",
    "aspetti tecnici": "technical aspects", "rapidità": "speed", "altro": "other",
    "entro i limiti": "within the limits", "sopra il benchmark (95%)": "above the benchmark (95%)",
    "sopra il benchmark (99,8%)": "above the benchmark (99.8%)", "sotto il benchmark (95%)": "below the benchmark (95%)",
    "sotto il benchmark (99,8%)": "below the benchmark (99.8%)",
    "I commenti sono già privati dei dati personali. Sono visibili solo all'ente e allo staff nazionale: non vengono mai pubblicati.":
        "Personal data are already removed from the comments. Only the entity and national staff see them: they are never published.",
    "Periodo (AAAA-MM, AAAA-Qn, AAAA)": "Period (YYYY-MM, YYYY-Qn, YYYY)", "Valutazione": "Rating", "Cerca nel testo": "Search the text",
    "Commenti trovati": "Comments found", "mostrati i più recenti": "showing the newest", "Ricevuto": "Received",
    "Mostrati i più recenti": "Showing the newest",
    "Troppo poche risposte per mostrare i commenti": "Too few answers to show comments",
    "I commenti del mese in corso si vedono quando il mese è finito":
        "The comments of the month in progress are shown once the month is over",
    "Sono mostrati solo i commenti delle selezioni con abbastanza risposte da pubblicarne le statistiche; il numero dei commenti e la valutazione di ciascuno non sono mostrati (tutelano il segreto statistico).":
        "Comments are shown only for selections with enough answers for their figures to be published; the number of comments and each one's rating are not shown (statistical confidentiality).",
    "Commento": "Comment", "Nessun commento.": "No comments.", "Responsabile": "Manager",
    "Aderisci ad Ascolto": "Join Ascolto", "Richiesta ricevuta": "Request received",
    "Codice IPA dell'ente": "IPA code of the administration", "Nome del servizio": "Service name",
    "Canali": "Channels", "Invia la richiesta": "Send the request", "Richieste di adesione": "Join requests",
    "Origini delle pagine": "Origins of the pages", "Troppe richieste: riprova più tardi.": "Too many requests: try again later.",
    "Il registro non risponde: riprova più tardi.": "The registry database cannot be reached or did not answer; retry later.",
    "I dati non si possono leggere: avvisa chi gestisce la console.": "The data cannot be read: tell whoever runs the console.",
    "Richiesta approvata": "Request approved", "Codice da incollare nella pagina": "Code to paste into the page",
    "Link al questionario (da inviare per e-mail o SMS, o da aprire dall'app)":
        "Link to the questionnaire (to send by e-mail or SMS, or to open from the app)",
    "canale": "channel",
    "Allo sportello le risposte può inserirle anche l'operatore, nella pagina «Registrazione giudizi» della console.":
        "At the counter, the operator can also enter the answers, on the console's “Record judgements” page.",
    "L'ente ha già un responsabile: nessun token è stato creato. Il servizio è visibile al responsabile nella sua area, che ne è stata avvisata; chi ha fatto la richiesta riceve solo la chiave del servizio e il codice.":
        "The administration already has a manager: no token was created. The manager sees the service in the workspace, where she is told of it; the requester gets only the service key and the code.",
    "L'ente non ha un responsabile: il token di chi ha fatto la richiesta è stato revocato. Crea un token di responsabile nella pagina Token (ruolo entity, responsabile).":
        "The administration has no manager: the requester's token was revoked. Create a manager token on the Tokens page (role entity, manager).",
    "Attenzione: l'ente ha già un responsabile. Approvando si crea il servizio ma nessun token: chiunque può inviare il modulo con questo codice IPA; il responsabile attuale sarà avvisato nella sua area.":
        "Warning: the administration already has a manager. Approving creates the service but no token: anyone can send the form with this IPA code; the current manager will be told in the workspace.",
    "Lo staff nazionale la verificherà; all'approvazione riceverai la chiave del servizio e il codice da incollare. Il token dell'ente è dato solo alla prima adesione di un ente: se l'ente ha già un responsabile, il servizio comparirà nella sua area e sarà lui a darti un token.":
        "National staff will check it; on approval you get the service key and the code to paste. The administration's token is given only on its first joining: if it already has a manager, the service appears in the manager's workspace and the manager gives you a token.",
    "Servizi aggiunti tramite il modulo di adesione": "Services added through the join form",
    "Il modulo pubblico di adesione non richiede l'accesso: chiunque può chiedere un servizio a nome dell'ente. Questi servizi sono stati approvati dallo staff nazionale senza creare un nuovo token; se non li riconosci, segnalalo allo staff nazionale.":
        "The public join form needs no sign-in: anyone may request a service in the administration's name. National staff approved these services without creating a new token; if you do not recognise them, tell national staff.",
    "richiesta n.": "request no.", "del": "of", "dal modulo pubblico": "from the public form",
    "origini dichiarate": "declared origins", "approvata da": "approved by", "il": "on", "in uso": "in use",
    "Token del responsabile dell'ente: copialo ora, non sarà più mostrato.":
        "The entity manager's token: copy it now, it will not be shown again.",
    "Token del responsabile dell'ente: copialo ora, non sarà più mostrato. Funzionerà solo dopo l'approvazione della richiesta; poi accedi con esso alla console: troverai il servizio, il codice da incollare e potrai dare altri token all'ente.":
        "The entity manager's token: copy it now, it will not be shown again. It works only once the request is approved; then sign in to the console with it: you will find the service, the code to paste, and you can give the administration further tokens.",
    "Prima di approvarla lo staff nazionale chiederà all'ente, al suo indirizzo PEC dell'Indice delle PA, di confermare questo numero di richiesta: avvisa chi la riceve.":
        "Before approving it, national staff will ask the administration, at its PEC address in the IPA index, to confirm this request number: tell whoever receives it.",
    "Il token del responsabile dell'ente, dato a chi ha fatto la richiesta, ora funziona":
        "The entity manager's token, given to the requester, works now",
    "Richieste in attesa": "Pending requests", "in attesa di approvazione": "awaiting approval",
    "Prima adesione dell'ente: approvando si attiva il token del responsabile che chi ha fatto la richiesta ha ricevuto. Prima di approvare chiedi all'ente, al suo indirizzo PEC dell'Indice delle PA, di confermare la richiesta n.":
        "The administration's first joining: approving activates the manager token the requester received. Before approving, ask the administration, at its PEC address in the IPA index, to confirm request no.",
    "Necessarie per il canale web; uno sportello, un totem, il telefono, un'app, l'e-mail o l'SMS non hanno pagine "
    "da indicare.":
        "Needed for the web channel; a counter, a kiosk, the phone, an app, e-mail or SMS have no pages to give.",
    "Servizi senza risposte nel periodo {p} (N 0): {n}.": "Services without answers in the period {p} (N 0): {n}.",
    "Le risposte più recenti si vedono scegliendo il periodo {l} nel menu Periodo.":
        "The latest answers are shown by choosing the period {l} in the Period menu.",
    "Per sapere se il widget di un servizio appena installato riceve richieste, usa «Verifica la mia pagina».":
        "To know whether a newly installed service's widget receives requests, use \u201cCheck my page\u201d.",
    "Media: IC 95% inf.": "Mean: 95% CI low", "Media: IC 95% sup.": "Mean: 95% CI high",
    "Variazione: IC 95% inf.": "Change: 95% CI low", "Variazione: IC 95% sup.": "Change: 95% CI high",
    "Sostituire un token (perso, scaduto o forse visto da altri)": "Replacing a token (lost, expired or perhaps seen by others)",
    "Un token dell'ente (ruolo «ente»): creane uno nuovo con il modulo qui sopra, dallo a chi lo usa, poi revoca il "
    "vecchio.":
        "An entity token (role \u201centity\u201d): create a new one with the form above, give it to whoever uses it, "
        "then revoke the old one.",
    "Il token del responsabile e quelli di back end e di operatore li crea solo lo staff nazionale: chiedi il nuovo, "
    "mettilo in uso (nel back end, o dallo all'operatore), poi revoca qui il vecchio; un back end con il token "
    "revocato riceve 403.":
        "The manager's token and the back-end and operator tokens are created by national staff only: ask for the new "
        "one, put it in use (in the back end, or give it to the operator), then revoke the old one here; a back end "
        "with a revoked token gets 403.",
    "Il token con cui sei entrato («in uso») non si revoca da qui: accedi con il nuovo token del responsabile e "
    "revoca il vecchio da quella sessione.":
        "The token you signed in with (\u201cin use\u201d) is not revoked from here: sign in with the new manager "
        "token and revoke the old one from that session.",
    "Crea un token operatore (ruolo operator, con il codice IPA dell'ente)":
        "Create an operator token (role operator, with the entity's IPA code)",
    "Ogni operatore accede alla console con un proprio token di ruolo operatore dell'ente, che crea l'amministrazione "
    "nazionale (chiedilo indicando il nome dell'operatore: ogni registrazione lo riporta); con quel token la console "
    "apre direttamente «Registrazione giudizi».":
        "Each operator signs in to the console with an operator token of the entity of their own, which national staff "
        "create (ask for it giving the operator's name: every entry records it); with that token the console opens "
        "\u201cRecord judgements\u201d directly.",
    "Le risposte da questo link vengono registrate sul canale del servizio.":
        "Answers given through this link are recorded on the service's channel.",
    "Al telefono le risposte le inserisce l'operatore, nella pagina «Registrazione giudizi» della console, subito dopo la chiamata (con un token di ruolo operatore dell'ente).":
        "On the phone, the operator enters the answers on the console’s “Record judgements” page, right after the call (with an operator token of the entity).",
    "Pagina del chiosco (da aprire sul dispositivo registrato, aggiungendo il suo token)":
        "Kiosk page (to open on the registered device, adding its token)",
    "Il dispositivo lo registra l'amministrazione nazionale; il suo token si mostra una sola volta.":
        "National staff register the device; its token is shown once.",
    "Questo servizio raccoglie le opinioni su un canale senza una pagina del sito: non c'è un widget da verificare.":
        "This service collects feedback on a channel without a web page: there is no widget to check.",
    "Per una prova senza falsare le statistiche, chiedi all'amministrazione nazionale di mettere il servizio in modalità di prova: qui vedi quante risposte arrivano (non le risposte, che possono essere di cittadini) e non sono mai conteggiate.":
        "To try it without skewing the statistics, ask national staff to put the service in test mode: here you see how many answers arrive (not the answers, which may be citizens') and they are never counted.",
    "Approva": "Approve", "Rifiuta": "Reject", "Motivo del rifiuto": "Reason for rejecting",
    "Torna alle richieste": "Back to the requests", "Nessuna richiesta.": "No requests.", "Origini": "Origins",
    "Origini dichiarate": "Declared origins", "Origini viste": "Origins seen", "Origine": "Origin",
    "Dichiarata": "Declared", "Richieste": "Requests", "Rifiutate": "Refused", "Ultima": "Last",
    "Ultimo giorno": "Last day",
    "Richieste degli ultimi 7 giorni per ordine di grandezza, e il giorno dell'ultima: contano anche le risposte "
    "dei cittadini, di cui qui non si mostrano né il numero né l'ora.":
        "Requests of the last 7 days by order of magnitude, and the day of the last one: citizens' answers count "
        "too, and neither their number nor their time is shown here.",
    "Risposte di prova": "Check-up answers", "Codice per una prova": "Code for a check-up",
    "Ultime risposte di prova ricevute": "Latest check-up answers received", "Giorno": "Day",
    "Di ogni prova si mostra il giorno, non l'ora: riconosci la tua dalle risposte date (per esempio un commento "
    "«prova»). Se qui compaiono prove che non hai fatto, la pagina in linea ha ancora data-test: toglilo.":
        "Each check-up shows its day, not its time: recognise yours by the answers you gave (a comment \"test\", say). "
        "If check-ups you did not make appear here, the live page still has data-test: remove it.",
    "Identificativo": "Identifier", "Pagina": "Page", "Nessuna risposta di prova ricevuta.": "No check-up answer received.",
    "Risposte in modalità di prova": "Answers in test mode",
    "Risposte arrivate in modalità di prova": "Answers that arrived in test mode",
    "In modalità di prova ogni risposta è una prova, anche quella di un cittadino: se ne mostra solo l'arrivo (per "
    "giorno e pagina, per ordine di grandezza), mai le risposte. Per vedere le tue risposte usa il codice per una prova.":
        "In test mode every answer is a check-up, a citizen's too: only its arrival is shown (by day and page, by order "
        "of magnitude), never the answers. To see your own answers, use the code for a check-up.",
    "Si disattiva da sola il {until} (ora italiana).": "It switches itself off on {until} (Italian time).",
    "Il servizio è in modalità di prova: ogni risposta è una prova, conservata a parte e mai conteggiata. Disattivala prima di andare in linea.":
        "The service is in test mode: every answer is a check-up, kept apart and never counted. Switch it off before going live.",
    "Per provare il widget senza falsare le statistiche usa questo codice (con data-test) su una pagina di un'origine dichiarata: le risposte arrivano qui e non sono mai conteggiate.":
        "To try the widget without distorting the statistics use this code (with data-test) on a page of a declared origin: the answers arrive here and are never counted.",
    "Il servizio non è attivo: il widget non mostra nulla e le risposte vengono rifiutate. Chiedi allo staff nazionale di riattivarlo.":
        "The service is not active: the widget shows nothing and answers are refused. Ask the national staff to reactivate it.",
    "Il servizio non è attivo: le risposte vengono rifiutate. Chiedi allo staff nazionale di riattivarlo.":
        "The service is not active: answers are refused. Ask the national staff to reactivate it.",
    "nessuna origine (un back end, un'app o un link al modulo)": "no origin (a back end, an app or a link to the form)",
    "non attivo": "not active",
    "Il widget funziona: arrivano richieste dall'origine dichiarata.":
        "The widget works: requests arrive from the declared origin.",
    "Nessuna richiesta del widget ricevuta finora: controlla di aver incollato il codice.":
        "No widget request received so far: check that the code is in the page.",
    "Copertura": "Coverage", "Servizi attivi": "Active services", "obiettivo": "target",
    "Per categoria di PA": "By PA category", "Servizi silenziosi": "Silent services",
    "nessuna risposta da": "no response for", "giorni": "days", "Ultima risposta": "Last response",
    "Servizi sotto la numerosità minima": "Services under the minimum n", "Trimestre": "Quarter", "Nessuno.": "None.",
    "Rispetto al periodo precedente": "Against the previous period", "rispetto a": "against",
    "migliorato": "improved", "peggiorato": "worsened", "nessuna variazione rilevabile": "no detectable change",
    "punti": "points",
    # the national overview's changes since the previous period (overview_changes)
    "Variazione sul periodo precedente": "Change since previous period", "Periodo precedente": "Previous period",
    "Quota positiva nel periodo precedente %": "Positive share in the previous period %",
    "Tipi di servizio con variazioni rilevabili": "Service types with a detectable change",
    "nessun periodo precedente con risposte": "no previous period with responses",
    "nessun valore pubblicato in uno dei due periodi": "no published value in one of the two periods",
    "valore oscurato in uno dei due periodi (troppe poche risposte)":
        "value suppressed in one of the two periods (too few responses)",
    "valore di bassa affidabilità in uno dei due periodi (meno di {n} risposte)":
        "low-reliability value in one of the two periods (fewer than {n} responses)",
    "serie interrotta: è cambiata la versione del questionario": "break in series: the questionnaire version changed",
    "Nessun confronto: nessun periodo precedente con risposte.": "No comparison: no previous period with responses.",
    "Nessun tipo di servizio ha valori pubblicati e confrontabili in entrambi i periodi ({q} e {p}).":
        "No service type has published, comparable values in both periods ({q} and {p}).",
    "Nessun tipo di servizio con una variazione rilevabile rispetto a {q}, tenendo conto del numero di confronti "
    "(tipi di servizio confrontati: {m}).":
        "No service type with a detectable change against {q}, allowing for the number of comparisons "
        "(service types compared: {m}).",
    "Variazioni rilevabili rispetto a {q}, tenendo conto del numero di confronti (Benjamini–Hochberg; tipi di "
    "servizio confrontati: {m}).":
        "Detectable changes against {q}, allowing for the number of comparisons (Benjamini–Hochberg; service types "
        "compared: {m}).",
}


#: Italian labels of the reason categories and funnel flags (English through :data:`EN`).
CODES = {"clarity": "chiarezza delle indicazioni", "completeness": "completezza",
         "orientation": "orientamento (capire se si procede correttamente)", "technical": "aspetti tecnici",
         "speed": "rapidità", "other": "altro", "within": "entro i limiti",
         "above_95": "sopra il benchmark (95%)", "above_99.8": "sopra il benchmark (99,8%)",
         "below_95": "sotto il benchmark (95%)", "below_99.8": "sotto il benchmark (99,8%)"}


def code_label(code: str | None) -> str:
    return i18n.gettext(CODES.get(code, code)) if code else "—"


def install() -> None:
    for k, v in EN.items():
        i18n.EN.setdefault(k, v)
