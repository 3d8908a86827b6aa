"""English for the "Da guardare" / "Needs attention" page (:mod:`.data_attention`, ``attention.html``; merged
into :data:`.i18n.EN` by :func:`install`, called as the console is created)."""
from __future__ import annotations

from . import i18n

EN = {
    "Da guardare": "Needs attention", "Fuori dai limiti": "Outside the limits",
    "Gli enti (o i servizi) che il funnel del loro tipo di servizio pone fuori dai limiti: prima quelli sotto il "
    "benchmark nazionale, poi quelli sopra. Ogni valore, limite e confronto è quello della pagina del tipo di "
    "servizio.": "The entities (or services) that their service type's funnel places outside the limits: those "
                 "below the national benchmark first, then those above. Every value, limit and comparison is the "
                 "one of the service type's page.",
    "Tipi di servizio confrontati: {n}, di cui {m} senza enti fuori dai limiti":
        "Service types compared: {n}, of which {m} without entities outside the limits",
    "Tipi di servizio confrontati: {n}, di cui {m} senza servizi fuori dai limiti":
        "Service types compared: {n}, of which {m} without services outside the limits",
    "non confrontabili: {k} ({names})": "not comparable: {k} ({names})",
    "con meno di {min} enti pubblicati, funnel non informativo: {k} ({names})":
        "with fewer than {min} published entities, funnel not informative: {k} ({names})",
    "con meno di {min} servizi pubblicati, funnel non informativo: {k} ({names})":
        "with fewer than {min} published services, funnel not informative: {k} ({names})",
    "Nessun ente fuori dai limiti nel periodo {p}.": "No entity outside the limits in the period {p}.",
    "Nessun servizio fuori dai limiti nel periodo {p}.": "No service outside the limits in the period {p}.",
    "I limiti del funnel dicono quanto il valore di un ente può scostarsi dal benchmark nazionale per il solo caso, "
    "dato il suo numero di risposte: fuori dai limiti al 95% ci si aspetta per caso circa un ente su 20, fuori da "
    "quelli al 99,8% circa uno su 500. Un ente fuori dai limiti è da guardare, non bocciato: i dati dicono dove "
    "cercare, non perché. Il confronto FDR (Benjamini-Hochberg, 5%) tiene sotto controllo i falsi allarmi tra i "
    "tanti confronti: «significativamente sotto» resta tale anche tenendo conto di quanti enti si confrontano.":
        "The funnel's limits say how far an entity's value may stray from the national benchmark by chance "
        "alone, given its number of responses: about one entity in 20 is expected outside the 95% limits by "
        "chance, about one in 500 outside the 99.8% ones. An entity outside the limits needs attention; it has "
        "not failed: the data say where to look, not why. The FDR comparison (Benjamini-Hochberg, 5%) keeps "
        "false alarms in check across the many comparisons: «significantly below» holds even allowing for how "
        "many entities are compared.",
    "I limiti del funnel dicono quanto il valore di un servizio può scostarsi dal benchmark nazionale per il solo "
    "caso, dato il suo numero di risposte: fuori dai limiti al 95% ci si aspetta per caso circa un servizio su 20, "
    "fuori da quelli al 99,8% circa uno su 500. Un servizio fuori dai limiti è da guardare, non bocciato: i dati "
    "dicono dove cercare, non perché. Il confronto FDR (Benjamini-Hochberg, 5%) tiene sotto controllo i falsi "
    "allarmi tra i tanti confronti: «significativamente sotto» resta tale anche tenendo conto di quanti servizi si "
    "confrontano.":
        "The funnel's limits say how far a service's value may stray from the national benchmark by chance "
        "alone, given its number of responses: about one service in 20 is expected outside the 95% limits by "
        "chance, about one in 500 outside the 99.8% ones. A service outside the limits needs attention; it has "
        "not failed: the data say where to look, not why. The FDR comparison (Benjamini-Hochberg, 5%) keeps "
        "false alarms in check across the many comparisons: «significantly below» holds even allowing for how "
        "many services are compared.",
}


def install() -> None:
    for k, v in EN.items():
        i18n.EN.setdefault(k, v)
