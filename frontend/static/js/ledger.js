/* The public ledger page: check an entry's inclusion proof in the reader's own browser (RFC 9162
   §2.1.3.2, SHA-256 through WebCrypto), independently of what the mall says. */
(function () {
  'use strict';
  var _ = window.Mall.gettext;

  function bytes(b64) {
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function node(left, right) {
    var joined = new Uint8Array(1 + left.length + right.length);
    joined[0] = 1;
    joined.set(left, 1);
    joined.set(right, 1 + left.length);
    return crypto.subtle.digest('SHA-256', joined).then(function (d) { return new Uint8Array(d); });
  }

  function equal(a, b) {
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
    return true;
  }

  /* The root the proof leads to from the leaf, or null when the proof does not fit the tree. */
  function rootFrom(index, size, leaf, proof) {
    var fn = index, sn = size - 1, chain = Promise.resolve(leaf);
    if (index >= size) { return Promise.resolve(null); }
    proof.forEach(function (p) {
      chain = chain.then(function (r) {
        if (r === null || sn === 0) { return null; }
        var step;
        if (fn % 2 === 1 || fn === sn) {
          step = node(p, r);
          if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
        } else {
          step = node(r, p);
        }
        fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
        return step;
      });
    });
    return chain.then(function (r) { return sn === 0 ? r : null; });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var box = document.querySelector('[data-testid=proof]');
    if (!box) { return; }
    var out = box.querySelector('[data-testid=browser-check]');
    function show(state, text) {
      out.setAttribute('data-state', state);
      out.textContent = text;
      out.className = state === 'verified' ? 'ok-text' : 'alert-text';
    }
    if (!window.crypto || !crypto.subtle) {
      show('unavailable', _('This browser cannot compute SHA-256 here (it needs HTTPS); use the verifier tool.'));
      return;
    }
    var proof = JSON.parse(box.getAttribute('data-proof')).map(bytes);
    rootFrom(parseInt(box.getAttribute('data-index'), 10), parseInt(box.getAttribute('data-size'), 10),
      bytes(box.getAttribute('data-leaf')), proof).then(function (root) {
      if (root && equal(root, bytes(box.getAttribute('data-root')))) {
        show('verified', '✓ ' + _("Your browser recomputed the checkpoint's root from this proof."));
      } else {
        show('failed', '✗ ' + _("The proof does not lead to the checkpoint's root."));
      }
    });
  });
}());
