// The operators' dashboard: plain DOM, no framework, no build step. Every datum comes from the API with the
// operator's access token, got by signing in at the OpenID provider (authorization code + PKCE); text is always set
// with textContent, never parsed as HTML.
'use strict';

(() => {
  const api = '/api/v1';
  // Session storage: this tab only, gone when it closes (never local storage).
  const tokenStore = 'citizenworkflows.accessToken';
  const flowStore = 'citizenworkflows.signIn';
  const refreshMs = 10000;
  const $ = (id) => document.getElementById(id);

  let filters = new URLSearchParams();
  let pageToken = null;      // continuation of the page shown (null: first page)
  let nextToken = null;      // continuation for the next page
  let openId = null;         // application shown in the detail
  let pendingAction = null;
  let runtimeStatus = null;

  // What each action is called and when the page offers it (the API decides: a refusal is shown as it words it).
  const actions = {
    approve: { title: 'Approve', confirm: 'Confirm approval', offered: (a) => a.waitingFor.includes('approval-decision') },
    reject: { title: 'Reject', confirm: 'Confirm rejection', offered: (a) => a.waitingFor.includes('approval-decision') },
    suspend: { title: 'Suspend', confirm: 'Confirm suspension', offered: () => runtimeStatus === 'Running' },
    resume: { title: 'Resume', confirm: 'Confirm resumption', offered: () => runtimeStatus === 'Suspended' },
    terminate: { title: 'Terminate', confirm: 'Confirm termination', offered: () => runtimeStatus === 'Running' || runtimeStatus === 'Suspended' },
    redrive: { title: 'Re-drive', confirm: 'Confirm re-drive', offered: (a) => a.stage === 'Failed' },
  };
  let timer = null;

  const token = () => sessionStorage.getItem(tokenStore);
  let provider = null;       // sign-in settings and the provider's discovery document

  const base64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const redirectUri = () => location.origin + location.pathname;

  async function providerSettings() {
    if (!provider) {
      const settings = await (await fetch('/api/dashboard/sign-in.json')).json();
      if (!settings.authority || !settings.clientId) {
        throw new Error('Sign-in is not configured (Dashboard:SignIn and Security:OpenIdConnect).');
      }
      const discovery = await (await fetch(new URL('.well-known/openid-configuration', settings.authority.endsWith('/') ? settings.authority : settings.authority + '/'))).json();
      provider = { ...settings, discovery };
    }
    return provider;
  }

  // Authorization code with PKCE (RFC 7636): the verifier and state stay in this tab until the provider sends the code back.
  async function signIn() {
    const p = await providerSettings();
    const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
    const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    sessionStorage.setItem(flowStore, JSON.stringify({ state, verifier }));
    const url = new URL(p.discovery.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: p.clientId, redirect_uri: redirectUri(), scope: p.scope, state,
      code_challenge: challenge, code_challenge_method: 'S256',
    }).toString();
    location.assign(url.toString());
  }

  async function completeSignIn() {
    const answer = new URLSearchParams(location.search);
    if (!answer.has('code') && !answer.has('error')) return;
    history.replaceState(null, '', location.pathname);
    const flow = JSON.parse(sessionStorage.getItem(flowStore) || 'null');
    sessionStorage.removeItem(flowStore);
    if (answer.has('error')) throw new Error(`Sign-in failed: ${answer.get('error_description') || answer.get('error')}`);
    if (!flow || flow.state !== answer.get('state')) throw new Error('Sign-in failed: the answer does not belong to the sign-in this tab started.');
    const p = await providerSettings();
    const response = await fetch(p.discovery.token_endpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: answer.get('code'), redirect_uri: redirectUri(), client_id: p.clientId, code_verifier: flow.verifier }),
    });
    const tokens = await response.json();
    if (!response.ok) throw new Error(`Sign-in failed: ${tokens.error_description || tokens.error}`);
    sessionStorage.setItem(tokenStore, tokens.access_token);
  }

  // Who the token names, for the header only: the API validates the token, the page never trusts what it reads here.
  function signedInAs() {
    try {
      const payload = token().split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
      return `${claims.name || claims.sub} (${[].concat(claims.roles || []).join(', ')})`;
    } catch {
      return 'an operator';
    }
  }

  function showAccount() {
    const signedIn = Boolean(token());
    $('signed-in-as').textContent = signedIn ? `Signed in as ${signedInAs()}.` : 'Not signed in.';
    $('sign-in').hidden = signedIn;
    $('sign-out').hidden = !signedIn;
  }

  function signOut(message) {
    sessionStorage.removeItem(tokenStore);
    for (const table of ['counts', 'applications', 'timeline', 'history', 'audit', 'overdue', 'campaign-provinces']) $(table).tBodies[0].replaceChildren();
    $('documents').replaceChildren();
    $('total').textContent = '–';
    $('detail').hidden = true;
    openId = null;
    showAccount();
    announce(message);
    if (provider && provider.discovery.end_session_endpoint) {
      const url = new URL(provider.discovery.end_session_endpoint);
      url.search = new URLSearchParams({ client_id: provider.clientId, post_logout_redirect_uri: redirectUri() }).toString();
      location.assign(url.toString());
    }
  }

  function announce(text) { $('status').textContent = text; }

  function showError(text) {
    const error = $('error');
    error.textContent = text;
    error.hidden = !text;
  }

  async function call(path, options = {}) {
    if (!token()) {
      throw new Error('Sign in first.');
    }
    const response = await fetch(api + path, {
      ...options,
      headers: { Authorization: `Bearer ${token()}`, ...(options.body ? { 'Content-Type': 'application/json' } : {}) },
    });
    if (response.ok) {
      return response;
    }
    let message = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      message = problem.detail || problem.title || message;
      if (problem.errors) {
        message += ' ' + Object.entries(problem.errors).map(([field, list]) => `${field}: ${list.map((e) => e.message).join(' ')}`).join(' ');
      }
    } catch { /* not a problem document */ }
    if (response.status === 401) {
      // Expired or revoked: forget it, so the page asks for a new sign-in instead of failing every refresh.
      sessionStorage.removeItem(tokenStore);
      showAccount();
      message = 'Your sign-in was not accepted (it may have expired); sign in again. ' + message;
    }
    throw new Error(message);
  }

  const json = async (path) => (await call(path)).json();

  const utc = (value) => (value ? value.replace('T', ' ').replace(/\.\d+/, '').replace(/\+00:00$/, 'Z') : '–');

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  // A cell with the application's id as a button that opens it.
  function openCell(row, id, label) {
    const td = document.createElement('td');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = id;
    open.setAttribute('aria-label', label);
    open.addEventListener('click', () => openDetail(id, true));
    td.appendChild(open);
    row.appendChild(td);
  }

  async function loadCounts() {
    const counts = await json('/application-counts');
    recordBacklog(counts);
    $('total').textContent = String(counts.total);
    const body = $('counts').tBodies[0];
    body.replaceChildren();
    const stageSelect = $('f-stage');
    for (const [stage, n] of Object.entries(counts.byStage)) {
      const row = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = stage;
      button.setAttribute('aria-label', `List applications in ${stage}`);
      button.addEventListener('click', () => { stageSelect.value = stage; search(); });
      th.appendChild(button);
      row.appendChild(th);
      cell(row, String(n));
      if (![...stageSelect.options].some((o) => o.value === stage)) {
        stageSelect.add(new Option(stage, stage));
      }
    }
  }

  // Overdue and trends: overdue applications first, then the backlog per stage over time (sampled here from the
  // counts each refresh), applications taken and ended per day and stage-duration percentiles (GET /stage-trends).
  const finalStages = ['Delivered', 'Rejected', 'Failed', 'Cancelled'];
  const palette = ['#205493', '#981b1e', '#2e8540', '#fdb81e', '#4773aa', '#e31c3d', '#0071bc', '#94bfa2', '#aa4e00', '#5b616b', '#9bdaf1', '#f9c642', '#4c2c92', '#cd2026'];
  const backlogSamples = [];    // { at, byStage }, the last hour at most
  const charts = {};

  function recordBacklog(counts) {
    backlogSamples.push({ at: new Date(), byStage: counts.byStage });
    const hourAgo = Date.now() - 3600 * 1000;
    while (backlogSamples.length > 1 && backlogSamples[0].at.getTime() < hourAgo) backlogSamples.shift();
  }

  function drawChart(id, type, labels, datasets, yTitle) {
    if (typeof Chart === 'undefined') return; // the library did not load: the tables above still show the figures
    const existing = charts[id];
    if (existing) {
      existing.data.labels = labels;
      existing.data.datasets = datasets;
      existing.update('none');
      return;
    }
    charts[id] = new Chart($(id), {
      type,
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: yTitle } } },
      },
    });
  }

  function drawBacklog() {
    const stages = Object.keys(backlogSamples.length ? backlogSamples[backlogSamples.length - 1].byStage : {})
      .filter((stage) => !finalStages.includes(stage) && backlogSamples.some((s) => s.byStage[stage] > 0));
    drawChart('backlog-chart', 'line', backlogSamples.map((s) => s.at.toISOString().slice(11, 19)),
      stages.map((stage, i) => ({ label: stage, data: backlogSamples.map((s) => s.byStage[stage] || 0), borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], tension: 0.2 })),
      'applications');
  }

  const durationLabel = (seconds) => (seconds >= 86400 ? `${(seconds / 86400).toFixed(1)} d` : seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : seconds >= 60 ? `${(seconds / 60).toFixed(1)} min` : `${seconds.toFixed(1)} s`);

  async function loadTrends() {
    const overdue = await json('/applications?overdue=true&pageSize=10');
    const body = $('overdue').tBodies[0];
    body.replaceChildren();
    for (const item of overdue.items) {
      const row = body.insertRow();
      openCell(row, item.applicationId, `Open overdue application ${item.applicationId}`);
      cell(row, item.stage);
      cell(row, item.province);
      cell(row, utc(item.dueAt), 'overdue');
    }
    $('overdue-none').hidden = overdue.items.length > 0;

    drawBacklog();
    const trends = await json('/stage-trends?days=14');
    drawChart('days-chart', 'bar', trends.days.map((d) => d.day), [
      { label: 'Taken', data: trends.days.map((d) => d.received), backgroundColor: palette[0] },
      ...finalStages.map((stage, i) => ({ label: stage, data: trends.days.map((d) => d.ended[stage] || 0), backgroundColor: palette[i + 1] })),
    ], 'applications');
    drawChart('durations-chart', 'bar', trends.durations.map((d) => `${d.stage} (${d.count})`), [
      { label: 'p50', data: trends.durations.map((d) => d.p50), backgroundColor: palette[2] },
      { label: 'p90', data: trends.durations.map((d) => d.p90), backgroundColor: palette[3] },
      { label: 'p99', data: trends.durations.map((d) => d.p99), backgroundColor: palette[1] },
    ], 'seconds');
    $('durations-caption').textContent = trends.note
      || `Time in stage (50th, 90th, 99th percentile; the longest p99 is ${trends.durations.length ? durationLabel(Math.max(...trends.durations.map((d) => d.p99))) : 'not known yet'}), as the serving host recorded it since ${utc(trends.durationsSince)}.`;
  }

  // Campaign progress (GET /campaign/progress): provinces against their targets, behind and overdue first as the API
  // orders them; a bar chart of target vs received and delivered, and the weekly trend of the provinces shown.
  async function loadCampaign() {
    const report = await json('/campaign/progress');
    $('campaign-period').textContent = `From ${report.from} to ${report.to}: provinces against their targets, behind and overdue first.`;
    const body = $('campaign-provinces').tBodies[0];
    body.replaceChildren();
    for (const p of report.provinces) {
      const row = body.insertRow();
      if (p.behind) row.className = 'behind';
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = `${p.province} ${p.name}${p.behind ? ' (behind)' : ''}`;
      row.appendChild(th);
      cell(row, p.target === null ? '–' : String(p.target));
      for (const n of [p.received, p.approved, p.printed, p.delivered]) cell(row, String(n));
      cell(row, String(p.overdue), p.overdue > 0 ? 'overdue' : undefined);
      cell(row, String(p.weeklyRate));
      cell(row, p.reached ? 'reached' : p.forecast || (p.target === null ? '–' : 'not at this rate'));
    }
    $('campaign-none').hidden = report.provinces.length > 0;

    const names = report.provinces.map((p) => `${p.province} ${p.name}`);
    drawChart('campaign-chart', 'bar', names, [
      { label: 'Target', data: report.provinces.map((p) => p.target ?? 0), backgroundColor: palette[9] },
      { label: 'Received', data: report.provinces.map((p) => p.received), backgroundColor: palette[0] },
      { label: 'Delivered', data: report.provinces.map((p) => p.delivered), backgroundColor: palette[2] },
    ], 'applications');
    const weeks = [...new Set(report.provinces.flatMap((p) => p.weeks.map((w) => w.weekStart)))].sort();
    const sum = (week, field) => report.provinces.reduce((n, p) => n + (p.weeks.find((w) => w.weekStart === week)?.[field] || 0), 0);
    drawChart('campaign-weeks-chart', 'line', weeks, [
      { label: 'Received', data: weeks.map((w) => sum(w, 'received')), borderColor: palette[0], backgroundColor: palette[0] },
      { label: 'Delivered', data: weeks.map((w) => sum(w, 'delivered')), borderColor: palette[2], backgroundColor: palette[2] },
    ], 'applications per week');
  }

  async function downloadReport() {
    await download({ href: '/api/v1/campaign/report', name: `campaign-review-${new Date().toISOString().slice(0, 10)}.csv` });
    announce('Downloaded the weekly review.');
  }

  async function loadPage() {
    const query = new URLSearchParams(filters);
    query.set('pageSize', '20');
    if (pageToken) query.set('continuation', pageToken);
    const page = await json('/applications?' + query);
    nextToken = page.continuation;
    const body = $('applications').tBodies[0];
    body.replaceChildren();
    for (const item of page.items) {
      const row = body.insertRow();
      openCell(row, item.applicationId, `Open application ${item.applicationId}`);
      cell(row, item.stage);
      cell(row, item.type);
      cell(row, item.province);
      cell(row, item.kioskId);
      cell(row, utc(item.createdAt));
      cell(row, utc(item.dueAt));
      cell(row, item.overdue ? 'Overdue' : 'No', item.overdue ? 'overdue' : '');
    }
    $('empty').hidden = page.items.length > 0;
    $('next-page').disabled = !nextToken;
    $('first-page').disabled = !pageToken;
    return page.items.length;
  }

  async function openDetail(id, focus) {
    const [detail, audit] = await Promise.all([
      json(`/applications/${encodeURIComponent(id)}/detail`),
      json(`/applications/${encodeURIComponent(id)}/audit`),
    ]);
    openId = id;
    const a = detail.application;
    $('detail').hidden = false;
    $('d-id').textContent = a.applicationId;
    const summary = $('d-summary');
    summary.replaceChildren();
    const facts = [
      ['Stage', a.stage], ['Type', a.type], ['Province', a.province], ['Kiosk', a.kioskId],
      ['Created', utc(a.createdAt)], ['Updated', utc(a.updatedAt)], ['Due', utc(a.dueAt) + (a.overdue ? ' (overdue)' : '')],
      ['Waiting for', a.waitingFor.length ? a.waitingFor.join(', ') : 'nothing'], ['Wait deadline', utc(a.waitDeadline)],
    ];
    for (const [term, value] of facts) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dd.id = 'd-' + term.toLowerCase().replace(/\s+/g, '-');
      summary.append(dt, dd);
    }

    runtimeStatus = detail.runtime ? detail.runtime.status : null;
    const offered = Object.keys(actions).filter((name) => actions[name].offered(a));
    for (const name of Object.keys(actions)) {
      $(name).disabled = !offered.includes(name);
    }
    $('actions-hint').textContent = a.waitingFor.includes('approval-decision')
      ? 'This application waits for an officer\'s decision.'
      : offered.length ? 'No decision is awaited in this stage.' : 'No action applies in this stage.';

    const timeline = $('timeline').tBodies[0];
    timeline.replaceChildren();
    for (const t of detail.timeline) {
      const row = timeline.insertRow();
      cell(row, String(t.sequence));
      cell(row, t.stage);
      cell(row, utc(t.at));
      cell(row, t.cause);
      cell(row, t.detail || '');
    }

    const r = detail.runtime;
    $('d-runtime').textContent = r
      ? `Runtime status ${r.status}; started ${utc(r.createdAt)}, last updated ${utc(r.lastUpdatedAt)}${r.failure ? '; failure: ' + r.failure : ''}.`
      : 'The orchestration service has no instance for this application.';

    const history = $('history').tBodies[0];
    history.replaceChildren();
    const events = detail.history || [];
    $('history-count').textContent = String(events.length);
    $('history-unavailable').hidden = !detail.historyUnavailable;
    $('history-unavailable').textContent = detail.historyUnavailable ? 'History unavailable: ' + detail.historyUnavailable : '';
    for (const e of events) {
      const row = history.insertRow();
      cell(row, String(e.eventId));
      cell(row, e.eventType);
      cell(row, e.name || '');
      cell(row, utc(e.timestamp));
    }

    const auditRows = $('audit').tBodies[0];
    auditRows.replaceChildren();
    for (const e of audit.items) {
      const row = auditRows.insertRow();
      cell(row, utc(e.at));
      cell(row, e.actorName ? `${e.actorName}, ${e.actor} (${e.role})` : `${e.actor} (${e.role})`);
      cell(row, e.action);
      cell(row, e.outcome);
      cell(row, [e.reason, e.detail].filter(Boolean).join(' — '));
    }

    const list = $('documents');
    list.replaceChildren();
    for (const d of detail.documents) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link';
      button.textContent = `${d.name} (${d.contentType}, ${d.length} bytes)`;
      button.setAttribute('aria-label', `Download ${d.name}`);
      button.addEventListener('click', () => download(d).catch((e) => showError(e.message)));
      item.appendChild(button);
      list.appendChild(item);
    }

    if (focus) $('detail-heading').focus();
  }

  async function download(d) {
    const response = await call(d.href.replace(/^\/api\/v1/, ''));
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = d.name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    announce(`Downloaded ${d.name}; the download is recorded in the audit.`);
  }

  // Every action goes through the operators' actions endpoint, which authorises, audits and applies it.
  async function act(action, reason) {
    const id = openId;
    const before = $('d-stage').textContent + '/' + runtimeStatus;
    await call(`/applications/${encodeURIComponent(id)}/actions/${action}`, {
      method: 'POST',
      body: JSON.stringify({ reason }),
    });
    announce(`${actions[action].title} of ${id} accepted; waiting for the workflow to record it.`);
    for (let i = 0; i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await openDetail(id, false);
      if ($('d-stage').textContent + '/' + runtimeStatus !== before) break;
    }
    await refresh();
    announce(`Application ${id} is now ${$('d-stage').textContent}.`);
  }

  function askAction(action) {
    pendingAction = action;
    const { title, confirm } = actions[action];
    $('confirm-heading').textContent = `${title} application`;
    $('confirm-text').textContent = `${title} application ${openId}? This is recorded in the audit with your name.`;
    $('confirm-ok').textContent = confirm;
    $('confirm-reason').value = '';
    $('confirm').showModal();
    $('confirm-reason').focus();
  }

  async function refresh() {
    if (!token()) return;
    try {
      // A region holding the keyboard focus is not redrawn under the operator's hands; the next refresh catches up.
      const busy = (id) => $(id).contains(document.activeElement) || $('confirm').open;
      if (!busy('counts')) await loadCounts();
      if (!busy('trends')) await loadTrends();
      if (!busy('campaign')) await loadCampaign();
      if (!busy('applications')) await loadPage();
      if (openId && !busy('detail')) await openDetail(openId, false);
      showError('');
      announce(`Updated at ${new Date().toISOString().slice(11, 19)} UTC.`);
    } catch (e) {
      showError(e.message);
    }
  }

  function search() {
    const form = new FormData($('filters'));
    filters = new URLSearchParams();
    for (const [name, value] of form) {
      if (value) filters.set(name, String(value));
    }
    pageToken = null;
    loadPage().then((n) => { showError(''); announce(`${n} application${n === 1 ? '' : 's'} on this page.`); }, (e) => showError(e.message));
  }

  function schedule() {
    clearInterval(timer);
    timer = $('auto-refresh').checked ? setInterval(refresh, refreshMs) : null;
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-in').addEventListener('click', () => signIn().catch((e) => showError(e.message)));
    $('sign-out').addEventListener('click', () => signOut('Signed out.'));
    $('filters').addEventListener('submit', (event) => { event.preventDefault(); search(); });
    $('filters').addEventListener('reset', () => setTimeout(search, 0));
    $('next-page').addEventListener('click', () => { pageToken = nextToken; loadPage().catch((e) => showError(e.message)); });
    $('first-page').addEventListener('click', () => { pageToken = null; loadPage().catch((e) => showError(e.message)); });
    $('auto-refresh').addEventListener('change', schedule);
    $('campaign-report').addEventListener('click', () => downloadReport().catch((e) => showError(e.message)));
    for (const name of Object.keys(actions)) {
      $(name).addEventListener('click', () => askAction(name));
    }
    $('confirm-cancel').addEventListener('click', () => $('confirm').close('cancel'));
    $('confirm-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const reason = $('confirm-reason').value.trim();
      if (!reason) {
        $('confirm-reason').setCustomValidity('Give a reason.');
        $('confirm-reason').reportValidity();
        return;
      }
      $('confirm-reason').setCustomValidity('');
      $('confirm').close('ok');
      act(pendingAction, reason).catch((e) => showError(e.message));
    });
    schedule();
    completeSignIn().then(
      () => { showAccount(); if (token()) refresh(); else announce('Sign in to begin.'); },
      (e) => { showAccount(); showError(e.message); });
  });
})();
