// Renders each chart from its JSON block with the locally served plotly.js; the table next to it is
// the accessible alternative, and the CSV link downloads exactly that table.
(function () {
  if (!window.Plotly) return;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = JSON.parse(document.getElementById("plot-" + el.dataset.chart).textContent);
    // numbers in the page's language, as the tables write them: 53,9 and 1.154 in Italian
    var separators = document.documentElement.lang === "it" ? ",." : ".,";
    var layout = Object.assign({margin: {t: 16, r: 16, b: 48, l: 56}, height: 320, separators: separators,
      font: {family: "Titillium Web, Geneva, Tahoma, sans-serif", color: "#17324d"},
      legend: {orientation: "h", y: -0.2}, paper_bgcolor: "#fff", plot_bgcolor: "#fff"}, spec.layout || {});
    // a static picture (role="img"): no mode bar, no zoom; the table below is the accessible version
    Plotly.newPlot(el, spec.data, layout, {displayModeBar: false, staticPlot: false, responsive: true,
      scrollZoom: false, doubleClick: false});
  });
})();
