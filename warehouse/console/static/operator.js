/* Operator entry (warehouse/console/operator.py): one press on a face = one entry, posted to the
 * console with its submission_id; entries not yet answered 202 are kept in memory and sent again
 * with the same id (the collector stores an id once), so a press is never lost nor counted twice. */
(function () {
  "use strict";
  var root = document.getElementById("operator");
  if (!root) { return; }
  var url = root.getAttribute("data-url");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var status = document.getElementById("op-status"), log = document.getElementById("op-log");
  var pending = [], sending = false, done = 0;

  function uuid4() {
    if (crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function service() { return root.querySelector('input[name="service"]:checked').value; }

  function note(entry, text) {
    entry.li.textContent = entry.time + " · " + entry.label + " · " + text;
  }

  function pump() {
    if (sending || !pending.length) { return; }
    sending = true;
    var e = pending[0];
    fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ service: e.service, face: e.face, submission_id: e.id }) })
      .then(function (r) { return r.json().then(function (j) { return [r.status, j]; }, function () { return [r.status, {}]; }); })
      .then(function (res) {
        sending = false;
        if (res[0] === 202) {
          pending.shift(); done++;
          note(e, "✓");
          status.textContent = e.label + " · " + done;
          pump();
        } else if (res[0] >= 400 && res[0] < 500 && res[0] !== 408 && res[0] !== 429) {
          pending.shift();
          note(e, "✗ " + (res[1].message || res[0]));
          status.textContent = e.label + ": " + (res[1].message || res[0]);
          pump();
        } else {
          note(e, "…");
          setTimeout(pump, 3000);
        }
      }, function () { sending = false; note(e, "…"); setTimeout(pump, 3000); });
  }

  Array.prototype.forEach.call(root.querySelectorAll('input[name="service"]'), function (r) {
    r.addEventListener("change", function () {
      Array.prototype.forEach.call(root.querySelectorAll(".op-faces"), function (s) {
        s.hidden = s.getAttribute("data-service") !== service();
      });
    });
  });
  Array.prototype.forEach.call(root.querySelectorAll(".op-face"), function (b) {
    b.addEventListener("click", function () {
      var e = { id: uuid4(), service: service(), face: b.getAttribute("data-face"),
                label: b.textContent.trim(), time: new Date().toLocaleTimeString(), li: document.createElement("li") };
      note(e, "…");
      log.insertBefore(e.li, log.firstChild);
      while (log.children.length > 20) { log.removeChild(log.lastChild); }
      pending.push(e);
      pump();
    });
  });
}());
