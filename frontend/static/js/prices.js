/* Price monitoring: choosing a category shows its spread at once. */
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('select[data-auto-submit]').forEach(function (select) {
      select.addEventListener('change', function () {
        if (select.value) { select.form.requestSubmit(); }
      });
    });
  });
})();
