/**
 * The report page's own script (plain ES2017 for the browser, inlined after plotly): draws the
 * embedded figure specs, switches error bars (95% CI / std / none), sorts tables on a header
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

  // error bars: the figure specs carry both the std and the 95% CI arrays
  var errMode = 'ci';
  function setErrorMode(f, mode) {
    f.errors.forEach(function (e) {
      var ey = f.traces[e.trace].error_y;
      ey.visible = mode !== 'none';
      if (mode !== 'none') ey.array = e[mode];
    });
  }
  var errSelect = document.getElementById('errmode');
  if (errSelect) {
    errSelect.addEventListener('change', function () {
      errMode = errSelect.value;
      data.figures.forEach(function (f) {
        if (f.errors.length === 0 || !f.drawn) return;
        // one restyle (one redraw) per figure, covering all its traces with error bars
        var idx = f.errors.map(function (e) { return e.trace; });
        var update = errMode === 'none'
          ? { 'error_y.visible': f.errors.map(function () { return false; }) }
          : { 'error_y.visible': f.errors.map(function () { return true; }), 'error_y.array': f.errors.map(function (e) { return e[errMode]; }) };
        Plotly.restyle(f.id, update, idx);
      });
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
    setErrorMode(f, errMode); // a figure drawn after the control changed starts in the chosen mode
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
