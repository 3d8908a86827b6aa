/* Ascolto kiosk page (collector/kiosk.py): faces → optional reasons → thanks → reset.
 * Answers are queued in localStorage — a shared device, so only what queued() keeps: the submission's
 * id, service, questionnaire and version, the page's language, the codes of the face and of the reasons
 * tapped, and context.page "/kiosk"; never free text (the kiosk offers none: kiosk.py shows the faces and
 * the choice reasons only), nor the device token or a time — and sent
 * in order with the device token; an answer leaves the queue only when the collector answered 202
 * or refused it for good (4xx other than 408/429), so a resend after a lost answer reuses its
 * submission_id and is stored once. The queue is flushed now, when the network returns ("online")
 * and every 15 s; a send left without any answer for 30 s is given up (and so tried again). Refused
 * because the service's questionnaire was reassigned (409 questionnaire_not_assigned), the page loads
 * again, with the new questionnaire, as soon as nobody is answering. Another page (the device's language
 * after an answer given in another, a language tapped) is opened only once the collector answers: offline
 * the kiosk stays, and keeps answering, in the language it has.
 */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("kiosk-config").textContent);
  var root = document.getElementById("kiosk");
  var device = root.getAttribute("data-device");
  var KEY = "ascolto.kiosk.queue." + cfg.service;
  var screens = { ask: "s-ask", why: "s-why", thanks: "s-thanks" };
  var answers = {}, timer = null, flushing = false;
  var queueNote = document.getElementById("queue");

  function $(id) { return document.getElementById(id); }
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }

  function uuid4() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  /* questionnaires.model.Condition: an unanswered source item never holds */
  function holds(c) {
    if (!c) { return true; }
    var a = answers[c.item], v = c.value;
    if (a === undefined) { return false; }
    switch (c.op) {
      case "eq": return a === v;
      case "ne": return a !== v;
      case "in": return v.indexOf(a) >= 0;
      case "gt": return a > v;
      case "gte": return a >= v;
      case "lt": return a < v;
      case "lte": return a <= v;
    }
    return false;
  }

  var memory = [];
  try { memory = JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { memory = []; }
  function load() { return memory.slice(); }
  function save(q) {
    try { localStorage.setItem(KEY, JSON.stringify(q)); } catch (e) { /* full or disabled: kept in memory below */ }
    memory = q;
    queueNote.textContent = q.length ? queueNote.getAttribute("data-label") + ": " + q.length : "";
  }

  function show(name) {
    $("more").hidden = true;
    Object.keys(screens).forEach(function (k) { $(screens[k]).hidden = k !== name; });
    var h = $(screens[name]).querySelector("h1,h2");
    if (h) { h.focus(); }
    clearTimeout(timer);
    if (name === "thanks") { timer = setTimeout(reset, cfg.reset_s * 1000); }
    if (name === "why") { idle(); }
    if (name === "ask") { away(); }
  }
  /* A citizen switched the page to their language (cfg.home: the device's own): the next person finds
   * the device's language again, once the answer is given or after a minute without a touch. */
  function away() {
    if (cfg.home) {
      timer = setTimeout(function () {
        var asking = function () { return !$("s-ask").hidden; }; /* nobody began an answer meanwhile */
        reachable(function () { if (asking()) { location.replace(cfg.home); } }, function () { if (asking()) { away(); } });
      }, 60000);
    }
  }
  /* A page is opened (the device's language, another one tapped) only once the collector answers: offline,
   * the browser's own error page replaced the kiosk, and nobody could answer until staff reloaded it. */
  function reachable(then, otherwise) {
    var ac = window.AbortController ? new AbortController() : null;
    var stall = ac ? setTimeout(function () { ac.abort(); }, 5000) : null;
    fetch("/kiosk.js", { method: "HEAD", cache: "no-store", credentials: "omit", signal: ac ? ac.signal : undefined })
      .then(function (r) { clearTimeout(stall); if (r.ok) { then(); } else { otherwise(); } },
            function () { clearTimeout(stall); otherwise(); });
  }
  /* Walked away on the reasons: the face still counts. After 30 s without a touch the kiosk asks
   * whether more time is needed (WCAG 2.2.1) and sends the answer as it is only 20 s later. */
  function idle() {
    clearTimeout(timer);
    $("more").hidden = true;
    timer = setTimeout(still, 30000);
  }
  function still() {
    $("more").hidden = false;
    $("more-btn").focus();
    timer = setTimeout(send, 20000);
  }

  /* The service was given another questionnaire (409 questionnaire_not_assigned): the answers to this
   * page's are refused for good, so the page is loaded again (its new questionnaire) once nobody is
   * answering — at once on the faces, else when the thank-you screen resets. Left as it was, a totem
   * open for days threw every later answer away. */
  var outdated = false;
  function reassigned() {
    outdated = true;
    if (!$("s-ask").hidden) { location.reload(); }
  }

  /* the thank-you screen's end: the faces for the next person, in the device's language */
  function reset() {
    /* (a page loaded anew: a new questionnaire too); offline, the faces in this page's language meanwhile */
    if (cfg.home) { reachable(function () { location.replace(cfg.home); }, back); return; }
    back();
  }
  /* Back on the reasons: the faces again, for the same person (in the language they chose) */
  function back() {
    if (outdated) { location.reload(); return; }
    answers = {};
    all(".reason").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    show("ask");
  }

  function send() {
    var picked = {};
    all(".reason[aria-pressed=true]").forEach(function (b) {
      var item = b.getAttribute("data-item");
      (picked[item] = picked[item] || []).push(b.getAttribute("data-code"));
    });
    cfg.reasons.forEach(function (r) { if (holds(r.show_if) && picked[r.code]) { answers[r.code] = picked[r.code]; } });
    save(load().concat([queued(answers)]));
    show("thanks");
    flush();
  }

  /* What waits on the device for the network: the submission as posted, its answers only the faces item's
   * code (or a rating's point) and the codes of the reasons (cfg.reasons: choice items, never text). */
  function queued(given) {
    var kept = {}, face = given[cfg.item];
    function code(c) { return typeof c === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(c); }
    if (typeof face === "number" || code(face)) { kept[cfg.item] = face; }
    cfg.reasons.forEach(function (r) {
      var v = [].concat(given[r.code] || []).filter(code);
      if (v.length) { kept[r.code] = v; }
    });
    return { submission_id: uuid4(), service: cfg.service, questionnaire: cfg.questionnaire,
      version: cfg.version, lang: cfg.lang, answers: kept, context: { page: "/kiosk" } };
  }

  function flush() {
    if (flushing) { return; }
    var q = load();
    if (!q.length) { save(q); return; }
    flushing = true;
    var body = q[0];
    /* no answer in 30 s (the Wi-Fi dropped mid-request): given up, so that the queue moves on */
    var ac = window.AbortController ? new AbortController() : null;
    var stall = ac ? setTimeout(function () { ac.abort(); }, 30000) : null;
    fetch("/v1/submissions", { method: "POST", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Ascolto-Device": device }, body: JSON.stringify(body),
      signal: ac ? ac.signal : undefined })
      .then(function (r) {
        clearTimeout(stall);
        flushing = false;
        var final = r.status === 202 || (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429);
        if (!final) { return; }
        if (r.status === 409) {
          r.json().then(function (e) { /* an answer queued by an older page says nothing of this one */
            if (e.error === "questionnaire_not_assigned" && body.questionnaire === cfg.questionnaire && body.version === cfg.version) { reassigned(); }
          }, function () {});
        }
        save(load().filter(function (x) { return x.submission_id !== body.submission_id; }));
        flush();
      }, function () { clearTimeout(stall); flushing = false; });
  }

  all(".face").forEach(function (b) {
    b.addEventListener("click", function () {
      answers = {};
      var code = b.getAttribute("data-code");
      answers[cfg.item] = cfg.rating ? Number(code) : code; /* a rating's point is a number */
      var any = false;
      all(".reason-set").forEach(function (set) {
        var r = cfg.reasons.filter(function (x) { return x.code === set.getAttribute("data-item"); })[0];
        set.hidden = !(r && holds(r.show_if));
        any = any || !set.hidden;
      });
      if (any) { show("why"); } else { send(); }
    });
  });
  all(".reason").forEach(function (b) {
    b.addEventListener("click", function () {
      b.setAttribute("aria-pressed", b.getAttribute("aria-pressed") === "true" ? "false" : "true");
      idle();
    });
  });
  all(".langs a").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      reachable(function () { location.assign(a.href); }, function () {});
    });
  });
  $("send").addEventListener("click", send);
  $("more-btn").addEventListener("click", function () { idle(); $("q-why").focus(); });
  $("back").addEventListener("click", back);
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  save(memory);
  flush();
  away();
}());
