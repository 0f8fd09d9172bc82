/* 电子反拍: the set-up form and the live auction room.

   Money stays in the API's strings: totals are worked out in whole fen with BigInt, and Chart.js
   only draws Number() of a price. Times are shown in Asia/Shanghai; the countdown runs on the
   server's clock (its `now` corrects the page's clock on every update). */
(function () {
  'use strict';
  var _ = window.Mall.gettext;
  var pgettext = window.Mall.pgettext;
  var PHASES = {
    draft: _('Draft'),
    upcoming: _('Upcoming'),
    open: _('Open'),
    closing: _('Closing'),
    awarded: _('Awarded'),
    failed: _('Failed'),
    cancelled: _('Cancelled')
  };

  var ZONE = 'Asia/Shanghai';
  var STAMP = new Intl.DateTimeFormat('sv-SE', {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
  });
  var CLOCK = new Intl.DateTimeFormat('sv-SE', {
    timeZone: ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
  });

  /* A message with its arguments put in for %s and %d, in order. */
  function format(message) {
    var args = Array.prototype.slice.call(arguments, 1);
    return message.replace(/%%|%[sd]/g, function (token) {
      return token === '%%' ? '%' : String(args.length ? args.shift() : '');
    });
  }

  function stamp(ms) { return STAMP.format(new Date(ms)); }
  function clockTime(ms) { return CLOCK.format(new Date(ms)); }

  /* An amount string ("5000" or "5000.5" or "5000.00") as whole fen, or null. */
  function fen(amount) {
    var match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount == null ? '' : amount).trim());
    if (!match) { return null; }
    return BigInt(match[1]) * 100n + BigInt(((match[2] || '') + '00').slice(0, 2));
  }

  function fenText(value) {
    var digits = value.toString().padStart(3, '0');
    return digits.slice(0, -2) + '.' + digits.slice(-2);
  }

  /* unit price × quantity as an amount string, or null. */
  function lotTotal(price, quantity) {
    var cents = fen(price);
    if (cents === null || !/^\d+$/.test(String(quantity))) { return null; }
    return fenText(cents * BigInt(quantity));
  }

  function show(node, visible) { if (node) { node.hidden = !visible; } }

  function setText(root, selector, value) {
    var node = root.querySelector(selector);
    if (node) { node.textContent = value; }
    return node;
  }

  /* ================================================================ 发起竞价 */

  function setUpForm(form) {
    var field = function (name) { return form.elements.namedItem(name); };
    var limit = fen(form.getAttribute('data-limit'));
    var offset = Date.parse(form.getAttribute('data-server-now')) - Date.now();
    var products = JSON.parse((document.getElementById('standard-products') || {}).textContent || '[]');
    var errorBox = form.querySelector('[data-testid=form-error]');
    var saving = false;

    function fillProducts() {
      var select = field('standard_product_id');
      var category = Number(field('category_id').value);
      var fitting = products.filter(function (p) { return p.category_id === category; });
      while (select.options.length > 1) { select.remove(1); }
      fitting.forEach(function (p) { select.add(new Option(p.name, String(p.id))); });
      select.disabled = !fitting.length;
    }

    /* When the auction would start: now (on the server's clock), or the wall time in Beijing. */
    function startMs() {
      if (field('start_now').checked) { return Date.now() + offset; }
      var value = field('starts_at').value;
      return value ? Date.parse(value + ':00+08:00') : NaN;
    }

    function endMs() {
      var minutes = field('duration').value.trim();
      return /^\d+$/.test(minutes) ? startMs() + Number(minutes) * 60000 : NaN;
    }

    function refresh() {
      field('starts_at').disabled = field('start_now').checked;
      var end = endMs();
      setText(form, '[data-testid=f-ends]', isNaN(end) ? '—' : stamp(end));
      var total = lotTotal(field('ceiling').value.trim().replace(/[,，\s]/g, ''), field('quantity').value.trim());
      setText(form, '[data-testid=f-lot]', total === null ? '—' : Mall.yuan(total));
      show(form.querySelector('[data-testid=f-over-limit]'), total !== null && limit !== null && fen(total) >= limit);
      var line = field('budget_line_id');
      var chosen = line && line.selectedOptions[0];
      var available = chosen && chosen.value ? fen(chosen.getAttribute('data-available')) : null;
      show(form.querySelector('[data-testid=f-budget-short]'),
        total !== null && available !== null && fen(total) > available);
    }

    function clearErrors() {
      form.querySelectorAll('[data-error-for]').forEach(function (node) { node.hidden = true; node.textContent = ''; });
      form.querySelectorAll('.invalid').forEach(function (node) { node.classList.remove('invalid'); });
      show(errorBox, false);
    }

    /* A problem next to its field; false when the form has no such field. */
    function fieldError(name, message) {
      var target = name === 'ends_at' ? 'ends_at' : name;
      var node = form.querySelector('[data-error-for="' + target + '"]');
      if (!node) { return false; }
      node.textContent = message;
      node.hidden = false;
      var input = field(name === 'ends_at' ? 'duration' : name);
      if (input && input.classList) { input.classList.add('invalid'); }
      return true;
    }

    function collect() {
      var problems = {};
      var body = {};
      var required = ['title', 'category_id', 'quantity', 'unit', 'ceiling', 'decrement_value',
        'delivery_region_id', 'delivery_address', 'delivery_date', 'contact_name', 'contact_phone',
        'budget_line_id'];
      required.forEach(function (name) {
        var input = field(name);
        if (!input || !String(input.value).trim()) { problems[name] = _('required'); }
      });
      ['title', 'title_en', 'unit', 'delivery_address', 'contact_name', 'contact_phone', 'delivery_date',
        'decrement_mode', 'must_beat', 'visibility'].forEach(function (name) {
        body[name] = field(name).value.trim();
      });
      ['ceiling', 'decrement_value'].forEach(function (name) {
        var value = Mall.amount(field(name).value);
        if (value === null && !problems[name]) { problems[name] = _('not an amount (two decimals at most)'); }
        body[name] = value;
      });
      ['quantity', 'snipe_window_seconds', 'extension_seconds', 'max_extensions', 'min_bidders',
        'category_id', 'delivery_region_id', 'budget_line_id'].forEach(function (name) {
        var value = String(field(name).value).trim();
        if (!problems[name] && !/^\d+$/.test(value)) { problems[name] = _('a whole number'); }
        body[name] = Number(value);
      });
      var product = field('standard_product_id').value;
      body.standard_product_id = product ? Number(product) : null;
      body.show_ceiling = field('show_ceiling').checked;
      var start = startMs();
      if (isNaN(start)) { problems.starts_at = _('required'); }
      var end = endMs();
      if (isNaN(end)) { problems.ends_at = _('a whole number'); }
      if (!isNaN(start) && !isNaN(end)) {
        body.starts_at = new Date(start).toISOString();
        body.ends_at = new Date(end).toISOString();
      }
      return { body: body, problems: problems };
    }

    /* Editing a draft: its terms in the fields (the category first, for its products). */
    function fillDraft(terms) {
      field('category_id').value = String(terms.category_id);
      fillProducts();
      Object.keys(terms).forEach(function (name) {
        var input = field(name);
        var value = terms[name];
        if (!input || name === 'category_id' || !input.tagName) { return; }
        if (input.type === 'checkbox') { input.checked = Boolean(value); return; }
        input.value = value === null || value === undefined ? '' : String(value);
      });
    }

    /* How many suppliers may bid on these terms (a count from the server, never names). */
    var eligibleNode = form.querySelector('[data-testid=f-eligible]');
    var eligibleTimer = null;
    var eligibleAsked = '';
    function askEligible() {
      var category = field('category_id').value;
      if (!eligibleNode || !category) { return; }
      var query = 'category_id=' + encodeURIComponent(category);
      var minimum = field('min_bidders').value.trim();
      if (/^\d+$/.test(minimum) && Number(minimum) >= 1) { query += '&min_bidders=' + minimum; }
      var quantity = field('quantity').value.trim();
      var ceiling = Mall.amount(field('ceiling').value);
      if (/^\d+$/.test(quantity) && Number(quantity) >= 1 && ceiling) {
        query += '&quantity=' + quantity + '&ceiling=' + ceiling;
      }
      query += '&region_id=' + encodeURIComponent(field('delivery_region_id').value);
      if (query === eligibleAsked) { return; }
      eligibleAsked = query;
      Mall.api('GET', form.getAttribute('data-eligible-url') + '?' + query).then(function (found) {
        if (query !== eligibleAsked) { return; }
        var line = format(_('Eligible suppliers: %s (minimum bidders: %s)'), found.count, found.min_bidders) +
          (found.sme_only ? _(' (reserved for SMEs)') : '');
        if (!found.enough) {
          line += ' — ' + (found.count === 0 ? _('No supplier may bid in this category now: nobody could bid once it is published.')
            : format(_('Only %d supplier(s) may bid, fewer than the minimum of %d: published like this, the auction will most likely fail. Change the category or the minimum.'), found.count, found.min_bidders));
        }
        eligibleNode.textContent = line;
        eligibleNode.classList.toggle('alert', !found.enough);
        eligibleNode.setAttribute('data-count', String(found.count));
        eligibleNode.setAttribute('data-enough', found.enough ? '1' : '0');
      }, function () { eligibleAsked = ''; });
    }
    function askEligibleSoon() {
      window.clearTimeout(eligibleTimer);
      eligibleTimer = window.setTimeout(askEligible, 300);
    }
    ['category_id', 'quantity', 'ceiling', 'min_bidders', 'delivery_region_id'].forEach(function (name) {
      field(name).addEventListener('change', askEligibleSoon);
      field(name).addEventListener('input', askEligibleSoon);
    });

    field('category_id').addEventListener('change', fillProducts);
    form.addEventListener('input', refresh);
    form.addEventListener('change', refresh);
    window.setInterval(function () { if (field('start_now').checked) { refresh(); } }, 1000);
    fillProducts();
    var draftTerms = document.getElementById('auction-draft-terms');
    if (draftTerms) { fillDraft(JSON.parse(draftTerms.textContent)); }
    refresh();
    askEligible();

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (saving) { return; }
      clearErrors();
      var data = collect();
      var names = Object.keys(data.problems);
      if (names.length) {
        names.forEach(function (name) { fieldError(name, data.problems[name]); });
        errorBox.textContent = _('Fix the fields marked.');
        show(errorBox, true);
        var first = form.querySelector('.invalid');
        if (first) { first.focus(); }
        return;
      }
      saving = true;
      form.querySelector('[data-testid=save-auction]').disabled = true;
      Mall.api(form.getAttribute('data-method') || 'POST', form.getAttribute('data-url'), data.body).then(function (auction) {
        Mall.flashLater(_('Draft saved') + ' · ' + auction.number);
        window.location.assign(form.getAttribute('data-room').replace(/\/0$/, '/' + auction.id));
      }, function (error) {
        saving = false;
        form.querySelector('[data-testid=save-auction]').disabled = false;
        var details = error.details || {};
        var unplaced = {};
        Object.keys(details).forEach(function (name) {
          var value = details[name];
          var message = Array.isArray(value) ? value.join(' ') : String(value);
          if (error.status !== 422 || !fieldError(name, message)) { unplaced[name] = details[name]; }
        });
        errorBox.textContent = error.status === 422
          ? Mall.errorText({ message: error.message, details: unplaced })
          : error.message;
        show(errorBox, true);
        errorBox.scrollIntoView({ block: 'center' });
      });
    });
  }

  /* ================================================================ 竞价室 */

  function setUpRoom(dataNode) {
    var data = JSON.parse(dataNode.textContent || '{}');
    var room = document.getElementById('auction-room');
    var role = data.role;
    var bidder = role === 'bidder';
    var watcher = role === 'purchaser' || role === 'supervisor' || role === 'operator';
    var quantity = String(data.quantity);
    var offset = 0;
    var status = data.status;
    var startsAt = Date.parse(data.starts_at);
    var endsAt = Date.parse(data.state.ends_at);
    var mine = data.state.mine || {};
    var bestPrice = data.state.best_price;
    var chart = null;
    var seen = {};
    var socket = null;
    var connected = false;
    var everConnected = false;
    var dirty = false;
    var sending = false;
    var lastPhase = null;
    var rereadAt = 0;

    var bidForm = document.getElementById('bid-form');
    var bidInput = document.getElementById('bid-price');
    var bidButton = bidForm ? bidForm.querySelector('[data-testid=bid-submit]') : null;
    var result = bidForm ? bidForm.querySelector('[data-testid=bid-result]') : null;
    var banner = document.querySelector('[data-testid=offline-banner]');

    function serverNow() { return Date.now() + offset; }

    function correctClock(now) {
      var at = Date.parse(now);
      if (!isNaN(at)) { offset = at - Date.now(); }
    }

    // ------------------------------------------------ countdown

    function phaseNow() {
      if (status !== 'published') { return 'after'; }
      var now = serverNow();
      if (now < startsAt) { return 'before'; }
      return now < endsAt ? 'open' : 'closing';
    }

    function span(ms) {
      var total = Math.max(0, Math.ceil(ms / 1000));
      var days = Math.floor(total / 86400);
      var rest = total % 86400;
      var parts = [Math.floor(rest / 3600), Math.floor(rest % 3600 / 60), rest % 60].map(function (n) {
        return String(n).padStart(2, '0');
      });
      return (days ? format(_('%d d '), days) : '') + parts.join(':');
    }

    function setPhaseTag(key) {
      var tag = document.querySelector('[data-testid=auction-phase]');
      if (tag && tag.getAttribute('data-phase') !== key) {
        tag.setAttribute('data-phase', key);
        tag.className = 'status auc-phase auc-phase-' + key;
        tag.textContent = PHASES[key] || key;
      }
    }

    function tick() {
      var phase = phaseNow();
      var label = document.querySelector('[data-testid=countdown-label]');
      var clock = document.querySelector('[data-testid=countdown]');
      if (!clock) { return; }
      var card = clock.closest('.auc-clock');
      if (phase === 'before') {
        label.textContent = _('Starts in');
        clock.textContent = span(startsAt - serverNow());
      } else if (phase === 'open') {
        label.textContent = _('Ends in');
        clock.textContent = span(endsAt - serverNow());
      } else if (phase === 'closing') {
        label.textContent = _('Waiting for the close…');
        clock.textContent = span(0);
      } else {
        label.textContent = _('Bidding is over');
        clock.textContent = span(0);
      }
      card.classList.toggle('urgent', phase === 'open' && endsAt - serverNow() <= 60000);
      if (status === 'published') {
        setPhaseTag(phase === 'before' ? 'upcoming' : phase);
      }
      if (phase !== lastPhase) {
        var previous = lastPhase;
        lastPhase = phase;
        setBidding(phase === 'open');
        // The server's clock decides; look again when the page's clock says the phase changed.
        if (previous !== null && (phase === 'open' || phase === 'closing')) { reread(); }
      }
      if (phase === 'closing' && Date.now() - rereadAt > 3000) { reread(); }
    }

    function setBidding(open) {
      if (!bidForm) { return; }
      var usable = open && connected;
      bidInput.disabled = !open;
      bidButton.disabled = !usable || sending;
      show(bidForm.querySelector('[data-testid=bid-wait]'), !open && status === 'published' && phaseNow() === 'before');
    }

    // ------------------------------------------------ what the updates bring

    function showBest(price) {
      var compare = room.querySelector('[data-testid=bid-best]');
      if (compare) {
        compare.textContent = price ? Mall.yuan(price)
          : (bidder && data.visibility === 'rank' ? _('Not shown by the rules') : _('No bids yet'));
      }
      showTotal();
      var node = room.querySelector('[data-testid=best-price]');
      if (!node) { return; }
      if (price) {
        node.textContent = Mall.yuan(price);
      } else {
        node.innerHTML = '';
        var muted = document.createElement('span');
        muted.className = 'muted';
        muted.textContent = (bidder && data.visibility === 'rank' ? _('Not shown by the rules') : _('No bids yet'));
        node.appendChild(muted);
      }
    }

    // A share as the ladder shows it ("0.1" → "10%"), from its digits, without float arithmetic.
    function percent(share) {
      if (!share || !/[1-9]/.test(share)) { return '—'; }
      var parts = String(share).split('.');
      var frac = (parts[1] || '') + '00';
      var whole = String(Number(parts[0] + frac.slice(0, 2)));
      var rest = frac.slice(2).replace(/0+$/, '');
      return whole + (rest ? '.' + rest : '') + '%';
    }

    /* 供应商 3 / Supplier 3: the label in the page's language, from its number. */
    function labelOf(row) {
      return row.label_no ? format(_('Supplier %s'), row.label_no) : (row.label || '');
    }

    function showLadder(rows) {
      var table = room.querySelector('[data-testid=ladder]');
      if (!table || !Array.isArray(rows)) { return; }
      var body = table.tBodies[0];
      body.innerHTML = '';
      rows.forEach(function (row) {
        var tr = document.createElement('tr');
        tr.setAttribute('data-testid', 'ladder-row');
        var label = labelOf(row);
        tr.setAttribute('data-label', label);
        tr.setAttribute('data-label-no', String(row.label_no));
        if (bidder && mine.label_no && row.label_no === mine.label_no) { tr.className = 'mine'; }
        var cells = [
          [String(row.rank), 'num'],
          [row.name ? row.name + ' (' + label + ')' : label, ''],
          [Mall.yuan(row.price), 'num price']
        ];
        if (data.deductions) {
          cells.push([percent(row.deduction), 'num']);
          cells.push([row.evaluated_price ? Mall.yuan(row.evaluated_price) : '—', 'num price']);
        }
        cells.push([row.at ? clockTime(Date.parse(row.at)) : '', 'num muted']);
        cells.forEach(function (cell) {
          var td = document.createElement('td');
          td.textContent = cell[0];
          td.className = cell[1];
          tr.appendChild(td);
        });
        body.appendChild(tr);
        if (watcher) { addPoint(row.price, Date.parse(row.at)); }
      });
      show(room.querySelector('[data-testid=ladder-empty]'), !rows.length);
    }

    function setBest(price, at) {
      var changed = price !== bestPrice;
      if (price && changed) { addBest(price, at); }
      bestPrice = price;
      showBest(price);
      // A supplier that has not bid yet gets no `mine` updates: its next allowed price is read.
      if (changed && bidder && !mine.label && status === 'published') { rereadSoon(); }
    }

    function applyMine(m) {
      if (!m) { return; }
      var before = mine;
      mine = m;
      setText(room, '[data-testid=my-label]', m.label_no ? labelOf(m) : '—');
      var rank = room.querySelector('[data-testid=my-rank]');
      if (rank) {
        rank.textContent = m.rank ? format(_('No. %s'), m.rank) : _('No bid yet');
        rank.classList.toggle('muted', !m.rank);
        rank.classList.toggle('first', m.rank === 1);
      }
      setText(room, '[data-testid=my-last]', m.last_price ? Mall.yuan(m.last_price) : '—');
      setText(room, '[data-testid=bid-own-last]', m.last_price ? Mall.yuan(m.last_price) : '—');
      setText(room, '[data-testid=my-evaluated]', m.evaluated_price ? Mall.yuan(m.evaluated_price) : '—');
      setText(room, '[data-testid=next-allowed]', m.next_allowed ? Mall.yuan(m.next_allowed) : '—');
      if (bidInput && m.next_allowed && (!dirty || !bidInput.value.trim())) {
        bidInput.value = m.next_allowed;
        dirty = false;
      }
      if (m.last_price && m.last_price !== before.last_price) { addPoint(m.last_price, serverNow()); }
      showTotal();
      room.querySelectorAll('[data-testid=ladder-row]').forEach(function (tr) {
        tr.classList.toggle('mine', !!m.label_no && tr.getAttribute('data-label-no') === String(m.label_no));
      });
    }

    function applyWatch(w) {
      setText(room, '[data-testid=bidder-count]', String(w.bidder_count));
      setText(room, '[data-testid=bid-count]', String(w.bid_count));
      setBest(w.best_price, serverNow());
      showLadder(w.ladder || []);
    }

    /* A state from the REST API, a join or a bid's acknowledgement (``id``), or the room's public
       `state` event (``auction_id``). */
    function applyState(s) {
      if (!s) { return; }
      var full = Object.prototype.hasOwnProperty.call(s, 'id');
      correctClock(s.now);
      if (s.ends_at) { endsAt = Date.parse(s.ends_at); }
      if (s.starts_at) { startsAt = Date.parse(s.starts_at); }
      setText(room, '[data-testid=ends-at]', format(_('Ends at %s'), stamp(endsAt)));
      var extended = room.querySelector('[data-testid=extended]');
      if (extended) {
        extended.textContent = format(_('Extended %d times'), s.extensions_used || 0);
        extended.hidden = !s.extensions_used;
      }
      if (bidder || full) {
        setBest(s.best_price, Date.parse(s.now));
        if (Array.isArray(s.ladder)) { showLadder(s.ladder); }
      }
      if (watcher && full && s.bidder_count != null) {
        setText(room, '[data-testid=bidder-count]', String(s.bidder_count));
        setText(room, '[data-testid=bid-count]', String(s.bid_count));
      }
      if (s.mine) { applyMine(s.mine); }
      var was = status;
      status = s.status || status;
      if (was === 'published' && status !== 'published') { closed(); }
      tick();
    }

    function reread() {
      rereadAt = Date.now();
      return Mall.api('GET', data.urls.state).then(applyState, function () { /* the next update repairs it */ });
    }

    /* One read for a burst of changes. */
    var rereading = null;
    var rereadAgain = false;
    function rereadSoon() {
      if (rereading) { rereadAgain = true; return; }
      rereading = reread().then(function () {
        rereading = null;
        if (rereadAgain) { rereadAgain = false; rereadSoon(); }
      });
    }

    function closed() {
      setBidding(false);
      setPhaseTag(status);
      if (socket) { socket.disconnect(); }
      if (bidForm) { bidForm.closest('.auc-bidbox').hidden = true; }
      fetch(data.urls.outcome, { credentials: 'same-origin' }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        var slot = document.getElementById('auction-outcome');
        if (html && slot) {
          var holder = document.createElement('div');
          holder.innerHTML = html.trim();
          slot.replaceWith(holder.firstElementChild);
        }
      }, function () { /* a reload shows it */ });
    }

    // ------------------------------------------------ the chart

    function setUpChart() {
      var canvas = document.getElementById('auction-chart');
      if (!canvas || !window.Chart) { return; }
      var points = data.history.points || [];
      var best = data.history.best || [];
      chart = new window.Chart(canvas, {
        type: 'line',
        data: {
          datasets: [
            {
              label: (data.deductions ? pgettext('auc_chart_best_evaluated', 'Lowest evaluated price') : pgettext('auc_chart_best', 'Best price')),
              data: [],
              stepped: 'before',
              borderColor: '#b71c1c',
              backgroundColor: 'rgba(183, 28, 28, .10)',
              fill: true,
              pointRadius: 2
            },
            {
              label: (bidder ? _('Your bids') : pgettext('auc_chart_all', 'Bids')),
              data: [],
              showLine: false,
              borderColor: '#1d4ed8',
              backgroundColor: '#1d4ed8',
              pointRadius: 4
            }
          ]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          parsing: false,
          plugins: {
            legend: { position: 'bottom', labels: { boxWidth: 12 } },
            tooltip: {
              callbacks: {
                title: function (items) { return items.length ? clockTime(items[0].parsed.x) : ''; },
                label: function (ctx) { return ctx.dataset.label + ' ' + Mall.yuan(ctx.raw.price); }
              }
            }
          },
          scales: {
            // From the start, so that a lone first bid is not drawn in the middle of nowhere.
            x: { type: 'linear', suggestedMin: startsAt, ticks: { maxTicksLimit: 6, callback: function (value) { return clockTime(value); } } },
            y: { ticks: { callback: function (value) { return '¥' + value; } } }
          }
        }
      });
      best.forEach(function (p) { addBest(p.price, Date.parse(p.at), true); });
      points.forEach(function (p) { addPoint(p.price, Date.parse(p.at), true); });
      redraw();
    }

    /* No bids, no chart: an honest sentence instead of an empty axis. */
    function redraw() {
      if (!chart) { return; }
      var empty = !chart.data.datasets[0].data.length && !chart.data.datasets[1].data.length;
      show(document.querySelector('[data-testid=chart-empty]'), empty);
      var box = document.querySelector('[data-testid=chart-box]');
      var wasHidden = box && box.hidden;
      show(box, !empty);
      if (!empty && wasHidden) { chart.resize(); }
      chart.update('none');
    }

    function addBest(price, at, quiet) {
      if (!chart || !price || isNaN(at)) { return; }
      var line = chart.data.datasets[0].data;
      var last = line[line.length - 1];
      if (last && last.price === price) { return; }
      // Chart.js draws numbers: Number() of the API's string is only plotted, never added up.
      line.push({ x: at, y: Number(price), price: price });
      if (!quiet) { redraw(); }
    }

    function addPoint(price, at, quiet) {
      if (!chart || !price || isNaN(at)) { return; }
      var key = Math.round(at / 1000) + '|' + price;
      if (seen[key]) { return; }
      seen[key] = true;
      chart.data.datasets[1].data.push({ x: at, y: Number(price), price: price });
      chart.data.datasets[1].data.sort(function (a, b) { return a.x - b.x; });
      if (!quiet) { redraw(); }
    }

    // ------------------------------------------------ bidding

    function deviceId() {
      var key = 'mall.device';
      try {
        var id = localStorage.getItem(key);
        if (!id) {
          id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
          localStorage.setItem(key, id);
        }
        return id;
      } catch (e) { return null; }
    }

    /* The price the guard compares a bid with, as the bidder sees it: the best price, else its
       own last bid, else the shown ceiling (auction.rules.guard_reference). */
    function guardReference() {
      if (bestPrice) { return { price: bestPrice, name: _('the best price') }; }
      if (mine.last_price) { return { price: mine.last_price, name: _('your last bid') }; }
      if (data.ceiling) { return { price: data.ceiling, name: _('the ceiling') }; }
      return null;
    }

    /* basis points of a drop, shown with one decimal ("12.3%"), in whole numbers only. */
    function dropPercent(drop, reference) {
      var tenths = drop * 1000n / reference;
      return (tenths / 10n).toString() + '.' + (tenths % 10n).toString() + '%';
    }

    /* How far the typed bid lies below the reference: null when it does not, or cannot tell. */
    function dropOf(price) {
      var ref = guardReference();
      var cents = fen(price);
      if (!ref || cents === null) { return null; }
      var reference = fen(ref.price);
      if (reference === null || reference <= 0n || cents >= reference) { return null; }
      var drop = reference - cents;
      return {
        ref: ref, reference: reference, drop: drop,
        text: Mall.yuan(fenText(drop)) + ' (' + dropPercent(drop, reference) + ')',
        // auction.rules.needs_confirmation: drop > reference × BID_GUARD_SHARE
        guard: drop * 10000n > reference * BigInt(data.guard_basis_points)
      };
    }

    function showTotal() {
      if (!bidInput) { return; }
      var price = Mall.amount(bidInput.value);
      var total = lotTotal(price, quantity);
      setText(room, '[data-testid=bid-total]', total === null ? '—' : Mall.yuan(total));
      var drop = dropOf(price);
      var node = setText(room, '[data-testid=bid-drop]', drop ? drop.text : '—');
      if (node) { node.classList.toggle('alert-text', !!(drop && drop.guard)); }
    }

    function say(message, kind) {
      result.textContent = message;
      result.className = 'auc-bid-result ' + kind;
      result.hidden = false;
    }

    function setUpBidding() {
      if (!bidForm) { return; }
      bidInput.addEventListener('input', function () { dirty = true; showTotal(); });
      showTotal();
      var guard = document.getElementById('bid-guard');
      var guarded = null;
      if (guard) {
        guard.querySelector('[data-action=close]').addEventListener('click', function () {
          guarded = null;
          guard.close();
        });
        guard.addEventListener('close', function () { if (!sending) { bidInput.focus(); } });
        guard.querySelector('[data-action=guard-send]').addEventListener('click', function () {
          var price = guarded;
          guarded = null;
          guard.close();
          if (price && price === Mall.amount(bidInput.value)) { send(price); }
        });
      }
      bidForm.addEventListener('submit', function (event) {
        event.preventDefault();
        if (sending) { return; }
        var price = Mall.amount(bidInput.value);
        if (!price || fen(price) <= 0n) { say(_('Enter a price above zero with at most two decimals.'), 'alert'); bidInput.focus(); return; }
        if (!connected) { say(_('Not connected; the bid was not sent. Wait for the connection.'), 'alert'); return; }
        var drop = dropOf(price);
        if (guard && drop && drop.guard) {
          // A drop beyond the documented share is sent only once the bidder confirms it.
          guarded = price;
          guard.querySelector('[data-testid=bid-guard-text]').textContent = format(_('Your bid of %s is below %s %s by %s (%s), a drop of more than %s. An accepted bid cannot be withdrawn: check the amount.'),
            Mall.yuan(price), drop.ref.name, Mall.yuan(drop.ref.price),
            Mall.yuan(fenText(drop.drop)), dropPercent(drop.drop, drop.reference),
            String(data.guard_basis_points / 100) + '%');
          guard.showModal();
          guard.querySelector('[data-testid=bid-guard-back]').focus();
          return;
        }
        send(price);
      });

      function send(price) {
        if (sending) { return; }
        if (!connected) { say(_('Not connected; the bid was not sent. Wait for the connection.'), 'alert'); return; }
        sending = true;
        bidButton.disabled = true;
        say(_('Sending your bid…'), 'muted');
        socket.timeout(10000).emit('bid', { auction_id: data.id, price: price, device_id: deviceId() },
          function (error, ack) {
            sending = false;
            setBidding(phaseNow() === 'open');
            if (error || !ack) { say(_('The server did not confirm the bid; check your last bid before trying again.'), 'alert'); reread(); return; }
            if (ack.ok) {
              dirty = false;
              say(format(_('Bid accepted: %s (bid no. %s)'), Mall.yuan(ack.price || price), ack.seq), 'ok');
              if (ack.state) { addPoint(ack.price || price, Date.parse(ack.state.now)); }
            } else {
              say((Mall.lang === 'en' ? ack.message : ack.message_zh) || ack.message || _('The request failed.'), 'alert');
            }
            applyState(ack.state);
          });
      }
    }

    // ------------------------------------------------ the socket

    function offline(down) {
      show(banner, down);
      show(document.querySelector('[data-testid=live-dot]'), !down);
      setBidding(phaseNow() === 'open');
    }

    function join() {
      socket.timeout(10000).emit('join', { auction_id: data.id }, function (error, ack) {
        if (error || !ack) { return; }
        if (!ack.ok) {
          Mall.showFlash(_('Could not enter the room') + ': ' +
            ((Mall.lang === 'en' ? ack.message : ack.message_zh) || ack.message), 'alert');
          return;
        }
        applyState(ack.state);
      });
    }

    function connect() {
      if (!window.io || status !== 'published') { return; }
      socket = window.io('/auction', { path: data.urls.socket_path, withCredentials: true });
      socket.on('connect', function () {
        connected = true;
        var again = everConnected;
        everConnected = true;
        offline(false);
        if (again) {
          // After a break: read the state afresh over HTTP, then rejoin the rooms.
          reread().then(join);
          Mall.showFlash(_('Reconnected; up to date again'));
        } else {
          join();
        }
      });
      socket.on('disconnect', function () { connected = false; if (status === 'published') { offline(true); } });
      socket.on('connect_error', function () { connected = false; offline(true); });
      socket.on('state', function (s) { if (s.auction_id === data.id) { applyState(s); } });
      socket.on('mine', function (m) {
        if (m.auction_id === data.id) { applyMine(m); }
      });
      socket.on('watch', function (w) { if (w.auction_id === data.id) { applyWatch(w); } });
    }

    // ------------------------------------------------ the purchaser's draft

    function setUpDraft() {
      var box = document.querySelector('[data-testid=auction-draft]');
      if (!box) { return; }
      var error = box.querySelector('[data-testid=draft-error]');
      function failed(problem) { error.textContent = Mall.errorText(problem); error.hidden = false; }
      var publish = box.querySelector('[data-action=publish]');
      var publishDialog = document.getElementById('publish-dialog');
      if (publish && publishDialog) {
        var choice = publishDialog.querySelector('[data-testid=start-choice]');
        var newStart = publishDialog.querySelector('[data-testid=new-start]');
        var confirmPublish = publishDialog.querySelector('[data-action=publish-confirm]');
        var publishError = publishDialog.querySelector('[data-testid=publish-error]');
        var startPassed = function () {
          return serverNow() - startsAt > data.start_grace_seconds * 1000;
        };
        var openChoice = function () {
          show(choice, true);
          if (!newStart.min) {
            newStart.min = stamp(serverNow()).slice(0, 16).replace(' ', 'T');
          }
        };
        publishDialog.querySelectorAll('input[name=start]').forEach(function (radio) {
          radio.addEventListener('change', function () {
            newStart.disabled = publishDialog.querySelector('[data-testid=start-new]').checked !== true;
            if (!newStart.disabled) { newStart.focus(); }
          });
        });
        publishDialog.querySelector('[data-action=close]').addEventListener('click', function () {
          publishDialog.close();
        });
        publish.addEventListener('click', function () {
          show(publishError, false);
          if (startPassed()) { openChoice(); }
          publishDialog.showModal();
          confirmPublish.focus();
        });
        confirmPublish.addEventListener('click', function () {
          var body = {};
          show(publishError, false);
          if (!choice.hidden) {
            if (publishDialog.querySelector('[data-testid=start-new]').checked) {
              if (!newStart.value) {
                publishError.textContent = _('The start has passed: start now, or choose a new start.');
                show(publishError, true);
                newStart.focus();
                return;
              }
              body.starts_at = new Date(Date.parse(newStart.value + ':00+08:00')).toISOString();
            } else {
              body.start_now = true;
            }
          }
          confirmPublish.disabled = true;
          Mall.api('POST', data.urls.publish, body).then(function () {
            Mall.flashLater(_('Auction published'));
            window.location.reload();
          }, function (problem) {
            confirmPublish.disabled = false;
            if (problem.code === 'start_passed') {
              // The start passed while the dialog was open: the same dialog asks for the choice.
              openChoice();
              publishError.textContent = _('The start has passed: start now, or choose a new start.');
            } else {
              publishError.textContent = Mall.errorText(problem);
            }
            show(publishError, true);
          });
        });
      }
      var cancel = box.querySelector('form[data-action=cancel]');
      var withdrawDialog = document.getElementById('withdraw-dialog');
      if (cancel && withdrawDialog) {
        var confirmWithdraw = withdrawDialog.querySelector('[data-action=withdraw-confirm]');
        withdrawDialog.querySelector('[data-action=close]').addEventListener('click', function () {
          withdrawDialog.close();
        });
        cancel.addEventListener('submit', function (event) {
          event.preventDefault();
          error.hidden = true;
          var reason = cancel.elements.namedItem('reason').value.trim();
          if (!reason) { failed({ message: _('Give a reason.'), details: {} }); return; }
          setText(withdrawDialog, '[data-testid=withdraw-dialog-reason]', reason);
          withdrawDialog.showModal();
          withdrawDialog.querySelector('[data-testid=withdraw-back]').focus();
        });
        confirmWithdraw.addEventListener('click', function () {
          var reason = cancel.elements.namedItem('reason').value.trim();
          confirmWithdraw.disabled = true;
          Mall.api('POST', data.urls.cancel, { reason: reason }).then(function () {
            Mall.flashLater(_('Auction withdrawn'));
            window.location.reload();
          }, function (problem) {
            confirmWithdraw.disabled = false;
            withdrawDialog.close();
            failed(problem);
          });
        });
      }
    }

    correctClock(data.state.now);
    setUpChart();
    setUpBidding();
    setUpDraft();
    applyMine(data.state.mine);
    tick();
    window.setInterval(tick, 250);
    connect();
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.getElementById('auction-form');
    if (form) { setUpForm(form); }
    var room = document.getElementById('auction-data');
    if (room) { setUpRoom(room); }
  });
})();
