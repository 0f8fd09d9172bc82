/* Price monitoring: choosing a category shows its spread at once; a standard product's price
   curve is drawn from the weekly points the page carries. */
(function () {
  'use strict';

  // The lowest, median and highest price, week by week. Chart.js plots numbers; the amounts are
  // only drawn, never calculated with.
  var COLOURS = { max: '#b71c1c', median: '#1f4e8c', min: '#2e7d32' };

  function setUpCurve() {
    var canvas = document.getElementById('curve-chart');
    var data = document.getElementById('curve-data');
    if (!canvas || !data || !window.Chart) { return; }
    var curve = JSON.parse(data.textContent || '{}');
    new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: curve.labels,
        datasets: curve.series.map(function (s) {
          return {
            label: s.label,
            data: s.values.map(Number),
            borderColor: COLOURS[s.key],
            backgroundColor: COLOURS[s.key],
            borderDash: s.key === 'median' ? [] : [5, 4],
            borderWidth: s.key === 'median' ? 2.5 : 1.5,
            pointRadius: 2,
            stepped: true
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var s = curve.series[ctx.datasetIndex];
                return s.label + ' ' + (window.Mall ? Mall.yuan(s.values[ctx.dataIndex]) : s.values[ctx.dataIndex]);
              }
            }
          }
        },
        scales: { y: { ticks: { callback: function (value) { return '¥' + value; } } } }
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('select[data-auto-submit]').forEach(function (select) {
      select.addEventListener('change', function () {
        if (select.value) { select.form.requestSubmit(); }
      });
    });
    setUpCurve();
  });
})();
