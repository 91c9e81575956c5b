// Served as /assets/pages.js. Draws the charts from the JSON beside them and refreshes the
// supervisor's live part in place. The pages are complete without it: every chart has a table.
(function () {
  'use strict';
  var charts = {};

  function draw(root) {
    if (typeof Chart === 'undefined') return;
    Chart.defaults.animation = false;
    Chart.defaults.font.size = 12;
    Chart.defaults.color = '#1b1b1b';
    var canvases = root.querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) {
      var canvas = canvases[i];
      var source = document.getElementById(canvas.getAttribute('data-chart'));
      if (!source) continue;
      var d = JSON.parse(source.textContent);
      var scales = { y: { beginAtZero: true, stacked: !!d.stacked, ticks: { precision: 0 } }, x: { stacked: !!d.stacked } };
      if (d.yMin !== undefined) scales.y = { suggestedMin: d.yMin, suggestedMax: d.yMax };
      if (d.y1) scales.y1 = { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: '%' } };
      if (charts[canvas.id]) charts[canvas.id].destroy();
      charts[canvas.id] = new Chart(canvas, {
        type: d.type || 'line',
        data: { labels: d.labels, datasets: d.datasets },
        options: { maintainAspectRatio: false, responsive: true, scales: scales, plugins: { legend: { position: 'bottom' } } },
      });
    }
  }

  function live() {
    var box = document.getElementById('live');
    if (!box || !window.fetch) return;
    var url = box.getAttribute('data-live-url');
    var seconds = Number(box.getAttribute('data-refresh-seconds')) || 15;
    var status = document.getElementById('live-status');
    var zone = box.getAttribute('data-zone') || undefined;
    function tick() {
      fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
        .then(function (res) {
          if (!res.ok) throw new Error('HTTP ' + res.status);
          return res.text();
        })
        .then(function (html) {
          box.innerHTML = html;
          draw(box);
          var meta = document.getElementById('live-meta');
          var at = meta ? JSON.parse(meta.textContent).at : new Date().toISOString();
          status.setAttribute('data-at', at);
          status.textContent = 'Figures at ' + new Date(at).toLocaleTimeString('en-GB', { timeZone: zone }) + ' (refreshed every ' + seconds + ' s).';
        })
        .catch(function (e) {
          status.textContent = 'Could not refresh (' + e.message + '); trying again in ' + seconds + ' s.';
        })
        .then(function () {
          setTimeout(tick, seconds * 1000);
        });
    }
    setTimeout(tick, seconds * 1000);
  }

  function start() {
    draw(document);
    live();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
