/* Warning pages: every form with class "warning-form" posts JSON to its data-url (a field named
   "penalty.credit_points" goes into {"penalty": {"credit_points": …}}; data-type="int" is sent as
   an integer, empty fields are left out), then reloads the page. The closing form (data-confirm)
   first shows its finding and penalty in a dialog; only the dialog's button sends it. The desk
   asks every second whether warnings newer than its list arrived and says so. */
(function () {
  'use strict';
  var Mall = window.Mall;
  var _ = Mall.gettext;

  function message(node, text, ok) {
    if (!node) { return; }
    node.textContent = text;
    node.className = 'row-message ' + (ok ? 'ok-text' : 'alert-text');
  }

  function fill(template, value) { return template.replace('%s', String(value)); }

  function build(form) {
    var body = {};
    var problem = null;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.tagName === 'BUTTON' || el.tagName === 'FIELDSET') { return; }
      if (el.type === 'radio' && !el.checked) { return; }
      var value = el.value.trim();
      el.classList.remove('invalid');
      el.removeAttribute('aria-invalid');
      if (value === '') {
        if (el.required) {
          el.classList.add('invalid');
          el.setAttribute('aria-invalid', 'true');
          problem = problem || _('Fill in the required fields.');
        }
        return;
      }
      if (el.getAttribute('data-type') === 'int') {
        if (!/^\d+$/.test(value)) {
          el.classList.add('invalid');
          el.setAttribute('aria-invalid', 'true');
          problem = problem || _('Enter a whole number.');
          return;
        }
        value = parseInt(value, 10);
      }
      var parts = el.name.split('.');
      if (parts.length === 2) {
        body[parts[0]] = body[parts[0]] || {};
        body[parts[0]][parts[1]] = value;
      } else {
        body[el.name] = value;
      }
    });
    return problem ? { problem: problem } : { body: body };
  }

  function send(form, body, note, buttons) {
    buttons.forEach(function (b) { b.disabled = true; });
    return Mall.api('POST', form.getAttribute('data-url'), body).then(function () {
      Mall.flashLater(_('Done.'));
      window.location.reload();
    }, function (error) {
      buttons.forEach(function (b) { b.disabled = false; });
      message(note, Mall.errorText(error), false);
    });
  }

  function showClose(dialog, form, body) {
    var checked = form.querySelector('input[name=finding]:checked');
    var label = checked ? checked.parentNode.textContent.trim() : '';
    dialog.querySelector('[data-slot=finding]').textContent = label;
    var slot = dialog.querySelector('[data-slot=penalty]');
    var penalty = body.penalty || {};
    var parts = [];
    if (penalty.credit_points) { parts.push(fill(slot.getAttribute('data-points'), penalty.credit_points)); }
    if (penalty.suspension_days) { parts.push(fill(slot.getAttribute('data-suspension'), penalty.suspension_days)); }
    if (penalty.restriction_days) { parts.push(fill(slot.getAttribute('data-restriction'), penalty.restriction_days)); }
    slot.textContent = parts.length ? parts.join(' · ') : slot.getAttribute('data-none');
  }

  function setUp(form) {
    var note = form.querySelector('.row-message');
    var dialog = form.getAttribute('data-confirm') && document.getElementById(form.getAttribute('data-confirm'));
    var pending = null;
    if (dialog) {
      var go = dialog.querySelector('[data-confirm-go]');
      dialog.querySelector('[data-confirm-back]').addEventListener('click', function () { dialog.close(); });
      dialog.addEventListener('close', function () { pending = null; });
      go.addEventListener('click', function () {
        if (pending) { send(form, pending, dialog.querySelector('.row-message'), [go]); }
      });
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var built = build(form);
      if (built.problem) { message(note, built.problem, false); return; }
      message(note, '', true);
      if (dialog) {
        pending = built.body;
        showClose(dialog, form, built.body);
        dialog.showModal();
        dialog.querySelector('[data-confirm-go]').focus();
        return;
      }
      send(form, built.body, note, Array.prototype.slice.call(form.querySelectorAll('button')));
    });
  }

  function watch(node) {
    var newest = parseInt(node.getAttribute('data-newest'), 10) || 0;
    function ask() {
      Mall.api('GET', node.getAttribute('data-feed')).then(function (page) {
        var fresh = (page.items || []).filter(function (w) { return w.id > newest; }).length;
        if (fresh) {
          node.hidden = false;
          node.textContent = fill(node.getAttribute('data-text'), fresh);
          node.className = 'live-note alert';
        }
      }, function () { /* the next turn asks again */ });
    }
    window.setInterval(ask, 1000);
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form.warning-form').forEach(setUp);
    var live = document.querySelector('[data-feed]');
    if (live) { watch(live); }
  });
})();
