"""A corpus of comments written the way citizens write them — phone style, no accents, all capitals,
SMS spelling, emojis, German from South Tyrol — with what each must become: personal data replaced
"in the forms people really write it", everything else kept word for word (privacy red team, round 3).

Each line is checked whole, so a fix that takes one word too many (a colour after "sono", an
institution thanked, a clerk's office) fails here as surely as one that leaves a name behind. The
balance is explicit: a capitalised word after "grazie", "l'impiegato", "ho parlato con" is read as a
name unless it is a common word or an office; a lower-case word after "sono" only when "sono" says
who writes and the word is a listed surname or ends in a consonant ("sono zanchettin"), never
after a plural subject ("i semafori sono rossi")."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from privacy import PLACEHOLDERS, redact
from privacy.paths import redact_path

KEPT = None  #: the comment comes through unchanged

CORPUS = [
    # names: unlisted surnames, mid-comment sign-offs, clerks, relatives, SMS spelling, all capitals
    ('buongiorno sono Brambillasca, ho chiamato tre volte e nessuno risponde',
     'buongiorno sono [NOME], ho chiamato tre volte e nessuno risponde'),
    ('sono zanchettin, ho chiamato tre volte',
     'sono [NOME], ho chiamato tre volte'),
    ('grazie, Pinuccia Zanchettin. Il servizio però è lento',
     'grazie, [NOME]. Il servizio però è lento'),
    ('Ho parlato con Rossi allo sportello, gentilissimo',
     'Ho parlato con [NOME] allo sportello, gentilissimo'),
    ("l'impiegato Zanchettin mi ha trattato male davanti a tutti",
     "l'impiegato [NOME] mi ha trattato male davanti a tutti"),
    ('la signora del comune, tale Brambillasca, è stata scortese',
     'la signora del comune, tale [NOME], è stata scortese'),
    ('Rossi Mario diabetico insulino dipendente, 3 ore di attesa in piedi',
     '[NOME] diabetico insulino dipendente, 3 ore di attesa in piedi'),
    ('mio marito (Giovanni) è malato di cancro e non può fare la fila',
     'mio marito ([NOME]) è malato di cancro e non può fare la fila'),
    ('il paziente Zanchettin ha aspettato 4 ore in barella',
     'il paziente [NOME] ha aspettato 4 ore in barella'),
    ('mia nonna Pinuccia, 93 anni, è stata lasciata sola',
     'mia nonna [NOME], 93 anni, è stata lasciata sola'),
    ('il bambino si chiama Kevin Zanchettin ed è autistico',
     'il bambino si chiama [NOME] ed è autistico'),
    ('Mein Sohn Lukas ist krank und musste 2 Stunden warten',
     'Mein Sohn [NOME] ist krank und musste 2 Stunden warten'),
    ('my son Kevin is ill and we waited for hours',
     'my son [NOME] is ill and we waited for hours'),
    ('Ottavio, 85 anni, cardiopatico: nessuno mi ha fatto sedere',
     '[NOME], 85 anni, cardiopatico: nessuno mi ha fatto sedere'),
    ('Giovanni 85 anni invalido al 100%, nessuno mi ha aiutato',
     '[NOME] 85 anni invalido al 100%, nessuno mi ha aiutato'),
    ('Maria (85 anni) non riesce a usare lo SPID',
     '[NOME] (85 anni) non riesce a usare lo SPID'),
    ('sono la mamma di Kevin, 8 anni, autistico',
     'sono la mamma di [NOME], 8 anni, autistico'),
    ('mio figlio kevin ha la febbre da tre giorni',
     'mio figlio [NOME] ha la febbre da tre giorni'),
    ('Luca dello sportello 3 è bravissimo, grazie',
     '[NOME] dello sportello 3 è bravissimo, grazie'),
    ('grazie pinuccia zanchettin. il servizio però è lento',
     'grazie [NOME]. il servizio però è lento'),
    ('un saluto da anna e paolo',
     'un saluto da [NOME] e [NOME]'),
    ('ciao sono gianni 😀 tutto ok',
     'ciao sono [NOME] 😀 tutto ok'),
    ('mi kiamo giuseppe verdi e nn riesco a entrare',
     'mi kiamo [NOME] e nn riesco a entrare'),
    ('grazie mille mario rossi, gentilissimo',
     'grazie mille [NOME], gentilissimo'),
    ('sn marco, nn funziona niente',
     'sn [NOME], nn funziona niente'),
    ('ke skifo, il sig rossi nn mi ha kiamato',
     'ke skifo, il sig [NOME] nn mi ha kiamato'),
    ("tnx a marco x l'aiuto!!!",
     "tnx a [NOME] x l'aiuto!!!"),
    ('SONO LA SIGNORA ESPOSITO E ASPETTO DA 3 MESI',
     'SONO LA SIGNORA [NOME] E ASPETTO DA 3 MESI'),
    # phone numbers in every grouping, +39 / 0039
    ('la sottoscritta zanchettin pinuccia chiede il rimborso',
     'la sottoscritta [NOME] chiede il rimborso'),
    ('firma: ugo brambillasca',
     'firma: [NOME]'),
    ('nominativo: Zanchettin Pinuccia, pratica ferma',
     'nominativo: [NOME], pratica ferma'),
    ('Ich bin Hubert Oberrauch und warte seit Wochen',
     'Ich bin [NOME] und warte seit Wochen'),
    ('SONO LA SIGNORA ESPOSITO, MARIO ROSSI MI HA AIUTATO',
     'SONO LA SIGNORA [NOME], [NOME] MI HA AIUTATO'),
    ('HO PARLATO CON MARIO ROSSI ALLO SPORTELLO',
     'HO PARLATO CON [NOME] ALLO SPORTELLO'),
    ('GRAZIE MILLE MARIO',
     'GRAZIE MILLE [NOME]'),
    ('sono Maria Rossi-Bianchi e aspetto da un mese',
     'sono [NOME] e aspetto da un mese'),
    ('cell 333 123 45 67, chiamatemi dopo le 18',
     'cell [PHONE], chiamatemi dopo le 18'),
    ('richiamatemi al 333.123.45.67 grazie',
     'richiamatemi al [PHONE] grazie'),
    ('tel +39 333 1234567',
     'tel [PHONE]'),
    ('il mio numero è 0039 347 1234567',
     'il mio numero è [PHONE]'),
    ('fisso 02 1234 5678 (ufficio)',
     'fisso [PHONE] (ufficio)'),
    # e-mail addresses written, spelled out, obfuscated; PEC
    ('il mio numero è tre tre tre uno due tre quattro cinque sei sette',
     'il mio numero è [PHONE]'),
    # a number followed by a count: libphonenumber read the chain whole and kept the phone, or took the count
    ('tel. 06 1234 5678 10 volte senza risposta',
     'tel. [PHONE] 10 volte senza risposta'),
    ('mi hanno chiamato dal 333 1234567 3 volte',
     'mi hanno chiamato dal [PHONE] 3 volte'),
    ('scrivetemi a mario punto rossi at gmail punto com',
     'scrivetemi a [EMAIL]'),
    ('mario rossi chiocciola gmail punto com',
     '[EMAIL]'),
    ('email mario rossi at gmail com',
     'email [EMAIL]'),
    ('scrivete a mario.rossi@gmailcom (senza punto)',
     'scrivete a [EMAIL] (senza punto)'),
    ('la mia mail è mariorossi at libero, rispondete',
     'la mia mail è [EMAIL], rispondete'),
    ('la mia pec è mario.rossi@pec.it',
     'la mia pec è [EMAIL]'),
    ('mail: m.rossi [at] libero [dot] it',
     'mail: [EMAIL]'),
    # codice fiscale lower case, spaced, without its check character; IBAN with spaces
    ('cf rssmra85t10a562s',
     'cf [CF]'),
    ('codice fiscale RSS MRA 85T10 A562S',
     'codice fiscale [CF]'),
    ('c.f RSSMRA85T10A562 manca la lettera finale',
     'c.f [CF] manca la lettera finale'),
    ('IBAN IT60 X054 2811 1010 0000 0123 456, rimborso mai arrivato',
     'IBAN [IBAN], rimborso mai arrivato'),
    ('iban it60x0542811101000000123456',
     'iban [IBAN]'),
    # addresses, number plates, file numbers, documents, credentials
    ('abito in via roma 12 int 3',
     'abito in [INDIRIZZO] int 3'),
    ('abito al civico 12 di via garibaldi',
     'abito al [INDIRIZZO]'),
    ('residente in p.zza Garibaldi 1, scala B',
     'residente in [INDIRIZZO], scala B'),
    ('la mia targa è AB 123 CD e la multa è sbagliata',
     'la mia targa è [TARGA] e la multa è sbagliata'),
    ('targa ab123cd',
     'targa [TARGA]'),
    ('la pratica n. 12345/2024 è ferma da sei mesi',
     'la pratica n. [PRATICA] è ferma da sei mesi'),
    ('le pratiche 2024/123456 e 2024/123457 sono ferme',
     'le pratiche [PRATICA] e [PRATICA] sono ferme'),
    ('la pratica 12345/2024, 2025 è un anno di attesa',
     'la pratica [PRATICA], 2025 è un anno di attesa'),
    ('protocollo 2024/0012345 del 3 marzo',
     'protocollo [PRATICA] del 3 marzo'),
    ("carta d'identità CA12345AB scaduta",
     "carta d'identità [DOCUMENTO] scaduta"),
    ('la mia tessera sanitaria n 1234567',
     'la mia tessera sanitaria n [TS]'),
    ('il mio utente SPID è mrossi85',
     'il mio utente SPID è [CREDENZIALI]'),
    ('credenziali spid mrossi85 / Pippo123',
     'credenziali spid [CREDENZIALI] / [CREDENZIALI]'),
    # dates and years of birth, health details next to a name, other languages
    ('nata il 12/03/1958 a Napoli',
     'nata il [NASCITA] a Napoli'),
    ('sono del 58 e sono invalida al 100%',
     'sono del [NASCITA] e sono invalida al 100%'),
    ("classe '47, non so usare il computer",
     'classe [NASCITA], non so usare il computer'),
    ("mia madre Maria Rossi ha l'alzheimer e non può venire",
     "mia madre [NOME] ha l'alzheimer e non può venire"),
    ("la sig.ra Brambillasca (92 anni) è caduta in sala d'attesa",
     "la sig.ra [NOME] (92 anni) è caduta in sala d'attesa"),
    ('Grüß Gott, ich bin der Sepp Oberhofer aus Brixen',
     'Grüß Gott, ich bin der [NOME] aus Brixen'),
    ('Vielen Dank, Frau Kofler war sehr nett',
     'Vielen Dank, Frau [NOME] war sehr nett'),
    ('I am John Smith, phone 333 1234567',
     'I am [NOME], phone [PHONE]'),
    # round 4: a lone name ending the comment after a greeting or a thanks, a comment partly in capitals
    ('ciao, Kevin', 'ciao, [NOME]'),
    ('grazie Kevin!', 'grazie [NOME]!'),
    ('Buonasera Brambillasca.', 'Buonasera [NOME].'),
    ('grazie Kevin 🙏🙏', 'grazie [NOME] 🙏🙏'),
    ('Buongiorno, SONO ESPOSITO', 'Buongiorno, SONO [NOME]'),
    ('buonasera, sono la signora ESPOSITO', 'buonasera, sono la signora [NOME]'),
    ('il dott. ROSSI è stato gentile', 'il dott. [NOME] è stato gentile'),
    ('Buongiorno, SONO LA SIGNORA ESPOSITO', 'Buongiorno, SONO LA SIGNORA [NOME]'),
    ('Buongiorno, SONO LA SIGNORA ESPOSITO e ho aspettato due ore',
     'Buongiorno, SONO LA SIGNORA [NOME] e ho aspettato due ore'),
    # round 5: a name mid-comment right after a greeting or a thanks, capitalised (listed, or no Italian word)
    # or in lower case before a mark or "per"; a comment addressed to someone ("x Giulia:", "Cara Giulia,")
    ('ciao Kevin, tutto ok', 'ciao [NOME], tutto ok'),
    ("grazie Marta per l'aiuto", "grazie [NOME] per l'aiuto"),
    ('buongiorno sig.ra Bianchi', 'buongiorno sig.ra [NOME]'),
    ('x Giulia: la pratica è ferma da un mese', 'x [NOME]: la pratica è ferma da un mese'),
    ('ciao kevin, tutto ok', 'ciao [NOME], tutto ok'),
    ('Buongiorno Brambillasca, vorrei sapere quando apre', 'Buongiorno [NOME], vorrei sapere quando apre'),
    ('ciao Kevin Zanchettin, tutto ok', 'ciao [NOME], tutto ok'),
    ('Cara Giulia, la pratica è ferma', 'Cara [NOME], la pratica è ferma'),
    ('Ciao Marta e Luca, grazie', 'Ciao [NOME] e [NOME], grazie'),
    ("grazie Ricci per l'aiuto allo sportello", "grazie [NOME] per l'aiuto allo sportello"),
    # round 5: a lower-case surname after a "sono" that says who writes, listed nowhere and ending in a vowel:
    # not an Italian word form (privacy.lexicon), or a plural in -i that cannot agree with the one who writes
    ('sono ferraresi, ho chiamato tre volte', 'sono [NOME], ho chiamato tre volte'),
    ('buongiorno, io sono tagliabue e aspetto da un mese', 'buongiorno, io sono [NOME] e aspetto da un mese'),
    ('sono galimberti, vorrei sapere a che punto è la domanda', 'sono [NOME], vorrei sapere a che punto è la domanda'),
    ('sono ricci, la pratica è ferma', 'sono [NOME], la pratica è ferma'),
    ('mi chiamo giovanni esposti e nessuno risponde', 'mi chiamo [NOME] e nessuno risponde'),
    # kept: what a statistician reads the comments for — words that are also surnames or names,
    # colours, institutions thanked, ages, times, amounts, the toll-free number of the service
    ('la signora incazzata davanti a me urlava', KEPT),
    ('la signora allo sportello era gentilissima', KEPT),
    ('i semafori davanti al comune sono rossi da una settimana', KEPT),
    ('i moduli sono bianchi e illeggibili', KEPT),
    ('il modulo era in bianco e nero', KEPT),
    ('il cancello di ferro era chiuso', KEPT),
    ("Il Ferro da stiro non c'entra, il problema è la coda", KEPT),
    ('Grazie Polizia Locale.', KEPT),
    ('Grazie Protezione Civile!', KEPT),
    ('grazie a tutti, ottimo servizio', KEPT),
    ('grazie google maps, almeno tu funzioni', KEPT),
    ('sono rimasto senza internet per tre giorni', KEPT),
    ('Ave Maria, 4 ore di attesa', KEPT),
    ("mio padre dopo l'intervento non cammina", KEPT),
    # round 4: a street number is the whole digit run, never its tail; towns that read as a person's name;
    # greetings ending on a common word, an office or a place; capitals that name no one
    ('via Giovanni De 256.1.1.1', KEPT),
    ('via Roma 12345 è lontana', KEPT),
    ('sono di Martina Franca, servizio lento', KEPT),
    ('Martina Franca è lontana', KEPT),
    ('abito a Vittorio Veneto e il treno non passa', KEPT),
    ('vivo ad Albano Laziale, nessun bus', KEPT),
    ('grazie a Martina Franca!', KEPT),
    ('grazie a Marina di Ragusa per l\'accoglienza', KEPT),
    ('grazie a Marina Rossi!', 'grazie a [NOME]!'),
    ('grazie Comune!', KEPT),
    ('ciao Roma', KEPT),
    ('Grazie Mille!', KEPT),
    ('Buongiorno, il CUP NON FUNZIONA MAI', KEPT),
    ('Il servizio ASL TO è ottimo', KEPT),
    ('sono PENSIONATO e non capisco lo SPID', KEPT),
    ('grazie Sanità', KEPT),
    ('ciao Bella', KEPT),
    ('grazie Tesoro', KEPT),
    # a region and a city holding a given name ("Giulia", "Emilia") were taken for a person's name
    ('la Regione Friuli Venezia Giulia non risponde alle mail', KEPT),
    ('a Reggio Emilia il servizio è ottimo', KEPT),
    ('abito a Monte Mario e il bus non passa mai', KEPT),
    ("l'ufficio di Torre Annunziata è chiuso il sabato", KEPT),
    ('ho chiamato tre volte e due volte mi hanno chiuso il telefono', KEPT),
    ('sono una mamma di Napoli e ho aspettato 3 ore', KEPT),
    ('la firma digitale non funziona', KEPT),
    ('il cognome è sbagliato sul certificato', KEPT),
    ('il paziente Anziano aspetta da ore', KEPT),
    ('mio figlio Disabile non può salire le scale', KEPT),
    ('Grazie Mille Davvero!', KEPT),
    ('Grazie Comune di Milano!', KEPT),
    ("l'impiegato Comunale era gentile", KEPT),
    ('la dottoressa attenta e veloce, grazie', KEPT),
    ('sono pensionata e non uso internet', KEPT),
    ('non mi hanno dato il numero di protocollo', KEPT),
    ('tessera sanitaria 2024 scaduta', KEPT),
    ("l'operatore Inps non rispondeva", KEPT),
    ("l'addetto Front Office era gentile", KEPT),
    ("l'impiegata Stato Civile molto brava", KEPT),
    ('sono stanca, ho chiamato tre volte', KEPT),
    # round 5: after a greeting or a thanks, a common word, an office, a place, a word said to many
    ('grazie Mille per tutto', KEPT),
    ('ciao Tutti, il servizio è ottimo', KEPT),
    ('grazie INPS per la rapidità', KEPT),
    ('grazie inps, tutto ok', KEPT),
    ('buongiorno Roma Capitale, il sito non va', KEPT),
    ('Buongiorno Vorrei sapere quando apre', KEPT),
    ('Salve Avrei bisogno di aiuto', KEPT),
    ('grazie Ragazzi, siete grandi', KEPT),
    ('Grazie Dottoressa per la pazienza', KEPT),
    ('grazie comunque, ciao', KEPT),
    ('ciao raga, il sito è giù', KEPT),
    ('grazie spid per niente', KEPT),
    ('grazie anticipatamente, saluti', KEPT),
    ('Per Inps: il sito non va', KEPT),
    ('Per informazioni: chiamare il numero verde', KEPT),
    # round 5: what follows a "sono" that says who writes and is an Italian word, a participle or an age
    ('sono soddisfatto del servizio', KEPT),
    ('sono riuscito a prenotare da solo', KEPT),
    ('sono andata allo sportello alle 8', KEPT),
    ('sono anni che aspetto una risposta', KEPT),
    ('sono dieci giorni che aspetto', KEPT),
    ('sono stati gentili', KEPT),
    ('sono troppi i documenti richiesti', KEPT),
    ('sono incinta e ho aspettato in piedi', KEPT),
    ('sono papà di due bambini e lavoro', KEPT),
    ('sono ultraottantenne e non uso internet', KEPT),
    ('sono ipovedente, il sito è illeggibile', KEPT),
    ('sono esodato e aspetto la pensione', KEPT),
    ('sono stanchissima, tre ore di fila', KEPT),
    ('sono single e vivo da solo', KEPT),
    ("sono del 2 piano e l'ascensore è rotto", KEPT),
    ('ho 45 anni e sono disoccupato', KEPT),
    ('ho chiamato il numero verde 800 123 456 ma nessuno risponde', KEPT),
    ('ore 8:30 ero in fila, alle 12.45 ancora lì', KEPT),
    ('pagato 123,45 euro il 12/03/2024', KEPT),
    ('ho aspettato 45 minuti', KEPT),
    ('la classe 3A della scuola è senza riscaldamento', KEPT),
    # was read as an omocodic codice fiscale ("ank und musste 2 Stu": a digit after the letters that
    # replace digits, which omocodia never leaves)
    ('Die Wartezeit war lang, die Dame krank und musste 2 Stunden warten', KEPT),
    ('MOLTO LENTI, UFFICIO CHIUSO, VERGOGNA', KEPT),
    ('servizio ottimo 👍👍', KEPT),
    ('Bruno, il colore delle pareti, è deprimente', KEPT),
    ('via col vento: il sito non funziona', KEPT),
    # round 6: after a "sono" that says who writes, a surname that is a noun of a thing, an animal, a place or
    # a title (privacy.surnames.NOUN_SURNAMES), unless a phrase led by an article or a preposition follows
    ('salve, sono colombo', 'salve, sono [NOME]'),
    ('sono fontana e ho provato tre volte', 'sono [NOME] e ho provato tre volte'),
    ('buongiorno, sono costa, la pratica è ferma', 'buongiorno, sono [NOME], la pratica è ferma'),
    ('salve, sono villa', 'salve, sono [NOME]'),
    ('sono lupo e aspetto da un mese', 'sono [NOME] e aspetto da un mese'),
    ('sono esposito, vorrei sapere della domanda', 'sono [NOME], vorrei sapere della domanda'),
    ('mi chiamo bianco e nessuno risponde', 'mi chiamo [NOME] e nessuno risponde'),
    ('sono testa a testa con la scadenza', KEPT),
    # round 6: a plural after a sentence-initial "sono" is a surname only when a clause of the one who writes
    # follows ("sono conti e vorrei…"), and never an adjective in -o ("pessimi") unless a frequent surname
    ('sono conti e vorrei sapere quando apre', 'sono [NOME] e vorrei sapere quando apre'),
    ('sono felici', KEPT),
    ('i bambini vanno alla mensa. Sono felici del servizio', KEPT),
    ('Sono felici i miei figli, grazie', KEPT),
    ('sono felici, grazie', KEPT),
    ('sono lunghi i tempi di attesa', KEPT),
    ('sono pessimi, vergogna', KEPT),
    ('sono lenti, ho aspettato 3 ore', KEPT),
    # round 6: what people write of themselves after "sono": adjectives, participles, professions, relatives
    ('sono medico e lavoro a turni', KEPT),
    ('sono in pensione da due anni', KEPT),
    ('sono stanco di aspettare', KEPT),
    ('sono nonno e non uso internet', KEPT),
    ('sono fabbro, lavoro tutto il giorno', KEPT),
    ('sono greco e non parlo bene italiano', KEPT),
    ('sono straniera, il sito è solo in italiano', KEPT),
    ('sono vedova e vivo sola', KEPT),
    ('sono cliente da anni', KEPT),
    # round 6: a short file number after a bare "n" (was kept: the mark was not seen); counts stay
    ('protocollo n 987, nessuna risposta', 'protocollo n [PRATICA], nessuna risposta'),
    ('protocollo 4567 del mese scorso', 'protocollo [PRATICA] del mese scorso'),
    ('domanda numero 98765 respinta', 'domanda numero [PRATICA] respinta'),
    ('ho aspettato 45 minuti per la pratica', KEPT),
    ('la domanda presentata 3 giorni fa', KEPT),
    ('ho chiamato 10 volte per la pratica', KEPT),
    ('pagato € 150 per la pratica del 2024', KEPT),
    ('la pratica 730 è ferma', KEPT),  # three digits and no mark: the 730 tax return, not a file number
    # round 6 red team: personal data in the forms people dictate or type it — an address spelled with
    # "underscore"/"trattino" or said with spaces, an SPID user name after "codice SPID", a relative's name
    # between commas (these four leaked); IBANs, plates, codes, phones and addresses in their spaced forms
    ('la mia email è giulia underscore bianchi at gmail punto com', 'la mia email è [EMAIL]'),
    ('mario trattino rossi chiocciola gmail punto com', '[EMAIL]'),
    ('la mia mail è mario rossi 85 at gmail', 'la mia mail è [EMAIL]'),
    ('il mio codice SPID è mario.rossi85', 'il mio codice SPID è [CREDENZIALI]'),
    ('la mia utenza spid: giulia_b90', 'la mia utenza spid: [CREDENZIALI]'),
    ("mia figlia, Sofia, non è stata accettata al nido", "mia figlia, [NOME], non è stata accettata al nido"),
    ('iban IT 60 X 05428 11101 000000123456 per il rimborso', 'iban [IBAN] per il rimborso'),
    ('auto targata FG 456 HK, multa sbagliata', 'auto targata [TARGA], multa sbagliata'),
    ('ho la macchina targata GA-123-BC', 'ho la macchina targata [TARGA]'),
    ('codice fiscale: B N C G L I 9 0 A 4 1 H 5 0 1 Z', 'codice fiscale: [CF]'),
    ('c.f. BNC GLI 90A41 H501 Z', 'c.f. [CF]'),
    ('chiamatemi al +39 333.123.45.67', 'chiamatemi al [PHONE]'),
    ('mi trovate al 0039.333.1234567', 'mi trovate al [PHONE]'),
    ("mia figlia Sofia ha 8 anni e non trova posto all'asilo", "mia figlia [NOME] ha 8 anni e non trova posto all'asilo"),
    ('abito in via Roma, 12', 'abito in [INDIRIZZO]'),
    ('vivo in via XX Settembre 3/A', 'vivo in [INDIRIZZO]'),
    ('sono Francesca e abito in via Garibaldi 8', 'sono [NOME] e abito in [INDIRIZZO]'),
    ('chiamate mia moglie Laura al 339 9876543', 'chiamate mia moglie [NOME] al [PHONE]'),
    ('sono Marco Bianchi, nato il 3 marzo 1980', 'sono [NOME], nato il [NASCITA]'),
    ('la mia domanda n. 345 è ferma', 'la mia domanda n. [PRATICA] è ferma'),
    ('x info 3331234567 Sofia', 'x info [PHONE] [NOME]'),
    ('scrivete a g.bianchi@libero.it - Giulia', 'scrivete a [EMAIL] - [NOME]'),
    ('la mia nipotina Aurora ha 3 anni', 'la mia nipotina [NOME] ha 3 anni'),
    ('il mio bimbo Leonardo ha la febbre da ieri', 'il mio bimbo [NOME] ha la febbre da ieri'),
    ('tel 333 1234567 Roma', 'tel [PHONE] Roma'),
    ('il mio bambino Disabile non entra in ascensore', KEPT),
    ('il codice spid non arriva', KEPT),
    ('il codice SPID è scaduto', KEPT),
    ("l'operatore, Gentile e preparato", KEPT),
    ('mio padre, Anziano, non cammina', KEPT),
    # round 7 red team: a date of birth after a form's abbreviation ("d.n.", "nasc.", German "geb.", Slovenian
    # "roj.", South Tyrol's "Jahrgang"); a civic number said first after where one lives ("abito al 12 di via
    # roma", "I live at 12 via Roma"); a Slovenian street in Trieste's habit ("v ulici Commerciale 12"); a phone
    # number spelled partly in words (these leaked); the contact centres of Rome and Milan (were taken)
    ('d.n. 12/03/1980, invalido al 100%', 'd.n. [NASCITA], invalido al 100%'),
    ('Rossi Mario nasc. 12/03/1950', '[NOME] nasc. [NASCITA]'),
    ('Anna Gruber, geb. 12.03.1965, wartet seit Wochen', '[NOME], geb. [NASCITA], wartet seit Wochen'),
    ('ich bin Jahrgang 1948 und kann nicht lange stehen', 'ich bin Jahrgang [NASCITA] und kann nicht lange stehen'),
    ('roj. 12.3.1965, čakam že 3 tedne', 'roj. [NASCITA], čakam že 3 tedne'),
    ('abito al 12 di via roma e il postino non passa', 'abito al [INDIRIZZO] e il postino non passa'),
    ('vivo al numero 7 di corso italia', 'vivo al [INDIRIZZO]'),
    ('I live at 12 via Roma, Milan', 'I live at [INDIRIZZO], Milan'),
    ("j'habite au 12, via Roma", "j'habite au [INDIRIZZO]"),
    ('stanujem v ulici Commerciale 12, Trst', 'stanujem v [INDIRIZZO], Trst'),
    ('il mio cell è tre tre otto 1234567', 'il mio cell è [PHONE]'),
    ('chiamatemi al tre quattro sette 123 45 67 dopo le 18', 'chiamatemi al [PHONE] dopo le 18'),
    ('scrivetemi su whatsapp al 333 uno due tre quattro cinque sei sette', 'scrivetemi su whatsapp al [PHONE]'),
    ('ho chiamato lo 06 06 06 e nessuno risponde', KEPT),
    ('il numero 020202 del comune non risponde mai', KEPT),
    ('la pratica 730 è ferma da due mesi', KEPT),
    ('modulo F24 non si scarica', KEPT),
    ('ho chiamato il numero verde 800 123 456 tre volte', KEPT),
    ('sono soddisfatto, ho aspettato tre ore e 20 minuti', KEPT),
    ('ho 2 figli, uno di 3 anni e uno di 5', KEPT),
    ('sono venuto tre volte il 12 e il 13 marzo', KEPT),
    ('sportello 3 tre volte, due ore di attesa', KEPT),
    ('inviato al 2 via email e mai risposto', KEPT),
    ('fino al 2024 via Roma era chiusa', KEPT),
    ('pagato al 100 via pagopa', KEPT),
    ('ab dem 12.03.2025 geschlossen, Gebühr 30 Euro', KEPT),
    ('der Jahrgang 2024 der Zeitschrift fehlt', KEPT),
    ('dn 3 volte la stessa domanda', KEPT),
    ('Ich bin zufrieden mit dem Service in Bozen', KEPT),
    ('je suis très content du service à Aoste', KEPT),
    ('sem zadovoljen s storitvijo v Trstu', KEPT),
    ('I am satisfied with the service', KEPT),
    # round 7: a user name given with its network and no "@"; the short sign-offs ("LG", "lp", "Best,",
    # "Cheers,"); a maiden name after "geb."/"née"; Slovenian "gospe"/"gospodu"; teachers, social workers,
    # nurses and English clerks before a name; "arch." (these leaked); "sono l'avv. Rossi" read "l'avv" as a
    # surname ("sono [NOME]. [NOME]")
    ('il mio nick su telegram è zanchettin85, scrivetemi lì', 'il mio nick su telegram è [SOCIAL], scrivetemi lì'),
    ('contattatemi su Telegram: mario.rossi85', 'contattatemi su Telegram: [SOCIAL]'),
    ('giulia_b85 su instagram, rispondete lì', '[SOCIAL] su instagram, rispondete lì'),
    ('il mio skype è mario_rossi', 'il mio skype è [SOCIAL]'),
    ('Danke für die Hilfe!\nLG Anna', 'Danke für die Hilfe!\nLG [NOME]'),
    ('Hvala za pomoč.\nlp Mojca', 'Hvala za pomoč.\nlp [NOME]'),
    ('Thank you for the help.\nBest, John', 'Thank you for the help.\nBest, [NOME]'),
    ('Cheers,\nTom Baker', 'Cheers,\n[NOME]'),
    ('Frau Anna Gruber, geb. Mair, wartet seit Mai', 'Frau [NOME], geb. [NOME], wartet seit Mai'),
    ('hvala gospe Novak na okencu', 'hvala gospe [NOME] na okencu'),
    ("l'assistente sociale Sara non risponde mai", "l'assistente sociale [NOME] non risponde mai"),
    ('la maestra Giulia è bravissima', 'la maestra [NOME] è bravissima'),
    ("l'insegnante Brambillasca urla con i bambini", "l'insegnante [NOME] urla con i bambini"),
    ('the officer John was very kind', 'the officer [NOME] was very kind'),
    ("salve, sono l'arch. Bianchi", "salve, sono l'arch. [NOME]"),
    ("sono l'avv. Rossi e seguo la pratica", "sono l'avv. [NOME] e seguo la pratica"),
    ('ho scritto su telegram al comune due volte', KEPT),
    ('il canale telegram del comune è utile', KEPT),
    ('aggiornate telegram v2.0 e non funziona', KEPT),
    ('la pagina facebook del comune non è aggiornata', KEPT),
    ('la TV LG in sala d\'attesa non funziona', KEPT),
    ('LG Electronics non c\'entra nulla', KEPT),
    ('ok. Best Regards', KEPT),
    ('best practice da copiare', KEPT),
    ("l'assistente sociale del Comune è introvabile", KEPT),
    ("l'assistente Virtuale non funziona", KEPT),
    ('il maestro di sci era in ritardo', KEPT),
    ('the teacher said it was fine', KEPT),
    ('il progetto arch. del comune', KEPT),
    # round 7: an initial beside a name ("Mario R.", "M. Rossi" kept the initial); "v." for "via" and an initial
    # in a street's name after where one lives; a grandchild's or a cousin's "di"; a month and a year after an
    # apostrophe; "anno di nascita"; an ISEE declaration's protocol; a number plate dashed in lower case
    ('Saluti Mario R.', 'Saluti [NOME]'),
    ('firmato M. Rossi', 'firmato [NOME]'),
    ('abito in v. Roma 12 da 40 anni', 'abito in [INDIRIZZO] da 40 anni'),
    ('abito in via g. verdi 3', 'abito in [INDIRIZZO]'),
    ('sono il nipote di Pinuccia Zanchettin, ricoverata', 'sono il nipote di [NOME], ricoverata'),
    ("nato il 5 maggio '48, invalido", 'nato il [NASCITA], invalido'),
    ('anno di nascita 1950, pensionato', 'anno di nascita [NASCITA], pensionato'),
    ('la mia DSU INPS-ISEE-2025-00123456B-01 è bloccata', 'la mia DSU [PRATICA] è bloccata'),
    ('la mia auto, ab-123-cd, è stata rimossa', 'la mia auto, [TARGA], è stata rimossa'),
    ('sono Mario. E poi nessuno mi ha richiamato', 'sono [NOME]. E poi nessuno mi ha richiamato'),
    ('v. allegato 2 del bando', KEPT),
    ('il nipote di Napoli mi ha accompagnato', KEPT),
    ('il punto nascita chiude alle 20', KEPT),
    ('il certificato di nascita del 2024 non si scarica', KEPT),
    ('ISEE 2024 scaduto, rinnovato a gennaio', KEPT),
    ('la vaccinazione del 5 maggio è stata rinviata', KEPT),
    # round 7: a surname led by a particle that is a common word, after a title ("dott. Di Giovanni" was refused
    # for its "Di"); a two-digit year after "nato a <place> nel"
    ('il dott. Di Giovanni mi ha visitato in 5 minuti', 'il dott. [NOME] mi ha visitato in 5 minuti'),
    ('Ho parlato con la dott.ssa Di Martino', 'Ho parlato con la dott.ssa [NOME]'),
    ("nato a Bolzano nel '71, invalido", 'nato a Bolzano nel [NASCITA], invalido'),
    ('sono Di Passaggio a Roma', KEPT),
    ('Saluti Da Roma', KEPT),
    ('il servizio è nato a gennaio nel 2019', KEPT),
    # round 7: French and Slovenian relatives; Slovenian months in the genitive of a date; "Mrs" after a relative
    # was taken for a name ("my mother, [NOME]. [NOME]")
    ('mon fils Pierre a 6 ans et attend depuis 3 heures', 'mon fils [NOME] a 6 ans et attend depuis 3 heures'),
    ('moj sin Luka je bolan', 'moj sin [NOME] je bolan'),
    ('rojena 12. marca 1962 v Trstu', 'rojena [NASCITA] v Trstu'),
    ('my mother, Mrs. Jane Doe, is 85', 'my mother, Mrs. [NOME], is 85'),
    ('ma Pierre non ha risposto', KEPT),
    ('la mère Rossi', KEPT),
    ('Ma mère est contente du service', KEPT),
    # round 8: a protocol's registration mark (office or area, register, date, number, direction), as PAs print it
    # on every letter and people copy it from one, with or without a word before it
    ('numero di protocollo INPS.0100.12/05/2024.0012345, ancora niente',
     'numero di protocollo [PRATICA], ancora niente'),
    ('vedi la nota m_dg.DAG.25/03/2024.0061234.U del ministero', 'vedi la nota [PRATICA] del ministero'),
    ('risposta INAIL.60010.08/02/2025.0001234.', 'risposta [PRATICA].'),
    ('Prot. INPS.HERMES.15/03/2021.0123456 e INPS.HERMES.16/03/2021.0123457', 'Prot. [PRATICA] e [PRATICA]'),
    ('la versione v2.0.12.05.2024 è lenta', KEPT),
    ('il modulo verbale.12.05.2024.pdf non si apre', KEPT),
    ('ho scritto il 12.05.2024. Nessuno risponde', KEPT),
    # round 8: a UUID a service showed (a request's, a payment's), and an SPID user name after "spid" alone
    ('errore 4F9A2C7E-1B3D-4E5F-8A9B-0C1D2E3F4A5B al pagamento', 'errore [PRATICA] al pagamento'),
    ('transazione 4f9a2c7e-1b3d-4e5f-8a9b-0c1d2e3f4a5b fallita', 'transazione [PRATICA] fallita'),
    ('il mio spid è mario.rossi85 e non entra', 'il mio spid è [CREDENZIALI] e non entra'),
    ('SPID: mrossi_85', 'SPID: [CREDENZIALI]'),
    ('id utente 123456 bloccato', 'id utente [CREDENZIALI] bloccato'),
    ('lo spid è lento', KEPT),
    ('lo spid è 2.0, il vecchio non va', KEPT),
    ('spid: 3 tentativi e poi blocco', KEPT),
    ('la pagina abc-def-ghi non esiste', KEPT),
    # round 8: a name under an e-mail signature's separator; a mail app's line after a closing is no name
    ('il servizio non funziona\n--\nPaolo', 'il servizio non funziona\n--\n[NOME]'),
    ('pagamento fallito\n-- \nGiulia Zanchettin', 'pagamento fallito\n-- \n[NOME]'),
    ('Cordiali saluti\nInviato da iPhone', KEPT),
    ('ok\n--\nInviato da Outlook', KEPT),
    ('attesa 10 -- 20 minuti, Roma', KEPT),
    # round 8: a form's labels on one line (the surname after the second label was left: "Nome: [NOME]: Rossi");
    # "il mio cognome è"; an in-law or an uncle before a given name
    ('Nome: Mario Cognome: Rossi', 'Nome: [NOME] Cognome: [NOME]'),
    ('NOME: MARIO COGNOME: ROSSI', 'NOME: [NOME] COGNOME: [NOME]'),
    ('Vorname: Hans Nachname: Gruber', 'Vorname: [NOME] Nachname: [NOME]'),
    ('il mio cognome è Bianchi, non Bianco', 'il mio cognome è [NOME], non Bianco'),
    ('la pratica di mia suocera Carla è ferma', 'la pratica di mia suocera [NOME] è ferma'),
    ('mio zio Franco è invalido', 'mio zio [NOME] è invalido'),
    ('il cognato del sindaco lavora lì', KEPT),
    ('mia zia è anziana e non usa internet', KEPT),
    ('il nome del servizio è sbagliato', KEPT),
    # round 8, found by putting listed names into comment templates in three casings: a surname with an apostrophe
    # in capitals and after a clerk's title; a relative's word read as a surname in capitals ("MIA [NOME] ROSSI");
    # a thanks with more than one "!"; a role's label in lower case
    ("SONO MARIO D'ANGELO", 'SONO [NOME]'),
    ("mi chiamo mario d'angelo", 'mi chiamo [NOME]'),
    ("l'operatore D'Angelo è scortese", "l'operatore [NOME] è scortese"),
    ('MIA MADRE MARIA ROSSI NON RIESCE', 'MIA MADRE [NOME] NON RIESCE'),
    ('grazie mille!! Giulia', 'grazie mille!! [NOME]'),
    ('richiedente: giuliana rossi, pratica ferma', 'richiedente: [NOME], pratica ferma'),
    ('contribuente: rossi mario', 'contribuente: [NOME]'),
    ("l'operatore L'Inps non risponde", KEPT),
    ('destinatario: ufficio tributi', KEPT),
    ('mittente: comune di roma', KEPT),
    ('grazie!! Comune di Milano', KEPT),
    # round 8: a listed given name and a frequent surname side by side in lower case, with no lead-in
    ('chiedo di attilio caputo per la pratica', 'chiedo di [NOME] per la pratica'),
    ('per matteo rizzo: la pratica è ferma', 'per [NOME]: la pratica è ferma'),
    ('rizzo matteo ha chiamato 3 volte', '[NOME] ha chiamato 3 volte'),
    ("all'ospedale paolo rossi non c'è posto", KEPT),
    ('franco bianchi e sereno', KEPT),
    ('ho fatto i conti con maria', KEPT),
    ('sono vittoria fumagalli, il servizio non va', 'sono [NOME], il servizio non va'),
    ('la signora vittoria bellini è stata gentile', 'la signora [NOME] è stata gentile'),
    ('una vittoria per tutti', KEPT),
    # round 8: a name in capitals whose surname follows the given name and a word before them that is none
    # ("THANKS [NOME] ESPOSITO"); a listed surname after a foreign courtesy title in lower case or in capitals
    ('THANKS TO GIULIANA ESPOSITO', 'THANKS TO [NOME]'),
    ('ROSSI MARIO ESPOSITO HA CHIAMATO', '[NOME] HA CHIAMATO'),
    ('herr lorusso war unfreundlich', 'herr [NOME] war unfreundlich'),
    ('MADAME PIRAS ÉTAIT GENTILLE', 'MADAME [NOME] ÉTAIT GENTILLE'),
    ('gospa bianchi je bila prijazna', 'gospa [NOME] je bila prijazna'),
    ('frau doktor hat geholfen', KEPT),
    ('miss you all', KEPT),
    ('grazie Stefano Gentili, bravissimo', 'grazie [NOME], bravissimo'),
    ('grazie Anna, gentili tutti', 'grazie [NOME], gentili tutti'),
    ("l'operatore lombardo è stato scortese", "l'operatore [NOME] è stato scortese"),
    ("L'OPERATORE PELLEGRINI È SCORTESE", "L'OPERATORE [NOME] È SCORTESE"),
    ("l'impiegata gentile mi ha aiutato", KEPT),
]

#: page paths (privacy.paths.redact_path): a short number or a user handle after a word naming a record or
#: an account is an [ID]; slugs, codes, versions and years stay
PATHS = [
    ('/pratiche/zanchettin85', '/pratiche/[ID]'),
    ('/utenti/bianchi.m/', '/utenti/[ID]/'),
    ('/profilo/giulia_r', '/profilo/[ID]'),
    ('/pratiche/12345', '/pratiche/[ID]'),
    ('/pratiche/12345/documenti', '/pratiche/[ID]/documenti'),
    ('/istanze/987', '/istanze/[ID]'),
    ('/istanze/bianchi.m', '/istanze/[ID]'),
    ('/utente/12345', '/utente/[ID]'),
    ('/servizi/bonus-asilo-nido', KEPT),
    ('/pagamenti/pagopa', KEPT),
    ('/modulo/f24', KEPT),
    ('/anno/2024', KEPT),
    ('/v2/', KEPT),
    ('/pratiche/2024', KEPT),
    ('/pratiche/nuova', KEPT),
    ('/pratiche/f24', KEPT),
    ('/pratiche/covid19', KEPT),
    ('/pratiche/isee2024', KEPT),
    ('/domande/fase3', KEPT),
    ('/pratiche/modulo.pdf', KEPT),
    ('/pratiche/12', KEPT),
    ('/pratiche/scia2025', KEPT),  # a service's code and a year, not a handle
    ('/prenotazioni/cup2024', KEPT),
    # round 7: a short number after a word naming a citizen's document, booking or payment; a handle with no
    # record word before it; a hash fragment read as segments; the applicant's and the beneficiary's pages
    ('/documenti/12345', '/documenti/[ID]'),
    ('/certificati/45678', '/certificati/[ID]'),
    ('/appuntamenti/12345/modifica', '/appuntamenti/[ID]/modifica'),
    ('/archivio/zanchettin85', '/archivio/[ID]'),
    ('/doc/brambillasca1985', '/doc/[ID]'),
    ('/x/brambillasca_85', '/x/[ID]'),
    ('/pratiche#zanchettin85', '/pratiche#[ID]'),
    ('/pagina#mario.rossi', '/pagina#[ID]'),
    ('/app#/utente/mrossi85', '/app#/utente/[ID]'),
    ('/beneficiari/12345', '/beneficiari/[ID]'),
    ('/servizi/730', KEPT),
    ('/documenti/730', KEPT),
    ('/documenti/2024', KEPT),
    ('/documenti/f24', KEPT),
    ('/modelli/f24', KEPT),
    ('/notizie/12345-nuovo-bando', KEPT),
    ('/bandi/4567', KEPT),
    ('/galleria/foto12', KEPT),
    ('/servizi/ecobonus2024', KEPT),
    ('/eventi/natale2024', KEPT),
    ('/veranstaltungen2024', KEPT),
    ('/seite2', KEPT),
    ('/archivio/windows10', KEPT),
    ('/servizi/superbonus110', KEPT),
    ('/servizi#sezione-2', KEPT),
    ('/beneficiari/requisiti', KEPT),
    # round 7: a file's number with its year and an office's letters after a record or document word; a year
    # between the word and the number
    ('/pratiche/SUAP-1234-2024', '/pratiche/[ID]'),
    ('/multe/V-2024-12345', '/multe/[ID]'),
    ('/pratiche/2024/12345/allegati', '/pratiche/2024/[ID]/allegati'),
    ('/pratiche/2024-2025', KEPT),
    ('/pratiche/nuova-2024', KEPT),
    ('/pratiche/2024/nuova', KEPT),
    ('/notizie/2024/12345', KEPT),
    ('/documenti/2024/730', KEPT),
    # round 7: the account, record and document words of the pages in German, French, Slovenian and English
    ('/de/antraege/12345', '/de/antraege/[ID]'),
    ('/fr/demandes/12345', '/fr/demandes/[ID]'),
    ('/sl/vloge/12345', '/sl/vloge/[ID]'),
    ('/de/dokumente/12345', '/de/dokumente/[ID]'),
    ('/de/antraege/neu', KEPT),
    ('/fr/demandes/2024', KEPT),
    # round 7: a file named after its owner or its number (the extension was read as part of the segment)
    ('/esito/zanchettin85.pdf', '/esito/[ID]'),
    ('/documenti/12345.pdf', '/documenti/[ID]'),
    ('/documenti/730.pdf', KEPT),
    ('/moduli/modulo.pdf', KEPT),
    ('/galleria/natale2024.jpg', KEPT),
]


@pytest.mark.parametrize("text, expected", CORPUS, ids=[t[:48] for t, _ in CORPUS])
def test_a_citizens_comment_becomes_what_it_should(text, expected):
    out, counts = redact(text)
    if expected is KEPT:
        assert (out, dict(counts)) == (text, {})
    else:
        assert out == expected
        assert sum(counts.values()) == sum(expected.count(f"[{k}]") for k in PLACEHOLDERS)


@pytest.mark.parametrize("path, expected", PATHS, ids=[p for p, _ in PATHS])
def test_a_page_path_becomes_what_it_should(path, expected):
    out, counts = redact_path(path)
    assert out == (path if expected is KEPT else expected)
    assert dict(counts) == ({} if expected is KEPT else {"ID": expected.count("[ID]")})


def test_the_corpus_is_large_and_balanced():
    """Sixty comments at least, and a third of them at least kept whole: precision is tested as much as recall."""
    kept = [t for t, e in CORPUS if e is KEPT]
    assert len(CORPUS) >= 60 and len(kept) * 3 >= len(CORPUS)


@pytest.mark.parametrize("text", [t for t, e in CORPUS if e is not KEPT], ids=[t[:48] for t, e in CORPUS if e is not KEPT])
def test_redacting_a_redacted_comment_again_changes_nothing(text):
    """Nor counts anything: not even a kind with a count of 0 (a counter that is not empty makes the
    record walk redact a record again, and shows in the metrics)."""
    once = redact(text)[0]
    again, counts = redact(once)
    assert (again, dict(counts)) == (once, {})


def test_words_read_as_a_codice_fiscale_with_no_digit_left_are_kept():
    """A window of words whose every digit place holds an omocodia letter ("TRST EURO R…") is no code
    (docs/processor.md: a code with no digit left is not looked for); it took the letters before the
    real code with it."""
    assert redact("IL SANTIS TRST EURO RSSMRA85T10A562S")[0] == "IL SANTIS TRST EURO [CF]"


#: the corpus's words, and the particles and lead-ins that end a comment badly ("grazie Di" raised an
#: IndexError in the thanks pass: at the intake a 500)
_WORDS = sorted({w for t, _ in CORPUS for w in t.split()} | {"Di", "De", "La", "grazie", "GRAZIE", "sn", "tnx", "(", ","})


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=16), st.booleans())
@example(["grazie", "Di"], False)
@example(["Grazie", "mille", "De", "La"], True)
def test_any_sequence_of_the_corpus_words_is_redacted_without_error(words, shouted):
    text = " ".join(words)
    out, counts = redact(text.upper() if shouted else text)
    assert isinstance(out, str) and set(counts) <= set(PLACEHOLDERS)
