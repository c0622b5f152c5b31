/**
 * The report page's own script (plain ES2017 for the browser, inlined after plotly): draws the
 * embedded figure specs, switches the band (default: seed range for n < 3, 95% CI from 3; or one of
 * seed range / 95% CI / std / none for all) and the write axes (log / linear), sorts tables on a header
 * click, and offers the embedded JSONL/CSV/config as downloads (Blob URLs, no network).
 * Plots are drawn one per task (first ones paint early). When every plot has rendered it sets
 * <body data-rendered="N"> and window.reportRenderedAt
 * (performance.now() in ms), which the end-to-end test and the load benchmark wait for;
 * window.reportScriptStartedAt marks when this script began (plotly parsed and run).
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  window.reportScriptStartedAt = performance.now();
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var plotConfig = { responsive: true, displaylogo: false, toImageButtonOptions: { format: 'png', scale: 2 } };

  // bands (sim/report/bands.ts): each figure carries per mode a patch of its traces (error_y, the
  // seed markers), its y range and its legend title; the write axes switch log <-> linear
  var errMode = 'auto';
  var xMode = 'log';
  function applyBand(f, mode) {
    if (!f.views) return;
    var v = f.views[mode];
    Object.keys(v.traces).forEach(function (i) {
      var patch = v.traces[i];
      Object.keys(patch).forEach(function (k) { f.traces[i][k] = patch[k]; });
    });
    if (v.range && f.layout.yaxis) f.layout.yaxis.range = v.range.slice();
    if (f.layout.legend) f.layout.legend.title = { text: v.title, font: { size: 11 } };
  }
  function applyXScale(f, mode) {
    if (!f.xScale) return;
    var zero = f.xScale.zero;
    f.traces.forEach(function (t) {
      if (!t.x) return;
      t.x = t.x.map(function (x) { return mode === 'log' ? (x === 0 ? zero : x) : (x === zero ? 0 : x); });
    });
    var ax = f.xScale[mode];
    Object.keys(ax).forEach(function (k) {
      if (ax[k] === null) delete f.layout.xaxis[k]; else f.layout.xaxis[k] = ax[k];
    });
  }
  function prepare(f) {
    applyBand(f, errMode);
    applyXScale(f, xMode);
  }
  function redrawAll() {
    data.figures.forEach(function (f) {
      if (!f.drawn || (!f.views && !f.xScale)) return;
      prepare(f);
      Plotly.react(f.id, f.traces, f.layout, plotConfig);
    });
  }
  var errSelect = document.getElementById('errmode');
  if (errSelect) {
    errSelect.addEventListener('change', function () {
      errMode = errSelect.value;
      redrawAll();
    });
  }
  var xSelect = document.getElementById('xscale');
  if (xSelect) {
    xSelect.addEventListener('change', function () {
      xMode = xSelect.value;
      redrawAll();
    });
  }

  // draw one figure per task, in page order, so the browser paints the first plots while the
  // rest are still being drawn; reportFirstPlotAt / reportRenderedAt time the first / last one
  window.reportPlotMs = {};
  var next = 0;
  function drawNext() {
    if (next >= data.figures.length) {
      window.reportRenderedAt = performance.now();
      document.body.setAttribute('data-rendered', String(data.figures.length));
      return;
    }
    var f = data.figures[next++];
    var t0 = performance.now();
    prepare(f); // a figure drawn after a control changed starts in the chosen modes
    Plotly.newPlot(document.getElementById(f.id), f.traces, f.layout, plotConfig).then(function () {
      window.reportPlotMs[f.id] = performance.now() - t0;
      f.drawn = true;
      if (next === 1) window.reportFirstPlotAt = performance.now();
      setTimeout(drawNext, 0);
    }, function (err) {
      console.error('plot ' + f.id + ' failed: ' + (err && err.message ? err.message : err));
    });
  }
  drawNext();

  // sortable tables: click a header to sort by it (numbers numerically, missing values last)
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var heads = table.querySelectorAll('thead th');
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      var sort = function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var numeric = th.getAttribute('data-kind') === 'number';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (r) {
          var v = r.cells[col].getAttribute('data-v');
          if (v === null || v === '') return null;
          return numeric ? Number(v) : v;
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === y) return 0;
          if (x === null) return 1;
          if (y === null) return -1;
          var c = numeric ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); sort(); } });
    });
  });

  // downloads from the embedded data (Blob URLs: nothing is fetched)
  Array.prototype.forEach.call(document.querySelectorAll('button[data-download]'), function (btn) {
    btn.addEventListener('click', function () {
      var item = data.downloads[btn.getAttribute('data-download')];
      var url = URL.createObjectURL(new Blob([item.text], { type: item.type }));
      var a = document.createElement('a');
      a.href = url;
      a.download = item.name;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
    });
  });
})();
`;
