// The monthly report's own script, inlined into the page (the report is also a standalone file
// that must work offline) and allowed by its hash in the report's CSP (src/http/security-headers.ts).
// Draws the charts from the JSON block #report-data (every chart's figures are in a table too) and
// sends the commentary form through the API.
(function () {
  'use strict';
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var form = document.getElementById('commentary');
  if (form) {
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var f = e.target, parts = f.measure.value.split('|'), headers = { 'content-type': 'application/json' };
      if (f.key.value) headers.authorization = 'Bearer ' + f.key.value;
      fetch('/api/v1/measures/' + encodeURIComponent(parts[0]) + '/commentary/' + encodeURIComponent(parts[1]), {
        method: 'PUT', headers: headers, body: JSON.stringify({ commentary: f.commentary.value, correctiveAction: f.correctiveAction.value || null })
      }).then(function (res) { return res.json().then(function (b) { return { ok: res.ok, b: b }; }); })
        .then(function (x) { f.result.value = x.ok ? 'Saved; reloading…' : 'Not saved: ' + x.b.error.message; if (x.ok) location.reload(); })
        .catch(function (err) { f.result.value = 'Not saved: ' + err.message; });
    });
  }
  if (typeof Chart === 'undefined') return;
  Chart.defaults.animation = false;
  Chart.defaults.devicePixelRatio = 2;
  Chart.defaults.font.size = 10;
  var colours = ['#1a5fb4', '#c64600', '#26a269', '#813d9c', '#986a44'];
  function make(id, config) { var el = document.getElementById(id); if (el) new Chart(el, config); }
  make('chart-received', { type: 'bar', data: { labels: d.months, datasets: d.kinds.map(function (k, i) { return { label: k, data: d.received[i], backgroundColor: colours[i % colours.length] }; }) }, options: { maintainAspectRatio: false } });
  make('chart-met', { type: 'bar', data: { labels: d.months, datasets: [{ label: 'Met', data: d.met, backgroundColor: '#26a269' }, { label: 'Failed', data: d.breached, backgroundColor: '#c01c28' }] }, options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true } } } });
  make('chart-attainment', { type: 'line', data: { labels: d.months, datasets: d.kinds.map(function (k, i) { return { label: k, data: d.attainment[i], borderColor: colours[i % colours.length], spanGaps: true }; }).concat([{ label: 'Goal', data: d.goal, borderColor: '#5f6368', borderDash: [6, 4], pointRadius: 0 }]) }, options: { maintainAspectRatio: false, scales: { y: { suggestedMin: 80, suggestedMax: 100 } } } });
  make('chart-backlog', { type: 'bar', data: { labels: d.teams, datasets: d.kinds.map(function (k, i) { return { label: k, data: d.backlog[i], backgroundColor: colours[i % colours.length] }; }) }, options: { indexAxis: 'y', maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true } } } });
  make('chart-availability', { type: 'bar', data: { labels: d.systems, datasets: [{ label: 'Availability %', data: d.availability, backgroundColor: '#1a5fb4' }] }, options: { maintainAspectRatio: false, scales: { y: { suggestedMin: 90, max: 100 } } } });
})();
