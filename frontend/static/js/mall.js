/* Shared page helpers: the page's messages (gettext over the catalog the page loads first), JSON API calls with the CSRF header, error messages,
   money shown from the API's string amounts (never through floating point), flash messages. */
(function () {
  'use strict';

  var messages = window.MALL_MESSAGES || {};
  var lang = (document.documentElement.lang || 'zh').indexOf('en') === 0 ? 'en' : 'zh';
  var FLASH_KEY = 'mall.flash';

  /* The message in the page's language; a message not in the catalog is shown as written. */
  function gettext(msgid) {
    return Object.prototype.hasOwnProperty.call(messages, msgid) ? messages[msgid] : msgid;
  }

  function pgettext(context, msgid) {
    var key = context + '\u0004' + msgid;
    return Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : msgid;
  }

  var _ = gettext;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  /* Call the JSON API. Resolves with the parsed body; rejects with {status, code, message, details}. */
  function api(method, url, body) {
    var headers = { 'Accept': 'application/json', 'X-CSRF-Token': csrfToken() };
    var payload;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    return fetch(url, { method: method, headers: headers, body: payload, credentials: 'same-origin' })
      .then(function (response) {
        return response.text().then(function (raw) {
          var data = null;
          try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
          if (response.ok) { return data; }
          var error = data || {};
          throw {
            status: response.status,
            code: error.code || 'error',
            message: (lang === 'en' ? error.message : error.message_zh) || error.message || _('The request failed.'),
            details: error.details || {}
          };
        });
      }, function () {
        throw { status: 0, code: 'network', message: _('Network error; try again.'), details: {} };
      });
  }

  /* "message — field: problem; field: problem" for an API error; ``label`` may name the fields. */
  function errorText(error, label) {
    var parts = [];
    var details = error.details || {};
    Object.keys(details).forEach(function (field) {
      var value = details[field];
      var name = (label && label(field)) || field;
      if (Array.isArray(value)) { parts.push(name + ': ' + value.join(', ')); }
    });
    return error.message + (parts.length ? ' — ' + parts.join('; ') : '');
  }

  /* "1234.5" or "1234.50" → "¥1,234.50", by string handling only. */
  function yuan(amount) {
    var value = String(amount == null ? '' : amount).trim();
    var match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value);
    if (!match) { return value; }
    var whole = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    var cents = ((match[3] || '') + '00').slice(0, 2);
    return match[1] + '¥' + whole + '.' + cents;
  }

  /* A money input as the API accepts it: digits with at most two decimal places, or null. */
  function amount(value) {
    var v = String(value || '').trim().replace(/[,，¥\s]/g, '');
    return /^\d+(\.\d{1,2})?$/.test(v) ? v : null;
  }

  function flashLater(message) {
    try { sessionStorage.setItem(FLASH_KEY, message); } catch (e) { /* private mode */ }
  }

  function showFlash(message, kind) {
    var main = document.querySelector('main.container');
    if (!main || !message) { return; }
    var node = document.createElement('p');
    node.className = (kind || 'ok') + ' flash';
    node.setAttribute('role', 'status');
    node.setAttribute('data-testid', 'flash');
    node.textContent = message;
    main.insertBefore(node, main.firstChild);
  }

  document.addEventListener('DOMContentLoaded', function () {
    var pending = null;
    try { pending = sessionStorage.getItem(FLASH_KEY); sessionStorage.removeItem(FLASH_KEY); } catch (e) { pending = null; }
    if (pending) { showFlash(pending); }
  });

  window.Mall = {
    lang: lang, gettext: gettext, pgettext: pgettext, api: api, errorText: errorText, yuan: yuan, amount: amount,
    flashLater: flashLater, showFlash: showFlash
  };
})();
