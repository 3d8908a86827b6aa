// Renders each chart from its JSON block with the locally served plotly.js; the table next to it is
// the accessible alternative, and the CSV link downloads exactly that table.
(function () {
  if (!window.Plotly) return;
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = JSON.parse(document.getElementById("plot-" + el.dataset.chart).textContent);
    // numbers in the page's language, as the tables write them: 53,9 and 1.154 in Italian
    var separators = document.documentElement.lang === "it" ? ",." : ".,";
    // the legend at the foot of the whole picture (yref "container") and an x axis that makes room for
    // its labels (automargin): on a narrow chart the months' labels turn and grow, and a legend placed
    // under the plot area (y: -0.2) covered them and the axis title, or they were cut ("2026-0")
    var layout = Object.assign({margin: {t: 16, r: 16, b: 48, l: 56}, height: 320, separators: separators,
      font: {family: "Titillium Web, Geneva, Tahoma, sans-serif", color: "#17324d"},
      legend: {orientation: "h", yref: "container", y: 0, yanchor: "bottom"},
      paper_bgcolor: "#fff", plot_bgcolor: "#fff"}, spec.layout || {});
    layout.xaxis = Object.assign({automargin: true}, layout.xaxis || {});
    // a static picture (role="img"): no mode bar, no zoom; the table below is the accessible version
    Plotly.newPlot(el, spec.data, layout, {displayModeBar: false, staticPlot: false, responsive: true,
      scrollZoom: false, doubleClick: false});
  });
})();
