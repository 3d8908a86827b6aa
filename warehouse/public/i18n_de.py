"""The public site's texts in German, for the bilingual bodies of South Tyrol (Südtirol administrative
German: "öffentliche Verwaltung", "Dienst", "gesamtstaatlich", "Jänner").

The same shape as ``EN`` in :mod:`warehouse.public.i18n`: each Italian source text → its German text;
a text missing here would show in Italian (tests/test_public_german.py fails when one is missing).
"""
from __future__ import annotations

DE = {
    "Ascolto — dati aperti": "Ascolto — offene Daten",
    "Esperienza dei servizi pubblici digitali: risultati nazionali":
        "Erfahrungen mit digitalen öffentlichen Diensten: gesamtstaatliche Ergebnisse",
    "Ricevi le nuove pubblicazioni e le revisioni (feed Atom)": "Neue Veröffentlichungen und Revisionen abonnieren (Atom-Feed)",
    "Tutti i trimestri in un file": "Alle Quartale in einer Datei", "per fogli di calcolo (CSV)": "für Tabellenkalkulationen (CSV)",
    "in SDMX-CSV, per sistemi statistici": "in SDMX-CSV, für statistische Systeme",
    "Trimestri pubblicati": "Veröffentlichte Quartale", "Risultati nazionali": "Gesamtstaatliche Ergebnisse",
    "Per tipo di PA": "Nach Art der öffentlichen Verwaltung", "Per tipo di servizio": "Nach Art des Dienstes",
    "Indicatore": "Indikator", "Media (0–100)": "Mittelwert (0–100)", "IC 95% della quota": "95-%-KI des Anteils",
    "IC 95% della media": "95-%-KI des Mittelwerts", "Quota positiva %": "Positiver Anteil %", "Stato": "Status",
    "Scarica": "Herunterladen:", "versione": "Version", "Nota di revisione": "Revisionshinweis",
    "Trimestre": "Quartal", "Vai al contenuto": "Zum Inhalt", "Lingua": "Sprache",
    "Nessun trimestre pubblicato.": "Noch kein Quartal veröffentlicht.",
    "oscurato": "gesperrt",
    "non confrontabile tra gli strumenti: pubblicato solo per strumento o canale, nei dati in formato aperto":
        "zwischen den Instrumenten nicht vergleichbar: nur nach Instrument oder Kanal veröffentlicht, in den offenen Daten",
    "non rilevato: nessuna risposta del trimestre lo misura": "nicht erhoben: keine Antwort des Quartals misst ihn",
    "bassa affidabilità (N < {n})": "geringe Verlässlichkeit (N < {n})",
    "Stato: tra parentesi, la prima lettera è lo stato del valore, la seconda la riservatezza.":
        "Status: In Klammern gibt der erste Buchstabe den Status des Wertes an, der zweite die Geheimhaltung.",
    "Stato del valore": "Status des Wertes", "Riservatezza": "Geheimhaltung",
    "valore normale": "normaler Wert", "interruzione della serie": "Zeitreihenbruch",
    "pubblicabile": "veröffentlichbar", "Pagina non trovata": "Seite nicht gefunden",
    "La pagina richiesta non esiste o non è più disponibile.":
        "Die angeforderte Seite existiert nicht oder ist nicht mehr verfügbar.",
    "Torna ai risultati": "Zurück zu den Ergebnissen", "Errore": "Fehler", "Troppe richieste": "Zu viele Anfragen",
    "Sono state chieste troppe pagine in poco tempo da questa rete: riprova tra {s} secondi.":
        "Aus diesem Netz wurden in kurzer Zeit zu viele Seiten angefordert: Bitte versuchen Sie es in {s} Sekunden erneut.",
    "Nota metodologica": "Methodische Erläuterungen",
    "Legenda": "Legende",
    "Valori calcolati da conteggi perturbati con il metodo cell-key (segreto statistico); le celle con meno di {n} risposte sono oscurate.":
        "Die Werte sind aus Zählungen berechnet, die mit dem Cell-Key-Verfahren überlagert wurden (statistische "
        "Geheimhaltung); Zellen mit weniger als {n} Antworten sind gesperrt.",
    "N: numero di risposte della cella (perturbato, come ogni conteggio pubblicato).":
        "N: Anzahl der Antworten in der Zelle (überlagert, wie jede veröffentlichte Anzahl).",
    "IC 95%: intervallo di confidenza al 95%, l'incertezza dovuta al solo errore casuale; è più stretto quante più sono le risposte e non tiene conto di chi sceglie di rispondere.":
        "95-%-KI: das 95-%-Konfidenzintervall, die Unsicherheit allein aufgrund des Zufallsfehlers; es ist umso "
        "enger, je mehr Antworten vorliegen, und berücksichtigt nicht, wer sich für eine Antwort entscheidet.",
    "Due valori (per esempio di due trimestri) con intervalli molto sovrapposti possono non essere davvero diversi.":
        "Zwei Werte (etwa zweier Quartale), deren Intervalle sich stark überschneiden, unterscheiden sich "
        "möglicherweise nicht wirklich.",
    "Dati in formato aperto": "Daten in offenen Formaten", "Tipo di servizio": "Art des Dienstes",
    "Tipo di PA": "Art der öffentlichen Verwaltung",
    "Tutti i trimestri": "Alle Quartale", "Ultimo trimestre": "Letztes Quartal", "Pubblicato il": "Veröffentlicht am", "Versioni": "Versionen",
    "rispetto alla versione precedente: {r} osservazioni riviste, {a} aggiunte, {d} tolte":
        "gegenüber der vorherigen Version: {r} Beobachtungen revidiert, {a} hinzugefügt, {d} entfernt",
    "Dati parziali: il trimestre contiene risposte solo dei mesi {m}, non di tutti e tre.":
        "Unvollständige Daten: Das Quartal enthält nur Antworten aus den Monaten {m}, nicht aus allen drei.",
    "Il trimestre {q} ({m}) è concluso, ma i suoi risultati non sono stati pubblicati.":
        "Das Quartal {q} ({m}) ist abgeschlossen, seine Ergebnisse wurden aber nicht veröffentlicht.",
    "Il trimestre {q} ({m}) non è pubblicato: si pubblicano solo trimestri conclusi, dopo la loro fine.":
        "Das Quartal {q} ({m}) ist nicht veröffentlicht: Es werden nur abgeschlossene Quartale veröffentlicht, nach "
        "ihrem Ende.",
    "Ultimo trimestre pubblicato:": "Zuletzt veröffentlichtes Quartal:",
    "dati parziali: solo {m}": "unvollständige Daten: nur {m}",
    "Si pubblicano solo trimestri conclusi: un trimestre compare qui dopo la sua fine.":
        "Es werden nur abgeschlossene Quartale veröffentlicht: Ein Quartal erscheint hier nach seinem Ende.",
    "non pubblicato. La media si pubblica solo se tutte le risposte usano la stessa scala (altrimenti vale la quota positiva, confrontabile tra strumenti); per «Obiettivo raggiunto» si pubblica la quota di «sì».":
        "nicht veröffentlicht. Ein Mittelwert wird nur veröffentlicht, wenn alle Antworten dieselbe Skala verwenden "
        "(sonst gilt der positive Anteil, der zwischen Instrumenten vergleichbar ist); für „Ziel erreicht“ wird der "
        "Anteil der Antworten „Ja“ veröffentlicht.",
    # what each file of a release is for (FILES in warehouse.public.i18n)
    "la tabella, per fogli di calcolo (CSV)": "die Tabelle, für Tabellenkalkulationen (CSV)",
    "la tabella in SDMX-CSV, per sistemi statistici": "die Tabelle in SDMX-CSV, für statistische Systeme",
    "la tabella in JSON-stat, per programmi e grafici (etichette in inglese)":
        "die Tabelle in JSON-stat, für Programme und Grafiken (Bezeichnungen auf Englisch)",
    "la tabella in JSON-stat, per programmi e grafici (etichette in italiano)":
        "die Tabelle in JSON-stat, für Programme und Grafiken (Bezeichnungen auf Italienisch)",
    "i codici e le loro etichette in italiano e inglese (CSV)":
        "die Codes und ihre Bezeichnungen auf Italienisch und Englisch (CSV)",
    "la struttura SDMX dei dati (XML)": "die SDMX-Struktur der Daten (XML)",
    "i metadati: metodi, copertura e revisioni (JSON, in inglese)":
        "die Metadaten zu Methoden, Abdeckung und Revisionen (JSON, auf Englisch)",
    "i metadati: metodi, copertura e revisioni (JSON, in italiano)":
        "die Metadaten zu Methoden, Abdeckung und Revisionen (JSON, auf Italienisch)",
    "I numeri di questa pagina (JSON)": "Die Zahlen dieser Seite (JSON)",
    "L'elenco dei file con le loro impronte SHA-256, per verificare i file (JSON)":
        "Die Liste der Dateien mit ihren SHA-256-Prüfsummen, zum Überprüfen der Dateien (JSON)",
    # the quarter's key findings (warehouse.public.highlights)
    "In sintesi": "Auf einen Blick",
    "{label}: {share}% di giudizi positivi (intervallo di confidenza al 95%: {lo}–{hi}).":
        "{label}: {share} % positive Bewertungen (95-%-Konfidenzintervall: {lo}–{hi}).",
    "{label}: {share}% di risposte «sì» (intervallo di confidenza al 95%: {lo}–{hi}).":
        "{label}: {share} % Antworten „Ja“ (95-%-Konfidenzintervall: {lo}–{hi}).",
    "Rispetto al trimestre precedente ({q}): {d} punti (intervallo di confidenza al 95%: da {lo} a {hi}), {verdict}.":
        "Gegenüber dem Vorquartal ({q}): {d} Prozentpunkte (95-%-Konfidenzintervall: {lo} bis {hi}), {verdict}.",
    "in aumento": "ein Anstieg", "in calo": "ein Rückgang", "nessuna variazione rilevabile": "keine nachweisbare Veränderung",
    "Nessun confronto con il trimestre precedente: è il primo trimestre pubblicato.":
        "Kein Vergleich mit dem Vorquartal: Es ist das erste veröffentlichte Quartal.",
    "Nessun confronto con il trimestre precedente: il trimestre {q} non è pubblicato.":
        "Kein Vergleich mit dem Vorquartal: Das Quartal {q} ist nicht veröffentlicht.",
    "Nessun confronto con il trimestre precedente ({q}): l'indicatore non è pubblicato in uno dei due trimestri.":
        "Kein Vergleich mit dem Vorquartal ({q}): Der Indikator ist in einem der beiden Quartale nicht veröffentlicht.",
    "Nessun confronto con il trimestre precedente ({q}): il valore di uno dei due trimestri è oscurato perché le risposte sono troppo poche.":
        "Kein Vergleich mit dem Vorquartal ({q}): Der Wert eines der beiden Quartale ist gesperrt, weil zu wenige "
        "Antworten vorliegen.",
    "Nessun confronto con il trimestre precedente ({q}): il valore di uno dei due trimestri si basa su meno di {n} risposte.":
        "Kein Vergleich mit dem Vorquartal ({q}): Der Wert eines der beiden Quartale beruht auf weniger als {n} "
        "Antworten.",
    "Nessun confronto con il trimestre precedente ({q}): la serie è interrotta perché è cambiata la versione del questionario.":
        "Kein Vergleich mit dem Vorquartal ({q}): Die Zeitreihe ist unterbrochen, weil sich die Version des "
        "Fragebogens geändert hat.",
    "Per tipo di servizio ({label}), variazione rilevabile rispetto al trimestre precedente, tenendo conto del numero di confronti (tipi di servizio confrontati: {m}): {items}.":
        "Nach Art des Dienstes ({label}), nachweisbare Veränderung gegenüber dem Vorquartal unter Berücksichtigung "
        "der Anzahl der Vergleiche (verglichene Arten von Diensten: {m}): {items}.",
    "{name} {d} punti (da {lo} a {hi})": "{name} {d} Prozentpunkte ({lo} bis {hi})",
    "Per tipo di servizio ({label}): nessuna variazione rilevabile rispetto al trimestre precedente (tipi di servizio confrontati: {m}).":
        "Nach Art des Dienstes ({label}): keine nachweisbare Veränderung gegenüber dem Vorquartal (verglichene Arten "
        "von Diensten: {m}).",
    "Per tipo di servizio ({label}): nessun confronto con il trimestre precedente, perché nessun tipo ha valori pubblicati e confrontabili in entrambi i trimestri.":
        "Nach Art des Dienstes ({label}): kein Vergleich mit dem Vorquartal, weil keine Art in beiden Quartalen "
        "veröffentlichte, vergleichbare Werte hat.",
    "Il trimestre contiene risposte solo dei mesi {m}: i valori non riguardano tutto il trimestre.":
        "Das Quartal enthält nur Antworten aus den Monaten {m}: Die Werte betreffen nicht das ganze Quartal.",
    # the trend charts (warehouse.public.charts)
    "% giudizi positivi": "% positive Bewertungen",
    "barre: intervallo di confidenza al 95%": "Balken: 95-%-Konfidenzintervall",
    "simbolo vuoto: meno di {n} risposte, bassa affidabilità":
        "leeres Symbol: weniger als {n} Antworten, geringe Verlässlichkeit",
    "nessun simbolo: nessun valore pubblicato (oscurato per il segreto statistico)":
        "kein Symbol: kein Wert veröffentlicht (gesperrt wegen statistischer Geheimhaltung)",
    "{label}, {q}: {v}% (intervallo di confidenza al 95%: {lo}–{hi})":
        "{label}, {q}: {v} % (95-%-Konfidenzintervall: {lo}–{hi})",
    "{label}, {q}: {v}% (intervallo di confidenza al 95%: {lo}–{hi}; meno di {n} risposte, bassa affidabilità)":
        "{label}, {q}: {v} % (95-%-Konfidenzintervall: {lo}–{hi}; weniger als {n} Antworten, geringe Verlässlichkeit)",
    "Grafico della quota di giudizi positivi per trimestre, dal {first} al {last}, con intervalli di confidenza al 95%.":
        "Diagramm des Anteils positiver Bewertungen nach Quartal, von {first} bis {last}, mit "
        "95-%-Konfidenzintervallen.",
    "{label}: {v0}% nel {q0}, {v1}% nel {q1}.": "{label}: {v0} % im Quartal {q0}, {v1} % im Quartal {q1}.",
    "{label}: {v}% nel {q}.": "{label}: {v} % im Quartal {q}.",
    "{label}: nessun valore pubblicato.": "{label}: kein Wert veröffentlicht.",
    "Trimestri senza un valore pubblicato: {qs}.": "Quartale ohne veröffentlichten Wert: {qs}.",
    "Quota di giudizi positivi per trimestre, con l'intervallo di confidenza al 95% di ogni valore; i valori sono nelle tabelle qui sotto.":
        "Anteil positiver Bewertungen nach Quartal, mit dem 95-%-Konfidenzintervall jedes Wertes; die Werte stehen "
        "in den Tabellen unten.",
}
#: The indicators' names (``LABELS["de"]``)
LABELS_DE = {"SATISFACTION": "Zufriedenheit", "EASE": "Einfachheit", "CLARITY": "Klarheit", "SPEED": "Schnelligkeit",
             "TRUST": "Vertrauen", "TASK_COMPLETED": "Ziel erreicht"}
#: The months as South Tyrol writes them ("Jänner", as Austria does)
MONTHS_DE = ("Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember")
