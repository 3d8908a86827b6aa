"""Word lists for lower-case surnames (:mod:`privacy.lower_names`): frequent Italian surnames that are
no ordinary word, and the participles said of a clerk that end like a surname.

A lower-case word alone carries no sign of being a name. After "sono" it is a name only when it is one
of :data:`SURNAMES` — the surnames most frequent in Italy (Istat, the commonest per region) less those
that are also words people write of themselves ("sono greco", "sono bruno", "sono conti", "sono costa",
"sono gallo", "sono bianco", "sono villa"): "sono rossi" is taken, "sono stanca" stays. After "la
signora" a word ending like a feminine participle (-ata, -ita, -uta: "la signora preparata") is read as
the participle only when it is one of :data:`PARTICIPLES`; any other ("la signora zappata", "la signora
vita", "la signora perita") is her surname. A participle not listed is then redacted with it — a
word of the comment lost, against a surname kept.
"""
from __future__ import annotations

#: the surnames most frequent in Italy, all of them: capitalised after "ho parlato con", "grazie a",
#: "l'impiegato" or heading a comment ("Ho parlato con Ferro", "Rossi Mario, diabetico") a word of these
#: is a surname, whatever else it means in lower case
FREQUENT = frozenset("""
rossi russo ferrari esposito bianchi romano colombo ricci marino greco rizzo lombardi moretti mancini
giordano barbieri rinaldi caruso ferraro galli martini leone longo martinelli vitale lombardo coppola
desantis d'angelo marchetti parisi ferrara fabbri marini valentini messina deangelis pellegrini palumbo
sanna cattaneo morelli silvestri mazza grassi pellegrino giuliani benedetti rossetti caputo montanari
palmieri bernardi martino derosa ferretti bellini basile donati piras vitali sartori costantini milani
ruggiero sorrentino d'amico orlando damico negri bassi fumagalli brambilla mariani gatti ferri mazzola
santoro marchi riva monti ferro fontana gentili cirillo farina guerra bonetti ricciardi lorusso
barone sala rizzi esposti gallo serra testa mele conti costa villa fiore neri bruno
""".split())
#: :data:`FREQUENT` less the surnames that are also words people write of themselves after "sono"
SURNAMES = FREQUENT - frozenset("gallo serra testa mele conti costa villa fiore neri bruno barone sala farina guerra "
                         "marino greco russo romano leone riva monti ferro fontana vitale orlando gentili bassi negri grassi "
                         "esposti pellegrini donati vitali marini benedetti marchi sorrentino lombardo lombardi ricci"
                         .split())

#: surnames that are nouns of things, animals, places or titles — never what one writes of oneself, as an
#: adjective, a participle, a profession or a relative is ("sono greco", "sono stanco", "sono fabbro",
#: "sono nonno" stay): after a "sono" that says who writes they are the writer's surname ("salve, sono
#: colombo", "sono fontana e ho provato…"), unless a phrase led by an article or a preposition follows
#: ("sono testa a testa"). Singular only: a plural after "sono" is read by its context
#: (:func:`privacy.word_forms.unlisted_surname`).
NOUN_SURNAMES = frozenset("""
colombo fontana costa villa testa serra sala farina guerra gallo leone riva ferro fiore barone orlando pace lupo
porta rocca torre ponte valle bosco piazza palma volpe orso gatto merlo falco martello castello monte conte
marchese abate sasso pietra mazza
""".split())

PARTICIPLES = frozenset("""
preparata educata maleducata incaricata impiegata delegata sposata arrabbiata stressata indaffarata occupata
annoiata scocciata seccata agitata impacciata qualificata aggiornata informata disinformata organizzata
disorganizzata motivata demotivata dedicata appassionata garbata sgarbata pacata innervosita spazientita
esasperata stancata esaurita attrezzata fidata delicata raffinata pagata sottopagata chiamata dimenticata
citata interpellata contattata nominata indicata sopracitata menzionata interessata disinteressata
irritata stizzita avvilita impietosita colpita stupita sbalordita divertita infastidita impaurita smarrita
intimidita gradita istruita abilitata pulita compita spedita finita sparita uscita partita servita
agguerrita favorita ardita conosciuta seduta venuta cresciuta dovuta saputa assoluta minuta arguta
riconosciuta tenuta avuta risoluta perduta abituata affaticata allarmata amareggiata assonnata attenta
bloccata concentrata confusa consigliata addolorata affezionata aggraziata alterata ammirata anziana
appena assegnata autorizzata brava bravissima cortesissima dispiaciuta distratta entrata formata
ferita fermata girata guardata impegnata incavolata incazzata indispettita lasciata limitata loquace
mandata messa nervosa nuova obbligata offesa passata pensionata precisa presentata presa pronta
rimasta ritornata rivolta sbrigativa scelta segnalata sfinita sistemata sorpresa spaesata spiegata
stata tornata trattata trovata turbata veloce vestita
""".split())
