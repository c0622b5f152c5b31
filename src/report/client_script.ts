/**
 * The report page's own script (plain ES2017 for the browser, inlined after plotly): draws the
 * embedded figure specs, switches error bars (95% CI / std / none), sorts tables on a header
 * click, and offers the embedded JSONL/CSV/config as downloads (Blob URLs, no network).
 * When every plot has rendered it sets <body data-rendered="N"> and window.reportRenderedAt
 * (performance.now() in ms), which the end-to-end test and the load benchmark wait for.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var plotConfig = { responsive: true, displaylogo: false, toImageButtonOptions: { format: 'png', scale: 2 } };

  var pending = data.figures.map(function (f) {
    return Plotly.newPlot(document.getElementById(f.id), f.traces, f.layout, plotConfig);
  });
  Promise.all(pending).then(function () {
    window.reportRenderedAt = performance.now();
    document.body.setAttribute('data-rendered', String(data.figures.length));
  }, function (err) {
    console.error('plot failed: ' + (err && err.message ? err.message : err));
  });

  // error bars: the same figure specs carry both std and 95% CI arrays
  var errSelect = document.getElementById('errmode');
  if (errSelect) {
    errSelect.addEventListener('change', function () {
      var mode = errSelect.value;
      data.figures.forEach(function (f) {
        if (f.errors.length === 0) return;
        // one restyle (one redraw) per figure, covering all its traces with error bars
        var idx = f.errors.map(function (e) { return e.trace; });
        var update = mode === 'none'
          ? { 'error_y.visible': f.errors.map(function () { return false; }) }
          : { 'error_y.visible': f.errors.map(function () { return true; }), 'error_y.array': f.errors.map(function (e) { return e[mode]; }) };
        Plotly.restyle(f.id, update, idx);
      });
    });
  }

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
