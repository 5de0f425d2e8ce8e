"""The stylesheet and the script every report page inlines (no external file, no network).

The script draws each figure of the ``figures`` JSON block into its ``div`` one after the
other (a figure drawn with WebGL is swapped for its SVG fallback where WebGL is missing or
runs in software; ``?webgl=1`` or ``?webgl=0`` in the URL forces either),
marks ``<body data-rendered="N">`` when all are drawn (``data-rendered-ms``: when, in
milliseconds since navigation started), reports a failed figure on the console,
and makes the tables sortable (click a heading; again to reverse) and filterable.
"""

from __future__ import annotations

__all__ = ["PAGE_SCRIPT", "PAGE_STYLE"]

PAGE_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fff}
header{padding:1rem 2rem;background:#f3f5f8;border-bottom:1px solid #dde}
h1{margin:.2rem 0 .6rem;font-size:1.5rem;word-break:break-all}
h2{font-size:1.2rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #eee}
main{padding:0 2rem 2rem}
p{max-width:60rem;line-height:1.4}
table.facts th{text-align:left;padding-right:1rem;font-weight:600;vertical-align:top}
table.facts td{word-break:break-all}
nav ol{columns:3;margin:.6rem 0 0;padding-left:1.2rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(430px,1fr));gap:.5rem}
.plot{min-height:260px;border:1px solid #eee;border-radius:4px;margin:.3rem 0}
.plot.failed{border-color:#D55E00}
.table-wrap{max-height:36rem;overflow:auto;border:1px solid #ddd}
table.sortable{border-collapse:collapse;font-size:.85rem;width:100%}
table.sortable th{position:sticky;top:0;background:#f3f5f8;cursor:pointer;padding:.3rem .5rem;
text-align:left;white-space:nowrap}
table.sortable th[data-order=asc]::after{content:" \\25B2"}
table.sortable th[data-order=desc]::after{content:" \\25BC"}
table.sortable td{padding:.2rem .5rem;border-top:1px solid #eee;white-space:nowrap}
table.sortable td[data-k]{text-align:right;font-variant-numeric:tabular-nums}
input.filter{margin:.4rem 0;padding:.3rem;width:20rem}
"""

PAGE_SCRIPT = """
(function () {
  "use strict";
  // WebGL figures (parcoords) need a GPU to draw fast: software WebGL (SwiftShader,
  // llvmpipe) takes seconds and browsers are dropping it, so there the SVG fallback is drawn.
  // ?webgl=1 in the URL forces WebGL, ?webgl=0 the fallback.
  function fastWebGL() {
    var forced = /[?&]webgl=([01])/.exec(window.location.search);
    if (forced) { return forced[1] === "1"; }
    try {
      var canvas = document.createElement("canvas");
      var gl = canvas.getContext("webgl") || canvas.getContext("experimental-webgl");
      if (!gl) { return false; }
      var info = gl.getExtension("WEBGL_debug_renderer_info");
      var renderer = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
      var lost = gl.getExtension("WEBGL_lose_context");
      if (lost) { lost.loseContext(); }
      return !/swiftshader|llvmpipe|software/i.test(renderer);
    } catch (e) { return false; }
  }
  function needsWebGL(figure) {
    return figure.data.some(function (t) {
      return t.type === "parcoords" || /gl$/.test(t.type || "");
    });
  }
  var figures = JSON.parse(document.getElementById("figures").textContent);
  var ids = Object.keys(figures);
  var webgl = null;
  var drawn = 0;
  var config = {responsive: true, displaylogo: false};
  function draw(i) {
    if (i >= ids.length) {
      document.body.setAttribute("data-rendered-ms", String(Math.round(performance.now())));
      document.body.setAttribute("data-rendered", String(drawn));
      return;
    }
    var div = document.getElementById(ids[i]);
    var spec = figures[ids[i]];
    var figure = spec.figure;
    if (spec.fallback && needsWebGL(figure)) {
      if (webgl === null) { webgl = fastWebGL(); }
      if (!webgl) { figure = spec.fallback; div.setAttribute("data-fallback", "svg"); }
    }
    div.style.height = (figure.layout.height || 450) + "px";
    var started = performance.now();
    Plotly.newPlot(div, figure.data, figure.layout, config).then(function () {
      div.setAttribute("data-ms", String(Math.round(performance.now() - started)));
      drawn += 1;
      draw(i + 1);
    }, function (error) {
      div.className += " failed";
      console.error("smarttune report: figure " + ids[i] + " failed: " + error);
      draw(i + 1);
    });
  }
  draw(0);

  function compare(a, b) {
    var ka = a.getAttribute("data-k"), kb = b.getAttribute("data-k");
    if (ka !== null && kb !== null) { return parseFloat(ka) - parseFloat(kb); }
    if (ka !== null) { return -1; }
    if (kb !== null) { return 1; }
    return a.textContent.localeCompare(b.textContent);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      th.title = "sort";
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("data-order") !== "asc";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("data-order"); });
        th.setAttribute("data-order", ascending ? "asc" : "desc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          return compare(a.cells[column], b.cells[column]) * (ascending ? 1 : -1);
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (row) { fragment.appendChild(row); });
        body.appendChild(fragment);
      });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input.filter"), function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    input.addEventListener("input", function () {
      var query = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.style.display = row.textContent.toLowerCase().indexOf(query) < 0 ? "none" : "";
      });
    });
  });
})();
"""
