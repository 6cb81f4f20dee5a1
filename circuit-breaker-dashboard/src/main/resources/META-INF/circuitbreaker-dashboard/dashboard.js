/*
 * The breaker dashboard: reads the circuitbreakers endpoint every refresh interval, and the
 * circuitbreakerevents endpoint whenever a breaker's epoch moved. Every value from the server reaches
 * the page through textContent or a data attribute, never as HTML: breaker names come from request
 * arguments, and reasons and instance ids from anywhere.
 */
(function () {
  'use strict';

  var STATES = ['CLOSED', 'OPEN', 'HALF_OPEN', 'FORCED_OPEN', 'DISABLED'];
  var ACTIONS = [
    { update: 'FORCE_OPEN', label: 'Force open', css: 'btn-force-open', done: 'Forced open' },
    { update: 'CLOSE', label: 'Close', css: 'btn-close', done: 'Closed' },
    { update: 'DISABLE', label: 'Disable', css: 'btn-disable', done: 'Disabled' },
    { update: 'RESET', label: 'Reset', css: 'btn-reset', done: 'Reset' }
  ];
  var CONFIG_REFRESH_MS = 15000;
  var EVENTS_REFRESH_MS = 10000;
  var MAX_EVENTS = 100;

  var config = null;
  var clockOffset = 0;
  var rows = new Map();
  var epochs = '';
  var eventsReadAt = 0;
  var eventsShown = '';
  var lastOk = 0;
  var toastTimer = null;

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function serverNow() { return Date.now() + clockOffset; }

  function request(url, options) {
    options = options || {};
    var headers = { 'Accept': 'application/json' };
    if (options.body !== undefined) { headers['Content-Type'] = 'application/json'; }
    if (options.method && options.method !== 'GET' && config && config.csrf) {
      headers[config.csrf.headerName] = config.csrf.token;
    }
    return fetch(url, {
      method: options.method || 'GET', headers: headers, cache: 'no-store', credentials: 'same-origin',
      redirect: 'manual', body: options.body === undefined ? undefined : JSON.stringify(options.body)
    }).then(function (response) {
      if (response.type === 'opaqueredirect') {
        throw new Error('signed out: reload the page to sign in again');
      }
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (!response.ok) {
          var message = json && json.message ? ': ' + json.message : '';
          var error = new Error('HTTP ' + response.status + message);
          error.status = response.status;
          throw error;
        }
        if (json === null && text) { throw new Error('the answer was not JSON'); }
        return json;
      });
    });
  }

  function loadConfig() {
    var sent = Date.now();
    return request(document.body.getAttribute('data-config')).then(function (next) {
      var received = Date.now();
      clockOffset = next.serverTime - (sent + received) / 2;
      var changed = !config || config.canUpdate !== next.canUpdate || config.canResetAll !== next.canResetAll
        || config.circuitBreakers !== next.circuitBreakers;
      config = next;
      if (changed) { applyConfig(); }
    });
  }

  function applyConfig() {
    var problem = $('problem');
    problem.hidden = !config.problem;
    problem.textContent = config.problem || '';
    $('actions-head').hidden = !config.canUpdate;
    $('reset-all').hidden = !config.canResetAll;
    rows.forEach(function (row) { row.tr.remove(); });
    rows.clear();
    epochs = '';
  }

  function poll() {
    if (!config || !config.circuitBreakers) {
      setTimeout(poll, 1000);
      return;
    }
    request(config.circuitBreakers).then(function (answer) {
      var breakers = (answer && answer.circuitBreakers) || {};
      renderBreakers(breakers);
      var signature = Object.keys(breakers).map(function (name) {
        return name + '=' + breakers[name].epoch;
      }).join(',');
      if (config.circuitBreakerEvents && (signature !== epochs || Date.now() - eventsReadAt > EVENTS_REFRESH_MS)) {
        epochs = signature;
        eventsReadAt = Date.now();
        return request(config.circuitBreakerEvents + '?limit=' + MAX_EVENTS).then(renderEvents);
      }
    }).then(function () {
      lastOk = Date.now();
      setStatus(true, 'live');
    }, function (error) {
      setStatus(false, 'cannot read the breakers (' + error.message + '); retrying');
    }).then(function () {
      setTimeout(poll, config.refreshIntervalMillis);
    });
  }

  function setStatus(ok, text) {
    $('status-dot').className = 'dot ' + (ok ? 'live' : 'down');
    $('status-text').textContent = text;
    document.body.classList.toggle('stale', !ok);
  }

  function renderBreakers(breakers) {
    var names = Object.keys(breakers);
    var counts = {};
    STATES.forEach(function (state) { counts[state] = 0; });
    var tbody = document.querySelector('#breakers tbody');
    var seen = new Set();
    names.forEach(function (name) {
      var breaker = breakers[name];
      counts[breaker.state] = (counts[breaker.state] || 0) + 1;
      var row = rows.get(name);
      if (!row) {
        row = createRow(name);
        rows.set(name, row);
      }
      updateRow(row, breaker);
      seen.add(name);
    });
    rows.forEach(function (row, name) {
      if (!seen.has(name)) { row.tr.remove(); rows.delete(name); }
    });
    if (!inOrder(tbody, names)) {
      // Appending moves an existing row: the rows stay sorted by name, and keep their buttons.
      names.forEach(function (name) { tbody.appendChild(rows.get(name).tr); });
    }
    applyFilter();
    $('empty').hidden = names.length > 0;
    $('count').textContent = names.length === 1 ? '1 breaker' : names.length + ' breakers';
    renderSummary(counts);
    tick();
  }

  function inOrder(tbody, names) {
    var shown = Array.prototype.map.call(tbody.children, function (tr) { return tr.getAttribute('data-breaker'); });
    return shown.length === names.length && shown.every(function (name, i) { return name === names[i]; });
  }

  function renderSummary(counts) {
    var summary = $('summary');
    summary.textContent = '';
    STATES.forEach(function (state) {
      var chip = el('span', 'chip');
      chip.setAttribute('data-state', state);
      chip.appendChild(el('span', 'swatch ' + state));
      chip.appendChild(el('b', null, counts[state] || 0));
      chip.appendChild(el('span', null, state.replace('_', ' ').toLowerCase()));
      summary.appendChild(chip);
    });
  }

  function createRow(name) {
    var tr = el('tr');
    tr.setAttribute('data-breaker', name);
    var cells = {};
    ['state', 'name', 'rate', 'calls', 'rejected', 'trial', 'reason'].forEach(function (key) {
      cells[key] = el('td', key);
      tr.appendChild(cells[key]);
    });
    cells.pill = cells.state.appendChild(el('span', 'pill'));
    var code = cells.name.appendChild(el('code'));
    name.split('/').forEach(function (segment, i) {
      if (i > 0) {
        code.appendChild(document.createTextNode('/'));
        code.appendChild(document.createElement('wbr'));
      }
      code.appendChild(document.createTextNode(segment));
    });
    cells.nameSub = cells.name.appendChild(el('div', 'sub'));
    cells.rateValue = cells.rate.appendChild(el('div', 'rate-value'));
    var bar = cells.rate.appendChild(el('div', 'bar'));
    cells.fill = bar.appendChild(el('span', 'fill'));
    cells.mark = bar.appendChild(el('span', 'mark'));
    cells.rateSub = cells.rate.appendChild(el('div', 'sub'));
    cells.callsValue = cells.calls.appendChild(el('div', 'num'));
    cells.callsSub = cells.calls.appendChild(el('div', 'sub'));
    cells.rejected.className = 'rejected num';
    cells.countdown = cells.trial.appendChild(el('div', 'countdown'));
    cells.trialSub = cells.trial.appendChild(el('div', 'sub'));
    cells.reasonText = cells.reason.appendChild(el('div', 'reason-text'));
    cells.changed = cells.reason.appendChild(el('div', 'sub'));
    cells.reason.classList.add('reason');
    var buttons = [];
    if (config.canUpdate) {
      var actions = el('td', 'actions');
      ACTIONS.forEach(function (action) {
        var button = el('button', 'btn action ' + action.css, action.label);
        button.type = 'button';
        button.setAttribute('data-action', action.update);
        button.addEventListener('click', function () { update(name, action, button); });
        actions.appendChild(button);
        buttons.push(button);
      });
      tr.appendChild(actions);
    }
    return { tr: tr, cells: cells, buttons: buttons, breaker: null };
  }

  function updateRow(row, breaker) {
    var c = row.cells;
    row.breaker = breaker;
    row.tr.className = 'state-' + breaker.state;
    c.pill.className = 'pill ' + breaker.state;
    c.pill.textContent = breaker.state;
    var notes = [breaker.source === 'local' ? 'local: this instance cannot reach Redis' : 'shared'];
    row.tr.title = 'epoch ' + breaker.epoch + ' \u00b7 settings ' + breaker.settingsHash;
    if (breaker.settingsMismatch) { notes.push('settings differ between instances'); }
    c.nameSub.textContent = notes.join(' \u00b7 ');
    if (breaker.openHereOnly) {
      var here = el('div', 'sub warn', 'open on this instance only: ' + breaker.openHereOnly);
      c.nameSub.appendChild(here);
    }
    var rate = parseFloat(breaker.failureRate);
    var threshold = parseFloat(breaker.failureRateThreshold);
    if (isNaN(rate) || rate < 0) {
      c.rateValue.textContent = '\u2014';
      c.fill.style.width = '0';
      c.rateSub.textContent = 'fewer than ' + breaker.minimumCalls + ' calls \u00b7 opens at ' + breaker.failureRateThreshold;
    } else {
      c.rateValue.textContent = breaker.failureRate;
      c.fill.style.width = Math.min(100, rate) + '%';
      c.rateSub.textContent = 'opens at ' + breaker.failureRateThreshold;
    }
    c.fill.classList.toggle('over', !isNaN(rate) && rate >= threshold);
    c.mark.style.left = Math.min(100, isNaN(threshold) ? 100 : threshold) + '%';
    c.callsValue.textContent = '';
    c.callsValue.appendChild(el('b', 'buffered', breaker.bufferedCalls));
    c.callsValue.appendChild(document.createTextNode(breaker.bufferedCalls === 1 ? ' call, ' : ' calls, '));
    c.callsValue.appendChild(el('b', 'failed', breaker.failedCalls));
    c.callsValue.appendChild(document.createTextNode(' failed, '));
    c.callsValue.appendChild(el('b', 'slow', breaker.slowCalls));
    c.callsValue.appendChild(document.createTextNode(' slow'));
    c.callsSub.textContent = breaker.consecutiveFailures + (breaker.consecutiveFailures === 1 ? ' failure' : ' failures')
      + ' in a row (opens at ' + breaker.failureThreshold
      + ')';
    c.callsValue.title = 'sliding window ' + duration(breaker.slidingWindow);
    c.rejected.textContent = breaker.notPermittedCalls;
    c.rejected.title = 'calls this instance did not permit';
    c.reasonText.textContent = breaker.reason || '\u2014';
    row.buttons.forEach(function (button) {
      var action = button.getAttribute('data-action');
      button.disabled = button.classList.contains('busy')
        || (action === 'FORCE_OPEN' && breaker.state === 'FORCED_OPEN')
        || (action === 'DISABLE' && breaker.state === 'DISABLED');
    });
  }

  /** The countdowns and "ago" times, every 100 ms between two reads. */
  function tick() {
    var now = serverNow();
    rows.forEach(function (row) {
      var b = row.breaker;
      if (!b) { return; }
      var c = row.cells;
      if (b.state === 'OPEN' && b.nextTrialAt) {
        var left = Date.parse(b.nextTrialAt) - now;
        c.countdown.textContent = left > 0 ? seconds(left) : 'due';
        c.trialSub.textContent = left > 0 ? 'until trial calls' : 'the next call is a trial';
      } else if (b.state === 'HALF_OPEN') {
        c.countdown.textContent = 'now';
        c.trialSub.textContent = b.halfOpenMaxCalls + ' trial calls, ' + b.successThreshold + ' to close';
      } else if (b.state === 'FORCED_OPEN') {
        c.countdown.textContent = '\u2014';
        c.trialSub.textContent = 'until an operator closes it';
      } else {
        c.countdown.textContent = '\u2014';
        c.trialSub.textContent = '';
      }
      c.changed.textContent = b.changedAt ? ago(now - Date.parse(b.changedAt)) : '';
    });
    document.querySelectorAll('#events time[data-at]').forEach(function (time) {
      var agoNode = time.parentNode.querySelector('.ago');
      if (agoNode) { agoNode.textContent = ago(now - Number(time.getAttribute('data-at'))); }
    });
    if (lastOk && Date.now() - lastOk > 3 * (config ? config.refreshIntervalMillis : 1000) + 2000) {
      setStatus(false, 'no answer for ' + seconds(Date.now() - lastOk) + '; retrying');
    }
  }

  function renderEvents(answer) {
    var events = ((answer && answer.circuitBreakerEvents) || []).slice(0, MAX_EVENTS);
    var shown = JSON.stringify(events);
    if (shown === eventsShown) { return; }
    eventsShown = shown;
    var list = $('events');
    list.textContent = '';
    events.forEach(function (event) {
      var at = Date.parse(event.creationTime);
      var li = el('li', 'event');
      li.setAttribute('data-breaker', event.circuitBreakerName);
      var time = el('time', null, clock(at));
      time.setAttribute('data-at', String(at));
      time.setAttribute('datetime', event.creationTime);
      li.appendChild(time);
      li.appendChild(el('code', 'name', event.circuitBreakerName));
      li.appendChild(el('span', 'pill ' + safeState(event.from), event.from));
      li.appendChild(el('span', 'arrow', '\u2192'));
      li.appendChild(el('span', 'pill to ' + safeState(event.to), event.to));
      li.appendChild(el('span', 'reason', event.reason));
      li.appendChild(el('span', 'by', 'by ' + event.instance + ' \u00b7 epoch ' + event.epoch));
      li.appendChild(el('span', 'by ago'));
      list.appendChild(li);
    });
    $('no-events').hidden = events.length > 0;
  }

  function safeState(state) { return STATES.indexOf(state) >= 0 ? state : ''; }

  function endpointUrl(name) {
    // Each segment of the name is a path segment: /actuator/circuitbreakers/upbit/kr/ticker.
    return config.circuitBreakers + '/' + name.split('/').map(encodeURIComponent).join('/');
  }

  function update(name, action, button) {
    button.classList.add('busy');
    button.disabled = true;
    request(endpointUrl(name), { method: 'POST', body: { updateState: action.update } }).then(function () {
      toast(action.done + ' ' + name, false);
    }, function (error) {
      var hint = (error.status === 400 && name.indexOf('%') >= 0)
        ? ' (the name has %XX escapes, so its URL holds an encoded %, which Spring Security\'s firewall rejects by default)'
        : '';
      toast('Could not ' + action.label.toLowerCase() + ' ' + name + ': ' + error.message + hint, true);
    }).then(function () {
      button.classList.remove('busy');
      button.disabled = false;
      epochs = '';
    });
  }

  function resetAll() {
    var button = $('reset-all');
    if (!button.classList.contains('confirm')) {
      button.classList.add('confirm');
      button.textContent = 'Click again to reset all ' + rows.size;
      setTimeout(function () {
        button.classList.remove('confirm');
        button.textContent = 'Reset all';
      }, 4000);
      return;
    }
    button.classList.remove('confirm');
    button.textContent = 'Reset all';
    request(config.circuitBreakers, { method: 'DELETE' }).then(function () {
      toast('Reset every breaker of the fleet', false);
    }, function (error) {
      toast('Could not reset the breakers: ' + error.message, true);
    });
  }

  function applyFilter() {
    var filter = $('filter').value.trim().toLowerCase();
    rows.forEach(function (row, name) {
      row.tr.hidden = filter !== '' && name.toLowerCase().indexOf(filter) < 0;
    });
  }

  function toast(text, error) {
    var node = $('toast');
    node.textContent = text;
    node.className = 'toast' + (error ? ' error' : '');
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { node.hidden = true; }, error ? 8000 : 3000);
  }

  function seconds(ms) {
    var s = ms / 1000;
    if (s < 60) { return s.toFixed(1) + ' s'; }
    var m = Math.floor(s / 60);
    var rest = Math.floor(s % 60);
    return m + ' min ' + (rest < 10 ? '0' : '') + rest + ' s';
  }

  function ago(ms) {
    if (isNaN(ms)) { return ''; }
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) { return s + ' s ago'; }
    if (s < 3600) { return Math.floor(s / 60) + ' min ago'; }
    if (s < 86400) { return Math.floor(s / 3600) + ' h ago'; }
    return Math.floor(s / 86400) + ' d ago';
  }

  function clock(at) {
    var d = new Date(at);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    var ms = String(d.getMilliseconds()).padStart(3, '0');
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds()) + '.' + ms;
  }

  /** ISO-8601 durations as the endpoint gives them (PT1M30S) in a shorter form (1m30s). */
  function duration(iso) {
    if (!iso) { return ''; }
    return String(iso).replace(/^PT/, '').toLowerCase();
  }

  function start() {
    $('filter').addEventListener('input', applyFilter);
    $('reset-all').addEventListener('click', resetAll);
    setInterval(tick, 100);
    setInterval(function () { loadConfig().catch(function () { /* the poll reports trouble */ }); }, CONFIG_REFRESH_MS);
    loadConfig().then(poll, function (error) {
      setStatus(false, 'cannot load the dashboard configuration (' + error.message + ')');
      setTimeout(start2, 2000);
    });
    function start2() {
      loadConfig().then(poll, function () { setTimeout(start2, 2000); });
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
