/* 带量采购: the organiser's form asks how many suppliers may take part in a pool of the chosen
   category or standard product (a count from the server, never names), and warns when it is fewer
   than the minimum the pool needs. The form itself is a plain form: it works without this. */
(function () {
  'use strict';

  /* A text the page hands over on the node (data-<name>), with its arguments in order. */
  function format(node, name) {
    var args = Array.prototype.slice.call(arguments, 2);
    return (node.getAttribute('data-' + name) || '').replace(/%%|%[sd]/g, function (token) {
      return token === '%%' ? '%' : String(args.length ? args.shift() : '');
    });
  }

  function setUp(form) {
    var node = form.querySelector('[data-testid=f-eligible]');
    if (!node) { return; }
    function field(name) { return form.querySelector('[name=' + name + ']'); }
    var timer = null;
    var asked = '';

    function ask() {
      var category = field('category_id').value;
      var product = field('standard_product_id').value;
      if (!category && !product) {
        asked = '';
        node.textContent = format(node, 'pick');
        node.classList.remove('alert');
        node.removeAttribute('data-count');
        node.removeAttribute('data-enough');
        return;
      }
      var query = product ? 'standard_product_id=' + encodeURIComponent(product)
        : 'category_id=' + encodeURIComponent(category);
      var minimum = field('min_bidders').value.trim();
      if (/^\d+$/.test(minimum) && Number(minimum) >= 1 && Number(minimum) <= 50) {
        query += '&min_bidders=' + minimum;
      }
      if (query === asked) { return; }
      asked = query;
      Mall.api('GET', form.getAttribute('data-eligible-url') + '?' + query).then(function (found) {
        if (query !== asked) { return; }
        var line = format(node, 'line', found.count, found.min_bidders);
        if (!found.enough) {
          line += ' — ' + (found.count === 0 ? format(node, 'none')
            : format(node, 'short', found.count, found.min_bidders));
        }
        node.textContent = line;
        node.classList.toggle('alert', !found.enough);
        node.setAttribute('data-count', String(found.count));
        node.setAttribute('data-enough', found.enough ? '1' : '0');
      }, function () { asked = ''; });
    }
    function askSoon() {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 300);
    }
    ['category_id', 'standard_product_id', 'min_bidders'].forEach(function (name) {
      field(name).addEventListener('change', askSoon);
      field(name).addEventListener('input', askSoon);
    });
    ask();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.querySelector('[data-testid=pool-form]');
    if (form) { setUp(form); }
  });
})();
