/* Catalog pages: filters that apply on change, the comparison list (kept in localStorage, at most
   four listings) and the price history chart. */
(function () {
  'use strict';
  var _ = window.Mall.gettext;
  var Mall = window.Mall;
  var STORE = 'mall.compare';
  var MAX = 4;

  function chosen() {
    try {
      var ids = JSON.parse(localStorage.getItem(STORE) || '[]');
      return Array.isArray(ids) ? ids.map(String).filter(function (id) { return /^\d+$/.test(id); }).slice(0, MAX) : [];
    } catch (e) { return []; }
  }

  function save(ids) {
    try { localStorage.setItem(STORE, JSON.stringify(ids.slice(0, MAX))); } catch (e) { /* storage off */ }
    refresh();
  }

  function compareUrl(ids) {
    return '/catalog/compare?ids=' + ids.join(',');
  }

  function refresh() {
    var ids = chosen();
    document.querySelectorAll('.compare-toggle').forEach(function (button) {
      var on = ids.indexOf(button.getAttribute('data-compare-id')) >= 0;
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      button.textContent = (on ? _('In comparison') : _('Add to compare'));
      button.classList.toggle('on', on);
    });
    var tray = document.querySelector('.compare-tray');
    if (tray) {
      tray.hidden = ids.length === 0;
      tray.querySelector('.compare-count').textContent = String(ids.length);
      tray.querySelector('[data-testid=compare-open]').setAttribute('href', compareUrl(ids));
      document.body.classList.toggle('has-tray', ids.length > 0);
    }
  }

  function toggle(id) {
    var ids = chosen();
    var at = ids.indexOf(id);
    if (at >= 0) {
      ids.splice(at, 1);
    } else if (ids.length >= MAX) {
      Mall.showFlash(_('Compare at most 4 products.'), 'alert');
      return;
    } else {
      ids.push(id);
    }
    save(ids);
  }

  function setUpFilters() {
    var form = document.getElementById('catalog');
    if (!form) { return; }
    form.addEventListener('change', function (event) {
      var target = event.target;
      if (target.matches('input[type=checkbox], select')) { form.requestSubmit(); }
    });
    // Empty fields stay out of the address.
    form.addEventListener('formdata', function (event) {
      var data = event.formData;
      Array.from(data.keys()).forEach(function (key) {
        var values = data.getAll(key).filter(function (v) { return String(v).trim() !== ''; });
        data.delete(key);
        values.forEach(function (v) { data.append(key, v); });
      });
      if (data.get('sort') === 'relevance') { data.delete('sort'); }
    });
    var filters = document.getElementById('filters');
    if (filters && window.matchMedia('(max-width: 640px)').matches) {
      filters.open = false;
    }
  }

  function setUpCompare() {
    document.addEventListener('click', function (event) {
      var button = event.target.closest('.compare-toggle');
      if (button) { toggle(button.getAttribute('data-compare-id')); return; }
      var remove = event.target.closest('.compare-remove');
      if (remove) {
        var ids = chosen().filter(function (id) { return id !== remove.getAttribute('data-compare-id'); });
        save(ids);
        window.location.assign(compareUrl(ids));
        return;
      }
      if (event.target.closest('.compare-clear')) { save([]); }
    });
    var page = document.querySelector('[data-testid=compare]');
    if (page) {
      var shown = (page.getAttribute('data-ids') || '').split(',').filter(Boolean);
      if (!/[?&]ids=/.test(window.location.search) && chosen().length) {
        window.location.replace(compareUrl(chosen()));
        return;
      }
      save(shown);
    }
    refresh();
  }

  function setUpChart() {
    var canvas = document.getElementById('price-chart');
    var data = document.getElementById('price-data');
    if (!canvas || !data || !window.Chart) { return; }
    var points = JSON.parse(data.textContent || '[]');
    // Chart.js plots numbers; the amounts are only drawn, never calculated with.
    new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: points.map(function (p) { return p.at; }),
        datasets: [{
          label: _('Price'),
          data: points.map(function (p) { return Number(p.price); }),
          stepped: true,
          borderColor: '#b71c1c',
          backgroundColor: 'rgba(183, 28, 28, .12)',
          fill: true,
          // The last point only carries the current price on to now.
          pointRadius: points.map(function (p, i) { return i === points.length - 1 ? 0 : 4; })
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) { return Mall.yuan(points[ctx.dataIndex].price); } } }
        },
        scales: { y: { ticks: { callback: function (value) { return '¥' + value; } } } }
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setUpFilters();
    setUpCompare();
    setUpChart();
  });
})();
