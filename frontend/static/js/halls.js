/* Halls, for operators: create a hall from a few rule fields, pick a listing into a hall by its id,
   remove a pick. Each write goes to the JSON API; the page reloads with a message. */
(function () {
  'use strict';
  var _ = window.Mall.gettext;
  var Mall = window.Mall;

  function showError(form, error, labels) {
    var box = form.querySelector('.form-error');
    if (typeof error === 'string') {
      box.textContent = error;
    } else {
      form.querySelectorAll('.invalid').forEach(function (n) { n.classList.remove('invalid'); });
      Object.keys(error.details || {}).forEach(function (field) {
        var input = form.querySelector('[name="' + field.split('.')[0] + '"]');
        if (input) { input.classList.add('invalid'); }
      });
      box.textContent = Mall.errorText(error, labels);
    }
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  function busy(form, on) {
    form.querySelectorAll('button').forEach(function (b) { b.disabled = on; });
  }

  /* The caption of a field on the form, to name it in an error. */
  function caption(form) {
    return function (field) {
      var input = form.querySelector('[name="' + field + '"]');
      var holder = input && (input.closest('label') || input.closest('fieldset'));
      if (!holder) { return null; }
      if (holder.matches('fieldset')) { holder = holder.querySelector('legend'); }
      return (holder.firstChild && holder.firstChild.textContent || '').trim() || null;
    };
  }

  function watch(form) {
    ['input', 'change'].forEach(function (type) {
      form.addEventListener(type, function (event) { event.target.classList.remove('invalid'); });
    });
  }

  function setUpHallForm() {
    var form = document.getElementById('hall-form');
    if (!form) { return; }
    watch(form);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      form.querySelector('.form-error').hidden = true;
      var value = function (name) { return form.elements[name].value.trim(); };
      var body = {
        slug: value('slug'),
        kind: value('kind'),
        name_zh: value('name_zh'),
        description_zh: value('description_zh'),
        description_en: value('description_en')
      };
      if (value('name_en')) { body.name_en = value('name_en'); }
      if (value('position')) {
        if (!/^\d+$/.test(value('position'))) {
          form.elements.position.classList.add('invalid');
          showError(form, _('The position must be a whole number.'));
          return;
        }
        body.position = parseInt(value('position'), 10);
      }
      var rule = {};
      if (value('category_id')) { rule.category_id = parseInt(value('category_id'), 10); }
      if (value('q')) { rule.q = value('q'); }
      if (form.elements.green_only.checked) { rule.green_only = true; }
      if (form.elements.sme_only.checked) { rule.sme_only = true; }
      body.rule = Object.keys(rule).length ? rule : null;
      var missing = ['slug', 'name_zh'].filter(function (name) { return !body[name]; });
      if (missing.length) {
        missing.forEach(function (name) { form.elements[name].classList.add('invalid'); });
        showError(form, _('Fill in the required fields.'));
        form.elements[missing[0]].focus();
        return;
      }
      busy(form, true);
      Mall.api('POST', '/api/catalog/halls', body).then(function (hall) {
        Mall.flashLater(_('Hall created'));
        window.location.assign('/halls/' + encodeURIComponent(hall.slug));
      }, function (error) {
        busy(form, false);
        showError(form, error, caption(form));
      });
    });
  }

  function setUpPicks() {
    var form = document.getElementById('pick-form');
    if (!form) { return; }
    watch(form);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var raw = form.elements.listing_id.value.trim().replace(/^#/, '');
      if (!/^\d{1,10}$/.test(raw)) {
        form.elements.listing_id.classList.add('invalid');
        showError(form, _('Enter a listing id (digits).'));
        return;
      }
      busy(form, true);
      Mall.api('POST', form.getAttribute('data-url'), { listing_id: parseInt(raw, 10) }).then(function () {
        Mall.flashLater(_('Picked into the hall'));
        window.location.reload();
      }, function (error) {
        busy(form, false);
        showError(form, error, function (field) { return field === 'listing_id' ? _('Listing id') : null; });
      });
    });
    document.querySelectorAll('.pick-remove').forEach(function (button) {
      button.addEventListener('click', function () {
        button.disabled = true;
        Mall.api('DELETE', button.getAttribute('data-url')).then(function () {
          Mall.flashLater(_('Removed from the hall'));
          window.location.reload();
        }, function (error) {
          button.disabled = false;
          Mall.showFlash(Mall.errorText(error), 'alert');
        });
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setUpHallForm();
    setUpPicks();
  });
})();
