/* Dispute pages: every form with class "dispute-form" posts to its data-url, as multipart (text
   fields and evidence files) or JSON (typed by data-type: money stays a string, never a float;
   int; bool), then reloads the page or, after opening, goes to the new dispute. A form with a
   data-preview (the ruling) first asks the server what it would do and shows that in a modal
   dialog; only the dialog's confirmation sends it. */
(function () {
  'use strict';
  var _ = window.Mall.gettext;
  var Mall = window.Mall;

  function message(node, text, ok) {
    if (!node) { return; }
    node.textContent = text;
    node.className = 'row-message ' + (ok ? 'ok-text' : 'alert-text');
  }

  function jsonBody(form, submitter) {
    var body = {};
    var problem = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === 'submit' || el.tagName === 'BUTTON') { return; }
      var type = el.getAttribute('data-type');
      var value = el.value.trim();
      el.classList.remove('invalid');
      if (type === 'bool') { body[el.name] = el.checked; return; }
      if (value === '') {
        if (el.required) { el.classList.add('invalid'); problem = problem || _('Fill in the required fields.'); }
        return;
      }
      if (type === 'money') {
        var amount = Mall.amount(value);
        if (amount === null) { el.classList.add('invalid'); problem = problem || _('Not an amount (at most two decimal places).'); return; }
        body[el.name] = amount;
      } else if (type === 'int') {
        if (!/^\d+$/.test(value)) { el.classList.add('invalid'); problem = problem || _('Fill in the required fields.'); return; }
        body[el.name] = parseInt(value, 10);
      } else {
        body[el.name] = value;
      }
    });
    if (submitter && submitter.name) { body[submitter.name] = submitter.value === 'true'; }
    return problem ? { problem: problem } : { body: body };
  }

  function multipartBody(form) {
    var problem = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      el.classList && el.classList.remove('invalid');
      if (el.required && !el.value.trim()) { el.classList.add('invalid'); problem = _('Fill in the required fields.'); }
    });
    return problem ? { problem: problem } : { body: new FormData(form) };
  }

  function done(form, result) {
    if (form.getAttribute('data-then') === 'open' && result && result.id) {
      Mall.flashLater(_('The dispute is open.'));
      window.location.assign('/disputes/' + result.id);
      return;
    }
    Mall.flashLater(_('Done.'));
    window.location.reload();
  }

  function fill(template) {
    var args = Array.prototype.slice.call(arguments, 1);
    return template.replace(/%s/g, function () { return String(args.shift()); });
  }

  function localDate(iso) {
    // The server's time, shown as the date in Beijing time (UTC+8, no daylight saving).
    var at = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
    return at.toISOString().slice(0, 10);
  }

  /* Write what the preview says into the dialog's slots. */
  function showPreview(dialog, preview) {
    var names = JSON.parse((document.getElementById('ruling-names') || {}).textContent || '{}');
    function slot(name) { return dialog.querySelector('[data-slot=' + name + ']'); }
    var org = preview.losing_organisation || {};
    slot('outcome').textContent = (names.outcomes || {})[preview.outcome] || preview.outcome;
    slot('loser').textContent = Mall.lang === 'en' ? (org.name_en || org.name_zh) : org.name_zh;
    var refund = slot('refund');
    refund.textContent = preview.refund_amount
      ? Mall.yuan(preview.refund_amount) + (preview.refundable ? ' · ' + fill(refund.getAttribute('data-refundable'), Mall.yuan(preview.refundable)) : '')
      : refund.getAttribute('data-none');
    var statuses = names.order_statuses || {};
    var reopen = slot('reopen');
    reopen.textContent = preview.reopen
      ? fill(reopen.getAttribute('data-text'), statuses[preview.order_status] || preview.order_status,
        statuses[preview.order_status_after] || preview.order_status_after)
      : reopen.getAttribute('data-none');
    var penalty = slot('penalty');
    penalty.textContent = preview.penalty_points
      ? fill(penalty.getAttribute('data-text'), preview.penalty_points) : penalty.getAttribute('data-none');
    var suspension = slot('suspension');
    suspension.textContent = preview.suspension_days
      ? fill(suspension.getAttribute('data-text'), preview.suspension_days, localDate(preview.suspended_until))
      : suspension.getAttribute('data-none');
    var archive = slot('archive');
    archive.textContent = archive.getAttribute(preview.archive === 'now' ? 'data-now' : 'data-later');
  }

  function setUpConfirm(form, dialog) {
    var note = form.querySelector('.row-message');
    var dialogNote = dialog.querySelector('.row-message');
    var go = dialog.querySelector('[data-confirm-go]');
    var pending = null;
    dialog.querySelector('[data-confirm-back]').addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', function () {
      pending = null;
      form.querySelector('button[type=submit]').focus();
    });
    go.addEventListener('click', function () {
      if (!pending) { return; }
      go.disabled = true;
      Mall.api('POST', form.getAttribute('data-url'), pending).then(function (result) {
        done(form, result);
      }, function (error) {
        go.disabled = false;
        message(dialogNote, Mall.errorText(error), false);
      });
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var built = jsonBody(form, event.submitter);
      if (built.problem) { message(note, built.problem, false); return; }
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      message(note, '', true);
      Mall.api('POST', form.getAttribute('data-preview'), built.body).then(function (preview) {
        button.disabled = false;
        pending = built.body;
        go.disabled = false;
        message(dialogNote, '', true);
        showPreview(dialog, preview);
        dialog.showModal();
        go.focus();
      }, function (error) {
        button.disabled = false;
        message(note, Mall.errorText(error), false);
      });
    });
  }

  function setUp(form) {
    var dialog = form.getAttribute('data-confirm') && document.getElementById(form.getAttribute('data-confirm'));
    if (dialog && form.getAttribute('data-preview')) { setUpConfirm(form, dialog); return; }
    var note = form.querySelector('.row-message');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var built = form.getAttribute('data-kind') === 'multipart' ? multipartBody(form) : jsonBody(form, event.submitter);
      if (built.problem) { message(note, built.problem, false); return; }
      var buttons = form.querySelectorAll('button');
      buttons.forEach(function (b) { b.disabled = true; });
      Mall.api('POST', form.getAttribute('data-url'), built.body).then(function (result) {
        done(form, result);
      }, function (error) {
        buttons.forEach(function (b) { b.disabled = false; });
        message(note, Mall.errorText(error), false);
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form.dispute-form').forEach(setUp);
  });
})();
