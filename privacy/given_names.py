"""Given names that mark a personal name where no phrase introduces it.

Used by :func:`privacy.names.listed_names`: "ho parlato con Giulia Esposito", "Rossi Mario, via
Roma 1", "MARIO ROSSI". The list holds the given names most often registered in Italy (Istat's
yearly tables of births, older cohorts included) and those common among the country's language
minorities (German, French, Slovenian) and its largest foreign-born communities. Names that are
also ordinary capitalised words in a comment ("Felice", "Natale", "Vera", "Sole", "Gioia",
"Speranza", "Fortunato", "Will", "Hope", "Grace") are left out on purpose: a name is taken only
beside another capitalised word, and these would take greetings and wishes with it.
Round 10 (2026-12-04) added the names of those born since 2000, the diminutives older people go by
("Pinuccia", "Peppino", "Mimmo") and more of the foreign-born communities' (Romanian, Albanian,
Ukrainian, Filipino, Indian, Spanish-speaking, French, Slovenian, German, English), none of them an
Italian word form by :mod:`privacy.lexicon`, or else also listed in :data:`privacy.word_forms.WORD_NAMES`.
Round 11 added a few more of the older cohorts' and the short forms people use in texts ("Ale", "Giuse", "Robi");
round 13 more of both ("Lele", "Giusy", "Gaspare", "Concettina") and of the foreign-born communities' ("Ayoub", "Irina");
round 21 more of theirs (Albanian "Ardit", Romanian "Nicolae", Ukrainian "Svitlana", Arabic "Khalid", Chinese "Wei", "Haoran").
"""
from __future__ import annotations

GIVEN_NAMES = frozenset("""
Abele Achille Adamo Adelmo Adolfo Adriano Agostino Alberto Albino Alda Alessandra Alessandro Alessia
Alessio Alfio Alfonso Alfredo Alice Alida Alma Alvaro Amalia Ambra Ambrogio Amelia Amerigo Anastasia
Andrea Angela Angelica Angelo Anita Anna Annalisa Annamaria Antonella Antonietta Antonino Antonio Arianna
Armando Arnaldo Arturo Assunta Attilio Augusto Aurora Barbara Bartolomeo Beatrice Benedetta Benito
Bernardo Bettina Bianca Brigida Bruna Bruno Camilla Carla Carlo Carmela Carmelo Carmen Carolina Caterina
Cecilia Cesare Chiara Cinzia Claudia Claudio Clara Concetta Corrado Cosimo Costantino Cristian Cristiana
Cristina Cristiano Daniela Daniele Dario Davide Debora Denis Denise Diego Dino Domenico Donato Edoardo
Elena Eleonora Elia Elisa Elisabetta Emanuela Emanuele Emilia Emiliano Emilio Emma Enrico Enzo Ermanno
Erica Ernesto Ester Ettore Eugenio Eva Fabiana Fabio Fabrizio Federica Federico Fernando Filippo
Fiorella Flavia Flavio Franca Francesca Francesco Franco Gabriele Gabriella Gaetano Gemma Giacomo
Gian Giancarlo Gianfranco Gianluca Gianluigi Gianna Gianni Gianpaolo Giacinto Gigi Gilberto Gina Gino Giorgia
Giorgio Giovanna Giovanni Girolamo Gisella Giulia Giuliana Giuliano Giulio Giuseppa Giuseppe Giuseppina
Gloria Graziella Gregorio Guglielmo Guido Ignazio Ilaria Immacolata Ines Irene Isabella Ivan Ivana
Jacopo Jessica Katia Lara Laura Leonardo Letizia Lia Liliana Lina Lino Livia Lorena Lorenzo Loredana
Luana Luca Lucia Luciana Luciano Lucio Luigi Luigia Luisa Maddalena Manuel Manuela Marcella Marcello
Marco Margherita Maria Marianna Mariangela Mariano Marilena Marina Mario Marisa Marta Martina Massimo
Matilde Matteo Mattia Maurizio Mauro Michela Michele Milena Mirella Mirko Monica Nadia Nicola Nicoletta
Nicolò Niccolò Nino Noemi Nunzia Olga Oreste Orazio Orlando Ornella Osvaldo Ottavio Paola Paolo Pasquale
Patrizia Patrizio Pierluigi Piero Pietro Pina Pino Raffaele Raffaella Renata Renato Renzo Riccardo
Rinaldo Rita Roberta Roberto Rocco Rodolfo Romina Rosa Rosalba Rosalia Rosanna Rosaria Rosario
Rossana Rossella Ruggero Sabrina Salvatore Samuele Sandra Sandro Sara Sebastiano Serena Sergio Silvana
Silvia Silvio Simona Simone Sofia Sonia Stefania Stefano Susanna Tatiana Teresa Tiziana Tiziano Tommaso
Tullio Ugo Umberto Valentina Valentino Valeria Valerio Vanessa Vincenza Vincenzo Viola Virginia
Vito Vittoria Vittorio Walter Zaira
Addolorata Agata Annunziata Calogero Carmine Ciro Filomena Gennaro Nunzio Santina
Andreas Anton Christian Christine Elisabeth Florian Franz Georg Hans Heinrich Helga Helmut Herbert
Hermann Ingrid Johann Josef Jürgen Karl Klaus Lukas Magdalena Manfred Markus Martin Matthias Maximilian
Michael Monika Peter Reinhold Sabine Sebastian Siegfried Stefan Thomas Ursula Werner Wolfgang
Sepp Seppl Hannes Hansi Luis Lois Toni Resi Vroni Burgi Zenzi Loisl
Hubert Alois Günther Gottfried Erich Konrad Alfred Albert Rudolf Otto Kurt Norbert Arnold Oswald Engelbert
Gerhard Dietmar Armin Roland Ulrich Theresia Waltraud Gertraud Notburga Brigitte Irmgard Hildegard Elfriede
Rosmarie Veronika Judith Sonja
Alain André Cédric Didier Françoise Frédéric Geneviève Jacques Jean Jeanne Julien Marie Michel Nathalie
Nicolas Philippe Pierre Sylvie Thierry
Aleš Andrej Bojan Boris Darko Igor Jana Janez Jože Katarina Marjan Marko Matej Miha Mojca Nataša Nina Primož
Sašo Špela Tanja Tina Urška Vesna Zoran Žiga
Ahmed Alexandru Ana Andrei Elena Fatima Gheorghe Hassan Ion Ioana Karim Mohamed Mohammed Mihai Natalia
Oksana Olena Rachid Vasile Youssef Yassine
David Elizabeth George Jack James Jennifer John Joseph Mary Michael Paul Richard Robert Sarah Steven William
Ginevra Greta Nicole Ludovica Rebecca Adele Gioele Erika Michelle Sharon Melissa Miriam Samantha Rachele
Aurelia Cristel Desirèe Jasmine Yasmine Ilenia Mattea Brando Thiago Enea Leandro Pinuccia Lella Peppino Peppe
Totò Mimmo Pippo Ciccio Carmelina Cettina Rina Ivo Iole Ida Edda Elsa Enza Fulvia Gilda Irma Lidia Lucrezia
Mafalda Nives Ottavia Palmira Piera Vilma Wilma Zelinda Aldo Amedeo Aurelio Bepi Duilio Egidio Elio Ezio
Fiorenzo Gastone Gerardo Gianmarco Gianmaria Ivano Lamberto Leo Mirco Nando Nevio Oscar Pasqualino Romolo
Rolando Saverio Tiberio Valter Vasco Vinicio Virgilio Ada Wanda Marilisa Mariella Mariuccia Pierina Teresina
Assuntina Tindaro Agostina Maurizia Morena Loretta Orietta Licia Tecla Teodoro Ugolino Bonaventura Kevin Tom
Sophie Emily Daniel Alex Samuel Adam Omar Amir Aisha Mariam Ibrahim Mustafa Hamza Mehdi Khadija Ionela Mihaela
Florin Adrian Gabriel Ionut Nicoleta Alina Adina Marius Cosmin Bogdan Claudiu Arben Blerina Ermal Besnik
Klodian Elton Enkeledi Fatjon Kledi Valbona Anila Elvira Mirela Lindita Olha Svetlana Iryna Yulia Tetiana
Nataliya Halyna Lyudmila Vasyl Mykola Taras Oleksandr Maricel Rodel Jocelyn Marites Harpreet Gurpreet Manpreet
Jaspreet Simranjeet Lorenza Ruben Raul Pablo Carlos Jorge Juan Yolanda Kate Anne Lucy Charlotte Olivia Chloé
Camille Léa Manon Julie Louis Hugo Lucas Nathan Théo Anja Katja Maja Nejc Luka Tilen Anže Gregor Tjaša Petra
Polona Lea Leonie Hannah Julia Katharina Tobias Jonas Felix Elias Niklas Fabian Veronica Dante Benedetto
Giordano Graziano Fausto Lisa Lena Giada Gaia Marzia Tonino Rosetta
Donatella Marinella Lorella Agnese Leonilde Tarcisio Pierangelo Beppe Beppino Giusi Betta Lalla Titti
Ale Giuse Robi Simo Manu Dani Gabri Cate Lele Ele Giusy Sabri Rosy Susy Lory Dany Ely Checco Vanni Nanni Nico Franci
Gaspare Biagio Baldassarre Melchiorre Eligio Natalina Gesualdo Onofrio Liborio Sebastiana Agatino Concettina Pasqualina
Michelina Deborah Ayoub Rayan Aya Amina Irina
Ardit Dritan Gjergj Ilir Arjan Bujar Erion Nicolae Dumitru Constantin Viorel Ionel Petru Costel Oleh Serhiy Andriy
Volodymyr Svitlana Mykhailo Dmytro Abdel Abdul Abdullah Mahmoud Khalid Samir Nabil Rashid Wei Yang Haoran Xiaoming
""".split())


#: the words said for nobody in particular ("il signor Nessuno", "un tale Tizio"): never a name (round 14)
NOBODY = frozenset("Nessuno Qualcuno Chiunque Tizio Caio".split())

#: famous people a comment names with no lead-in ("come Marco Polo", "ho letto Umberto Eco", "il liceo Umberto Eco"):
#: no citizen's name there (round 14). After a lead-in ("mi chiamo Marco Polo") the name is still taken.
FAMOUS = frozenset(("Marco Polo", "Umberto Eco", "Dante Alighieri", "Giuseppe Garibaldi", "Giuseppe Verdi", "Giuseppe Mazzini",
                    "Alessandro Manzoni", "Giacomo Leopardi", "Enrico Fermi", "Galileo Galilei", "Cristoforo Colombo",
                    "Sandro Pertini", "Aldo Moro", "Giovanni Falcone", "Paolo Borsellino", "Maria Montessori", "Luigi Pirandello",
                    "Giovanni Verga", "Italo Calvino", "Primo Levi", "Carlo Collodi", "Alessandro Volta", "Guglielmo Marconi",
                    "Antonio Gramsci", "Gianni Rodari", "Piero Angela", "Alberto Angela", "Giuseppe Ungaretti",
                    "Giovanni Pascoli", "Ugo Foscolo", "Leonardo Da Vinci", "Pier Paolo Pasolini", "Federico Fellini",
                    "Luciano Pavarotti", "Lucio Dalla", "Fabrizio De André", "Rita Levi Montalcini", "Totò"))
