/* Buying pages: add to cart, cart quantities, checkout against a budget line (with the details of
   designated services), the order actions of each side, payment through the gateway's cashier page,
   signing the contract, rating the other party of a closed order, new budget lines.
   Amounts are added as whole fen in BigInt, never in floating point. */
(function () {
  'use strict';
  var _ = window.Mall.gettext;
  var MISSING = {
    delivery_address: _('Give the delivery address.'),
    contact_name: _('Give a contact name.'),
    contact_phone: _('Give a contact phone number.')
  };
  var Mall = window.Mall;

  function message(node, text, ok) {
    if (!node) { return; }
    node.textContent = text;
    node.className = node.className.replace(/\b(ok-text|alert-text)\b/g, '').trim() + ' ' + (ok ? 'ok-text' : 'alert-text');
    node.hidden = false;
  }

  function busy(form, on) {
    form.querySelectorAll('button, input, select, textarea').forEach(function (n) {
      if (on) {
        n.setAttribute('data-was-disabled', n.disabled ? '1' : '');
        n.disabled = true;
      } else {
        n.disabled = n.getAttribute('data-was-disabled') === '1';
      }
    });
  }

  function reloadWith(text) {
    Mall.flashLater(text);
    window.location.reload();
  }

  /* "1234.5" → 123450n (fen), or null. */
  function fen(amount) {
    var match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount || '').trim());
    if (!match) { return null; }
    return BigInt(match[1]) * 100n + BigInt(((match[2] || '') + '00').slice(0, 2));
  }

  function fromFen(value) {
    var cents = String(value % 100n);
    return String(value / 100n) + '.' + (cents.length < 2 ? '0' + cents : cents);
  }

  function wholeNumber(value, min, max) {
    var v = String(value || '').trim();
    if (!/^\d+$/.test(v)) { return null; }
    var n = parseInt(v, 10);
    return n >= min && n <= max ? n : null;
  }

  /* Times from the API (UTC, ISO) as Asia/Shanghai wall time, like the server-rendered ones. */
  var SHANGHAI = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false
  });
  function localTime(iso) {
    if (!iso) { return ''; }
    var at = new Date(iso);
    return isNaN(at.getTime()) ? String(iso) : SHANGHAI.format(at);
  }

  /* ---------------------------------------------------------------- add to cart (product page) */

  function setUpAddToCart() {
    var form = document.getElementById('add-to-cart');
    if (!form) { return; }
    var note = form.querySelector('.row-message');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var input = form.quantity;
      var quantity = wholeNumber(input.value, 1, 100000);
      if (quantity === null) {
        input.classList.add('invalid');
        message(note, _('The quantity must be a whole number above zero.'), false);
        return;
      }
      input.classList.remove('invalid');
      busy(form, true);
      Mall.api('POST', form.getAttribute('data-url'), {
        listing_id: parseInt(form.getAttribute('data-listing'), 10), quantity: quantity
      }).then(function (cart) {
        busy(form, false);
        message(note, _('Added to the cart') + ' (' + cart.count + ')', true);
      }, function (error) {
        busy(form, false);
        message(note, Mall.errorText(error), false);
      });
    });
  }

  /* ---------------------------------------------------------------- cart */

  function setUpCart() {
    document.querySelectorAll('form.qty').forEach(function (form) {
      var input = form.quantity;
      var note = form.querySelector('.row-message');

      function save() {
        var quantity = wholeNumber(input.value, 1, 100000);
        if (quantity === null) {
          input.classList.add('invalid');
          message(note, _('The quantity must be a whole number above zero.'), false);
          return;
        }
        if (String(quantity) === input.getAttribute('data-was')) { return; }
        busy(form, true);
        Mall.api('PATCH', form.getAttribute('data-url'), { quantity: quantity }).then(function () {
          reloadWith(_('Quantity changed'));
        }, function (error) {
          busy(form, false);
          input.classList.add('invalid');
          message(note, Mall.errorText(error), false);
        });
      }

      form.addEventListener('submit', function (event) { event.preventDefault(); save(); });
      input.addEventListener('change', save);
      input.addEventListener('input', function () { input.classList.remove('invalid'); });
      form.querySelectorAll('[data-step]').forEach(function (button) {
        button.addEventListener('click', function () {
          var now = wholeNumber(input.value, 1, 100000) || 1;
          input.value = String(Math.max(1, now + parseInt(button.getAttribute('data-step'), 10)));
          save();
        });
      });
      form.querySelector('.remove-item').addEventListener('click', function () {
        busy(form, true);
        Mall.api('DELETE', form.getAttribute('data-url')).then(function () {
          reloadWith(_('Removed from the cart'));
        }, function (error) {
          busy(form, false);
          message(note, Mall.errorText(error), false);
        });
      });
    });
  }

  /* ---------------------------------------------------------------- checkout */

  var SERVICE_FIELDS = ['service_date', 'service_place', 'service_details'];

  /* An API error's details as [["services.0.service_date", ["required"]], …]: the service's own
     checks name fields flat, the schema's nest them ({"services": {"0": {…}}}). */
  function flatDetails(details, prefix, out) {
    out = out || [];
    Object.keys(details || {}).forEach(function (key) {
      var value = details[key];
      var path = prefix ? prefix + '.' + key : key;
      if (Array.isArray(value)) {
        out.push([path, value.map(String)]);
      } else if (value && typeof value === 'object') {
        flatDetails(value, path, out);
      } else if (value !== null && value !== undefined) {
        out.push([path, [String(value)]]);
      }
    });
    return out;
  }

  /* The API's words for one service field, in the page's language where they are known. */
  function serviceProblem(messages) {
    return messages.map(function (m) {
      if (/^required$|required field|may not be null|minimum length/i.test(m)) { return _('required'); }
      if (/in the past/i.test(m)) { return _('must be today or later'); }
      if (/at most|longer than/i.test(m)) { return _('too long'); }
      return m;
    }).join(', ');
  }

  function serviceNote(set, text) {
    var node = set.querySelector('.service-error');
    node.textContent = node.hidden || !node.textContent ? text : node.textContent + (Mall.lang === 'en' ? '; ' : '；') + text;
    node.hidden = false;
  }

  function clearServiceNotes(form) {
    form.querySelectorAll('.service-fields').forEach(function (set) {
      var node = set.querySelector('.service-error');
      node.hidden = true;
      node.textContent = '';
    });
  }

  /* The service details of the ticked suppliers' designated services: {sets, entries, empty}. */
  function serviceEntries(form) {
    var found = { sets: [], entries: [], empty: [] };
    form.querySelectorAll('.checkout-group').forEach(function (group) {
      if (!group.querySelector('input[name=supplier_ids]').checked) { return; }
      group.querySelectorAll('.service-fields').forEach(function (set) {
        var entry = { listing_id: parseInt(set.getAttribute('data-listing'), 10) };
        var missing = [];
        SERVICE_FIELDS.forEach(function (name) {
          var input = set.querySelector('[data-field=' + name + ']');
          entry[name] = input.value.trim();
          if (!entry[name]) { missing.push(input); }
        });
        if (missing.length) {
          missing.forEach(function (input) { input.classList.add('invalid'); });
          serviceNote(set, missing.map(function (input) { return input.getAttribute('data-label'); })
            .join(Mall.lang === 'en' ? ', ' : '、') + (Mall.lang === 'en' ? ': ' : '：') + _('required'));
          found.empty = found.empty.concat(missing);
        }
        found.sets.push(set);
        found.entries.push(entry);
      });
    });
    return found;
  }

  /* Put the API's refusals of service details next to their lines; the rest is returned. */
  function placeServiceErrors(error, sets) {
    var rest = {};
    flatDetails(error.details).forEach(function (pair) {
      var match = /^services\.(\d+)\.(\w+)$/.exec(pair[0]);
      var set = match ? sets[parseInt(match[1], 10)] : null;
      if (!set) { rest[pair[0]] = pair[1]; return; }
      var input = set.querySelector('[data-field=' + match[2] + ']');
      if (input) { input.classList.add('invalid'); }
      serviceNote(set, (input ? input.getAttribute('data-label') : match[2]) + (Mall.lang === 'en' ? ': ' : '：') +
        serviceProblem(pair[1]));
    });
    return rest;
  }

  function setUpCheckout() {
    var form = document.getElementById('checkout-form');
    if (!form) { return; }
    var errorBox = form.querySelector('[data-testid=checkout-error]');
    var totalNode = form.querySelector('[data-testid=checkout-total]');
    var select = form.querySelector('select[name=budget_line_id]');
    var availableNode = form.querySelector('[data-testid=budget-available]');
    var shortNode = form.querySelector('[data-testid=budget-short]');

    function chosenTotal() {
      var total = 0n;
      form.querySelectorAll('input[name=supplier_ids]:checked').forEach(function (box) {
        total += fen(box.getAttribute('data-subtotal')) || 0n;
      });
      return total;
    }

    function refresh() {
      var total = chosenTotal();
      totalNode.textContent = Mall.yuan(fromFen(total));
      form.querySelectorAll('.checkout-group').forEach(function (group) {
        var box = group.querySelector('input[name=supplier_ids]');
        group.classList.toggle('left-out', !box.checked);
        // Service details go with their supplier's order only.
        group.querySelectorAll('.service-fields').forEach(function (set) { set.disabled = !box.checked; });
      });
      if (!select) { return; }
      var option = select.options[select.selectedIndex];
      var available = option && option.value ? option.getAttribute('data-available') : null;
      availableNode.hidden = available === null;
      shortNode.hidden = true;
      if (available !== null) {
        availableNode.querySelector('strong').textContent = Mall.yuan(available);
        shortNode.hidden = !(fen(available) < total);
      }
    }

    function showError(text) {
      errorBox.textContent = text;
      errorBox.hidden = false;
      errorBox.scrollIntoView({ block: 'nearest' });
    }

    form.addEventListener('change', refresh);
    form.addEventListener('input', function (event) {
      event.target.classList.remove('invalid');
      event.target.removeAttribute('aria-invalid');
    });
    refresh();

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      errorBox.hidden = true;
      errorBox.removeAttribute('data-code');
      clearServiceNotes(form);
      // Every empty required field is flagged at once: the budget line, the address, the contact
      // and the phone, each named in the message and marked for assistive technology.
      var missing = [];
      var names = [];
      if (select && !select.value) { missing.push(select); }
      ['delivery_address', 'contact_name', 'contact_phone'].forEach(function (name) {
        if (!form[name].value.trim()) { missing.push(form[name]); }
      });
      form.querySelectorAll('[aria-invalid]').forEach(function (n) { n.removeAttribute('aria-invalid'); });
      if (!select || missing.length) {
        missing.forEach(function (n) {
          n.classList.add('invalid');
          n.setAttribute('aria-invalid', 'true');
          names.push(n === select ? _('Choose a budget line.') : (MISSING[n.name] || n.name));
        });
        if (missing.length) { missing[0].focus(); }
        showError(names.join(' ') || _('Choose a budget line.'));
        return;
      }
      var suppliers = Array.from(form.querySelectorAll('input[name=supplier_ids]:checked'))
        .map(function (box) { return parseInt(box.value, 10); });
      if (!suppliers.length) { showError(_('Fill in the required fields.')); return; }
      var services = serviceEntries(form);
      if (services.empty.length) {
        services.empty[0].focus();
        showError(_('Fill in the date, place and details of each designated service.'));
        return;
      }
      var all = form.querySelectorAll('input[name=supplier_ids]').length === suppliers.length;
      var body = {
        budget_line_id: parseInt(select.value, 10),
        delivery_address: form.delivery_address.value.trim(),
        contact_name: form.contact_name.value.trim(),
        contact_phone: form.contact_phone.value.trim(),
        note: form.note.value.trim() || null
      };
      if (!all) { body.supplier_ids = suppliers; }
      if (services.entries.length) { body.services = services.entries; }
      busy(form, true);
      Mall.api('POST', form.getAttribute('data-url'), body).then(function (orders) {
        Mall.flashLater(_('%d orders placed').replace('%d', String(orders.length)) + '：' +
          orders.map(function (o) { return o.number; }).join('、'));
        window.location.assign(form.getAttribute('data-orders'));
      }, function (error) {
        busy(form, false);
        errorBox.setAttribute('data-code', error.code);
        var rest = placeServiceErrors(error, services.sets);
        Object.keys(rest).forEach(function (field) {
          if (form[field] && form[field].classList) { form[field].classList.add('invalid'); }
        });
        showError(Mall.errorText({ message: error.message, details: rest }));
        var first = form.querySelector('.service-fields .invalid');
        if (first && Object.keys(rest).length === 0) { first.focus(); }
      });
    });
  }

  /* ---------------------------------------------------------------- order actions */

  function actionBody(form) {
    var action = form.getAttribute('data-action');
    if (action === 'ship') {
      return { logistics_company: form.logistics_company.value.trim(), tracking_no: form.tracking_no.value.trim() };
    }
    if (action === 'accept') {
      return {
        items: Array.from(form.querySelectorAll('.accept-item')).map(function (row) {
          var input = row.querySelector('input[name=quantity]');
          return {
            order_item_id: parseInt(row.getAttribute('data-item'), 10),
            quantity: wholeNumber(input.value, 0, parseInt(input.max, 10)),
            note: row.querySelector('input[name=note]').value.trim() || null
          };
        }),
        notes: form.notes.value.trim() || null
      };
    }
    if (action === 'refuse_acceptance') {
      return {
        reasons: form.reasons.value.split(/\n+/).map(function (r) { return r.trim(); }).filter(Boolean),
        notes: form.notes.value.trim() || null
      };
    }
    if (form.reason) { return { reason: form.reason.value.trim() || null }; }
    if (form.note) { return { note: form.note.value.trim() || null }; }
    return {};
  }

  function setUpOrderActions() {
    document.querySelectorAll('form.order-action').forEach(function (form) {
      var note = form.querySelector('.row-message');
      form.addEventListener('input', function (event) { event.target.classList.remove('invalid'); });
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var required = (form.getAttribute('data-required') || '').split(' ').filter(Boolean);
        var empty = required.filter(function (name) { return !form[name].value.trim(); });
        if (empty.length) {
          empty.forEach(function (name) { form[name].classList.add('invalid'); });
          form[empty[0]].focus();
          message(note, _('Fill in the required field.'), false);
          return;
        }
        var body = actionBody(form);
        if (body.items && body.items.some(function (i) { return i.quantity === null; })) {
          form.querySelectorAll('.accept-item input[name=quantity]').forEach(function (input) {
            if (wholeNumber(input.value, 0, parseInt(input.max, 10)) === null) { input.classList.add('invalid'); }
          });
          message(note, _('The quantity must be a whole number above zero.'), false);
          return;
        }
        var dialog = form.getAttribute('data-confirm') && document.getElementById(form.getAttribute('data-confirm'));
        if (dialog) {
          confirmFirst(form, dialog, body, function () { send(form, note, body); });
          return;
        }
        send(form, note, body);
      });
    });
  }

  function send(form, note, body) {
    busy(form, true);
    Mall.api('POST', form.getAttribute('data-url'), body).then(function () {
      reloadWith(form.getAttribute('data-done'));
    }, function (error) {
      busy(form, false);
      message(note, Mall.errorText(error), false);
    });
  }

  function format(template) {
    var args = Array.prototype.slice.call(arguments, 1);
    return template.replace(/%[sd]/g, function () { return String(args.shift()); });
  }

  function paragraph(text, testid) {
    var p = document.createElement('p');
    p.textContent = text;
    if (testid) { p.setAttribute('data-testid', testid); }
    return p;
  }

  /* What an irreversible step will do, shown in the dialog before it is sent: acceptance settles
     the order by what is accepted (the rest of the reservation returns to the budget line);
     cancelling and declining end the order and release its stock and funds. */
  function preview(form, body) {
    var section = form.closest('.order-actions');
    var total = fen(section.getAttribute('data-total')) || 0n;
    var action = form.getAttribute('data-action');
    var parts = [];
    if (action === 'accept') {
      var pay = 0n;
      form.querySelectorAll('.accept-item').forEach(function (row, n) {
        var input = row.querySelector('input[name=quantity]');
        var quantity = body.items[n].quantity;
        pay += (fen(row.getAttribute('data-price')) || 0n) * BigInt(quantity);
        if (quantity < parseInt(input.max, 10)) {
          parts.push(paragraph(format(_('%s: %d of %d accepted'),
            row.querySelector('.title').textContent, quantity, parseInt(input.max, 10)), 'confirm-partial'));
        }
      });
      parts.unshift(paragraph(format(_('To pay (for what is accepted): %s'), Mall.yuan(fromFen(pay))), 'confirm-to-pay'));
      if (pay < total) {
        parts.push(paragraph(format(_('Returned to the budget line: %s'), Mall.yuan(fromFen(total - pay))), 'confirm-released'));
      }
      return { title: _('Confirm the acceptance'), parts: parts };
    }
    var title = (action === 'decline' ? _('Confirm declining the order') : _('Confirm the cancellation'));
    parts.push(paragraph(format(_('The order ends: the stock it holds goes back to the listing and the %s reserved on the budget line is released.'), Mall.yuan(fromFen(total))), 'confirm-ends'));
    return { title: title, parts: parts };
  }

  function confirmFirst(form, dialog, body, go) {
    var shown = preview(form, body);
    dialog.querySelector('h2').textContent = shown.title;
    var slot = dialog.querySelector('[data-slot=body]');
    slot.replaceChildren.apply(slot, shown.parts);
    var confirm = dialog.querySelector('[data-confirm-go]');
    var back = dialog.querySelector('[data-confirm-back]');
    function done() {
      confirm.removeEventListener('click', onGo);
      back.removeEventListener('click', onBack);
    }
    function onGo() { done(); dialog.close(); go(); }
    function onBack() { done(); dialog.close(); }
    confirm.addEventListener('click', onGo);
    back.addEventListener('click', onBack);
    dialog.addEventListener('cancel', done, { once: true });
    dialog.showModal();
    confirm.focus();
  }

  /* ---------------------------------------------------------------- payment */

  function paymentRow(payment) {
    var li = document.createElement('li');
    li.className = 'payment payment-' + payment.status;
    li.setAttribute('data-testid', 'payment');
    li.setAttribute('data-status', payment.status);
    var head = document.createElement('div');
    var status = document.createElement('span');
    status.className = 'status payment-status-' + payment.status;
    status.textContent = Mall.lang === 'en' ? payment.status_en : payment.status_zh;
    var amount = document.createElement('strong');
    amount.className = 'price num';
    amount.textContent = Mall.yuan(payment.amount);
    head.appendChild(status);
    head.appendChild(document.createTextNode(' '));
    head.appendChild(amount);
    li.appendChild(head);
    var when = document.createElement('p');
    when.className = 'muted';
    when.textContent = _('Requested') + ' ' + localTime(payment.created_at) +
      (payment.settled_at ? ' · ' + _('Settled') + ' ' + localTime(payment.settled_at) : '');
    li.appendChild(when);
    if (payment.refunded && payment.refunded !== '0.00') {
      var back = document.createElement('p');
      back.setAttribute('data-testid', 'payment-refunded');
      back.textContent = _('Refunded %s').replace('%s', Mall.yuan(payment.refunded));
      li.appendChild(back);
    }
    if (payment.failure_message || payment.failure_code) {
      var failure = document.createElement('p');
      failure.className = 'small-alert alert';
      failure.textContent = payment.failure_message || payment.failure_code;
      li.appendChild(failure);
    }
    if ((payment.status === 'processing' || payment.status === 'created') && payment.checkout_url) {
      var link = document.createElement('a');
      link.className = 'btn small';
      link.href = payment.checkout_url;
      link.setAttribute('data-testid', 'continue-payment');
      link.textContent = _('Continue to pay');
      li.appendChild(link);
    }
    return li;
  }

  function setUpPayments() {
    var box = document.querySelector('.payments[data-url]');
    var form = document.querySelector('.pay-form');
    if (box) {
      Mall.api('GET', box.getAttribute('data-url')).then(function (data) {
        var items = (data && data.items) || [];
        var list = box.querySelector('.payment-list');
        items.forEach(function (p) { list.appendChild(paymentRow(p)); });
        box.hidden = items.length === 0;
        // A payment under way is continued, not started again.
        var open = items.some(function (p) { return p.status === 'processing' || p.status === 'created'; });
        if (form && open) { form.hidden = true; }
      }, function () { box.hidden = true; });
    }
    if (!form) { return; }
    var note = form.querySelector('.row-message');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      busy(form, true);
      Mall.api('POST', form.getAttribute('data-url'), {}).then(function (payment) {
        if (payment && payment.checkout_url && payment.status !== 'failed') {
          message(note, _('Going to the payment gateway…'), true);
          window.location.assign(payment.checkout_url);
        } else {
          reloadWith(payment && (Mall.lang === 'en' ? payment.status_en : payment.status_zh) || '');
        }
      }, function (error) {
        busy(form, false);
        message(note, Mall.errorText(error), false);
      });
    });
  }

  /* ---------------------------------------------------------------- contract */

  function setUpContract() {
    var print = document.querySelector('.print-button');
    if (print) { print.addEventListener('click', function () { window.print(); }); }
    var form = document.querySelector('.sign-form');
    if (!form) { return; }
    var note = form.querySelector('.row-message');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      busy(form, true);
      Mall.api('POST', form.getAttribute('data-url'), {}).then(function () {
        reloadWith(_('Contract signed'));
      }, function (error) {
        busy(form, false);
        message(note, Mall.errorText(error), false);
      });
    });
  }

  /* ---------------------------------------------------------------- ratings (信用互评) */

  function paintStars(set) {
    var checked = set.querySelector('input:checked');
    var score = checked ? parseInt(checked.value, 10) : 0;
    set.querySelectorAll('.star').forEach(function (label) {
      label.classList.toggle('on', parseInt(label.querySelector('input').value, 10) <= score);
    });
    var word = set.querySelector('.score-word');
    word.textContent = checked ? score + ' · ' + checked.closest('.star').getAttribute('data-word') : '';
  }

  function setUpRating() {
    var form = document.querySelector('.rating-form');
    if (!form) { return; }
    var note = form.querySelector('.row-message');
    var sets = Array.from(form.querySelectorAll('fieldset.stars'));
    sets.forEach(function (set) {
      set.addEventListener('change', function () {
        set.classList.remove('invalid');
        paintStars(set);
        if (!form.querySelector('fieldset.stars.invalid')) { note.hidden = true; }
      });
      paintStars(set);
    });

    function criterionName(field) {
      var match = /^scores\.(\w+)$/.exec(field);
      var set = match ? form.querySelector('fieldset.stars[data-criterion="' + match[1] + '"]') : null;
      return set ? set.querySelector('legend').textContent.replace(/\s*\*\s*$/, '') : null;
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      note.hidden = true;
      var scores = {};
      var missing = sets.filter(function (set) {
        var checked = set.querySelector('input:checked');
        if (checked) { scores[set.getAttribute('data-criterion')] = parseInt(checked.value, 10); }
        return !checked;
      });
      if (missing.length) {
        missing.forEach(function (set) { set.classList.add('invalid'); });
        missing[0].querySelector('input').focus();
        message(note, _('Give every criterion a score.'), false);
        return;
      }
      busy(form, true);
      Mall.api('POST', form.getAttribute('data-url'), {
        scores: scores,
        comment: form.comment.value.trim() || null
      }).then(function () {
        reloadWith(_('Rating submitted'));
      }, function (error) {
        busy(form, false);
        Object.keys(error.details || {}).forEach(function (field) {
          var match = /^scores\.(\w+)$/.exec(field);
          var set = match && form.querySelector('fieldset.stars[data-criterion="' + match[1] + '"]');
          if (set) { set.classList.add('invalid'); }
          if (field === 'comment') { form.comment.classList.add('invalid'); }
        });
        note.setAttribute('data-code', error.code);
        message(note, Mall.errorText(error, criterionName), false);
      });
    });
  }

  /* ---------------------------------------------------------------- budget lines */

  function setUpBudgetForm() {
    var form = document.getElementById('budget-form');
    if (!form) { return; }
    var errorBox = form.querySelector('.form-error');
    form.addEventListener('input', function (event) { event.target.classList.remove('invalid'); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      errorBox.hidden = true;
      var amount = Mall.amount(form.amount.value);
      var year = wholeNumber(form.fiscal_year.value, 2000, 2100);
      var field = function (n) { return form.elements.namedItem(n); };
      var empty = ['code', 'name'].filter(function (n) { return !field(n).value.trim(); });
      if (amount === null) { form.amount.classList.add('invalid'); }
      if (year === null) { form.fiscal_year.classList.add('invalid'); }
      empty.forEach(function (n) { field(n).classList.add('invalid'); });
      if (amount === null || year === null || empty.length) {
        errorBox.textContent = amount === null && !empty.length ? _('Not an amount (at most two decimal places).') : _('Fill in the required fields.');
        errorBox.hidden = false;
        return;
      }
      busy(form, true);
      Mall.api('POST', form.getAttribute('data-url'), {
        fiscal_year: year,
        fund_source: form.fund_source.value,
        code: field('code').value.trim(),
        name: field('name').value.trim(),
        amount: amount
      }).then(function (line) {
        Mall.flashLater(_('Budget line saved') + ' ' + line.code);
        if (form.getAttribute('data-back')) {
          window.location.assign(form.getAttribute('data-back'));
        } else {
          window.location.reload();
        }
      }, function (error) {
        busy(form, false);
        Object.keys(error.details || {}).forEach(function (name) {
          var input = field(name);
          if (input && input.classList) { input.classList.add('invalid'); }
        });
        errorBox.textContent = Mall.errorText(error);
        errorBox.hidden = false;
      });
    });
  }

  /* 验收附件: upload a file to the order, then show it. */
  function setUpAttachments() {
    document.querySelectorAll('.attachment-form').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var note = form.querySelector('.row-message');
        var input = form.querySelector('input[type=file]');
        if (!input.files || !input.files.length) {
          message(note, _('Choose a file'), false);
          return;
        }
        var data = new FormData();
        data.append('file', input.files[0]);
        Mall.api('POST', form.getAttribute('data-url'), data).then(function () {
          reloadWith(_('Attachment added'));
        }, function (error) {
          message(note, Mall.errorText(error), false);
        });
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    setUpAttachments();
    setUpAddToCart();
    setUpCart();
    setUpCheckout();
    setUpOrderActions();
    setUpPayments();
    setUpContract();
    setUpRating();
    setUpBudgetForm();
  });
})();
