"""Lower-case words that are no names, and those that read as a surname no list holds.

The name passes of :mod:`privacy.lower_names`, :mod:`privacy.names`, :mod:`privacy.pairs`,
:mod:`privacy.roles` and :mod:`privacy.thanked` ask these before they take a lower-case word: the stop
words, the given names that are also words, the adjectives by their endings, the words a comment is
signed with, and :func:`unlisted_surname` (a word that is no Italian word form, by :mod:`privacy.lexicon`).
"""
from __future__ import annotations

import re

from .lexicon import lemma
from .surnames import SURNAMES

#: given names that are also Italian words (adjectives, nouns, verbs: "sono serena", "sara" typed for
#: "sarà", "resi" returned, "assunta" hired, "massimo" greatest): not a name on their own in lower case.
WORD_NAMES = frozenset("""
addolorata agata alba alma ambra angelo annunziata assunta aurora benedetta bianca bruna bruno chiara clara
concetta costantino dino donato elia emilia eva fiorella franca franco gemma gloria immacolata ines ion jana
letizia lia lina lino marina marino massimo mauro nina nino pasquale pina pino renato resi rosa rosario
salvatore sara serena speranza tina toni ugo viola vittoria mary will martin jack
veronica dante benedetto giordano graziano fausto lisa lena giada gaia marzia tonino rosetta
""".split())
#: words that end a lower-case name or cannot start one: articles, prepositions, pronouns, auxiliaries,
#: and the words said of the staff ("il sig. allo sportello", "la signora molto gentile")
STOP = frozenset("""
e ed o od ad ma però per non ho ha hanno abbiamo sono è era erano sia sei siamo stato stata vorrei volevo abito vivo che
chi cui il la lo i gli le un una uno da di in con su a al allo alla ai agli alle del dello della dei degli delle
dal dallo dalla dai dagli dalle nel nello nella nei negli nelle sul sullo sulla sui sugli sulle anche già ancora
sto stavo sempre mai oggi ieri domani molto poco tanto troppo più meno mi ti ci si vi ne lei lui loro suo sua
mio mia tuo tua nostro nostra qui qua lì là dove quando come perché se poi quindi allora grazie buongiorno
buonasera salve ciao saluti cordiali distinti tutti tutto tutte tutta bene male ok davvero veramente proprio
gentile gentili cortese cortesi disponibile disponibili brava bravo bravi brave giovane giovani anziana anziano
simpatica simpatico scortese maleducata maleducato addetta addetto impiegata impiegato preposta preposto
responsabile dirigente sindaco sindaca assessore presidente direttore direttrice medico dottore dottoressa
operatore operatrice sportello ufficio comune signora signore signor sig dott prof avv ing
and but from und aber ich bin et mais je suis ampak sem
x xké xke xché xche xò nn cmq ke k ki sn tt qlc qnd anke pk perké perke xfavore
""".split())
#: in capitals also the prepositions and adverbs a name never holds ("LA PAGINA È BIANCA DOPO IL LOGIN" took "BIANCA DOPO"
#: as a given name and its surname; round 16): not in :data:`STOP`, whose words let lower-case passes read the word before
CAPS_STOP = STOP | frozenset("dopo prima senza durante verso dentro fuori sopra sotto contro tra fra oltre presso"
                              # a form's labels after a name in capitals ("SONO MARIO ROSSI CF …": round 18)
                              " cf tel cell iban email mail pec telefono cellulare nato nata".split())
#: endings of the adjectives and participles said of "la signora" ("gentilissima", "preparata",
#: "competente", "disponibile"): such a word after "signora" is not her surname
ADJECTIVE = re.compile(r".*(?:issim[aoie]|at[aei]|ut[aei]|it[aei]|ent[ei]|ant[ei]|il[ei]|evol[ei]|os[aoie]|mente)$")

#: words a comment is signed with that are no name ("cordiali saluti, un cittadino", "saluti, buona giornata")
SIGNED = frozenset("""buona buon buone giornata serata lavoro anonimo anonima cittadino cittadina cittadini utente
utenti famiglia grazie ancora mille tutto tutti pazienti paziente contribuente residente speciale sinceri cari
vivi tanti romani""".split())


def plain_word(w: str) -> bool:
    """A word that may be part of a name: no stop word, no adjective, no word a comment is signed with."""
    return w not in STOP and w not in SIGNED and not ADJECTIVE.fullmatch(w)



#: words ending in a consonant that people write of themselves after "sono" (Italian words end in a
#: vowel; the surnames of the north-east and of South Tyrol often do not: "sono zanchettin", "sono hofer")
_LOANS = frozenset("""single senior junior manager freelance tutor leader partner fan gay free full part time off
over under out stop top smart social sport rock punk star boss chef barman baby sitter caregiver badante
influencer blogger trader designer rider runner biker hacker nerd geek beginner expert stressat
maps google internet spid email mail web whatsapp facebook instagram zoom teams skype chat link sms pdf flop
wifi bancomat pos check front desk help call center
""".split())


def foreign_surname(word: str) -> bool:
    return len(word) >= 4 and word[-1] not in "aeiouàèéìòóù'’" and word not in _LOANS and word not in STOP \
        and not elided_phrase(word)


#: elided articles and prepositions that start no surname ("sono nell'ufficio", "sull'app", "all'estero"),
#: unlike "d'" and "dell'"/"dall'" (D'Urso, Dell'Orto, Dall'Ara)
_ELIDING = frozenset("l un nell sull all coll quell quest nessun qualcun c n s t m v".split())
_APOSTROPHE = re.compile("['’]")


def elided_phrase(word: str) -> bool:
    """Whether a lower-case ``word`` with an apostrophe reads as an elided article or preposition and a word
    ("d'accordo", "dell'idea", "all'ospedale", "sull'app") rather than a surname no list holds: an elision
    no surname starts with, or a word form after it. "d'urso", "dell'oglio" are no such phrase."""
    parts = _APOSTROPHE.split(word, 1)
    if len(parts) < 2:
        return False
    head, rest = parts
    return head in _ELIDING or rest in STOP or rest in _LOANS or lemma(rest) is not None


#: words the lexicon (:mod:`privacy.lexicon`) lacks — it lists inflected forms, and few invariable words —
#: that follow "sono" or a greeting: adverbs, numbers, interjections, conditions written as one word
_UNLISTED_WORDS = frozenset("""davvero veramente sempre purtroppo abbastanza piuttosto magari almeno soprattutto neanche
nemmeno neppure ovviamente inoltre insomma adesso domani mille cento due tre quattro cinque sette otto nove okay boh beh
uffa evviva arrivederci buonasera buonanotte buondì grazie prego scusate ciao salve raga ragà tetraplegico tetraplegica
immunodepresso immunodepressa celiaco celiaca autistico autistica dislessico dislessica esodato esodata
preside vicepreside""".split())
#: plurals that follow a "sono" meaning "they are" at a sentence's start ("sono anni che aspetto", "sono questi i
#: documenti"): not a surname
_PLURALS_KEPT = frozenset("""anni mesi giorni ore minuti secondi settimane secoli decenni attimi momenti volte
questi quelli altri alcuni diversi vari parecchi certi entrambi tali quali dieci undici dodici tredici quattordici
quindici sedici diciassette diciotto diciannove venti trenta quaranta cinquanta sessanta settanta ottanta novanta""".split())
#: endings of words the lexicon lacks that are no surname: participles (-ato, -ito, -uto: "sono esodato"),
#: adjectives (-ico: "sono tetraplegico"), superlatives, ages ("ultraottantenne"), elongations ("stancaaa")
_NOT_A_SURNAME = re.compile(r".*(?:[aiu]t[oaie]|ic[oaie]|issim[oaie]|enn[ei]|mente)|.*(.)\1\1.*")


def unlisted_surname(word: str, plural: bool = True) -> bool:
    """Whether a lower-case ``word`` after a "sono" that says who writes (or after a greeting) reads as a
    surname that no list holds: a word that is no Italian word form (:func:`privacy.lexicon.lemma`:
    "brambilla", "fumagalli", "tagliabue"; "stanca", "soddisfatto", "incinta", "pensionata" are words), or a
    plural in -i that is no participle, which cannot agree with the one who writes ("sono ferraresi",
    "sono ricci"; "sono stati", "sono anni" stay) — and no stop word, loan word, adjective or participle by
    its ending, word ending in an accent ("papà"), or word the lexicon lacks (:data:`_UNLISTED_WORDS`).
    ``plural=False`` leaves the plural rule out (after a greeting a plural is said to many: "ciao Ragazzi")."""
    if len(word) < 4 or word in STOP or word in _LOANS or word in SIGNED or word in _UNLISTED_WORDS \
            or word[-1] in "àèéìòóù'’" or ADJECTIVE.fullmatch(word) or elided_phrase(word):
        return False
    lem = lemma(word)
    if lem is None:
        return not _NOT_A_SURNAME.fullmatch(word)
    return (plural and word[-1] == "i" and lem != word and word not in _PLURALS_KEPT and lem not in STOP
            and not lem.endswith(("are", "ere", "ire", "rre")))


#: what a writer is to someone, said after the name in capitals ("SONO GIULIA LA MAMMA DI ANDREA"), and the particles
#: that lead a surname ("GIULIA DI STEFANO") unless a stop word or such a word follows them ("LA MAMMA")
_CAPS_KIN = frozenset("mamma papà madre padre moglie marito figlio figlia nonna nonno zia zio sorella fratello nipote tutore "
                      "tutrice badante".split())
_NAME_PARTICLES = frozenset("di de da del della dello la lo li".split())
_RUN_WORD = re.compile(r"\S+")


def caps_name_cut(run: str) -> int | None:
    """Where the name ends in ``run``, a run of words in capitals after a lead-in (its first word always kept): at the
    first later word that is a stop word ("MI CHIAMO ROSA E HO …"), what the writer is to someone, or a particle before
    either ("SONO GIULIA LA MAMMA DI ANDREA" gave "SONO [NOME] ANDREA"; round 15) — its offset, or None; "GIULIA DI
    STEFANO" is one name."""
    words = list(_RUN_WORD.finditer(run))
    for i, w in enumerate(words[1:], 1):
        low = w.group().lower()
        if low in _NAME_PARTICLES:
            after = words[i + 1].group().lower() if i + 1 < len(words) else ""
            if not after or after in STOP or after in _CAPS_KIN:
                return w.start()
        elif low in CAPS_STOP or low in _CAPS_KIN:
            return w.start()
    return None


def kin_word_name(words: list[str], text: str, pos: int, subject_after: re.Pattern) -> int:
    """How many of ``words`` (the first a given name that is also a word, at ``pos`` in ``text``, after one's own
    relative) name that relative: 1 when what follows it makes it the subject ("mio marito salvo ha 80 anni"), 2 when
    a surname comes between, listed (:data:`privacy.surnames.SURNAMES`) or no word (:func:`unlisted_surname`) ("mia suocera pina esposito non ha", round 21),
    else 0 ("mia figlia sara contenta")."""
    end = pos + len(words[0])
    if subject_after.match(text, end):
        return 1
    if len(words) > 1 and (words[1].lower() in SURNAMES or unlisted_surname(words[1].lower())):
        return 2 if subject_after.match(text, text.index(words[1], end) + len(words[1])) else 0
    return 0
