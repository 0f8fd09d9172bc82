/* Dispute pages: every form with class "dispute-form" posts to its data-url, as multipart (text
   fields and evidence files) or JSON (typed by data-type: money stays a string, never a float;
   int; bool), then reloads the page or, after opening, goes to the new dispute. */
(function () {
  'use strict';
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
        if (el.required) { el.classList.add('invalid'); problem = problem || Mall.text('fill_required'); }
        return;
      }
      if (type === 'money') {
        var amount = Mall.amount(value);
        if (amount === null) { el.classList.add('invalid'); problem = problem || Mall.text('bad_amount'); return; }
        body[el.name] = amount;
      } else if (type === 'int') {
        if (!/^\d+$/.test(value)) { el.classList.add('invalid'); problem = problem || Mall.text('fill_required'); return; }
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
      if (el.required && !el.value.trim()) { el.classList.add('invalid'); problem = Mall.text('fill_required'); }
    });
    return problem ? { problem: problem } : { body: new FormData(form) };
  }

  function setUp(form) {
    var note = form.querySelector('.row-message');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var built = form.getAttribute('data-kind') === 'multipart' ? multipartBody(form) : jsonBody(form, event.submitter);
      if (built.problem) { message(note, built.problem, false); return; }
      var buttons = form.querySelectorAll('button');
      buttons.forEach(function (b) { b.disabled = true; });
      Mall.api('POST', form.getAttribute('data-url'), built.body).then(function (result) {
        if (form.getAttribute('data-then') === 'open' && result && result.id) {
          Mall.flashLater(Mall.text('dsp_opened'));
          window.location.assign('/disputes/' + result.id);
          return;
        }
        Mall.flashLater(Mall.text('dsp_done'));
        window.location.reload();
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
