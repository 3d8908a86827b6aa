// The export form: changing the frequency reloads the page with that frequency's period lists.
(function () {
  var form = document.querySelector("[data-freq-form]");
  if (!form) return;
  var sel = form.querySelector("select[name=freq]");
  var btn = form.querySelector("[data-freq-apply]");
  if (btn) btn.hidden = true;
  sel.addEventListener("change", function () { form.submit(); });
})();
