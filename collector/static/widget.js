/* Ascolto feedback widget (plain JS, no framework, no cookies, no storage).
 * One tag:   <script src="https://HOST/widget.js" data-service="SERVICE_KEY" async></script>
 * Optional:  data-lang="it|en|de|fr|sl"  (default: the page's lang, else Italian)
 *            data-mode="inline|floating" (default inline; floating = a button opening a dialog)
 *            data-target="#css-selector" (inline mode: where to render; default right after the tag)
 *            data-heading-level="2..6"   (inline mode: level of the questionnaire title; default 2)
 *            (a value not listed: a console warning naming the attribute, the value and what is used instead)
 *            data-test                   (a check-up: the answer is stored apart and never counted; honoured
 *                                         only on a page of the service's allowed origins; said above the
 *                                         questions; always invited, no funnel counts)
 * A submission_id is generated once per answer set and reused on every retry; an answer not yet
 * accepted is retried while the page is open (backoff ≤ 60 s, at once on online/visible, a last
 * keepalive try on pagehide), kept in memory only; once accepted, noted in the page's history entry
 * (history.state: the page run again by Back or a reload thanks). One widget per service and page. Sends
 * context.hp (honeypot, empty) and context.fill_ms (ms from showing the questions to sending).
 * Fires "ascolto:submitted" on document, detail {service, submission_id, test}, once accepted.
 * Sampling: the questionnaire carries the service's sampling_rate; one draw per page view decides
 * whether this view is invited ("ascolto:sampled", detail {service, invited}). Funnel: anonymous
 * counts of this view (impressions, starts, submissions; no identifier) are posted to /v1/funnel
 * after an answer is accepted and when the page is hidden (only what was not reported yet).
 * On a page whose origin the service does not allow (403) it says so to the citizen, warns the
 * developer in the console (origin and service key) and never retries.
 */
(function () {
  "use strict";
  function warn(msg) { if (window.console && console.warn) { console.warn("Ascolto: " + msg); } }
  var WIDGET = /\/widget\.js(\?.*)?$/;
  var NOKEY = "this widget tag has no data-service attribute, so it shows nothing: add data-service=\"SERVICE_KEY\" " +
    "with the service's key, as in the tag `ascolto registry add-service` prints.";
  var STALL = 30000; /* ms without an answer before a submission is sent again */

  /* UI strings: send|sending|thanks|retry|check|required|choose|invalid|failed|yes|no|open|close|chars left ({left} of {n})|off|test|changed|reopen|cut */
  var S = {
    it: "Invia|Invio in corso…|Grazie! La tua risposta è stata registrata.|Connessione assente o servizio occupato: riproveremo automaticamente finché questa pagina resta aperta.|Controlla le risposte segnalate.|obbligatoria|Questa risposta è obbligatoria.|Risposta non valida.|Non è stato possibile registrare la risposta per un problema tecnico di questa pagina. Ci scusiamo per il disagio.|Sì|No|Dai il tuo parere|Chiudi|Caratteri disponibili: {left} su {n}.|Questo modulo non è attivo su questa pagina.|Modalità di prova: le risposte non sono conteggiate.|Il questionario di questo servizio è stato aggiornato mentre rispondevi: la risposta non è stata registrata.|Rispondi di nuovo nel modulo aggiornato|Il testo era troppo lungo ed è stato accorciato.",
    en: "Send|Sending…|Thank you! Your answer has been recorded.|No connection or service busy: we will keep retrying automatically while this page stays open.|Please check the answers marked below.|required|This answer is required.|Invalid answer.|Your answer could not be recorded because of a technical problem with this page. We apologise.|Yes|No|Give feedback|Close|Characters left: {left} of {n}.|This form is not active on this page.|Test mode: answers are not counted.|The questionnaire of this service was updated while you were answering: your answer was not recorded.|Answer again in the updated form|The text was too long and has been shortened.",
    de: "Senden|Wird gesendet…|Danke! Ihre Antwort wurde gespeichert.|Keine Verbindung oder Dienst ausgelastet: Wir versuchen es automatisch erneut, solange diese Seite geöffnet bleibt.|Bitte prüfen Sie die markierten Antworten.|Pflichtfeld|Diese Antwort ist erforderlich.|Ungültige Antwort.|Ihre Antwort konnte wegen eines technischen Problems dieser Seite nicht gespeichert werden. Wir bitten um Entschuldigung.|Ja|Nein|Ihre Meinung|Schließen|Verbleibende Zeichen: {left} von {n}.|Dieses Formular ist auf dieser Seite nicht aktiv.|Testmodus: Antworten werden nicht gezählt.|Der Fragebogen dieses Dienstes wurde aktualisiert, während Sie geantwortet haben: Ihre Antwort wurde nicht gespeichert.|Im aktualisierten Formular erneut antworten|Der Text war zu lang und wurde gekürzt.",
    fr: "Envoyer|Envoi en cours…|Merci ! Votre réponse a été enregistrée.|Pas de connexion ou service occupé : nous réessaierons automatiquement tant que cette page reste ouverte.|Veuillez vérifier les réponses signalées.|obligatoire|Cette réponse est obligatoire.|Réponse non valide.|Votre réponse n'a pas pu être enregistrée à cause d'un problème technique de cette page. Veuillez nous en excuser.|Oui|Non|Donnez votre avis|Fermer|Caractères restants : {left} sur {n}.|Ce formulaire n'est pas actif sur cette page.|Mode test : les réponses ne sont pas comptées.|Le questionnaire de ce service a été mis à jour pendant que vous répondiez : votre réponse n'a pas été enregistrée.|Répondre à nouveau dans le formulaire mis à jour|Le texte était trop long et a été raccourci.",
    sl: "Pošlji|Pošiljanje…|Hvala! Vaš odgovor je bil shranjen.|Ni povezave ali je storitev zasedena: samodejno bomo poskušali znova, dokler je ta stran odprta.|Preverite označene odgovore.|obvezno|Ta odgovor je obvezen.|Neveljaven odgovor.|Odgovora zaradi tehnične težave te strani ni bilo mogoče shraniti. Opravičujemo se.|Da|Ne|Vaše mnenje|Zapri|Preostali znaki: {left} od {n}.|Ta obrazec na tej strani ni aktiven.|Preizkusni način: odgovori se ne štejejo.|Vprašalnik te storitve je bil posodobljen, medtem ko ste odgovarjali: vaš odgovor ni bil shranjen.|Ponovno odgovorite v posodobljenem obrazcu|Besedilo je bilo predolgo in je bilo skrajšano."
  };

  /* Every tag is booted once. A classic tag runs this file itself (document.currentScript). A module's URL
   * is evaluated once however many tags load it: that run boots every widget tag not booted yet, now and
   * (an async module, the page still loading) at DOMContentLoaded. A module tag added later is not run. */
  function bootAll() {
    var tags = document.querySelectorAll("script[src][data-service]"), found = 0;
    for (var i = 0; i < tags.length; i++) {
      if (WIDGET.test(tags[i].src)) { found++; if (!tags[i].ascolto) { boot(tags[i]); } }
    }
    /* the module ran, the page is parsed, and no tag has a key (a classic tag without one: boot warns) */
    if (!found && document.readyState !== "loading") { warn(NOKEY); }
  }

  /* One widget: the tag's attributes, its questionnaire, its answer and its funnel counts. */
  function boot(script) {
    if (!window.fetch || !window.JSON) { return; }
    script.ascolto = true;
    var base = script.src.replace(WIDGET, "");
    var service = script.getAttribute("data-service");
    if (!service) { return warn(NOKEY); }
    /* one widget per service on a page (one impression, one button); other services may share the page */
    var mine = window.ascoltoServices = window.ascoltoServices || {};
    if (service && mine[service]) {
      return warn("a second tag for service \"" + service + "\" on this page is ignored: keep one tag per service.");
    }
    mine[service] = true;
    /* an attribute given a value the widget does not know: said in the console (attribute, value, fallback) */
    function bad(name, value, fallback) {
      warn(name + "=\"" + value + "\" is not a value the widget knows for service \"" + service + "\", so it uses " +
        fallback + ".");
    }
    var mode = script.getAttribute("data-mode");
    var floating = mode === "floating";
    if (mode !== null && mode !== "inline" && !floating) { bad("data-mode", mode, "data-mode=\"inline\" (or give \"floating\")"); }
    var lv = script.getAttribute("data-heading-level");
    var level = Math.min(6, Math.max(2, parseInt(lv, 10) || 2));
    if (lv !== null && String(level) !== lv) { bad("data-heading-level", lv, "an h" + level + " (2 to 6)"); }
    var test = script.hasAttribute("data-test") && script.getAttribute("data-test") !== "false";
    var checkup = test; /* also when the service is in test mode (the questionnaire says test: true) */
    var asked = script.getAttribute("data-lang"), page = (document.documentElement.lang || "").slice(0, 2).toLowerCase();
    var lang = (asked || page || "it").slice(0, 2).toLowerCase();
    if (!S[lang]) {
      lang = asked && S[page] ? page : "it"; /* a data-lang it cannot speak: the page's language, else Italian */
      if (asked) { bad("data-lang", asked, "\"" + lang + "\" (it, en, de, fr or sl)"); }
    }
    var K = "send sending thanks retry check required choose invalid failed yes no open close left off test changed reopen cut".split(" ");
    var T = {};
    S[lang].split("|").forEach(function (s, i) { T[K[i]] = s; });
    var counter = 0;
    var draw = Math.random(); /* one draw per page view: the sampling decision never changes within it */
    var F = { impressions: 0, starts: 0, submissions: 0 }, sent = { impressions: 0, starts: 0, submissions: 0 };

    /* all:initial: nothing the site's CSS sets on its body (text-transform, letter-spacing...) is inherited */
    /* every length is in em of the widget's own text (at least 16px), never rem: a site's html{font-size:62.5%}
     * must not shrink the boxes under text that stays 16px */
    var CSS = ":host{all:initial;display:block;pointer-events:auto;visibility:visible}" +
      ".asc{font-family:\"Titillium Web\",-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif;font-size:max(1rem,16px);line-height:1.5;color:#1a1a1a;text-align:left}" +
      ".asc *{box-sizing:border-box}.asc [hidden]{display:none!important}" +
      ".asc-card{max-width:40em;margin:1.5em 0;padding:1.5em;background:#fff;border:1px solid #d9dadb;border-top:4px solid #0066cc;border-radius:4px;box-shadow:0 2px 8px rgba(0,0,0,.08)}" +
      ".asc-title{margin:0 0 .727em;font-size:1.375em;line-height:1.25;font-weight:700;color:#17324d}" +
      ".asc-q{border:0;margin:0 0 1.25em;padding:0;min-width:0}" +
      ".asc-q.asc-bad{border-left:4px solid #cc334d;padding-left:.75em}" +
      ".asc legend,.asc-lbl{display:block;float:none;width:auto;font-size:1em;font-weight:600;margin:0 0 .5em;padding:0;color:#1a1a1a}" +
      /* a word longer than a line (200% zoom on a phone) is broken, not left past the screen's edge */
      ".asc legend,.asc-lbl,.asc-title,.asc-svc,.asc-hint{overflow-wrap:anywhere}" +
      ".asc-req{font-weight:400;font-size:.875em;color:#5d7083}" +
      ".asc-hint,.asc-count{margin:.286em 0 .571em;font-size:.875em;color:#5d7083}" +
      ".asc-opts{display:flex;flex-wrap:wrap;gap:.5em}" +
      ".asc-opt{display:inline-flex;align-items:center;gap:.5em;min-height:2.75em;margin:0;padding:.5em .875em;border:1px solid #5d7083;border-radius:4px;background:#fff;color:#1a1a1a;font-weight:400;cursor:pointer}" +
      ".asc-scale{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(0,1fr);max-width:34em}" +
      ".asc-scale .asc-opt{position:relative;flex-direction:column;justify-content:flex-start;gap:.25em;padding:.5em .25em;text-align:center}" +
      /* a screen narrower than a row of boxes can hold the extremes' words (a phone, 400% zoom): one option a line.
       * Not a container query: size containment would collapse the card to its title's width wherever the
       * site sizes it by its content (a float, an inline-block, a flex item, a table cell). */
      "@media (max-width:30em){.asc-scale{grid-auto-flow:row;max-width:none}" +
      ".asc-scale .asc-opt{flex-direction:row;flex-wrap:wrap;align-items:center;padding:.5em .875em;text-align:left}" +
      ".asc-scale .asc-vh{position:static;width:auto;height:auto;overflow:visible;clip:auto;white-space:normal}.asc-scale .asc-w{font-size:1em}}" +
      /* the same, on a wide screen, where the words do not fit the boxes (a sidebar): fit() sets asc-rows */
      ".asc-scale.asc-rows{grid-auto-flow:row;max-width:none}.asc-rows .asc-opt{flex-direction:row;flex-wrap:wrap;align-items:center;padding:.5em .875em;text-align:left}" +
      ".asc-rows .asc-vh{position:static;width:auto;height:auto;overflow:visible;clip:auto;white-space:normal}.asc-rows .asc-w{font-size:1em}" +
      ".asc-faces{gap:1em}.asc-faces .asc-opt{flex:1 1 7em;max-width:11em;flex-direction:column;padding:.75em .5em;text-align:center}" +
      ".asc-faces svg{width:4.5em;height:4.5em}.asc-satisfied svg{color:#00734a}.asc-neutral svg{color:#7a5200}.asc-dissatisfied svg{color:#b3243c}" +
      ".asc-n{font-size:1.125em;line-height:1.2}.asc-w{font-size:.8125em;line-height:1.2;hyphens:auto}" +
      ".asc-vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}" +
      ".asc-opt:hover{border-color:#0066cc;background:#f2f7fc}" +
      ".asc-opt:has(input:checked){border-color:#0066cc;box-shadow:inset 0 0 0 1px #0066cc;background:#e5f0fa;font-weight:600}" +
      ".asc-opt input{width:1.25em;height:1.25em;margin:0;font:inherit;flex:none;accent-color:#0066cc}" +
      ".asc-opt input:focus-visible,.asc-btn:focus-visible,.asc textarea:focus-visible,.asc-status:focus-visible,.asc-thanks:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 2px #fff}" +
      /* the ring moves to the option's box only where :has() works: a browser without it keeps the radio's own */
      "@supports selector(:has(*)){.asc-opt:has(input:focus-visible){outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 2px #fff}" +
      ".asc-opt input:focus-visible{outline:none;box-shadow:none}}" +
      ".asc textarea{display:block;width:100%;min-height:6em;margin:0;padding:.5em .75em;border:1px solid #5d7083;border-radius:4px;background:#fff;color:#1a1a1a;font:inherit;resize:vertical}" +
      ".asc-err{margin:.5em 0 0;color:#cc334d;font-weight:600}.asc-err::before{content:\"\\26A0\\FE0E  \"}" +
      ".asc-btn{display:inline-flex;align-items:center;gap:.5em;margin:0;padding:.625em 1.5em;border:2px solid #0066cc;border-radius:4px;background:#0066cc;color:#fff;font:inherit;font-weight:600;line-height:1.5;cursor:pointer}" +
      ".asc-btn:hover{background:#0052a3;border-color:#0052a3}.asc-btn[aria-disabled=true]{cursor:progress}" +
      ".asc-btn:disabled{background:#e8ebee;border-color:#8a96a3;color:#3d4a57;cursor:not-allowed}" +
      ".asc-btn2{background:#fff;color:#0066cc}.asc-btn2:hover{background:#f2f7fc;color:#0052a3}" +
      /* an empty status stays in the accessibility tree (never display:none): a live region is there before it speaks */
      ".asc-status{margin:.75em 0 0;font-weight:600}.asc-status:empty{margin:0}" +
      ".asc-status a{color:#0052a3;text-decoration:underline}.asc-status a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}" +
      ".asc-test{margin:0 0 1em;padding:.5em .75em;border-left:4px solid #995c00;background:#fff5e0;color:#1a1a1a;font-weight:600}" +
      ".asc-thanks{margin:0;padding:.75em 1em;border-left:4px solid #008758;background:#fff;color:#1a1a1a;font-weight:600}.asc-thanks::before{content:\"\\2714\\FE0E  \";color:#008758}" +
      /* the label flows as one text (icon, "Dai il tuo parere", a service's name): it wraps between words inside the button */
      ".asc-fab{display:block;position:fixed;right:1.5em;bottom:1.5em;z-index:2147483000;max-width:calc(100vw - 3em);text-align:left;overflow-wrap:anywhere;border-radius:2em;box-shadow:0 4px 12px rgba(0,0,0,.3)}" +
      ".asc-fab svg{width:1.25em;height:1.25em;margin-right:.5em;vertical-align:-.25em;fill:currentColor}" +
      /* a phone's toolbar covers the bottom of 100vh: the dialog fits the dynamic viewport (dvh) where known */
      ".asc-dlg{width:min(40em,calc(100vw - 2em));max-height:calc(100vh - 2em);max-height:calc(100dvh - 2em);padding:0;border:0;border-top:4px solid #0066cc;border-radius:4px;background:#fff;color:#1a1a1a;box-shadow:0 8px 32px rgba(0,0,0,.35)}" +
      ".asc-dlg::backdrop{background:rgba(23,50,77,.6)}" +
      /* a double click on the button: its second click must not choose an answer, nor close the dialog */
      ".asc-dlg[open] .asc-body{animation:asc-settle .4s}@keyframes asc-settle{from,to{pointer-events:none}}" +
      /* title and name beside Close only where they fit whole (flex-basis: their width); else Close goes to a
       * line of its own above them (wrap-reverse), and the name wraps between words over the dialog's width */
      ".asc-head{display:flex;flex-wrap:wrap-reverse;align-items:flex-end;justify-content:space-between;gap:.5em 1em;padding:1.25em 1.5em 0}" +
      ".asc-head>:first-child{flex:1 1 auto;min-width:0}.asc-head .asc-title{margin:0}.asc-head .asc-btn{flex:none;margin-left:auto;padding:.25em .75em}.asc-svc{margin:.25em 0 0;color:#5d7083}" +
      ".asc-body{padding:1em 1.5em 1.5em}";

    function el(tag, attrs, kids) {
      var n = document.createElement(tag);
      for (var k in attrs || {}) {
        if (k === "text") { n.textContent = attrs[k]; } else if (attrs[k] !== null) { n.setAttribute(k, attrs[k]); }
      }
      (kids || []).forEach(function (c) { if (c) { n.appendChild(c); } });
      return n;
    }

    function uuid4() {
      if (crypto.randomUUID) { return crypto.randomUUID(); }
      var b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
      var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
      return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
    }

    /* Faces: the geometry of collector/faces.py. Which face each answer gets comes with the questionnaire
     * (item.faces, in the answers' order), never guessed. The words are the accessible name; the mouth's
     * shape, not colour alone, tells them apart. */
    var FACE = { satisfied: "M14 28q10 10 20 0", neutral: "M15 31h18", dissatisfied: "M14 34q10-10 20 0" };
    function faces(item, choices) {
      var f = item.faces;
      return f && f.length === choices.length && f.every(function (m) { return FACE[m]; }) ? f : null;
    }
    var NS = "http://www.w3.org/2000/svg";
    function svgEl(tag, attrs, kids) {
      var n = document.createElementNS(NS, tag);
      for (var k in attrs) { n.setAttribute(k, attrs[k]); }
      (kids || []).forEach(function (c) { n.appendChild(c); });
      return n;
    }
    function face(mood) {
      var ink = { fill: "currentColor" }, line = { fill: "none", stroke: "currentColor", "stroke-width": "3", "stroke-linecap": "round" };
      return svgEl("svg", { viewBox: "0 0 48 48", "aria-hidden": "true", focusable: "false" }, [
        svgEl("circle", { cx: "24", cy: "24", r: "21", fill: "#fff", stroke: "currentColor", "stroke-width": "3" }),
        svgEl("circle", { cx: "17", cy: "19", r: "3", fill: ink.fill }), svgEl("circle", { cx: "31", cy: "19", r: "3", fill: ink.fill }),
        svgEl("path", Object.assign({ d: FACE[mood] }, line))]);
    }


    /* A scale whose words do not fit its row of boxes (the widget in a sidebar: the media query sees only the
     * screen) is laid out one option a line (asc-rows), measured as a row each time the widget's width changes.
     * Watched through an empty line of the widget's width: what the layout changes (heights) is never seen.
     * Returns the measure, also run when an answer shows another question (a scale hidden until then). */
    function fit(box) {
      var measure = function () {
        Array.prototype.forEach.call(box.querySelectorAll(".asc-scale"), function (scale) {
          scale.classList.remove("asc-rows");
          var spill = Array.prototype.some.call(scale.children, function (o) { return o.scrollWidth > o.clientWidth + 1; });
          scale.classList.toggle("asc-rows", spill);
        });
      };
      if (!window.ResizeObserver) { return function () {}; }
      var ruler = el("div", { "aria-hidden": "true" });
      box.insertBefore(ruler, box.firstChild);
      new ResizeObserver(measure).observe(ruler);
      return measure;
    }

    /* questionnaires.model.Condition's semantics: an unanswered source item never holds. */
    function holds(c, answers) {
      if (!c) { return true; }
      var a = answers[c.item], v = c.value;
      if (a === undefined || a === null) { return false; }
      switch (c.op) {
        case "eq": return a === v;
        case "ne": return a !== v;
        case "gt": return a > v;
        case "gte": return a >= v;
        case "lt": return a < v;
        case "lte": return a <= v;
        case "in": return v.indexOf(a) >= 0;
      }
      return false;
    }

    /* 403: this page's origin is not among the service's allowed origins. Never retried. */
    function offOrigin() {
      var origin = self.origin || location.origin; /* what the browser sends as Origin */
      if (window.console && console.warn) {
        console.warn(origin === "null"
          ? "Ascolto: this page has an opaque origin (a sandboxed iframe without allow-same-origin, or a file:/data: page), " +
            "so the browser sends \"Origin: null\", which cannot be among the allowed origins of service \"" + service +
            "\". Add allow-same-origin to the iframe's sandbox attribute, or put the widget outside the sandboxed frame. " +
            "The widget stays inactive on this page."
          : "Ascolto: the origin " + origin + " is not among the allowed origins of service \"" +
            service + "\"; allow it with `ascolto registry origins " + service + " --add " + origin +
            "` (or the console's admin services page). The widget stays inactive on this page.");
      }
      return T.off;
    }

    /* context.page: the collector takes at most 512 characters; never cut a %XX escape (nor a UTF-8 sequence) */
    function pagePath() {
      var p = location.pathname;
      if (p.length <= 512) { return p; }
      p = p.slice(0, 512).replace(/%[0-9a-f]?$/i, "");
      for (var i = 0; i < 3; i++) {
        try { decodeURIComponent(p); break; } catch (e) { p = p.replace(/%[0-9a-f]{2}$/i, ""); }
      }
      return p;
    }

    /* A permanent refusal (400, 404, 409, 413, 415, 422...): tell the web manager why. */
    function refused(status, body) {
      if (window.console && console.warn) {
        console.warn("Ascolto: the collector refused the answer to service \"" + service + "\" (HTTP " + status +
          "); it is not sent again. Collector's answer: " + JSON.stringify(body));
      }
      return T.failed;
    }

    /* sentHere(1) notes an answer sent in the page's history entry (the site's state kept; not for a check-up);
     * sentHere(): noted, so thank, not ask again with a new submission_id. */
    function sentHere(note) {
      var s = history.state;
      if (!note) { return !!(s && s.ascolto && s.ascolto[service]); }
      if (checkup || (s !== null && typeof s !== "object")) { return; }
      s = Object.assign({}, s);
      s.ascolto = Object.assign({}, s.ascolto);
      s.ascolto[service] = 1;
      try { history.replaceState(s, ""); } catch (e) { /* a state that cannot be cloned: not noted */ }
    }

    function retryDelay(resp) {
      var h = resp.headers.get("Retry-After") || "";
      var s = /^\d+$/.test(h) ? parseInt(h, 10) * 1000 : Date.parse(h) - Date.now();
      return s > 0 ? Math.min(s, 3600000) : 0;
    }

    /* Build the questions into `form`; return the controller used by the submit logic. */
    function render(q, form, titleId) {
      var P = "asc" + (++counter) + "-";
      var blocks = {};
      var box = el("div", { "class": "asc-items" });
      var status = el("p", { "class": "asc-status", role: "status", "aria-live": "polite", id: P + "status" });
      var hp = el("input", { type: "text", name: "asc_hp", tabindex: "-1", autocomplete: "off", "aria-hidden": "true" });
      var button = el("button", { type: "submit", "class": "asc-btn", text: T.send });
      var sending = false, closed = false, sid = null, sidKey = null, payload = null, t0 = null;
      var note = checkup ? el("p", { "class": "asc-test", text: T.test }) : null;
      form.setAttribute("novalidate", "");
      form.setAttribute("aria-labelledby", titleId);

      q.items.forEach(function (item) {
        var id = P + item.code, text = item.type === "text", described = [];
        var node = el(text ? "div" : "fieldset", { "class": "asc-q", id: id });
        /* a text served in Italian in a page of another language says so (lang="it"): a screen reader speaks it as Italian */
        var caption = el(text ? "label" : "legend", { "class": text ? "asc-lbl" : null, "for": text ? id + "-i" : null },
                         [el("span", { lang: item.label_lang || null, text: item.label })]);
        if (item.required) { caption.appendChild(el("span", { "class": "asc-req", text: " (" + T.required + ")" })); }
        node.appendChild(caption);
        if (item.hint) { node.appendChild(el("p", { "class": "asc-hint", id: id + "-h", lang: item.hint_lang || null, text: item.hint })); described.push(id + "-h"); }
        var err = el("p", { "class": "asc-err", id: id + "-e", hidden: "" });
        var b = { item: item, node: node, err: err, described: described, inputs: [] };
        if (text) {
          var max = item.max_length || 500;
          /* the limit is in characters (NFC code points: a decomposed "è" is one), as the collector counts: not maxlength's UTF-16 units */
          var area = el("textarea", { id: id + "-i", name: item.code, rows: "4" });
          var count = el("p", { "class": "asc-count", id: id + "-c" });
          var recount = function (ev) {
            var cps = Array.from(area.value.normalize("NFC"));
            /* a longer text pasted is cut to the limit, and the cut said (the end of it is gone) */
            if (cps.length > max && !(ev && ev.isComposing)) { area.value = cps.slice(0, max).join(""); cps.length = max; status.textContent = T.cut; }
            count.textContent = T.left.replace("{left}", Math.max(0, max - cps.length)).replace("{n}", max);
          };
          area.addEventListener("input", recount);
          area.addEventListener("compositionend", recount);
          recount();
          described.push(id + "-c");
          b.inputs.push(area);
          node.appendChild(area);
          node.appendChild(count);
        } else {
          var choices = item.type === "rating" ? [] : item.type === "boolean"
            ? [{ v: "true", l: T.yes }, { v: "false", l: T.no }]
            : item.options.map(function (o) { return { v: o.code, l: o.label, lang: o.label_lang || null }; });
          if (item.type === "rating") {
            var sl = item.scale_labels || {}, sll = item.scale_labels_lang || {};
            for (var v = item.scale.min; v <= item.scale.max; v++) {
              var end = v === item.scale.min ? "min" : v === item.scale.max ? "max" : "";
              choices.push({ v: String(v), w: end ? sl[end] : "", lang: end && sll[end] || null });
            }
          }
          /* a short scale is a row of equal boxes: number, and the words of the extremes under it */
          var moods = faces(item, choices);
          var opts = el("div", { "class": moods ? "asc-opts asc-faces" : choices.length <= 7 && item.type === "rating" ? "asc-opts asc-scale" : "asc-opts" });
          choices.forEach(function (c, i) {
            var input = el("input", { type: item.type === "multi" ? "checkbox" : "radio", name: id, id: id + "-" + i, value: c.v });
            b.inputs.push(input);
            /* the accessible name of a scale point reads "5 – Moltissimo"; a face's is its words */
            var text = moods ? [face(moods[i]), el("span", { lang: c.lang || null, text: c.l || c.w || c.v })] : c.l ? [el("span", { lang: c.lang || null, text: c.l })] : [el("span", { "class": "asc-n", text: c.v }),
              c.w ? el("span", { "class": "asc-vh", text: " – " }) : null, c.w ? el("span", { "class": "asc-w", lang: c.lang || null, text: c.w }) : null];
            opts.appendChild(el("label", { "class": moods ? "asc-opt asc-" + moods[i] : "asc-opt", "for": id + "-" + i }, [input].concat(text)));
          });
          node.appendChild(opts);
        }
        node.appendChild(err);
        describe(b);
        blocks[item.code] = b;
        box.appendChild(node);
      });
      box.appendChild(el("div", { hidden: "" }, [el("label", { text: "asc_hp" }, [hp])]));
      var refit = fit(box);
      if (note) { form.appendChild(note); }
      form.appendChild(box);
      form.appendChild(button);
      form.appendChild(status);

      function describe(b) {
        var ids = b.described.concat(b.err.hidden ? [] : [b.err.id]).join(" ");
        b.inputs.forEach(function (i) {
          if (ids) { i.setAttribute("aria-describedby", ids); } else { i.removeAttribute("aria-describedby"); }
          if (b.err.hidden) { i.removeAttribute("aria-invalid"); } else { i.setAttribute("aria-invalid", "true"); }
        });
        b.node.classList.toggle("asc-bad", !b.err.hidden);
      }

      function read(b) {
        var t = b.item.type;
        if (t === "text") { return b.inputs[0].value.trim() ? b.inputs[0].value : undefined; }
        var picked = b.inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
        if (!picked.length) { return undefined; }
        if (t === "multi") { return picked; }
        return t === "rating" ? parseInt(picked[0], 10) : t === "boolean" ? picked[0] === "true" : picked[0];
      }

      /* Answers of the visible items, in order; hides the items whose show_if does not hold. */
      function collect() {
        var answers = {};
        q.items.forEach(function (item) {
          var b = blocks[item.code], show = holds(item.show_if, answers);
          b.node.hidden = !show;
          var v = show ? read(b) : undefined;
          if (v !== undefined) { answers[item.code] = v; }
        });
        return answers;
      }

      function setError(b, msg) {
        b.err.textContent = msg || "";
        b.err.hidden = !msg;
        describe(b);
      }

      function showErrors(errors) {
        var first = null;
        q.items.forEach(function (item) {
          var b = blocks[item.code];
          setError(b, errors[item.code]);
          if (errors[item.code] && !first) { first = b.inputs[0]; }
        });
        status.textContent = T.check;
        if (first) { first.focus(); }
      }

      function busy(on) {
        sending = on;
        box.inert = on;
        box.setAttribute("aria-busy", String(on));
        if (on) { button.setAttribute("aria-disabled", "true"); } else { button.removeAttribute("aria-disabled"); }
      }

      function thank() {
        form.replaceChildren(status);
        if (note) { form.insertBefore(note, status); }
        status.className = "asc-thanks";
        status.setAttribute("tabindex", "-1");
        status.textContent = T.thanks;
      }
      function done() {
        busy(false);
        thank();
        status.focus();
        sentHere(1);
        document.dispatchEvent(new CustomEvent("ascolto:submitted", { detail: { service: service, submission_id: sid, test: checkup } }));
        F.submissions = 1;
        report();
      }

      /* A refusal for good: sending again cannot help, so Send is disabled and the focus, which was on it,
       * goes to what is said instead. */
      function fail(msg, link) {
        busy(false);
        closed = true;
        button.disabled = true;
        status.replaceChildren(msg);
        if (link) { status.append(" ", link); }
        status.setAttribute("tabindex", "-1");
        (link || status).focus();
      }
      /* The questionnaire was reassigned while the citizen answered (409): offer the hosted form of the
       * service, in the same language, to answer again. */
      function changed() {
        fail(T.changed, el("a", { href: base + "/v1/services/" + encodeURIComponent(service) + "/form?lang=" + lang +
          "&page=" + encodeURIComponent(pagePath()), text: T.reopen }));
      }

      /* No answer after STALL ms (a stalled mobile connection): given up and sent again like a network
       * failure (the collector never answers later than its workers' 30 s timeout). */
      function send(attempt) {
        payload.context.fill_ms = String(Math.max(0, Math.round(Date.now() - t0))); /* whole ms, also under a fake clock */
        var ac = window.AbortController ? new AbortController() : null;
        var stall = ac ? setTimeout(function () { ac.abort(); }, STALL) : null;
        fetch(base + "/v1/submissions", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
          credentials: "omit", mode: "cors", keepalive: true, signal: ac ? ac.signal : undefined
        }).then(function (resp) {
          clearTimeout(stall);
          if (resp.status === 202) { return done(); }
          if (resp.status === 403) { return fail(offOrigin()); }
          /* 408: a proxy in front gave up waiting for a slow upload (a phone's network): worth sending again */
          if (resp.status === 408 || resp.status === 429 || resp.status >= 500) { return retry(attempt, retryDelay(resp)); }
          return resp.text().then(function (t) { try { return JSON.parse(t); } catch (e) { return { body: t }; } },
                                  function () { return {}; }).then(function (body) {
            var fields = body.fields || {};
            if (body.error === "rejected_as_automated" && fields["context.fill_ms"] && attempt < 3) {
              return retry(attempt, 1500); /* answered faster than a person usually does: send again later */
            }
            var errors = {}, any = false;
            Object.keys(fields).forEach(function (k) {
              var code = k.replace(/^answers\./, "");
              if (blocks[code] && k !== code) { errors[code] = payload.answers[code] === undefined ? T.choose : T.invalid; any = true; }
            });
            busy(false);
            if (any) { showErrors(errors); } else if (body.error === "questionnaire_not_assigned") { changed(); } else { fail(refused(resp.status, body)); }
          });
        }, function () { clearTimeout(stall); retry(attempt, 0); });
      }

      /* While the page is open an answer is never given up: capped exponential backoff with jitter (the same
       * submission_id), at once when the network returns or the page is shown, a last keepalive try on pagehide.
       * The answer is kept in memory only. */
      var timer = null, next = 0, notBefore = 0;
      function retry(attempt, minDelay) {
        if (status.textContent !== T.retry) { status.textContent = T.retry; } /* a live region: said once, not at every retry */
        next = attempt + 1;
        notBefore = Date.now() + minDelay;
        var backoff = Math.min(60000, 1000 * Math.pow(2, Math.min(attempt, 6))) * (0.5 + Math.random() / 2);
        timer = setTimeout(again, Math.max(minDelay, backoff));
      }
      function again() {
        if (timer === null || Date.now() < notBefore) { return; } /* nothing waiting, or Retry-After not over */
        clearTimeout(timer);
        timer = null;
        send(next);
      }
      window.addEventListener("online", again);
      document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") { again(); } });
      window.addEventListener("pagehide", function () { notBefore = 0; again(); });

      form.addEventListener("change", function (ev) {
        F.starts = 1;
        collect();
        refit();
        q.items.forEach(function (item) {
          var b = blocks[item.code];
          if (b.inputs.indexOf(ev.target) >= 0 && !b.err.hidden) { setError(b, ""); }
        });
        /* every marked answer given: "check the answers marked" would point at nothing */
        if (status.textContent === T.check && !q.items.some(function (i) { return !blocks[i.code].err.hidden && !blocks[i.code].node.hidden; })) {
          status.textContent = "";
        }
      });

      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (sending || closed) { return; }
        var answers = collect(), missing = {}, any = false;
        q.items.forEach(function (item) {
          if (item.required && !blocks[item.code].node.hidden && answers[item.code] === undefined) { missing[item.code] = T.choose; any = true; }
        });
        if (any) { return showErrors(missing); }
        showErrors({});
        var key = JSON.stringify(answers);
        if (key !== sidKey) { sid = uuid4(); sidKey = key; } /* a new answer set is a new submission */
        payload = { submission_id: sid, service: service, questionnaire: q.id, version: q.version, lang: lang,
                    answers: answers, context: { page: pagePath(), hp: hp.value } };
        if (test) { payload.test = true; }
        busy(true);
        status.textContent = T.sending;
        send(0);
      });

      collect();
      var before = sentHere();
      if (before) { thank(); }
      return {
        shown: function () { if (t0 === null && !before) { t0 = Date.now(); F.impressions = 1; } },
        first: function () { return form.contains(box) ? box.querySelector("input,textarea") : status; }
      };
    }

    function report() {
      if (checkup) { return; } /* a check-up counts nothing, not even in the response rates */
      var body = { report_id: uuid4(), service: service }, any = false;
      Object.keys(F).forEach(function (k) { body[k] = F[k] - sent[k]; any = any || body[k] > 0; sent[k] = F[k]; });
      if (!any) { return; }
      fetch(base + "/v1/funnel", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        credentials: "omit", mode: "cors", keepalive: true }).catch(function () { /* counts only: not retried */ });
    }
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { report(); } });
    window.addEventListener("pagehide", report);

    function start() {
      if (!service || !document.body) { return; }
      var host = el("div", { "class": "ascolto-widget", lang: lang });
      var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
      if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
        var sheet = new CSSStyleSheet(); /* not an inline style: allowed by strict CSP style-src */
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
      } else {
        root.appendChild(el("style", { text: CSS }));
      }
      var wrap = el("div", { "class": "asc" });
      root.appendChild(wrap);
      var url = base + "/v1/services/" + encodeURIComponent(service) + "/questionnaire?lang=" + lang;
      /* the network failing, or the collector busy or failing (429, 5xx): tried 3 times more, then said, and
       * again when back online */
      var load = function (tries) {
        var after = 0, why = "a network error or an unreadable answer";
        fetch(url, { credentials: "omit", mode: "cors" }).then(function (r) {
          if (r.status === 429 || r.status >= 500) { after = retryDelay(r); why = "HTTP " + r.status; throw new Error(why); }
          if (r.status === 403) { wrap.appendChild(el("p", { "class": "asc-card asc-status", role: "status", text: offOrigin() })); place(host); }
          else if (!r.ok) {
            r.text().then(function (t) {
              warn("service \"" + service + "\" shows nothing on this page: the collector answered HTTP " + r.status + " " + t +
                " (an unknown key, or a service that is not active: check it in the registry).");
            });
          }
          return r.ok ? r.json() : null;
        }).then(function (q) {
          if (!q) { return; }
          checkup = checkup || q.test === true;
          var invited = checkup || draw < (typeof q.sampling_rate === "number" ? q.sampling_rate : 1);
          document.dispatchEvent(new CustomEvent("ascolto:sampled", { detail: { service: service, invited: invited } }));
          if (invited) { (floating ? mountFloating : mountInline)(q, host, wrap); }
          else if (window.console && console.info) { /* for the developer reloading the page: nothing is wrong */
            console.info("Ascolto: service \"" + service + "\" invites a share " + q.sampling_rate + " of page views " +
              "(its sampling rate) and this one was not drawn, so nothing is shown; add data-test to the tag to see " +
              "the questionnaire on every view while checking the page.");
          }
        }, function () {
          if (tries < 3) { setTimeout(function () { load(tries + 1); }, Math.max(after, 3000 * (tries + 1))); return; }
          warn("service \"" + service + "\" shows nothing for now: its questionnaire could not be loaded from " +
            base + " (" + why + ", " + (tries + 1) + " tries); it is tried again when the browser is back online.");
          window.addEventListener("online", function () { load(0); }, { once: true }); /* out of a tunnel */
        });
      };
      load(0);
    }

    function place(host) {
      var target = script.getAttribute("data-target"), mount = null;
      if (target) { /* a target that matches nothing (or is no selector at all) never hides the questionnaire */
        try { mount = document.querySelector(target); } catch (e) { /* not a CSS selector */ }
        if (mount) { mount.appendChild(host); return; }
        warn("data-target=\"" + target + "\" matches no element of this page" +
          (/^[\w-]+$/.test(target) && document.getElementById(target) ? " (an id needs its #: data-target=\"#" + target + "\")" : "") +
          ", so the questionnaire of service \"" + service + "\" is shown right after its tag.");
      }
      if (script.parentNode && document.body.contains(script)) { script.parentNode.insertBefore(host, script.nextSibling); return; }
      document.body.appendChild(host); /* a tag in <head> (as some CMSs paste it): never render out of sight */
      if (window.console && console.warn) {
        console.warn("Ascolto: the widget's tag is not inside <body> (in <head>?), so the questionnaire of service \"" +
          service + "\" is shown at the end of the page. Paste the tag inside <body> where it should appear, or add " +
          "data-target=\"#id-of-an-element\" (or data-mode=\"floating\").");
      }
    }

    /* The service's name names each form and dialog with the questionnaire's title: two services on one page
     * share a title (the Designers Italia texts are never changed), so a screen reader tells them apart by it.
     * In the widget's language where the registry has one, else Italian, marked lang="it". */
    function named(q, id, cls) {
      return q.service_name ? el(cls === "asc-svc" ? "p" : "span", { "class": cls, id: id, lang: q.service_name_lang || null, text: q.service_name }) : null;
    }

    function mountInline(q, host, wrap) {
      var titleId = "asc-title-" + counter, svcId = "asc-svc-" + counter, svc = named(q, svcId, "asc-vh");
      var form = el("form", { "class": "asc-card" }, [el("h" + level, { "class": "asc-title", id: titleId, lang: q.title_lang || null, text: q.title }), svc]);
      wrap.appendChild(form);
      place(host);
      render(q, form, svc ? titleId + " " + svcId : titleId).shown();
    }

    /* Floating buttons of every service on the page: stacked bottom up in the order they appeared, none
     * covering another; with more than one, each shows its service's name. A button a single-page site
     * removed leaves the stack: no gap, and a button left alone shows its usual label again. */
    function stackFloating() {
      var all = window.ascoltoFloating || [], y = 0;
      for (var i = all.length - 1; i >= 0; i--) { if (!all[i].fab.isConnected) { all.splice(i, 1); } }
      all.forEach(function (f) {
        f.who.className = all.length > 1 ? "asc-who" : "asc-vh";
        f.fab.style.bottom = "calc(1.5em + " + y + "px)";
        y += f.fab.getBoundingClientRect().height + 8;
      });
    }

    function mountFloating(q, host, wrap) {
      var titleId = "asc-title-" + counter, svcId = "asc-svc-" + counter;
      var svg = svgEl("svg", { viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" }, [
        svgEl("path", { d: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 5v2h10V8H7zm0 4v2h7v-2H7z" })]);
      var fab = el("button", { type: "button", "class": "asc-btn asc-fab", "aria-haspopup": "dialog", "aria-expanded": "false" },
                   [svg, el("span", { text: T.open })]);
      /* the service's name: read by a screen reader with the button's label; shown when other floating buttons are on the page */
      var who = el("span", { "class": "asc-vh" }, q.service_name ? [document.createTextNode(" – "), el("span", { lang: q.service_name_lang || null, text: q.service_name })] : []);
      fab.appendChild(who);
      var close = el("button", { type: "button", "class": "asc-btn asc-btn2", text: T.close });
      var form = el("form", { "class": "asc-body" });
      var svc = named(q, svcId, "asc-svc");
      var dlg = el("dialog", { "class": "asc-dlg", "aria-labelledby": svc ? titleId + " " + svcId : titleId }, [
        el("div", { "class": "asc-head" }, [el("div", {}, [el("h2", { "class": "asc-title", id: titleId, lang: q.title_lang || null, text: q.title }), svc]), close]), form]);
      wrap.appendChild(fab);
      wrap.appendChild(dlg);
      var ctl = render(q, form, svc ? titleId + " " + svcId : titleId);
      var since = 0;
      var open = function () {
        since = Date.now();
        if (dlg.showModal) { dlg.showModal(); } else { dlg.setAttribute("open", ""); }
        fab.setAttribute("aria-expanded", "true");
        ctl.shown();
        (ctl.first() || close).focus();
      };
      var shut = function () { if (dlg.close) { dlg.close(); } else { dlg.removeAttribute("open"); onclose(); } };
      var onclose = function () { fab.setAttribute("aria-expanded", "false"); fab.focus(); };
      fab.addEventListener("click", open);
      close.addEventListener("click", shut);
      dlg.addEventListener("close", onclose);
      dlg.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && !dlg.showModal) { shut(); } });
      dlg.addEventListener("click", function (ev) { if (ev.target === dlg && Date.now() - since > 400) { shut(); } }); /* backdrop */
      document.body.appendChild(host);
      var floats = window.ascoltoFloating = window.ascoltoFloating || [];
      floats.push({ fab: fab, who: who });
      stackFloating();
      /* floating hosts are the body's children: watching its child list (not the subtree) sees one removed */
      if (!floats.watched && window.MutationObserver) {
        floats.watched = true;
        new MutationObserver(function () {
          if (floats.some(function (f) { return !f.fab.isConnected; })) { stackFloating(); }
        }).observe(document.body, { childList: true });
      }
      window.addEventListener("resize", stackFloating);
    }

    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  }

  /* A classic tag boots the first widget tag of its service in the page (itself, or one whose script has
   * not run yet), then itself: where the questionnaire appears never depends on which copy ran first. */
  var own = document.currentScript;
  if (own) {
    if (own.ascolto) { return; }
    var tags = document.querySelectorAll("script[src][data-service]"), key = own.getAttribute("data-service");
    for (var i = 0; i < tags.length && tags[i] !== own; i++) {
      if (!tags[i].ascolto && WIDGET.test(tags[i].src) && tags[i].getAttribute("data-service") === key) { boot(tags[i]); break; }
    }
    boot(own);
    return;
  }
  bootAll();
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", bootAll); }
})();
