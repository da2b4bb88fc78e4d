// sigwatch web page: plain JavaScript, no build step, no third-party code. Every value from the API is put into the
// page with textContent / attributes, never parsed as HTML, so alert data (identities, summaries) cannot inject markup.
'use strict';

const TOKEN_KEY = 'sigwatch.token';
const LIVE_MS = 5000;
const LOGS_MS = 10000;
const KNOWN_TYPES = ['IDENTITY_MATCH', 'LOOKALIKE', 'UNUSED_CERTIFICATE', 'UNLOGGED_CERTIFICATE', 'FORK', 'SPLIT_VIEW',
  'ROLLBACK', 'BAD_SIGNATURE', 'UNKNOWN_KEY', 'TAMPERED_ENTRIES', 'STALE_LOG', 'SHARD_CHANGED', 'WITNESS_POLICY',
  'MALFORMED_ENTRY', 'HEALTH'];

const state = { session: null, timers: [], alertsCursor: null, alertIds: new Set(), searchCursor: null };

// ---- small helpers ---------------------------------------------------------------------------------------------
function $(sel, root) { return (root || document).querySelector(sel); }
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
function svgEl(tag, attrs) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}
function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
function fmtNum(n) { return n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US'); }
function localToIso(v) { return v ? new Date(v).toISOString() : ''; }
// A Rekor v1 log id is "<host> - <tree id>": the host is enough in a list; the full id is in the tooltip.
function shortLog(id) { return id && id.includes(' - ') ? id.split(' - ')[0] + ' (' + id.split(' - ')[1].slice(-6) + ')' : (id || ''); }
function sev(s) { return el('span', { class: 'sev sev-' + s, text: s }); }
function stateTag(s) { return el('span', { class: 'state state-' + s, text: s }); }
function clearTimers() { state.timers.forEach(clearInterval); state.timers = []; }
function showError(id, err) { $(id).textContent = err ? (err.message || String(err)) : ''; }
function formQuery(form, toIso) {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form).entries()) {
    const s = String(v).trim();
    if (!s) continue;
    q.set(k, toIso.includes(k) ? localToIso(s) : s);
  }
  return q;
}

// ---- API -------------------------------------------------------------------------------------------------------
class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super((e.parameter ? e.parameter + ': ' : '') + (e.message || ('HTTP ' + status)));
    this.status = status;
    this.parameter = e.parameter;
  }
}
async function api(path, options) {
  const opts = Object.assign({ method: 'GET' }, options || {});
  const headers = { 'Accept': 'application/json', 'Authorization': 'Bearer ' + (sessionStorage.getItem(TOKEN_KEY) || '') };
  let body;
  if (opts.json !== undefined) { headers['Content-Type'] = 'application/json'; body = JSON.stringify(opts.json); }
  const r = await fetch('api/v1/' + path, { method: opts.method, headers, body, cache: 'no-store' });
  let data = null;
  try { data = await r.json(); } catch (ignored) { data = null; }
  if (r.status === 401) { signedOut('Your token was not accepted: ' + new ApiError(r.status, data).message); }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

// ---- session ---------------------------------------------------------------------------------------------------
async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    state.session = await api('session');
  } catch (e) {
    if (e.status !== 401) signedOut(e.message);
    return false;
  }
  $('#whoami').textContent = state.session.name + ' (' + state.session.scope + ')';
  $('#signout').hidden = false;
  document.body.classList.toggle('admin', state.session.scope === 'admin');
  $('#signin').hidden = true;
  $('#main').hidden = false;
  route();
  return true;
}
function signedOut(message) {
  clearTimers();
  sessionStorage.removeItem(TOKEN_KEY);
  state.session = null;
  document.body.classList.remove('admin');
  $('#whoami').textContent = 'not signed in';
  $('#signout').hidden = true;
  $('#main').hidden = true;
  $('#signin').hidden = false;
  $('#signin-error').textContent = message || '';
}

// ---- routing ---------------------------------------------------------------------------------------------------
function route() {
  if (!state.session) return;
  clearTimers();
  const h = location.hash.replace(/^#\/?/, '');
  const [view, ...rest] = h.split('/');
  const name = view || 'alerts';
  document.querySelectorAll('.view').forEach(v => { v.hidden = true; });
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.view === (name === 'alert' ? 'alerts' : name)));
  const show = id => { $('#view-' + id).hidden = false; };
  if (name === 'alert' && rest.length) { show('alert'); loadAlert(decodeURIComponent(rest.join('/'))); }
  else if (name === 'logs') { show('logs'); loadLogs(); state.timers.push(setInterval(loadLogs, LOGS_MS)); }
  else if (name === 'search') { show('search'); }
  else if (name === 'watchlist') { show('watchlist'); loadWatchlist(); }
  else if (name === 'replays') { show('replays'); loadReplays(); }
  else { show('alerts'); loadAlerts(false); startLive(); }
}

// ---- alerts ----------------------------------------------------------------------------------------------------
function alertQuery() {
  const q = formQuery($('#alert-filters'), ['since']);
  q.set('limit', '50');
  return q;
}
function alertRow(a, fresh) {
  return el('tr', { class: 'clickable' + (fresh ? ' fresh' : ''), 'data-id': a.alertId,
    onclick: () => { location.hash = '#/alert/' + encodeURIComponent(a.alertId); } },
    el('td', { class: 'nowrap mono', text: fmtTime(a.createdAt) }),
    el('td', {}, sev(a.severity)),
    el('td', { class: 'mono', text: a.type }),
    el('td', {}, stateTag(a.state)),
    el('td', { class: 'mono', title: a.logId || '', text: a.logId ? shortLog(a.logId) + (a.logIndex !== undefined && a.logIndex !== null ? ' #' + a.logIndex : '') : '' }),
    el('td', { class: 'summary', text: a.summary }));
}
async function loadAlerts(more) {
  showError('#alerts-error', null);
  const q = alertQuery();
  if (more && state.alertsCursor) q.set('cursor', state.alertsCursor);
  try {
    const page = await api('alerts?' + q);
    const body = $('#alerts-table tbody');
    if (!more) { body.replaceChildren(); state.alertIds.clear(); }
    page.alerts.forEach(a => { state.alertIds.add(a.alertId); body.append(alertRow(a, false)); });
    state.alertsCursor = page.nextCursor || null;
    $('#alerts-more').hidden = !state.alertsCursor;
    $('#alerts-empty').hidden = body.children.length > 0;
    fillTypes(page.alerts.map(a => a.type));
  } catch (e) { showError('#alerts-error', e); }
}
async function pollAlerts() {
  if (!$('#live').checked || document.hidden) return;
  try {
    const page = await api('alerts?' + alertQuery());
    const body = $('#alerts-table tbody');
    const fresh = page.alerts.filter(a => !state.alertIds.has(a.alertId));
    fresh.reverse().forEach(a => { state.alertIds.add(a.alertId); body.prepend(alertRow(a, true)); });
    for (const a of page.alerts) { // states change too (acknowledged elsewhere, incident resolved)
      const row = body.querySelector('tr[data-id="' + CSS.escape(a.alertId) + '"]');
      if (row) row.children[3].replaceChildren(stateTag(a.state));
    }
    $('#alerts-empty').hidden = body.children.length > 0;
    $('#live-status').textContent = 'updated ' + fmtTime(new Date().toISOString()) + (fresh.length ? ', ' + fresh.length + ' new' : '');
    showError('#alerts-error', null);
  } catch (e) { showError('#alerts-error', e); }
}
function startLive() { state.timers.push(setInterval(pollAlerts, LIVE_MS)); }
function fillTypes(types) {
  const dl = $('#alert-types');
  const have = new Set([...dl.options].map(o => o.value));
  [...KNOWN_TYPES, ...types].forEach(t => { if (!have.has(t)) { have.add(t); dl.append(el('option', { value: t })); } });
}

// ---- one alert -------------------------------------------------------------------------------------------------
const CERT_ORDER = ['sans', 'oidcIssuer', 'issuer', 'serial', 'notBefore', 'notAfter', 'fingerprint', 'keyFingerprint', 'chain'];
function ordered(obj, order) {
  const keys = Object.keys(obj || {});
  return order.filter(k => keys.includes(k)).concat(keys.filter(k => !order.includes(k))).map(k => [k, obj[k]]);
}
function kv(obj, cls, order) {
  const dl = el('dl', { class: 'kv' + (cls ? ' ' + cls : '') });
  for (const [k, v] of ordered(obj, order || [])) {
    if (v === null || v === undefined || v === '') continue;
    dl.append(el('dt', { text: k }), el('dd', { text: typeof v === 'object' ? JSON.stringify(v) : String(v) }));
  }
  return dl.children.length ? dl : el('p', { class: 'muted', text: 'none' });
}
async function loadAlert(id) {
  showError('#alert-error', null);
  const root = $('#alert-detail');
  root.replaceChildren(el('p', { class: 'muted', text: 'loading…' }));
  try {
    renderAlert(await api('alerts/' + encodeURIComponent(id)));
  } catch (e) { root.replaceChildren(); showError('#alert-error', e); }
}
function renderAlert(d) {
  const a = d.alert;
  const root = $('#alert-detail');
  const links = el('ul', {}, (d.links || []).map(l => el('li', {}, el('a', { href: l.href, target: '_blank', rel: 'noopener noreferrer', text: l.title }))));
  const history = el('ul', { class: 'history' }, (d.history || []).map(h =>
    el('li', {}, el('span', { class: 'mono', text: fmtTime(h.at) }), ' ', el('b', { text: h.action }), ' by ', el('b', { text: h.by }),
      h.reason ? ': ' + h.reason : '')));
  const events = (d.events || []).length ? el('table', { class: 'grid' },
    el('thead', {}, el('tr', {}, el('th', { text: 'When' }), el('th', { text: 'Event' }), el('th', { text: 'Detail' }))),
    el('tbody', {}, d.events.map(e => el('tr', {}, el('td', { class: 'mono nowrap', text: fmtTime(e.at) }),
      el('td', { class: 'mono', text: e.type }), el('td', {}, kv(e.detail, 'evidence')))))) : el('p', { class: 'muted', text: 'none' });
  root.replaceChildren(
    el('div', { class: 'bar' }, el('h1', { text: a.type }), sev(a.severity), stateTag(d.state)),
    el('p', { class: 'summary-line', text: a.summary }),
    el('div', { class: 'cols' },
      el('div', { class: 'card' }, el('h2', { text: 'Alert' }), kv({ 'alert id': a.alertId, created: fmtTime(a.createdAt), log: a.logId,
        'log index': a.logIndex, 'Rekor UUID': a.uuid, rule: a.ruleId, identity: a.identity })),
      el('div', { class: 'card', id: 'cert' }, el('h2', { text: 'Certificate' }), kv(a.certificate, '', CERT_ORDER))),
    el('div', { class: 'card', id: 'evidence' }, el('h2', { text: 'Evidence: checkpoints and proofs' }), kv(a.evidence, 'evidence')),
    d.logStatus ? el('div', { class: 'card', id: 'log-proof' }, el('h2', { text: 'The log now' }), logProof(a, d.logStatus)) : null,
    el('div', { class: 'cols' },
      el('div', { class: 'card' }, el('h2', { text: 'The log entry' }), links.children.length ? links : el('p', { class: 'muted', text: 'no entry' })),
      el('div', { class: 'card' }, el('h2', { text: 'History' }), history.children.length ? history : el('p', { class: 'muted', text: 'no action yet' }))),
    el('div', { class: 'card' }, el('h2', { text: 'Incident events' }), events),
    actionForm(a.alertId, d.state));
}
function logProof(a, l) {
  const facts = {
    'verified head': l.verifiedSize !== undefined ? fmtNum(l.verifiedSize) + ' entries, root ' + (l.verifiedRootHex || '?') + ', verified ' + fmtTime(l.verifiedAt) : 'none yet',
    'audited to': l.auditedTo !== undefined ? fmtNum(l.auditedTo) + ': every entry below hashes to a signed root (full audit)' : 'not yet',
    'open incidents': fmtNum(l.openIncidents)
  };
  // Rekor v1 alerts carry the virtual index across shards, audits the shard-local size: comparable for other logs only.
  if (a.logIndex !== undefined && a.logIndex !== null && l.auditedTo !== undefined && !String(a.logId).includes(' - ')) {
    facts['this entry'] = a.logIndex < l.auditedTo ? 'index ' + a.logIndex + ' is inside the audited tree'
      : 'index ' + a.logIndex + ' is not audited yet';
  }
  return kv(facts);
}
function actionForm(id, current) {
  if (current === 'RESOLVED') return el('span');
  const err = el('p', { class: 'error', role: 'alert' });
  const reason = el('textarea', { name: 'reason', rows: 2, cols: 60, required: true, placeholder: 'why (recorded with your token name)' });
  const act = action => async ev => {
    ev.preventDefault();
    if (!reason.value.trim()) { err.textContent = 'reason: say why'; return; }
    try {
      renderAlert(await api('alerts/' + encodeURIComponent(id) + '/' + action, { method: 'POST', json: { reason: reason.value } }));
    } catch (e) { err.textContent = e.message; }
  };
  return el('form', { class: 'card admin-only', id: 'alert-actions' }, el('h2', { text: 'Act on it' }), reason, el('div', { class: 'actions' },
    current === 'OPEN' ? el('button', { type: 'button', id: 'ack', onclick: act('acknowledge'), text: 'Acknowledge' }) : null,
    el('button', { type: 'button', id: 'resolve', class: 'secondary', onclick: act('resolve'), text: 'Resolve' })), err);
}

// ---- logs ------------------------------------------------------------------------------------------------------
function sparkline(points, key, cls, label) {
  const w = 360, h = 70, pad = 14;
  const svg = svgEl('svg', { class: 'chart', viewBox: `0 0 ${w} ${h}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label });
  const vals = points.map(p => p[key]).filter(v => v !== null && v !== undefined);
  svg.append(svgEl('line', { class: 'axis', x1: 0, y1: h - pad, x2: w, y2: h - pad }));
  const t = svgEl('text', { x: 2, y: 10 });
  t.textContent = label + (vals.length ? ': ' + fmtNum(vals[vals.length - 1]) : ': no data yet');
  svg.append(t);
  if (vals.length < 2) return svg;
  const xs = points.map(p => Date.parse(p.at));
  const x0 = Math.min(...xs), x1 = Math.max(...xs) || x0 + 1;
  const lo = Math.min(...vals), hi = Math.max(...vals);
  const y = v => (h - pad) - (hi === lo ? 0.5 : (v - lo) / (hi - lo)) * (h - pad - 16);
  const d = points.filter(p => p[key] !== null && p[key] !== undefined)
    .map((p, i) => (i ? 'L' : 'M') + (((Date.parse(p.at) - x0) / ((x1 - x0) || 1)) * w).toFixed(1) + ' ' + y(p[key]).toFixed(1)).join(' ');
  svg.append(svgEl('path', { class: 'line ' + cls, d }));
  const t0 = svgEl('text', { x: 2, y: h - 2 });
  t0.textContent = fmtTime(new Date(x0).toISOString()).substring(11);
  const t1 = svgEl('text', { x: w - 2, y: h - 2, 'text-anchor': 'end' });
  t1.textContent = fmtTime(new Date(x1).toISOString()).substring(11);
  svg.append(t0, t1);
  return svg;
}
async function loadLogs() {
  showError('#logs-error', null);
  try {
    const data = await api('logs');
    const cards = $('#logs-cards');
    const dl = $('#log-ids');
    dl.replaceChildren(...data.logs.map(l => el('option', { value: l.logId })));
    const rendered = await Promise.all(data.logs.map(async l => {
      let points = [];
      try { points = (await api('logs/' + encodeURIComponent(l.logId) + '/history?points=60')).points; } catch (ignored) { points = []; }
      const health = l.openIncidents > 0 ? 'bad' : (l.lag || 0) > 0 ? 'warn' : 'ok';
      return el('div', { class: 'card log-card', 'data-log': l.logId },
        el('h2', {}, el('span', { class: 'health health-' + health, title: health }), l.logId),
        el('div', { class: 'nums' },
          el('div', { class: 'num' }, el('b', { text: fmtNum(l.size) }), el('span', { text: 'size (verified head)' })),
          el('div', { class: 'num' }, el('b', { text: fmtNum(l.auditedTo) }), el('span', { text: 'audited to' })),
          el('div', { class: 'num' }, el('b', { text: fmtNum(l.lag) }), el('span', { text: 'lag (entries)' })),
          el('div', { class: 'num' }, el('b', { text: fmtNum(l.openIncidents) }), el('span', { text: 'open incidents' })),
          el('div', { class: 'num' }, el('b', { class: 'when', text: fmtTime(l.verifiedAt) || '—' }), el('span', { text: 'head verified at' }))),
        sparkline(points, 'size', '', 'size'),
        sparkline(points, 'lag', 'lag', 'lag'),
        l.lastError ? el('p', { class: 'error', text: 'last error ' + fmtTime(l.lastError.at) + ': ' + l.lastError.message }) : null);
    }));
    cards.replaceChildren(...rendered);
    if (!rendered.length) cards.append(el('p', { class: 'muted', text: 'No log has reported yet.' }));
    $('#logs-status').textContent = 'updated ' + fmtTime(new Date().toISOString());
  } catch (e) { showError('#logs-error', e); }
}

// ---- search ----------------------------------------------------------------------------------------------------
function identityOf(r) { return (r.sans || []).map(s => s.value).concat(r.subjects || []).join(', '); }
async function runSearch(more) {
  showError('#search-error', null);
  const q = formQuery($('#search-form'), ['since', 'until']);
  if (!q.has('identity')) q.delete('match');
  q.set('limit', '50');
  if (more && state.searchCursor) q.set('cursor', state.searchCursor);
  try {
    const page = await api('search?' + q);
    const body = $('#search-table tbody');
    if (!more) body.replaceChildren();
    page.results.forEach(r => body.append(el('tr', {},
      el('td', { class: 'mono nowrap', text: fmtTime(r.integratedTime || r.observedAt) }),
      el('td', { class: 'mono', text: r.logId + ' #' + r.logIndex }),
      el('td', { text: identityOf(r) }),
      el('td', { text: r.oidcIssuer || '' }),
      el('td', { class: 'mono', text: r.entryKind || '' }),
      el('td', { class: 'mono', text: r.certSha256 ? 'cert ' + r.certSha256.substring(0, 16) + '…' : (r.keySha256s || []).map(k => 'key ' + k.substring(0, 16) + '…').join(' ') }))));
    state.searchCursor = page.nextCursor || null;
    $('#search-table').hidden = false;
    $('#search-more').hidden = !state.searchCursor;
    $('#search-empty').hidden = body.children.length > 0;
  } catch (e) { showError('#search-error', e); }
}

// ---- watchlist -------------------------------------------------------------------------------------------------
function ruleText(r) {
  if (r.certSubject) return r.certSubject + (r.issuers && r.issuers.length ? '  (issuer ' + r.issuers.join(' | ') + ')' : '');
  if (r.value) return r.value;
  return (r.oid || '') + ' = ' + (r.values || []).join(' | ');
}
async function loadWatchlist() {
  showError('#watchlist-error', null);
  try {
    const data = await api('watchlist');
    $('#watchlist-note').textContent = data.note || '';
    const body = $('#watchlist-table tbody');
    body.replaceChildren(...data.rules.map(r => el('tr', { 'data-rule': r.ruleId },
      el('td', { class: 'mono', text: r.ruleId }), el('td', { class: 'mono', text: r.type }),
      el('td', { class: 'mono', text: ruleText(r) }), el('td', { text: r.description || '' }),
      el('td', { class: 'mono nowrap', text: fmtTime(r.createdAt) }),
      el('td', {}, el('button', { type: 'button', class: 'danger admin-only', text: 'Remove', onclick: () => removeRule(r.ruleId) })))));
    $('#watchlist-empty').hidden = data.rules.length > 0;
  } catch (e) { showError('#watchlist-error', e); }
}
async function removeRule(id) {
  if (!confirm('Remove rule ' + id + '?')) return;
  try { await api('watchlist/' + encodeURIComponent(id), { method: 'DELETE' }); loadWatchlist(); }
  catch (e) { showError('#watchlist-error', e); }
}
function showRuleFields() {
  const t = $('#rule-type').value;
  document.querySelectorAll('#rule-form [data-for]').forEach(l => { l.hidden = !l.dataset.for.split(' ').includes(t); });
}
async function addRule(ev) {
  ev.preventDefault();
  showError('#rule-error', null);
  const f = new FormData(ev.target);
  const list = k => String(f.get(k) || '').split(',').map(s => s.trim()).filter(Boolean);
  const t = f.get('type');
  const rule = { type: t, description: f.get('description') || null };
  if (t === 'CERT_IDENTITY') { rule.certSubject = f.get('certSubject'); rule.issuers = list('issuers'); }
  else if (t === 'SUBJECT' || t === 'FINGERPRINT') { rule.value = f.get('value'); }
  else { rule.oid = f.get('oid'); rule.values = list('values'); }
  try {
    await api('watchlist', { method: 'POST', json: rule });
    ev.target.reset();
    showRuleFields();
    loadWatchlist();
  } catch (e) { showError('#rule-error', e); }
}

// ---- replays ---------------------------------------------------------------------------------------------------
async function loadReplays() {
  showError('#replays-error', null);
  const root = $('#replays-list');
  try {
    const data = await api('replays');
    root.replaceChildren(data.replays.length ? el('table', { class: 'grid' },
      el('thead', {}, el('tr', {}, ['Name', 'State', 'Progress', 'Matches', 'Started'].map(h => el('th', { text: h })))),
      el('tbody', {}, data.replays.map(r => el('tr', {}, el('td', { class: 'mono', text: r.name }), el('td', { text: r.state }),
        el('td', { text: fmtNum(r.processed) + (r.total ? ' / ' + fmtNum(r.total) : '') }), el('td', { text: fmtNum(r.matches) }),
        el('td', { class: 'mono', text: fmtTime(r.startedAt) })))))
      : el('p', { class: 'muted', text: 'No replays yet. Start one with sigwatch replay or POST /api/v1/replays.' }));
  } catch (e) { showError('#replays-error', e); }
}

// ---- wiring ----------------------------------------------------------------------------------------------------
document.addEventListener('DOMContentLoaded', () => {
  $('#signin-form').addEventListener('submit', ev => { ev.preventDefault(); signIn($('#token').value.trim()); $('#token').value = ''; });
  $('#signout').addEventListener('click', () => signedOut(''));
  $('#alert-filters').addEventListener('submit', ev => { ev.preventDefault(); loadAlerts(false); });
  $('#alert-filters').addEventListener('reset', () => setTimeout(() => loadAlerts(false), 0));
  $('#alerts-more').addEventListener('click', () => loadAlerts(true));
  $('#search-form').addEventListener('submit', ev => { ev.preventDefault(); runSearch(false); });
  $('#search-more').addEventListener('click', () => runSearch(true));
  $('#rule-type').addEventListener('change', showRuleFields);
  $('#rule-form').addEventListener('submit', addRule);
  window.addEventListener('hashchange', route);
  showRuleFields();
  fillTypes([]);
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) signIn(token); else signedOut('');
});
