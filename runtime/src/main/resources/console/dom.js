// Small DOM helpers: elements are built, never parsed from strings, so API data cannot inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** Replaces the children of el; arrays are flattened and null/false left out. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  append(el, children);
  return el;
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function ago(iso) {
  if (!iso) return '';
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}

export function badge(status) {
  return h('span', { class: `badge badge-${status}`, 'data-status': status }, status);
}

export function copyButton(text, label = 'Copy') {
  const button = h('button', { type: 'button', class: 'button small' }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch (e) {
      // clipboard needs a secure context: select the text for Ctrl+C instead
      const code = button.parentElement.querySelector('code');
      if (code) window.getSelection().selectAllChildren(code);
      button.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => (button.textContent = label), 2000);
  });
  return button;
}

export function empty(title, text, action) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), h('p', {}, text), action || null);
}

/** Delivered (green) and failed (red) attempts per minute as stacked bars; no library, plain SVG. */
export function minuteChart(minutes) {
  const width = 720;
  const height = 160;
  const pad = { left: 36, right: 8, top: 10, bottom: 22 };
  const max = Math.max(1, ...minutes.map((m) => m.delivered + m.failed));
  const slot = (width - pad.left - pad.right) / Math.max(1, minutes.length);
  const scale = (n) => ((height - pad.top - pad.bottom) * n) / max;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart',
    role: 'img',
    'aria-label': `Attempts per minute over the last hour: ${minutes.reduce((a, m) => a + m.delivered, 0)} delivered, ${minutes.reduce((a, m) => a + m.failed, 0)} failed`,
  });
  for (const tick of [0, Math.round(max / 2), max]) {
    const y = height - pad.bottom - scale(tick);
    chart.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid' }));
    chart.append(svg('text', { x: pad.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, String(tick)));
  }
  minutes.forEach((m, i) => {
    const x = pad.left + i * slot + 1;
    const w = Math.max(1, slot - 2);
    const base = height - pad.bottom;
    const ok = scale(m.delivered);
    const bad = scale(m.failed);
    const label = `${new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${m.delivered} delivered, ${m.failed} failed`;
    const group = svg('g', {}, svg('title', {}, label));
    if (m.delivered) group.append(svg('rect', { x, y: base - ok, width: w, height: ok, class: 'bar-ok' }));
    if (m.failed) group.append(svg('rect', { x, y: base - ok - bad, width: w, height: bad, class: 'bar-failed' }));
    chart.append(group);
    if (i % 15 === 0 || i === minutes.length - 1) {
      chart.append(
        svg(
          'text',
          { x: x + w / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis' },
          i === minutes.length - 1 ? 'now' : `-${minutes.length - 1 - i}m`,
        ),
      );
    }
  });
  return chart;
}
