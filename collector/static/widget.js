/* Ascolto feedback widget. One tag:
 *   <script src="https://HOST/widget.js" data-service="SERVICE_KEY" async></script>
 * Optional: data-lang="it|en|de|fr|sl", data-target="#css-selector" (default: right after the tag).
 * No cookies, no storage, no identifiers: a submission_id is made once per answer set and reused
 * on retry. Fires a "ascolto:submitted" event (detail: {service, submission_id}) on the document.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = script.src.replace(/\/widget\.js(\?.*)?$/, "");
  var service = script.getAttribute("data-service");
  var LANGS = ["it", "en", "de", "fr", "sl"];
  var lang = (script.getAttribute("data-lang") || document.documentElement.lang || "it").slice(0, 2).toLowerCase();
  if (LANGS.indexOf(lang) < 0) { lang = "it"; }
  var T = {
    it: { yes: "Sì", no: "No", send: "Invia", thanks: "Grazie! La tua risposta è stata registrata.", sending: "Invio in corso…",
          retry: "Connessione assente: riproveremo automaticamente.", error: "Controlla le risposte evidenziate.",
          required: "obbligatoria", failed: "Non è stato possibile inviare la risposta." },
    en: { yes: "Yes", no: "No", send: "Send", thanks: "Thank you! Your answer has been recorded.", sending: "Sending…",
          retry: "No connection: we will retry automatically.", error: "Please check the highlighted answers.",
          required: "required", failed: "Your answer could not be sent." },
    de: { yes: "Ja", no: "Nein", send: "Senden", thanks: "Danke! Ihre Antwort wurde gespeichert.", sending: "Wird gesendet…",
          retry: "Keine Verbindung: wir versuchen es automatisch erneut.", error: "Bitte prüfen Sie die markierten Antworten.",
          required: "erforderlich", failed: "Ihre Antwort konnte nicht gesendet werden." },
    fr: { yes: "Oui", no: "Non", send: "Envoyer", thanks: "Merci ! Votre réponse a été enregistrée.", sending: "Envoi en cours…",
          retry: "Pas de connexion : nouvel essai automatique.", error: "Vérifiez les réponses signalées.",
          required: "obligatoire", failed: "Votre réponse n'a pas pu être envoyée." },
    sl: { yes: "Da", no: "Ne", send: "Pošlji", thanks: "Hvala! Vaš odgovor je bil shranjen.", sending: "Pošiljanje…",
          retry: "Ni povezave: samodejno bomo poskusili znova.", error: "Preverite označene odgovore.",
          required: "obvezno", failed: "Odgovora ni bilo mogoče poslati." }
  }[lang];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var CSS = ".asc{font:inherit;max-width:36rem;border:1px solid #5c6f82;border-radius:4px;padding:1rem;margin:1rem 0;background:#fff;color:#1a1a1a}" +
    ".asc fieldset{border:0;margin:0 0 1rem;padding:0}.asc legend{font-weight:600;margin-bottom:.4rem}" +
    ".asc .asc-opts{display:flex;flex-wrap:wrap;gap:.4rem}.asc label{cursor:pointer}" +
    ".asc .asc-opt{display:inline-flex;align-items:center;gap:.3rem;border:1px solid #5c6f82;border-radius:4px;padding:.3rem .6rem}" +
    ".asc input:focus-visible,.asc textarea:focus-visible,.asc button:focus-visible{outline:3px solid #f90;outline-offset:2px}" +
    ".asc textarea{width:100%;box-sizing:border-box;min-height:4rem}.asc button{background:#0066cc;color:#fff;border:0;border-radius:4px;padding:.5rem 1.2rem;font:inherit;cursor:pointer}" +
    ".asc .asc-err{color:#a4001d;font-weight:600}.asc .asc-err::before{content:'⚠ '}.asc [hidden]{display:none}";

  function render(q, mount) {
    var answers = {};
    var submissionId = null;
    var form = el("form", { "class": "asc", novalidate: "novalidate", "aria-label": q.title });
    var status = el("p", { role: "status", "aria-live": "polite" });
    form.appendChild(el("h2", { text: q.title }));
    var blocks = {};

    q.items.forEach(function (item) {
      var id = "asc-" + service + "-" + item.code;
      var fs = el("fieldset", { id: id, "data-code": item.code });
      var legend = el("legend", { text: item.label + (item.required ? " (" + T.required + ")" : "") });
      fs.appendChild(legend);
      var err = el("p", { "class": "asc-err", id: id + "-err", hidden: "hidden" });
      if (item.type === "rating" || item.type === "choice" || item.type === "multi" || item.type === "boolean") {
        var opts = el("div", { "class": "asc-opts" });
        var choices = item.type === "rating" ? range(item.scale.min, item.scale.max).map(function (v) {
          var text = String(v);
          if (item.scale_labels && v === item.scale.min) { text += " – " + item.scale_labels.min; }
          if (item.scale_labels && v === item.scale.max) { text += " – " + item.scale_labels.max; }
          return { value: v, label: text };
        }) : item.type === "boolean" ? [{ value: true, label: T.yes }, { value: false, label: T.no }]
          : item.options.map(function (o) { return { value: o.code, label: o.label }; });
        choices.forEach(function (c, i) {
          var input = el("input", { type: item.type === "multi" ? "checkbox" : "radio", name: id, id: id + "-" + i,
                                    value: String(c.value), "aria-describedby": id + "-err" });
          input.addEventListener("change", function () {
            if (item.type === "multi") {
              var picked = Array.prototype.filter.call(fs.querySelectorAll("input"), function (x) { return x.checked; })
                .map(function (x) { return x.value; });
              if (picked.length) { answers[item.code] = picked; } else { delete answers[item.code]; }
            } else {
              answers[item.code] = c.value;
            }
            update();
          });
          opts.appendChild(el("label", { "class": "asc-opt", "for": id + "-" + i }, [input, el("span", { text: c.label })]));
        });
        fs.appendChild(opts);
      } else {
        var area = el("textarea", { id: id + "-text", maxlength: String(item.max_length || 500), "aria-describedby": id + "-err" });
        legend.setAttribute("id", id + "-legend");
        area.setAttribute("aria-labelledby", id + "-legend");
        if (item.hint) { fs.appendChild(el("p", { text: item.hint })); }
        area.addEventListener("input", function () {
          if (area.value.trim()) { answers[item.code] = area.value; } else { delete answers[item.code]; }
        });
        fs.appendChild(area);
      }
      fs.appendChild(err);
      blocks[item.code] = { item: item, node: fs, err: err };
      form.appendChild(fs);
    });

    var button = el("button", { type: "submit", text: T.send });
    form.appendChild(button);
    form.appendChild(status);

    function visible(item) {
      var c = item.show_if;
      if (!c) { return true; }
      var a = answers[c.item];
      if (a === undefined || a === null) { return false; }
      switch (c.op) {
        case "eq": return a === c.value; case "ne": return a !== c.value;
        case "gt": return a > c.value; case "gte": return a >= c.value;
        case "lt": return a < c.value; case "lte": return a <= c.value;
        case "in": return c.value.indexOf(a) >= 0;
      }
      return false;
    }

    function update() {
      submissionId = null; // a changed answer set is a new submission
      q.items.forEach(function (item) {
        var b = blocks[item.code];
        var show = visible(item);
        b.node.hidden = !show;
        if (!show) { delete answers[item.code]; }
      });
    }

    function showErrors(fields) {
      Object.keys(blocks).forEach(function (code) { blocks[code].err.hidden = true; });
      var first = null;
      Object.keys(fields || {}).forEach(function (key) {
        var code = key.replace(/^answers\./, "");
        var b = blocks[code];
        if (b) {
          b.err.textContent = [].concat(fields[key]).join(" ");
          b.err.hidden = false;
          first = first || b.node.querySelector("input,textarea");
        }
      });
      status.textContent = T.error;
      if (first) { first.focus(); }
    }

    function send(attempt) {
      var payload = { submission_id: submissionId, service: service, questionnaire: q.id, version: q.version,
                      lang: lang, channel: "web", answers: answers, context: { page: location.pathname } };
      fetch(base + "/v1/submissions", { method: "POST", headers: { "Content-Type": "application/json" },
                                        body: JSON.stringify(payload), credentials: "omit", keepalive: true })
        .then(function (resp) {
          if (resp.status === 202) {
            form.replaceChildren(el("p", { role: "status", text: T.thanks }));
            form.querySelector("p").setAttribute("tabindex", "-1");
            form.querySelector("p").focus();
            document.dispatchEvent(new CustomEvent("ascolto:submitted",
              { detail: { service: service, submission_id: payload.submission_id } }));
            return;
          }
          if (resp.status === 429 || resp.status === 503) {
            var after = parseInt(resp.headers.get("Retry-After") || "0", 10);
            return retry(attempt, after * 1000);
          }
          return resp.json().then(function (body) {
            if (resp.status === 422 || resp.status === 400) { showErrors(body.fields); } else { status.textContent = T.failed; }
            button.disabled = false;
          });
        }, function () { retry(attempt, 0); });
    }

    function retry(attempt, minDelay) {
      if (attempt >= 8) { status.textContent = T.failed; button.disabled = false; return; }
      status.textContent = T.retry;
      var delay = Math.max(minDelay, Math.min(60000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2));
      setTimeout(function () { send(attempt + 1); }, delay);
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var missing = {};
      q.items.forEach(function (item) {
        if (item.required && visible(item) && answers[item.code] === undefined) { missing[item.code] = [T.required]; }
      });
      if (Object.keys(missing).length) { showErrors(missing); return; }
      showErrors({});
      status.textContent = T.sending;
      button.disabled = true;
      submissionId = submissionId || uuid4();
      send(0);
    });

    update();
    mount.appendChild(form);
  }

  function range(a, b) { var out = []; for (var i = a; i <= b; i++) { out.push(i); } return out; }

  function start() {
    if (!service) { return; }
    var target = script.getAttribute("data-target");
    var mount = target ? document.querySelector(target) : null;
    if (!mount) {
      mount = document.createElement("div");
      script.parentNode.insertBefore(mount, script.nextSibling);
    }
    if (!document.getElementById("asc-style")) {
      var style = el("style", { id: "asc-style" });
      style.textContent = CSS;
      document.head.appendChild(style);
    }
    fetch(base + "/v1/services/" + encodeURIComponent(service) + "/questionnaire?lang=" + lang, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (q) { if (q) { render(q, mount); } });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
