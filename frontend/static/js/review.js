/* Operator review queues: approve, or reject with a reason, an enrolment application or a listing. */
(function () {
  'use strict';
  var _ = window.Mall.gettext;
  var Mall = window.Mall;

  function decide(form, approve) {
    var reason = form.reason.value.trim();
    var result = form.querySelector('.row-message');
    if (!approve && !reason) {
      result.textContent = _('A rejection needs a reason.');
      result.className = 'row-message alert-text';
      form.reason.classList.add('invalid');
      form.reason.focus();
      return;
    }
    var body = { approve: approve };
    body[form.getAttribute('data-reason-field')] = reason || null;
    form.querySelectorAll('button, input').forEach(function (n) { n.disabled = true; });
    Mall.api('POST', form.getAttribute('data-url'), body).then(function () {
      var item = form.closest('.queue-item');
      item.classList.add(approve ? 'decided-approved' : 'decided-rejected');
      item.setAttribute('data-decided', approve ? 'approved' : 'rejected');
      result.textContent = (approve ? _('Approved') : _('Rejected')) + (reason ? '：' + reason : '');
      result.className = 'row-message ' + (approve ? 'ok-text' : 'alert-text');
      var badge = item.closest('section').querySelector('.count-badge');
      if (badge) { badge.textContent = String(Math.max(parseInt(badge.textContent, 10) - 1, 0)); }
    }, function (error) {
      form.querySelectorAll('button, input').forEach(function (n) { n.disabled = false; });
      result.textContent = Mall.errorText(error);
      result.className = 'row-message alert-text';
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form.decision').forEach(function (form) {
      form.addEventListener('submit', function (event) { event.preventDefault(); });
      form.querySelectorAll('[data-decision]').forEach(function (button) {
        button.addEventListener('click', function () {
          decide(form, button.getAttribute('data-decision') === 'approve');
        });
      });
      form.reason.addEventListener('input', function () { form.reason.classList.remove('invalid'); });
    });
  });
})();
