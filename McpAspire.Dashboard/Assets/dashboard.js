// McpAspire dashboard pages: plain DOM, no framework, no build step. Every page reads the JSON API under /api and
// stays live over server-sent events (/api/telemetry/watch for telemetry, the resource service relays for
// resources and console logs). All text goes through textContent, never innerHTML, so telemetry cannot inject markup.
(() => {
  'use strict';

  const $ = (selector, root = document) => root.querySelector(selector);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // replaceChildren without the null/false placeholders conditional parts leave behind.
  function fill(node, ...children) {
    node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  const svgNs = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(svgNs, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'text') node.textContent = value; else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) if (child) node.append(child);
    return node;
  }

  const pad = (n, w = 2) => String(n).padStart(w, '0');
  function fmtTime(ms) {
    if (!ms && ms !== 0) return '';
    const d = new Date(ms);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }
  function fmtDuration(ms) {
    if (ms < 1) return `${Math.round(ms * 1000)} µs`;
    if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
    return `${(ms / 1000).toFixed(2)} s`;
  }
  function fmtNumber(v) {
    if (!isFinite(v)) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
    return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(a < 10 ? 3 : 1)));
  }
  function hue(text) {
    let h = 0;
    for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
    return h % 360;
  }
  // A fixed palette of distinct colours, so a handful of resources never look alike.
  // (No red: red means error on these pages.)
  const palette = ['#5b3cc4', '#1f8a70', '#c2410c', '#0369a1', '#a21caf', '#4d7c0f', '#0e7490', '#92400e', '#475569', '#7c3aed'];
  const colorOf = (text) => palette[hue(text) % palette.length];
  function chip(resource) {
    return el('span', { class: 'chip', style: `--c:${colorOf(resource)}`, text: resource });
  }
  function safeUrl(url) {
    if (!url) return null;
    try {
      const u = new URL(url, location.href);
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
    } catch { return null; }
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    if (response.status === 401) {
      location.href = '/login?returnUrl=' + encodeURIComponent(location.pathname + location.search);
      throw new Error('login required');
    }
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function setStatus(text, kind) {
    const status = $('#status');
    if (!status) return;
    status.textContent = text || '';
    status.className = kind || 'muted';
  }
  function setLive(on) {
    const live = $('#live');
    if (live) { live.classList.toggle('on', on); live.title = on ? 'live updates on' : 'live updates reconnecting'; }
  }

  // One EventSource per page for telemetry changes; the server throttles to a few events a second.
  function watchTelemetry(kinds, onChange) {
    const source = new EventSource('/api/telemetry/watch');
    source.addEventListener('changed', (e) => {
      const changed = JSON.parse(e.data);
      if (kinds.some((k) => changed[k])) onChange();
    });
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    return source;
  }

  // Serializes reloads: a change during a load schedules exactly one more.
  function reloader(load) {
    let running = false, again = false;
    return async function run() {
      if (running) { again = true; return; }
      running = true;
      try { await load(); } catch (e) { if (e.message !== 'login required') setStatus(e.message, 'error'); }
      running = false;
      if (again) { again = false; run(); }
    };
  }

  function debounce(fn, ms) {
    let t;
    return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  }

  async function fillTelemetryResources(select, allLabel) {
    const current = select.value || select.dataset.value || '';
    const resources = await getJson('/api/telemetry/resources');
    const names = resources.map((r) => r.name);
    if (current && !names.includes(current)) names.push(current);
    select.replaceChildren(...(allLabel ? [el('option', { value: '', text: allLabel })] : []),
      ...names.map((n) => el('option', { value: n, text: n, selected: n === current })));
    return names;
  }

  function formQuery(form) {
    const params = new URLSearchParams();
    for (const field of form.elements) {
      if (!field.name) continue;
      if (field.type === 'checkbox') { if (field.checked) params.set(field.name, 'true'); }
      else if (field.value) params.set(field.name, field.value);
    }
    return params;
  }

  // The detail panel sits at the right; the page narrows so nothing hides behind it.
  function openDetail(panel) { panel.hidden = false; document.body.classList.add('with-detail'); }
  function closeDetail(panel) { panel.hidden = true; document.body.classList.remove('with-detail'); }

  function attributeTable(rows) {
    return el('table', { class: 'attrs' }, el('tbody', {}, rows.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) =>
      el('tr', { class: /^(mcp\.|gen_ai\.|jsonrpc\.)/.test(k) ? 'mcp' : '' }, el('th', { text: k }), el('td', { text: v ?? '' })))));
  }

  // ---------------------------------------------------------------- Resources
  // Without a resource service the page lists what telemetry has shown so far.
  function telemetryResources() {
    const tbody = $('#telemetry-resources tbody');
    const load = reloader(async () => {
      const resources = await getJson('/api/telemetry/resources');
      fill(tbody, resources.length ? resources.map((r) => {
        const q = encodeURIComponent(r.name);
        return el('tr', { 'data-resource': r.name }, el('td', {}, chip(r.name)), el('td', { class: 'mono small', text: r.instances.join(', ') }),
          el('td', {}, el('a', { href: '/structuredlogs?resource=' + q, text: 'logs' }), ' · ',
            el('a', { href: '/traces?resource=' + q, text: 'traces' }), ' · ', el('a', { href: '/metrics?resource=' + q, text: 'metrics' })));
      }) : el('tr', {}, el('td', { colspan: 3, class: 'muted', text: 'No telemetry received yet.' })));
    });
    load();
    watchTelemetry(['traces', 'logs', 'metrics'], load);
  }

  function resourcesPage() {
    if (document.body.dataset.resourceService !== 'true') { telemetryResources(); return; }
    const tbody = $('#resources tbody');
    const render = (resources) => {
      setStatus(resources.length ? `${resources.length} resources` : 'The resource service reports no resources yet.', 'muted');
      tbody.replaceChildren(...resources.map((r) => {
        const state = String(r.state || 'Unknown');
        const health = r.health ? String(r.health) : '';
        const replicas = (r.replicas || []).map((p) => el('div', { class: 'replica' },
          el('span', { class: 'mono', text: p.name }), ' ',
          el('span', { class: `badge state-${(p.state || '').toLowerCase()}`, text: p.state || '' }),
          p.health ? el('span', { class: `badge health-${String(p.health).toLowerCase()}`, text: p.health }) : null,
          p.pid ? el('span', { class: 'muted', text: ` pid ${p.pid}` }) : null,
          p.restarts ? el('span', { class: 'muted', text: ` · ${p.restarts} restarts` }) : null,
          safeUrl(p.url) ? el('a', { href: safeUrl(p.url), target: '_blank', rel: 'noopener', class: 'replica-url', text: ` ${p.url}` }) : null));
        const endpoints = (r.endpoints || []).map((e) => {
          const href = safeUrl(e.url);
          return el('div', {}, href ? el('a', { href, target: '_blank', rel: 'noopener', text: e.url }) : el('span', { text: e.url || '' }),
            e.name ? el('span', { class: 'muted', text: ` (${e.name})` }) : null);
        });
        const command = (name) => el('button', {
          type: 'button', class: `cmd cmd-${name}`, 'data-command': name, 'data-resource': r.name,
          onclick: () => runCommand(r.name, name),
        }, name[0].toUpperCase() + name.slice(1));
        const q = encodeURIComponent(r.name);
        return el('tr', { 'data-resource': r.name },
          el('td', {}, el('a', { href: '/consolelogs?resource=' + q, class: 'name', text: r.name }),
            el('div', { class: 'small links' }, el('a', { href: '/consolelogs?resource=' + q, text: 'console' }), ' · ',
              el('a', { href: '/structuredlogs?resource=' + q, text: 'logs' }), ' · ',
              el('a', { href: '/traces?resource=' + q, text: 'traces' }), ' · ',
              el('a', { href: '/metrics?resource=' + q, text: 'metrics' }))),
          el('td', { text: r.type || '' }),
          el('td', {}, el('span', { class: `badge state-${state.toLowerCase()}`, text: state }),
            r.exitCode !== undefined && r.exitCode !== null ? el('span', { class: 'muted', text: ` exit ${r.exitCode}` }) : null),
          el('td', {}, health ? el('span', { class: `badge health-${health.toLowerCase()}`, text: health }) : el('span', { class: 'muted', text: '—' })),
          el('td', { text: r.startedAt ? new Date(Date.parse(r.startedAt)).toLocaleString() : '' }),
          el('td', { class: 'replicas' }, `${(r.replicas || []).length}`, replicas),
          el('td', { class: 'endpoints' }, endpoints),
          el('td', { class: 'actions' }, command('restart'), command('stop'), command('start')));
      }));
    };
    const commandStatus = (text, kind) => { const c = $('#command-status'); c.textContent = text; c.className = kind; };
    async function runCommand(resource, command) {
      commandStatus(`${command} ${resource}…`, 'muted');
      const response = await fetch(`/api/resources/${encodeURIComponent(resource)}/commands/${command}`,
        { method: 'POST', headers: { 'x-dashboard-request': '1' } });
      if (response.ok) commandStatus(`${command} of ${resource} accepted`, 'ok');
      else {
        let detail = response.statusText;
        try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
        commandStatus(`${command} of ${resource} failed: ${detail}`, 'error');
      }
    }
    getJson('/api/resources').then(render).catch((e) => setStatus(e.message, 'error'));
    const source = new EventSource('/api/resources/watch');
    source.addEventListener('resources', (e) => render(JSON.parse(e.data)));
    source.onopen = () => setLive(true);
    source.onerror = () => { setLive(false); setStatus('Disconnected from the resource service; reconnecting…', 'error'); };
  }

  // ---------------------------------------------------------------- Console logs
  function consoleLogsPage() {
    if (document.body.dataset.resourceService !== 'true') return;
    const select = $('#resource');
    const output = $('#console');
    const follow = $('#follow');
    const maxLines = 5000;
    let source = null;

    function connect(resource) {
      if (source) source.close();
      output.replaceChildren();
      if (!resource) { setStatus('Choose a resource.'); return; }
      history.replaceState(null, '', '/consolelogs?resource=' + encodeURIComponent(resource));
      let opened = false;
      source = new EventSource(`/api/resources/${encodeURIComponent(resource)}/logs`);
      const onLine = (e) => {
        let entry;
        try { entry = JSON.parse(e.data); } catch { entry = { line: e.data, stream: 'stdout' }; }
        const line = el('div', { class: `line ${entry.stream === 'stderr' ? 'stderr' : 'stdout'}` },
          el('span', { class: 'ts', text: entry.timestamp ? fmtTime(Date.parse(entry.timestamp)) : '' }),
          el('span', { class: 'text', text: entry.line ?? '' }));
        output.append(line);
        while (output.childElementCount > maxLines) output.firstElementChild.remove();
        if (follow.checked) output.scrollTop = output.scrollHeight;
        setStatus(`${output.childElementCount} lines`, 'muted');
      };
      source.onmessage = onLine;
      source.addEventListener('log', onLine);
      source.onopen = () => {
        // After a reconnect the stream replays its buffer, so start over rather than duplicate lines.
        if (opened) output.replaceChildren();
        opened = true;
        setLive(true);
        setStatus(`Streaming ${resource}`, 'muted');
      };
      source.onerror = () => { setLive(false); setStatus(`Disconnected from ${resource}; reconnecting…`, 'error'); };
    }

    const wanted = document.body.dataset.resource || '';
    getJson('/api/resources').then((resources) => {
      const names = resources.map((r) => r.name);
      if (wanted && !names.includes(wanted)) names.unshift(wanted);
      select.replaceChildren(...names.map((n) => el('option', { value: n, text: n, selected: n === wanted })));
      connect(select.value);
    }).catch((e) => {
      setStatus(e.message, 'error');
      if (wanted) { select.replaceChildren(el('option', { value: wanted, text: wanted })); connect(wanted); }
    });
    select.addEventListener('change', () => connect(select.value));
  }

  // ---------------------------------------------------------------- Structured logs
  function structuredLogsPage() {
    const form = $('#filters');
    const tbody = $('#logs tbody');
    const detail = $('#detail');
    const select = $('#resource');
    let selectedId = null;
    let shownKey = null;

    function showDetail(log) {
      selectedId = log.id;
      for (const row of tbody.rows) row.classList.toggle('selected', row.dataset.id === String(log.id));
      openDetail(detail);
      fill(detail,
        el('button', { type: 'button', class: 'close', onclick: () => { closeDetail(detail); selectedId = null; } }, '×'),
        el('h2', { text: `${log.level} · ${log.resource}` }),
        el('p', { class: 'message', text: log.message }),
        attributeTable([
          ['time', log.time], ['level', `${log.level} (${log.severityNumber})`], ['resource', log.resource], ['instance', log.instance],
          ['category', log.scope], ['event name', log.eventName], ['trace id', log.traceId], ['span id', log.spanId],
          ...log.attributes.map((a) => [a.key, a.value])]),
        log.traceId ? el('p', {}, el('a', { href: '/traces/' + log.traceId, text: 'Open trace' })) : null);
    }

    const load = reloader(async () => {
      const params = formQuery(form);
      history.replaceState(null, '', '/structuredlogs' + (params.size ? '?' + params : ''));
      params.set('limit', '500');
      const result = await getJson('/api/logs?' + params);
      // Re-render only when something changed: a live page must not swap rows under the user's pointer.
      const key = result.items.map((l) => l.id).join(',');
      if (key === shownKey) return;
      shownKey = key;
      tbody.replaceChildren(...result.items.map((log) => el('tr', {
        class: `level-${log.level.toLowerCase()}${log.id === selectedId ? ' selected' : ''}`, 'data-id': log.id, onclick: () => showDetail(log),
      },
        el('td', { class: 'mono', text: fmtTime(log.timeMs) }),
        el('td', {}, chip(log.resource)),
        el('td', {}, el('span', { class: `badge level-${log.level.toLowerCase()}`, text: log.level })),
        el('td', { class: 'message', text: log.message }),
        el('td', { class: 'muted', text: log.scope }),
        el('td', {}, log.traceId ? el('a', { href: '/traces/' + log.traceId, class: 'mono', text: log.traceId.slice(0, 8), onclick: (e) => e.stopPropagation() }) : ''))));
      setStatus(`${result.items.length} records${result.items.length === 500 ? ' (newest 500)' : ''}`, 'muted');
    });

    fillTelemetryResources(select, '(all)').catch(() => {}).finally(load);
    form.addEventListener('input', debounce(load, 250));
    form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
    watchTelemetry(['logs'], () => { load(); fillTelemetryResources(select, '(all)').catch(() => {}); });
  }

  // ---------------------------------------------------------------- Traces
  function tracesPage() {
    let shownKey = null;
    const form = $('#filters');
    const tbody = $('#traces tbody');
    const select = $('#resource');
    const load = reloader(async () => {
      const params = formQuery(form);
      history.replaceState(null, '', '/traces' + (params.size ? '?' + params : ''));
      params.set('limit', '200');
      const traces = await getJson('/api/traces?' + params);
      const key = JSON.stringify(traces);
      if (key === shownKey) return;
      shownKey = key;
      const longest = Math.max(1, ...traces.map((t) => t.durationMs));
      tbody.replaceChildren(...traces.map((t) => el('tr', { class: t.errorCount ? 'error' : '', 'data-trace-id': t.traceId },
        el('td', { class: 'mono', text: fmtTime(t.startMs) }),
        el('td', {}, el('a', { href: '/traces/' + t.traceId, class: 'trace-link', text: t.name }),
          el('div', { class: 'muted mono small', text: t.traceId })),
        el('td', {}, t.resources.map(chip)),
        el('td', { text: t.spanCount }),
        el('td', { class: 'duration' }, el('div', { class: 'bar', style: `width:${Math.max(2, 100 * t.durationMs / longest)}%` }),
          el('span', { text: fmtDuration(t.durationMs) })),
        el('td', {}, t.errorCount ? el('span', { class: 'badge level-error', text: `${t.errorCount} error${t.errorCount > 1 ? 's' : ''}` })
          : el('span', { class: 'badge ok', text: 'OK' })))));
      setStatus(`${traces.length} traces`, 'muted');
    });
    fillTelemetryResources(select, '(all)').catch(() => {}).finally(load);
    form.addEventListener('input', debounce(load, 250));
    form.addEventListener('submit', (e) => { e.preventDefault(); load(); });
    watchTelemetry(['traces'], () => { load(); fillTelemetryResources(select, '(all)').catch(() => {}); });
  }

  // ---------------------------------------------------------------- Trace detail
  function tracePage() {
    const traceId = document.body.dataset.traceId;
    const waterfall = $('#waterfall');
    const detail = $('#detail');
    let selected = null;
    let shownKey = null;

    function order(spans) {
      const ids = new Set(spans.map((s) => s.spanId));
      const children = new Map();
      const roots = [];
      for (const s of spans) {
        if (s.parentSpanId && ids.has(s.parentSpanId)) {
          if (!children.has(s.parentSpanId)) children.set(s.parentSpanId, []);
          children.get(s.parentSpanId).push(s);
        } else roots.push(s);
      }
      const result = [];
      const visit = (s, depth) => {
        result.push([s, depth]);
        for (const c of (children.get(s.spanId) || []).sort((a, b) => a.offsetMs - b.offsetMs)) visit(c, depth + 1);
      };
      roots.sort((a, b) => a.offsetMs - b.offsetMs).forEach((r) => visit(r, 0));
      return result;
    }

    function showSpan(span) {
      selected = span.spanId;
      for (const row of waterfall.querySelectorAll('.span-row')) row.classList.toggle('selected', row.dataset.spanId === selected);
      openDetail(detail);
      fill(detail,
        el('button', { type: 'button', class: 'close', onclick: () => { closeDetail(detail); selected = null; } }, '×'),
        el('h2', {}, chip(span.resource), ' ', span.name),
        attributeTable([
          ['span id', span.spanId], ['parent span id', span.parentSpanId || '(root)'], ['kind', span.kind],
          ['status', span.status + (span.statusMessage ? ': ' + span.statusMessage : '')], ['resource', span.resource],
          ['instance', span.instance], ['scope', span.scope], ['start', span.startTime], ['duration', fmtDuration(span.durationMs)]]),
        el('h3', { text: `Attributes (${span.attributes.length})` }),
        attributeTable(span.attributes.map((a) => [a.key, a.value])),
        span.events.length ? el('h3', { text: `Events (${span.events.length})` }) : null,
        span.events.map((e) => el('div', { class: 'event' }, el('strong', { text: `${e.name} @ ${fmtDuration(e.offsetMs)}` }),
          attributeTable(e.attributes.map((a) => [a.key, a.value])))),
        span.links.length ? el('h3', { text: 'Links' }) : null,
        span.links.map((l) => el('div', { class: 'mono', text: l })));
    }

    const load = reloader(async () => {
      let trace;
      try { trace = await getJson('/api/traces/' + encodeURIComponent(traceId)); } catch (e) {
        if (e.status === 404) { $('#summary').textContent = 'This trace is not stored (yet, or any more).'; return; }
        throw e;
      }
      const t = trace.trace;
      const key = JSON.stringify(trace);
      if (key !== shownKey) {
      shownKey = key;
      $('#title').replaceChildren('Trace: ', t.name, ' ', el('code', { class: 'small', text: t.traceId }));
      $('#summary').replaceChildren(`${new Date(t.startMs).toLocaleString()} · ${fmtDuration(t.durationMs)} · ${t.spanCount} spans · `,
        ...t.resources.map(chip), t.errorCount ? el('span', { class: 'badge level-error', text: `${t.errorCount} error${t.errorCount > 1 ? 's' : ''}` }) : '');
      const total = Math.max(t.durationMs, 0.001);
      const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => el('span', { style: `left:${f * 100}%`, text: fmtDuration(total * f) }));
      waterfall.replaceChildren(
        el('div', { class: 'span-row header' }, el('div', { class: 'label', text: 'Span' }), el('div', { class: 'track ticks' }, ticks)),
        ...order(trace.spans).map(([s, depth]) => {
          const left = 100 * s.offsetMs / total;
          const width = Math.max(0.4, 100 * s.durationMs / total);
          const row = el('div', {
            class: `span-row${s.status === 'Error' ? ' error' : ''}${s.spanId === selected ? ' selected' : ''}`,
            'data-span-id': s.spanId, tabindex: 0, onclick: () => showSpan(s), onkeydown: (e) => { if (e.key === 'Enter') showSpan(s); },
          },
            el('div', { class: 'label', style: `padding-left:${depth * 14 + 4}px` }, chip(s.resource), ' ',
              el('span', { class: 'span-name', text: s.name })),
            el('div', { class: 'track' }, el('div', { class: 'span-bar', style: `left:${Math.min(left, 99.6)}%;width:${Math.min(width, 100 - Math.min(left, 99.6))}%;--c:${colorOf(s.resource)}` }),
              // Near the right edge the label goes inside the bar's end instead of running off the track.
              left + width > 82
                ? el('span', { class: 'span-duration inside', style: `right:${Math.max(0, 100 - left - width)}%`, text: fmtDuration(s.durationMs) })
                : el('span', { class: 'span-duration', style: `left:${left + width}%`, text: fmtDuration(s.durationMs) })));
          return row;
        }));
      if (selected) { const s = trace.spans.find((x) => x.spanId === selected); if (s) showSpan(s); }
      }
      const logs = await getJson('/api/logs?limit=200&traceId=' + encodeURIComponent(traceId));
      fill($('#trace-logs'), logs.items.length
        ? el('table', { class: 'grid' }, el('tbody', {}, logs.items.map((log) => el('tr', { class: `level-${log.level.toLowerCase()}` },
          el('td', { class: 'mono', text: fmtTime(log.timeMs) }), el('td', {}, chip(log.resource)),
          el('td', {}, el('span', { class: `badge level-${log.level.toLowerCase()}`, text: log.level })),
          el('td', { class: 'message', text: log.message })))))
        : el('p', { class: 'muted', text: 'No structured logs carry this trace id.' }));
    });
    load();
    watchTelemetry(['traces'], load);
  }

  // ---------------------------------------------------------------- Metrics
  function metricsPage() {
    const select = $('#resource');
    const list = $('#instruments');
    const panel = $('#chart-panel');
    let current = document.body.dataset.instrument ? { scope: document.body.dataset.scope || '', name: document.body.dataset.instrument } : null;

    const loadList = reloader(async () => {
      const names = await fillTelemetryResources(select, null);
      if (!select.value && names.length) select.value = names[0];
      if (!select.value) { setStatus('No metrics received yet.', 'muted'); return; }
      const instruments = await getJson('/api/metrics?resource=' + encodeURIComponent(select.value));
      const byScope = new Map();
      for (const i of instruments) { if (!byScope.has(i.scope)) byScope.set(i.scope, []); byScope.get(i.scope).push(i); }
      list.replaceChildren(...[...byScope.entries()].map(([scope, items]) => el('li', { class: 'scope' },
        el('div', { class: 'scope-name', text: scope || '(no meter)' }),
        el('ul', {}, items.map((i) => el('li', {},
          el('a', {
            href: '#', class: `instrument${current && current.name === i.name && current.scope === i.scope ? ' active' : ''}`,
            'data-name': i.name, title: i.description,
            onclick: (e) => { e.preventDefault(); current = { scope: i.scope, name: i.name }; loadList(); },
          }, i.name)))))));
      setStatus(`${instruments.length} instruments`, 'muted');
      if (!current && instruments.length) current = { scope: instruments[0].scope, name: instruments[0].name };
      if (current) await loadChart();
    });

    async function loadChart() {
      const q = new URLSearchParams({ resource: select.value, scope: current.scope, name: current.name });
      history.replaceState(null, '', '/metrics?' + new URLSearchParams({ resource: select.value, scope: current.scope, name: current.name }));
      let detail;
      try { detail = await getJson('/api/metrics/instrument?' + q); } catch (e) {
        if (e.status === 404) { panel.replaceChildren(el('p', { class: 'muted', text: 'Instrument not found for this resource.' })); return; }
        throw e;
      }
      const i = detail.instrument;
      const distribution = ['histogram', 'exponential_histogram', 'summary'].includes(i.type);
      const unit = i.unit ? ` (${i.unit})` : '';
      fill(panel,
        el('h2', { text: i.name }),
        el('p', { class: 'muted', text: `${i.description || ''} — ${i.type}${detail.isMonotonic ? ', monotonic' : ''}${distribution ? ', chart shows the mean per interval' : ''}${unit}` }),
        chart(detail.series, i.unit),
        seriesTable(detail.series, distribution));
    }

    function seriesLabel(s) {
      return s.attributes.length ? s.attributes.map((a) => `${a.key}=${a.value}`).join(', ') : '(no attributes)';
    }

    function chart(series, unit) {
      const W = 760, H = 260, L = 64, R = 12, T = 12, B = 28;
      const shown = series.filter((s) => s.points.length).slice(0, 12);
      const points = shown.flatMap((s) => s.points);
      const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'metric chart' });
      if (!points.length) { root.append(svg('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', text: 'No points yet' })); return root; }
      const t0 = Math.min(...points.map((p) => p.t)), t1 = Math.max(...points.map((p) => p.t));
      let v0 = Math.min(0, ...points.map((p) => p.v)), v1 = Math.max(...points.map((p) => p.v));
      if (v1 === v0) v1 = v0 + 1;
      const x = (t) => L + (t1 === t0 ? (W - L - R) / 2 : (t - t0) / (t1 - t0) * (W - L - R));
      const y = (v) => T + (1 - (v - v0) / (v1 - v0)) * (H - T - B);
      for (let k = 0; k <= 4; k++) {
        const v = v0 + (v1 - v0) * k / 4;
        root.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }),
          svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis', text: fmtNumber(v) }));
      }
      root.append(svg('text', { x: L, y: H - 8, class: 'axis', text: fmtTime(t0) }),
        svg('text', { x: W - R, y: H - 8, 'text-anchor': 'end', class: 'axis', text: fmtTime(t1) }));
      shown.forEach((s) => {
        const color = colorOf(seriesLabel(s));
        const path = s.points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
        root.append(svg('polyline', { points: path, fill: 'none', stroke: color, 'stroke-width': 2, class: 'series' },
          svg('title', { text: seriesLabel(s) })));
        const last = s.points[s.points.length - 1];
        root.append(svg('circle', { cx: x(last.t), cy: y(last.v), r: 3, fill: color }));
      });
      return root;
    }

    function seriesTable(series, distribution) {
      return el('table', { class: 'grid series' },
        el('thead', {}, el('tr', {}, el('th', { text: 'Series' }), el('th', { text: distribution ? 'Mean (last interval)' : 'Last value' }),
          distribution ? el('th', { text: 'Count' }) : null, distribution ? el('th', { text: 'Buckets (latest)' }) : null, el('th', { text: 'Points' }))),
        el('tbody', {}, series.map((s) => {
          const last = s.points[s.points.length - 1];
          return el('tr', {},
            el('td', {}, el('span', { class: 'swatch', style: `--c:${colorOf(seriesLabel(s))}` }), ' ', seriesLabel(s)),
            el('td', { class: 'mono', text: last ? fmtNumber(last.v) : '' }),
            distribution ? el('td', { class: 'mono', text: last ? last.count : '' }) : null,
            distribution ? el('td', { class: 'mono small', text: s.bucketCounts ? s.bucketCounts.map((c, k) => `${k < s.bucketBounds.length ? '≤' + fmtNumber(s.bucketBounds[k]) : '>'}:${c}`).filter((b) => !b.endsWith(':0')).join(' ') : '' }) : null,
            el('td', { text: s.points.length }));
        })));
    }

    select.addEventListener('change', () => { current = null; loadList(); });
    loadList();
    watchTelemetry(['metrics'], loadList);
  }

  const pages = {
    resources: resourcesPage,
    consolelogs: consoleLogsPage,
    structuredlogs: structuredLogsPage,
    traces: tracesPage,
    trace: tracePage,
    metrics: metricsPage,
  };
  const page = pages[document.body.dataset.page];
  if (page) page();
})();
