/* Supplier console: the enrolment application, a new listing whose parameter inputs follow the
   chosen category's schema and whose fields are checked as the supplier types (by the API's own
   limits, handed over in the page's data), inline price and stock edits, listing actions and
   image upload. */
(function () {
  'use strict';
  var _ = window.Mall.gettext;
  var Mall = window.Mall;
  var DONE = { 'submit': _('Submitted for review'), 'renew': _('Renewed'), 'off-shelf': _('Taken off the shelf') };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function fieldNode(form, field) {
    var name = field.indexOf('params.') === 0 ? 'param:' + field.slice(7) : field;
    return form.querySelector('[name="' + name + '"]');
  }

  /* The caption a field has on the form, to name it in an error. */
  function fieldLabel(form, field) {
    var node = fieldNode(form, field);
    var group = node && (node.type === 'checkbox' || node.matches('fieldset'));
    var holder = node && (group ? node.closest('fieldset') : node.closest('label'));
    if (!holder) { return null; }
    var caption = holder.matches('fieldset') ? holder.querySelector('legend') : holder;
    return (caption.firstChild && caption.firstChild.textContent || '').replace('*', '').trim() || null;
  }

  function showError(form, error) {
    var box = form.querySelector('.form-error');
    box.textContent = typeof error === 'string'
      ? error
      : Mall.errorText(error, function (field) { return fieldLabel(form, field); });
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  function clearError(form) {
    form.querySelector('.form-error').hidden = true;
  }

  function watchFields(form) {
    ['input', 'change'].forEach(function (type) {
      form.addEventListener(type, function (event) {
        var holder = event.target.closest('.invalid') || event.target;
        holder.classList.remove('invalid');
      });
    });
  }

  function busy(form, on) {
    form.querySelectorAll('button').forEach(function (b) { b.disabled = on; });
  }

  function markFields(form, details) {
    form.querySelectorAll('.invalid').forEach(function (n) { n.classList.remove('invalid'); });
    Object.keys(details || {}).forEach(function (field) {
      var input = fieldNode(form, field);
      if (input) { input.classList.add('invalid'); }
    });
  }

  /* ---------------------------------------------------------------- enrolment application */

  function setUpApplication() {
    var form = document.getElementById('application-form');
    if (!form) { return; }
    watchFields(form);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      clearError(form);
      var ids = Array.from(form.querySelectorAll('input[name=category_ids]:checked:not(:disabled)'))
        .map(function (box) { return parseInt(box.value, 10); });
      if (!ids.length) { showError(form, _('Choose at least one category.')); return; }
      busy(form, true);
      Mall.api('POST', '/api/catalog/enrolments', {
        licence_no: form.licence_no.value.trim(),
        enterprise_size: form.enterprise_size.value,
        region_id: parseInt(form.region_id.value, 10),
        category_ids: ids
      }).then(function () {
        Mall.flashLater(_('Application sent; the operator will review it.'));
        window.location.reload();
      }, function (error) {
        busy(form, false);
        markFields(form, error.details);
        showError(form, error);
      });
    });
  }

  /* ---------------------------------------------------------------- new listing */

  function paramField(d) {
    var name = Mall.lang === 'en' ? (d.name_en || d.name_zh) : d.name_zh;
    var fieldName = 'param:' + d.code;
    var hint = [];
    if (d.type === 'number' && (d.min !== null || d.max !== null)) {
      hint.push((d.min !== null ? d.min : '') + '–' + (d.max !== null ? d.max : ''));
    }
    if (d.unit) { hint.push(d.unit); }
    var caption = [name + (d.required ? ' *' : '')];
    if (hint.length) { caption.push(el('small', { 'class': 'muted' }, [' ' + hint.join(' ')])); }
    var input;
    if (d.type === 'enum' || d.type === 'boolean') {
      var options = d.type === 'boolean'
        ? [['true', _('yes')], ['false', _('no')]]
        : d.options.map(function (o) { return [o, o]; });
      input = el('select', { name: fieldName, 'data-param': d.code, 'data-type': d.type, required: d.required ? 'required' : null },
        [el('option', { value: '' }, ['—'])].concat(options.map(function (o) { return el('option', { value: o[0] }, [o[1]]); })));
    } else if (d.type === 'multi_enum') {
      var box = el('fieldset', { 'class': 'multi', 'data-param': d.code, 'data-type': d.type, name: fieldName },
        [el('legend', {}, caption)].concat(d.options.map(function (o) {
          return el('label', { 'class': 'pick' }, [el('input', { type: 'checkbox', value: o }), ' ' + o]);
        })));
      return box;
    } else {
      input = el('input', {
        name: fieldName, 'data-param': d.code, 'data-type': d.type,
        inputmode: d.type === 'number' ? 'decimal' : null, maxlength: d.type === 'text' ? '200' : '30',
        required: d.required ? 'required' : null
      });
    }
    return el('label', { 'class': 'param' }, caption.concat([input]));
  }

  function collectParams(form) {
    var params = {};
    form.querySelectorAll('[data-param]').forEach(function (node) {
      var code = node.getAttribute('data-param');
      var type = node.getAttribute('data-type');
      if (type === 'multi_enum') {
        var picked = Array.from(node.querySelectorAll('input:checked')).map(function (b) { return b.value; });
        if (picked.length) { params[code] = picked; }
        return;
      }
      var value = node.value.trim();
      if (value === '') { return; }
      // Numbers go as text: the server keeps their exact decimal value.
      params[code] = type === 'boolean' ? value === 'true' : value;
    });
    return params;
  }

  /* The rules of the new listing's fields, read from the API's schema by the page. */
  function listingRules() {
    var node = document.getElementById('listing-rules');
    return node ? JSON.parse(node.textContent || '{}') : null;
  }

  function fill(template) {
    var args = Array.prototype.slice.call(arguments, 1);
    return template.replace(/%[ds]/g, function () { return String(args.shift()); });
  }

  /* What is wrong with a field's value by its rule ('' when nothing). */
  function problemWith(rules, name, raw) {
    var rule = rules.fields[name];
    var m = rules.messages;
    var value = String(raw || '').trim();
    if (!rule) { return ''; }
    if (value === '') { return rule.required ? m.required : ''; }
    if (rule.kind === 'text') {
      var length = Array.from(value).length;  // characters, as the server counts them
      if (rule.min && length < rule.min) { return fill(m.min_length, rule.min); }
      if (rule.max && length > rule.max) { return fill(m.max_length, rule.max); }
    } else if (rule.kind === 'money') {
      var amount = Mall.amount(value);
      if (amount === null || !new RegExp(rule.pattern).test(amount)) { return m.money; }
    } else if (rule.kind === 'integer') {
      if (!/^-?\d+$/.test(value)) { return m.integer; }
      var number = parseInt(value, 10);
      if ((rule.min !== null && rule.min !== undefined && number < rule.min) ||
          (rule.max !== null && rule.max !== undefined && number > rule.max)) {
        return fill(m.range, rule.min, rule.max);
      }
    } else if (rule.pattern && !new RegExp(rule.pattern).test(value)) {
      return rule.kind === 'barcode' ? m.barcode : m.pattern;
    }
    return '';
  }

  function setFieldProblem(form, name, problem) {
    var note = form.querySelector('#err-' + name);
    var input = fieldNode(form, name);
    if (note) { note.textContent = problem || ''; }
    if (input && input.type !== 'checkbox') {
      if (problem) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
      input.classList.toggle('invalid', !!problem);
    }
  }

  /* Check every field of the form; the first field with a problem, or null. */
  function checkListing(form, rules) {
    var first = null;
    Object.keys(rules.fields).forEach(function (name) {
      var problem = problemWith(rules, name, form[name].value);
      setFieldProblem(form, name, problem);
      if (problem && !first) { first = form[name]; }
    });
    var category = form.category_id.value ? '' : rules.messages.category;
    setFieldProblem(form, 'category_id', category);
    if (category && !first) { first = form.category_id; }
    var regions = form.querySelectorAll('input[name=region_ids]:checked').length ? '' : rules.messages.regions;
    setFieldProblem(form, 'region_ids', regions);
    if (regions && !first) { first = form.querySelector('input[name=region_ids]'); }
    return first;
  }

  function watchListingFields(form, rules) {
    Object.keys(rules.fields).forEach(function (name) {
      var input = form[name];
      var check = function () { setFieldProblem(form, name, problemWith(rules, name, input.value)); };
      input.addEventListener('input', check);
      input.addEventListener('blur', check);
    });
    form.category_id.addEventListener('change', function () {
      setFieldProblem(form, 'category_id', form.category_id.value ? '' : rules.messages.category);
    });
    form.querySelectorAll('input[name=region_ids]').forEach(function (box) {
      box.addEventListener('change', function () {
        var any = form.querySelectorAll('input[name=region_ids]:checked').length;
        setFieldProblem(form, 'region_ids', any ? '' : rules.messages.regions);
      });
    });
  }

  function setUpListingForm() {
    var form = document.getElementById('listing-form');
    if (!form) { return; }
    var rules = listingRules();
    var box = form.querySelector('.params-box');
    var fields = box.querySelector('.params-fields');
    form.category_id.addEventListener('change', function () {
      fields.textContent = '';
      box.hidden = true;
      form.removeAttribute('data-schema-version');
      var id = form.category_id.value;
      if (!id) { return; }
      Mall.api('GET', '/api/catalog/categories/' + id + '/schema').then(function (schema) {
        if (form.category_id.value !== id) { return; }
        schema.params.forEach(function (d) { fields.appendChild(paramField(d)); });
        form.setAttribute('data-schema-version', String(schema.version));
        box.hidden = false;
      }, function (error) { showError(form, error); });
    });
    watchFields(form);
    watchListingFields(form, rules);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      clearError(form);
      var first = checkListing(form, rules);
      if (first) {
        first.focus();
        showError(form, _('Fill in the required fields.'));
        return;
      }
      var price = Mall.amount(form.price.value);
      var regions = Array.from(form.querySelectorAll('input[name=region_ids]:checked'))
        .map(function (b) { return parseInt(b.value, 10); });
      var body = {
        category_id: parseInt(form.category_id.value, 10),
        title_zh: form.title_zh.value.trim(),
        brand: form.brand.value.trim(),
        model: form.model.value.trim(),
        price: price,
        stock: parseInt(form.stock.value, 10),
        region_ids: regions,
        params: collectParams(form)
      };
      ['title_en', 'sku', 'barcode'].forEach(function (name) {
        if (form[name].value.trim()) { body[name] = form[name].value.trim(); }
      });
      busy(form, true);
      var submitNow = form.submit_now.checked;
      Mall.api('POST', '/api/catalog/listings', body).then(function (listing) {
        if (!submitNow) { return listing; }
        return Mall.api('POST', '/api/catalog/listings/' + listing.id + '/submit');
      }).then(function (listing) {
        Mall.flashLater((submitNow ? _('Listing submitted for review') : _('Listing saved as a draft')) + ' #' + listing.id);
        window.location.hash = 'listings';
        window.location.reload();
      }, function (error) {
        busy(form, false);
        markFields(form, error.details);
        Object.keys(error.details || {}).forEach(function (field) {
          var value = error.details[field];
          if (Array.isArray(value) && form.querySelector('#err-' + field)) {
            setFieldProblem(form, field, value.join(' '));
          }
        });
        showError(form, error);
      });
    });
  }

  /* ---------------------------------------------------------------- my listings */

  function rowMessage(row, message, kind) {
    var node = row.querySelector('.row-message');
    node.textContent = message;
    node.className = 'row-message ' + (kind || 'ok-text');
  }

  function setUpRows() {
    document.querySelectorAll('.listing-row').forEach(function (row) {
      var id = row.getAttribute('data-id');
      var edit = row.querySelector('.inline-edit');
      edit.addEventListener('submit', function (event) {
        event.preventDefault();
        var changes = {};
        var price = edit.price.value.trim();
        if (price !== edit.price.getAttribute('data-original')) {
          changes.price = Mall.amount(price);
          if (changes.price === null) { rowMessage(row, _('Not an amount (at most two decimal places).'), 'alert-text'); return; }
        }
        var stock = edit.stock.value.trim();
        if (stock !== edit.stock.getAttribute('data-original')) {
          if (!/^\d+$/.test(stock)) { rowMessage(row, _('Stock must be a whole number.'), 'alert-text'); return; }
          changes.stock = parseInt(stock, 10);
        }
        if (!Object.keys(changes).length) { rowMessage(row, _('Nothing changed.'), 'muted'); return; }
        Mall.api('PATCH', '/api/catalog/listings/' + id, changes).then(function (listing) {
          edit.price.value = listing.price;
          edit.price.setAttribute('data-original', listing.price);
          edit.stock.value = String(listing.stock);
          edit.stock.setAttribute('data-original', String(listing.stock));
          rowMessage(row, _('Saved') + ' ' + Mall.yuan(listing.price) + ' · ' + listing.stock);
        }, function (error) { rowMessage(row, Mall.errorText(error), 'alert-text'); });
      });
      row.querySelectorAll('[data-action]').forEach(function (button) {
        button.addEventListener('click', function () {
          var action = button.getAttribute('data-action');
          var body = action === 'off-shelf' ? { reason: null } : undefined;
          button.disabled = true;
          Mall.api('POST', '/api/catalog/listings/' + id + '/' + action, body).then(function () {
            Mall.flashLater(DONE[action] + ' #' + id);
            window.location.reload();
          }, function (error) {
            button.disabled = false;
            rowMessage(row, Mall.errorText(error), 'alert-text');
          });
        });
      });
      var upload = row.querySelector('input[type=file]');
      upload.addEventListener('change', function () {
        if (!upload.files.length) { return; }
        var data = new FormData();
        data.append('file', upload.files[0]);
        rowMessage(row, _('Uploading…'), 'muted');
        Mall.api('POST', '/api/catalog/listings/' + id + '/images', data).then(function () {
          Mall.flashLater(_('Image added') + ' #' + id);
          window.location.reload();
        }, function (error) {
          upload.value = '';
          rowMessage(row, Mall.errorText(error), 'alert-text');
        });
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setUpApplication();
    setUpListingForm();
    setUpRows();
  });
})();
