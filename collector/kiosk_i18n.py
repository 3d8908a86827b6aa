"""The kiosk page's own words, in the five languages (the questions' words come from the questionnaire)."""
from __future__ import annotations

KIOSK_UI = {
    "it": {"title": "Il tuo parere", "why": "Vuoi dirci perché? (facoltativo)", "send": "Invia", "skip": "Salta",
           "thanks": "Grazie per il tuo parere!", "next": "Tra pochi secondi la pagina torna pronta per il prossimo utente.",
           "queued": "Risposte in attesa di invio", "denied": "Questo dispositivo non è registrato per il servizio.",
           "back": "Indietro"},
    "en": {"title": "Your opinion", "why": "Would you tell us why? (optional)", "send": "Send", "skip": "Skip",
           "thanks": "Thank you for your opinion!", "next": "In a few seconds the page will be ready for the next person.",
           "queued": "Answers waiting to be sent", "denied": "This device is not registered for the service.",
           "back": "Back"},
    "de": {"title": "Ihre Meinung", "why": "Möchten Sie uns den Grund nennen? (optional)", "send": "Senden",
           "skip": "Überspringen", "thanks": "Danke für Ihre Meinung!",
           "next": "In wenigen Sekunden ist die Seite für die nächste Person bereit.",
           "queued": "Antworten, die auf den Versand warten", "denied": "Dieses Gerät ist für den Dienst nicht registriert.",
           "back": "Zurück"},
    "fr": {"title": "Votre avis", "why": "Voulez-vous nous dire pourquoi\u00a0? (facultatif)", "send": "Envoyer",
           "skip": "Passer", "thanks": "Merci pour votre avis\u00a0!",
           "next": "Dans quelques secondes, la page sera prête pour la personne suivante.",
           "queued": "Réponses en attente d'envoi", "denied": "Cet appareil n'est pas enregistré pour le service.",
           "back": "Retour"},
    "sl": {"title": "Vaše mnenje", "why": "Nam želite povedati zakaj? (neobvezno)", "send": "Pošlji",
           "skip": "Preskoči", "thanks": "Hvala za vaše mnenje!",
           "next": "Čez nekaj sekund bo stran pripravljena za naslednjo osebo.",
           "queued": "Odgovori, ki čakajo na pošiljanje", "denied": "Ta naprava ni registrirana za storitev.",
           "back": "Nazaj"},
}
