// The Chis console: a hash-routed single page over the public REST API (see /openapi.json).
import { chis, session, whenUnauthorized } from './api.js';
import { ago, badge, copyButton, empty, fill, h, minuteChart, when } from './dom.js';

const app = document.getElementById('app');
const STATUSES = ['pending', 'delivering', 'retrying', 'delivered', 'dead'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
let timers = [];
let flash = null;

function every(ms, fn) {
  timers.push(setInterval(fn, ms));
}

function stopTimers() {
  timers.forEach(clearInterval);
  timers = [];
}

function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function problem(error) {
  return h('div', { class: 'alert', role: 'alert' }, error.message || String(error));
}

/** A form whose submit button is disabled while it runs and whose errors appear above it. */
function form(attrs, fields, submitLabel, onSubmit) {
  const errors = h('div', { class: 'form-errors' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, submitLabel);
  const el = h('form', attrs, errors, fields, h('div', { class: 'form-actions' }, submit));
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(errors, );
    submit.disabled = true;
    try {
      await onSubmit(new FormData(el));
    } catch (e) {
      fill(errors, problem(e));
    } finally {
      submit.disabled = false;
    }
  });
  return el;
}

function field(label, input, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input, hint ? h('span', { class: 'hint' }, hint) : null);
}

// ---- sign in ----------------------------------------------------------------------------------------------------

function signIn() {
  let registering = false;
  const box = h('div', { class: 'signin-card' });
  const draw = () => {
    const fields = [
      field('E-mail', h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true, autofocus: true, id: 'email' })),
      field('Password', h('input', { name: 'password', type: 'password', autocomplete: registering ? 'new-password' : 'current-password', required: true, minlength: registering ? 8 : undefined, id: 'password' })),
    ];
    fill(box, 
      h('div', { class: 'brand big' }, h('img', { src: '/console/favicon.svg', alt: '' }), 'Chis'),
      h('h1', {}, registering ? 'Create your account' : 'Sign in to the console'),
      form({ class: 'stack', id: 'signin' }, fields, registering ? 'Create account' : 'Sign in', async (data) => {
        const email = data.get('email').trim();
        const password = data.get('password');
        if (registering) await chis.register({ email, password });
        const token = await chis.login(email, password);
        session.save(token.token, email);
        go('#/messages');
      }),
      h('p', { class: 'muted center' },
        registering ? 'Already have an account? ' : 'New to Chis? ',
        h('a', { href: '#', onclick: (e) => { e.preventDefault(); registering = !registering; draw(); } }, registering ? 'Sign in' : 'Create an account')),
    );
    box.querySelector('input').focus();
  };
  draw();
  return h('main', { class: 'signin', id: 'main' }, box);
}

// ---- the frame: navigation and live counts ----------------------------------------------------------------------

const NAV = [
  ['#/messages', 'Messages'],
  ['#/dead', 'Dead letters'],
  ['#/endpoints', 'Endpoints'],
  ['#/keys', 'API keys'],
];

function frame(content) {
  const counts = h('div', { class: 'counts', 'aria-label': 'Messages by status', id: 'counts' });
  const refreshCounts = async () => {
    try {
      const stats = await chis.stats();
      fill(counts, 
        ...['pending', 'retrying', 'dead'].map((s) =>
          h('a', { class: `count count-${s}`, href: s === 'dead' ? '#/dead' : `#/messages?status=${s}`, 'data-count': s },
            h('span', { class: 'count-number' }, String(stats.messages[s] ?? 0)), h('span', { class: 'count-label' }, s))),
      );
    } catch (e) {
      fill(counts, h('span', { class: 'muted' }, 'counts unavailable'));
    }
  };
  refreshCounts();
  every(3000, refreshCounts);
  const here = location.hash.split('?')[0] || '#/messages';
  return h('div', { class: 'layout' },
    h('nav', { class: 'sidebar', 'aria-label': 'Console' },
      h('a', { class: 'brand', href: '#/messages' }, h('img', { src: '/console/favicon.svg', alt: '' }), 'Chis'),
      h('ul', {}, NAV.map(([href, label]) =>
        h('li', {}, h('a', { href, class: here.startsWith(href) ? 'active' : '', 'aria-current': here.startsWith(href) ? 'page' : undefined }, label)))),
      h('div', { class: 'sidebar-foot' },
        h('a', { href: '/openapi.json', target: '_blank', rel: 'noopener' }, 'API reference (OpenAPI)'),
        h('div', { class: 'muted small', title: 'Signed in' }, session.email() || ''),
        h('button', { type: 'button', class: 'button ghost small', id: 'signout', onclick: () => { session.clear(); go('#/signin'); } }, 'Sign out'))),
    h('div', { class: 'page' }, h('header', { class: 'topbar' }, counts), h('main', { id: 'main', tabindex: '-1' }, flash ? flashBox() : null, content)));
}

function flashBox() {
  const box = h('div', { class: 'notice', role: 'status' }, flash);
  flash = null;
  return box;
}

// ---- messages ---------------------------------------------------------------------------------------------------

function messagesPage(params, { deadOnly = false } = {}) {
  const status = deadOnly ? 'dead' : params.get('status') || '';
  const eventType = params.get('eventType') || '';
  const chartBox = h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, 'Attempts per minute, last hour'),
    h('span', { class: 'legend' }, h('i', { class: 'dot ok' }), 'delivered', h('i', { class: 'dot failed' }), 'failed')), h('div', { class: 'chart-box' }, h('p', { class: 'muted' }, 'Loading…')));
  const list = h('div', { class: 'list' }, h('p', { class: 'muted' }, 'Loading messages…'));
  const more = h('div', { class: 'more' });
  let cursor = null;
  let pagedFurther = false;

  const filters = deadOnly
    ? null
    : form({ class: 'filters', role: 'search' }, [
        field('Search', h('input', { name: 'q', type: 'search', placeholder: 'Message id or event type', value: eventType, id: 'search', 'aria-label': 'Search by message id or event type' })),
        field('Status', h('select', { name: 'status', id: 'status-filter', onchange: (e) => e.target.form.requestSubmit() },
          h('option', { value: '' }, 'All statuses'),
          STATUSES.map((s) => h('option', { value: s, selected: s === status }, s)))),
      ], 'Search', async (data) => {
        const q = String(data.get('q') || '').trim();
        if (UUID.test(q)) return go(`#/messages/${q}`);
        const next = new URLSearchParams();
        if (data.get('status')) next.set('status', data.get('status'));
        if (q) next.set('eventType', q);
        go(`#/messages${next.toString() ? '?' + next : ''}`);
      });

  const row = (m) => {
    const open = h('a', { href: `#/messages/${m.id}`, class: 'row-link', 'data-message': m.id }, h('code', {}, m.id.slice(0, 8)));
    const actions = m.status === 'dead'
      ? h('button', { type: 'button', class: 'button small', 'data-replay': m.id, onclick: (e) => replay(m.id, e.target) }, 'Replay')
      : null;
    return h('tr', { 'data-row': m.id },
      h('td', {}, open),
      h('td', {}, m.eventType ? h('span', { class: 'event' }, m.eventType) : h('span', { class: 'muted' }, 'URL send')),
      h('td', {}, badge(m.status)),
      h('td', { class: 'num' }, String(m.deliveries.length)),
      h('td', { title: when(m.createdAt) }, ago(m.createdAt)),
      h('td', { class: 'actions' }, actions));
  };

  const table = (messages) => h('table', { class: 'table', id: 'messages' },
    h('thead', {}, h('tr', {}, ['Message', 'Event type', 'Status', 'Deliveries', 'Created', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, messages.map(row)));

  const load = async (append) => {
    try {
      const page = await chis.messages({ status, eventType, cursor: append ? cursor : null });
      cursor = page.nextCursor;
      if (!append && page.messages.length === 0) {
        fill(list, deadOnly
          ? empty('No dead letters', 'Every delivery either arrived or is still being retried. Messages that run out of retries show up here for replay.')
          : status || eventType
            ? empty('No messages match', 'Try another status or event type.', h('a', { class: 'button', href: '#/messages' }, 'Clear filters'))
            : empty('No messages yet', 'Send one with POST /webhook/send and an API key; it appears here within seconds.', h('a', { class: 'button', href: '#/keys' }, 'Create an API key')));
      } else if (append) {
        list.querySelector('tbody').append(...page.messages.map(row));
      } else {
        fill(list, table(page.messages));
      }
      fill(more, cursor
        ? h('button', { type: 'button', class: 'button', onclick: () => { pagedFurther = true; load(true); } }, 'Load older messages')
        : null);
    } catch (e) {
      fill(list, problem(e));
    }
  };

  const drawChart = async () => {
    try {
      const stats = await chis.stats();
      fill(chartBox.querySelector('.chart-box'), minuteChart(stats.minutes));
    } catch (e) {
      fill(chartBox.querySelector('.chart-box'), problem(e));
    }
  };

  async function replay(id, button) {
    button.disabled = true;
    try {
      const r = await chis.replay(id);
      flash = `Replaying ${r.requeued} ${r.requeued === 1 ? 'delivery' : 'deliveries'} of ${id.slice(0, 8)}.`;
      go(`#/messages/${id}`);
    } catch (e) {
      button.disabled = false;
      list.prepend(problem(e));
    }
  }

  load(false);
  if (!deadOnly) drawChart();
  // newest first and live: refresh the first page unless the reader has paged further
  every(3000, () => { if (!pagedFurther) load(false); });
  if (!deadOnly) every(5000, drawChart);
  return [
    h('div', { class: 'page-head' }, h('h1', {}, deadOnly ? 'Dead letters' : 'Messages'),
      deadOnly ? h('p', { class: 'muted' }, 'Messages with a delivery that ran out of retries or was refused. Replay queues them again with a fresh retry schedule.') : null),
    deadOnly ? null : chartBox,
    filters,
    h('section', { class: 'card flush' }, list),
    more,
  ];
}

function messagePage(id) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const load = async () => {
    try {
      const m = await chis.message(id);
      const dead = m.deliveries.some((d) => d.status === 'dead');
      fill(body, 
        h('div', { class: 'page-head' },
          h('a', { href: '#/messages', class: 'back' }, '← Messages'),
          h('h1', {}, 'Message ', h('code', {}, m.id)),
          h('div', { class: 'meta' }, badge(m.status), m.eventType ? h('span', { class: 'event' }, m.eventType) : null, h('span', { class: 'muted' }, `created ${when(m.createdAt)}`)),
          dead ? h('button', { type: 'button', class: 'button primary', id: 'replay', onclick: (e) => replay(e.target) }, 'Replay dead deliveries') : null),
        m.deliveries.length === 0
          ? empty('No deliveries', 'No endpoint was subscribed to this event type when it was sent.')
          : m.deliveries.map(delivery));
    } catch (e) {
      fill(body, h('a', { href: '#/messages', class: 'back' }, '← Messages'), problem(e));
    }
  };
  const replay = async (button) => {
    button.disabled = true;
    try {
      const r = await chis.replay(id);
      flash = `Replaying ${r.requeued} ${r.requeued === 1 ? 'delivery' : 'deliveries'}.`;
      render();
    } catch (e) {
      button.disabled = false;
      body.prepend(problem(e));
    }
  };
  load();
  every(2000, load);
  return body;
}

function delivery(d) {
  return h('section', { class: 'card delivery', 'data-delivery': d.id },
    h('div', { class: 'card-head' },
      h('div', {}, h('div', { class: 'url' }, d.url), d.endpointId ? h('a', { class: 'small', href: `#/endpoints/${d.endpointId}` }, 'endpoint') : null),
      h('div', { class: 'meta' }, badge(d.status), h('span', { class: 'muted' }, `${d.attemptCount} ${d.attemptCount === 1 ? 'attempt' : 'attempts'}`),
        d.nextAttemptAt && d.status !== 'delivered' ? h('span', { class: 'muted' }, `next ${when(d.nextAttemptAt)}`) : null)),
    (d.attempts || []).length === 0
      ? h('p', { class: 'muted pad' }, 'No attempt yet: it is queued.')
      : h('ol', { class: 'timeline' }, d.attempts.map((a) => {
          const ok = a.statusCode >= 200 && a.statusCode < 300;
          return h('li', { class: `attempt ${ok ? 'ok' : 'failed'}`, 'data-attempt': a.attempt },
            h('div', { class: 'attempt-head' },
              h('span', { class: 'attempt-no' }, `#${a.attempt}`),
              h('span', { class: `code ${ok ? 'ok' : 'failed'}` }, a.statusCode ? `HTTP ${a.statusCode}` : 'no answer'),
              h('span', { class: 'muted' }, `${a.durationMs} ms`),
              h('time', { datetime: a.at, class: 'muted' }, when(a.at))),
            a.error ? h('div', { class: 'error-text' }, a.error) : null,
            a.responseBody ? h('pre', { class: 'response', 'aria-label': 'First bytes of the response' }, a.responseBody) : null);
        })));
}

// ---- endpoints --------------------------------------------------------------------------------------------------

function secretPanel(title, secret) {
  return h('div', { class: 'secret', role: 'status', id: 'secret' },
    h('p', {}, h('strong', {}, title), ' Copy it now: the console will not show it again.'),
    h('div', { class: 'secret-line' }, h('code', { id: 'secret-value' }, secret), copyButton(secret)));
}

function endpointsPage() {
  const body = h('section', { class: 'card flush' }, h('p', { class: 'muted pad' }, 'Loading endpoints…'));
  const top = h('div', {});
  const load = async () => {
    try {
      const list = await chis.endpoints();
      if (list.length === 0) {
        fill(body, empty('No endpoints yet', 'An endpoint receives every message whose event type it subscribes to.', h('a', { class: 'button primary', href: '#/endpoints/new' }, 'Create an endpoint')));
        return;
      }
      fill(body, h('table', { class: 'table', id: 'endpoints' },
        h('thead', {}, h('tr', {}, ['Name', 'URL', 'Event types', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, list.map((e) => h('tr', { 'data-endpoint': e.id },
          h('td', {}, h('a', { href: `#/endpoints/${e.id}` }, e.name)),
          h('td', { class: 'url' }, e.url),
          h('td', {}, e.eventTypes.map((t) => h('span', { class: 'event' }, t))),
          h('td', {}, e.disabled ? h('span', { class: 'badge badge-dead', title: e.disabledReason || '' }, 'disabled') : h('span', { class: 'badge badge-delivered' }, 'enabled')),
          h('td', { class: 'actions' },
            e.managedBy ? h('span', { class: 'muted small', title: e.managedBy }, 'managed by the operator') : [
              h('button', { type: 'button', class: 'button small', onclick: (ev) => toggle(e, ev.target) }, e.disabled ? 'Enable' : 'Disable'),
              h('button', { type: 'button', class: 'button small', onclick: (ev) => rotate(e, ev.target) }, 'Rotate secret'),
            ]))))));
    } catch (e) {
      fill(body, problem(e));
    }
  };
  const toggle = async (e, button) => {
    button.disabled = true;
    try {
      await chis.replaceEndpoint(e.id, { ...draft(e), disabled: !e.disabled });
      await load();
    } catch (err) {
      fill(top, problem(err));
      button.disabled = false;
    }
  };
  const rotate = async (e, button) => {
    if (!confirm(`Rotate the secret of ${e.name}? The previous secret stays valid for a while so receivers can switch.`)) return;
    button.disabled = true;
    try {
      const rotated = await chis.rotateEndpointSecret(e.id);
      fill(top, secretPanel(`New secret for ${e.name}.`, rotated.secret));
    } catch (err) {
      fill(top, problem(err));
    } finally {
      button.disabled = false;
    }
  };
  load();
  return [h('div', { class: 'page-head row' }, h('h1', {}, 'Endpoints'), h('a', { class: 'button primary', href: '#/endpoints/new', id: 'new-endpoint' }, 'New endpoint')), top, body];
}

function draft(e) {
  return { name: e.name, url: e.url, eventTypes: e.eventTypes, policy: e.policy, headers: e.headers, disabled: e.disabled };
}

function endpointForm(id) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const draw = (e) => {
    const fields = [
      field('Name', h('input', { name: 'name', required: true, maxlength: 100, value: e?.name || '', id: 'endpoint-name' })),
      field('URL', h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://example.com/webhooks', value: e?.url || '', id: 'endpoint-url' })),
      field('Event types', h('input', { name: 'eventTypes', required: true, placeholder: 'order.created, user.*', value: (e?.eventTypes || ['*']).join(', '), id: 'endpoint-events' }), 'Comma-separated; user.* matches a prefix, * matches everything.'),
      field('Delivery policy', h('input', { name: 'policy', placeholder: 'default', value: e?.policy || '' }), 'The name of a DeliveryPolicy; empty for the default retries.'),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'disabled', checked: !!e?.disabled }), ' Disabled (keeps the endpoint, delivers nothing to it)'),
    ];
    fill(body, 
      h('div', { class: 'page-head' }, h('a', { href: '#/endpoints', class: 'back' }, '← Endpoints'), h('h1', {}, e ? `Edit ${e.name}` : 'New endpoint')),
      e?.managedBy ? h('div', { class: 'notice' }, `Managed by ${e.managedBy}: change it there.`) : null,
      h('section', { class: 'card pad' }, form({ class: 'stack', id: 'endpoint-form' }, fields, e ? 'Save' : 'Create endpoint', async (data) => {
        const request = {
          name: data.get('name').trim(),
          url: data.get('url').trim(),
          eventTypes: String(data.get('eventTypes')).split(',').map((s) => s.trim()).filter(Boolean),
          policy: String(data.get('policy') || '').trim() || null,
          headers: e?.headers || {},
          disabled: data.get('disabled') === 'on',
        };
        if (e) {
          await chis.replaceEndpoint(e.id, request);
          flash = `Saved ${request.name}.`;
          go('#/endpoints');
        } else {
          const created = await chis.createEndpoint(request);
          fill(body, 
            h('div', { class: 'page-head' }, h('a', { href: '#/endpoints', class: 'back' }, '← Endpoints'), h('h1', {}, `Created ${created.name}`)),
            secretPanel('Signing secret of this endpoint.', created.secret),
            h('p', {}, 'Receivers verify the webhook-signature header with it (Standard Webhooks).'),
            h('a', { class: 'button', href: '#/endpoints' }, 'Back to endpoints'));
        }
      })));
    body.querySelector('input').focus();
  };
  if (id) chis.endpoint(id).then(draw, (e) => fill(body, problem(e)));
  else draw(null);
  return body;
}

// ---- API keys ---------------------------------------------------------------------------------------------------

function keysPage() {
  const top = h('div', {});
  const body = h('section', { class: 'card flush' }, h('p', { class: 'muted pad' }, 'Loading keys…'));
  const load = async () => {
    try {
      const keys = await chis.apiKeys();
      if (keys.length === 0) {
        fill(body, empty('No API keys', 'An API key lets a service send webhooks with POST /webhook/send.'));
        return;
      }
      fill(body, h('table', { class: 'table', id: 'keys' },
        h('thead', {}, h('tr', {}, ['Name', 'Key', 'Created', 'Last used', 'State', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, keys.map((k) => h('tr', { 'data-key': k.id },
          h('td', {}, k.name),
          h('td', {}, h('code', {}, `${k.prefix}…`)),
          h('td', { title: when(k.createdAt) }, ago(k.createdAt)),
          h('td', {}, k.lastUsedAt ? ago(k.lastUsedAt) : h('span', { class: 'muted' }, 'never')),
          h('td', {}, k.revokedAt ? h('span', { class: 'badge badge-dead' }, 'revoked') : h('span', { class: 'badge badge-delivered' }, 'active')),
          h('td', { class: 'actions' }, k.revokedAt ? null : h('button', { type: 'button', class: 'button small danger', onclick: (e) => revoke(k, e.target) }, 'Revoke')))))));
    } catch (e) {
      fill(body, problem(e));
    }
  };
  const revoke = async (k, button) => {
    if (!confirm(`Revoke ${k.name}? Senders using it get 401 at once.`)) return;
    button.disabled = true;
    try {
      await chis.revokeApiKey(k.id);
      await load();
    } catch (e) {
      fill(top, problem(e));
      button.disabled = false;
    }
  };
  const create = form({ class: 'inline', id: 'key-form' }, [field('Name', h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'billing-service', id: 'key-name' }))], 'Create key', async (data) => {
    const created = await chis.createApiKey(String(data.get('name')).trim());
    fill(top, secretPanel(`API key ${created.name}.`, created.apiKey));
    create.reset();
    await load();
  });
  load();
  return [h('div', { class: 'page-head' }, h('h1', {}, 'API keys')), h('section', { class: 'card pad' }, create), top, body];
}

// ---- routing ----------------------------------------------------------------------------------------------------

function render() {
  stopTimers();
  const [path, query] = (location.hash.slice(1) || '/messages').split('?');
  const params = new URLSearchParams(query || '');
  if (!session.token()) {
    fill(app, signIn());
    return;
  }
  const parts = path.split('/').filter(Boolean);
  let content;
  if (parts[0] === 'messages' && parts[1]) content = messagePage(parts[1]);
  else if (parts[0] === 'dead') content = messagesPage(params, { deadOnly: true });
  else if (parts[0] === 'endpoints' && parts[1] === 'new') content = endpointForm(null);
  else if (parts[0] === 'endpoints' && parts[1]) content = endpointForm(parts[1]);
  else if (parts[0] === 'endpoints') content = endpointsPage();
  else if (parts[0] === 'keys') content = keysPage();
  else content = messagesPage(params);
  fill(app, frame(content));
  document.title = `${document.querySelector('main h1')?.textContent || 'Console'} · Chis`;
}

whenUnauthorized(() => {
  session.clear();
  flash = null;
  render();
});
window.addEventListener('hashchange', render);
render();
