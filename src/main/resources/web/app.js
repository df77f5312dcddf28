// sluice dashboard. Plain DOM and ECharts, no build step. Every value reaches the page through textContent (or,
// in chart tooltips, through escapeHtml): nothing loaded from the database is ever parsed as HTML.
'use strict';

const numberFormat = new Intl.NumberFormat('en-US');
const percentFormat = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const axisFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const palette = ['#2a6fdb', '#c0392b', '#1e8449', '#8e44ad', '#d35400', '#16a085'];
const state = { pipelines: [], charts: [], logScale: false };

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function formatNumber(value) {
  return value === null || value === undefined ? '—' : numberFormat.format(value);
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
  return response.json();
}

function relativeTime(iso) {
  if (!iso) return 'never loaded';
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  const units = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return 'loaded ' + n + ' ' + name + (n === 1 ? '' : 's') + ' ago';
    }
  }
  return 'loaded just now';
}

function disposeCharts() {
  state.charts.forEach(chart => chart.dispose());
  state.charts = [];
}

function setView(...children) {
  disposeCharts();
  const view = document.getElementById('view');
  view.replaceChildren(...children);
  return view;
}

function markReady() {
  document.body.dataset.ready = 'true';
  // For measurements (bench/web.sh reads it from the browser's console): time from navigation to a usable page.
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  console.info('sluice: page ready in ' + Math.round(performance.now()) + ' ms');
}

function renderTabs(active) {
  const tabs = document.getElementById('pipeline-tabs');
  tabs.replaceChildren(...state.pipelines.map(p =>
    el('a', { href: '#/p/' + encodeURIComponent(p.name), class: p.name === active ? 'active' : null }, p.name)));
  document.querySelector('.runs-link').classList.toggle('active', active === null);
}

function renderCredits(pipeline) {
  const footer = document.getElementById('credits');
  const items = (pipeline ? pipeline.credits : []).map(c =>
    el('li', {}, el('a', { href: c.url, rel: 'noopener noreferrer' }, c.text), ' — licence ' + c.licence));
  footer.replaceChildren(
    items.length ? el('div', {}, 'Data: ', el('ul', {}, ...items)) : '',
    el('div', {}, 'sluice loads these files as published; it does not redistribute them.'));
}

function renderBanner(pipeline) {
  const banner = document.getElementById('banner');
  banner.hidden = !(pipeline && pipeline.banner);
  banner.textContent = pipeline && pipeline.banner ? pipeline.banner : '';
}

// ---- charts ----------------------------------------------------------------------------------------------------

function tooltip(params, percent) {
  const list = Array.isArray(params) ? params : [params];
  if (!list.length) return '';
  const lines = [escapeHtml(list[0].axisValueLabel || list[0].name)];
  for (const p of list) {
    const raw = Array.isArray(p.value) ? p.value[1] : p.value;
    const shown = raw === null || raw === undefined ? '—' : percent ? percentFormat.format(raw) : numberFormat.format(raw);
    lines.push(p.marker + ' ' + escapeHtml(p.seriesName) + ': <b>' + escapeHtml(shown) + '</b>');
  }
  return lines.join('<br>');
}

function lineChart(id, title, dates, seriesList, options) {
  const node = el('div', { id: id, class: 'chart', role: 'img', 'aria-label': title });
  const logScale = options && options.logScale;
  const percent = options && options.percent;
  const chart = echarts.init(node, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    title: { text: title, left: 10, top: 6, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis', formatter: params => tooltip(params, percent) },
    legend: { top: 6, right: 10 },
    grid: { left: 70, right: 20, top: 40, bottom: 70 },
    xAxis: { type: 'category', data: dates, boundaryGap: false },
    color: options && options.colors ? options.colors : palette,
    yAxis: logScale ? { type: 'log', logBase: 10, axisLabel: { formatter: v => axisFormat.format(v) } }
      : { type: 'value', axisLabel: { formatter: v => percent ? percentFormat.format(v) : axisFormat.format(v) } },
    dataZoom: [{ type: 'inside' }, { type: 'slider', bottom: 10 }],
    series: seriesList.map(s => ({
      name: s.name,
      type: s.type || 'line',
      data: logScale ? s.data.map(v => (v === null || v <= 0 ? null : v)) : s.data,
      showSymbol: false,
      connectNulls: false,
      lineStyle: s.width ? { width: s.width } : undefined,
      barMaxWidth: 6,
    })),
  });
  echarts.connect('sluice');
  chart.group = 'sluice';
  state.charts.push(chart);
  return node;
}

function renderCharts(container, pipeline, data) {
  const series = data.series;
  const charts = [];
  if (pipeline.cumulative.length) {
    charts.push(lineChart('chart-cumulative', pipeline.generic ? 'Values' : 'Cumulative', data.dates,
      pipeline.cumulative.map(name => ({ name, data: series[name] })), { logScale: state.logScale }));
  }
  for (const name of pipeline.daily) {
    charts.push(lineChart('chart-daily-' + name, 'Daily new ' + name + ' (7-day average)', data.dates, [
      { name: 'new ' + name, type: 'bar', data: series['new_' + name] },
      { name: '7-day average', data: series['new_' + name + '_7d'], width: 2.5 },
    ], { colors: ['#a9c4f0', '#d35400'] }));
  }
  for (const ratio of pipeline.ratios) {
    charts.push(lineChart('chart-ratio-' + ratio.name, ratio.label, data.dates,
      [{ name: ratio.label, data: series[ratio.name] }], { percent: true }));
  }
  container.replaceChildren(...charts);
  // Charts were sized while detached; size them again now that they are in the page.
  state.charts.forEach(chart => chart.resize());
}

// ---- pages -----------------------------------------------------------------------------------------------------

async function showPipeline(name) {
  const pipeline = state.pipelines.find(p => p.name === name) || state.pipelines[0];
  if (!pipeline) {
    setView(el('p', {}, 'No pipeline is served.'));
    return markReady();
  }
  renderTabs(pipeline.name);
  renderBanner(pipeline);
  renderCredits(pipeline);
  const [summary, data, runs] = await Promise.all([
    api('/api/pipelines/' + encodeURIComponent(pipeline.name) + '/summary'),
    pipeline.chartable ? api('/api/pipelines/' + encodeURIComponent(pipeline.name) + '/series') : null,
    api('/api/runs?limit=20&pipeline=' + encodeURIComponent(pipeline.name)),
  ]);
  const cards = el('div', { class: 'cards', id: 'latest' }, ...pipeline.cumulative.map(column => {
    const latest = summary.latest[column] || {};
    return el('div', { class: 'card', 'data-column': column },
      el('div', { class: 'label' }, column),
      el('div', { class: 'value' }, formatNumber(latest.value)),
      el('div', { class: 'date' }, latest.date ? 'on ' + latest.date : 'no value'));
  }));
  const freshness = el('p', { class: 'freshness', id: 'freshness' },
    (summary.dataUpTo ? 'data up to ' + summary.dataUpTo : 'no data yet') + ', ' + relativeTime(summary.lastLoadedAt)
    + ' · ' + formatNumber(summary.rows) + ' rows in ' + pipeline.table);
  const chartArea = el('div', { class: 'charts', id: 'charts' });
  const toggle = el('button', { id: 'scale-toggle', type: 'button' }, state.logScale ? 'Linear scale' : 'Log scale');
  const csv = el('a', { href: '/api/pipelines/' + encodeURIComponent(pipeline.name) + '/rows.csv' }, 'Download CSV');
  setView(
    el('h1', { id: 'title' }, pipeline.title),
    pipeline.description ? el('p', { class: 'muted' }, pipeline.description) : null,
    freshness,
    cards,
    el('div', { class: 'toolbar' }, pipeline.cumulative.length ? toggle : null, csv),
    chartArea,
    el('h2', {}, 'Recent runs'),
    runsTable(runs));
  if (data) {
    renderCharts(chartArea, pipeline, data);
    toggle.addEventListener('click', () => {
      state.logScale = !state.logScale;
      toggle.textContent = state.logScale ? 'Linear scale' : 'Log scale';
      disposeCharts();
      renderCharts(chartArea, pipeline, data);
    });
  } else {
    chartArea.replaceChildren(el('p', { class: 'muted' }, 'This pipeline has no date key to chart over.'));
  }
  markReady();
}

function summaryOfRun(run) {
  if (run.error) return el('div', { class: 'error' }, run.error.kind + ': ' + run.error.message);
  if (run.warnings.length) {
    return el('div', { class: 'warning', title: run.warnings.join('\n') },
      run.warnings.length + ' warning' + (run.warnings.length === 1 ? '' : 's') + ': ' + run.warnings[0]);
  }
  return '';
}

function runsTable(runs) {
  const head = el('tr', {}, ...['Run', 'Pipeline', 'Status', 'Started (UTC)', 'Seconds', 'Inserted', 'Updated',
    'Unchanged', 'Warnings / error'].map(h => el('th', {}, h)));
  const rows = runs.map(run => el('tr', { 'data-run-id': run.runId },
    el('td', {}, el('a', { href: '#/runs/' + run.runId }, String(run.runId))),
    el('td', {}, run.pipeline),
    el('td', { class: 'status-' + run.status }, run.status),
    el('td', {}, run.startedAt.replace('T', ' ').slice(0, 19)),
    el('td', { class: 'num' }, (run.durationMs / 1000).toFixed(1)),
    el('td', { class: 'num' }, formatNumber(run.inserted)),
    el('td', { class: 'num' }, formatNumber(run.updated)),
    el('td', { class: 'num' }, formatNumber(run.unchanged)),
    el('td', {}, summaryOfRun(run))));
  return el('table', { id: 'runs-table' }, el('thead', {}, head), el('tbody', {}, ...rows));
}

async function showRuns() {
  renderTabs(null);
  renderBanner(null);
  renderCredits(null);
  const runs = await api('/api/runs?limit=200');
  setView(el('h1', {}, 'Runs'), runsTable(runs));
  markReady();
}

function describeValues(values) {
  if (!values) return '';
  return Object.entries(values).map(([k, v]) => k + ' ' + (v === null ? 'NULL' : typeof v === 'number' ? formatNumber(v) : v)).join(', ');
}

function changeCells(change) {
  const key = Object.entries(change.key).map(([k, v]) => k + '=' + v).join(', ');
  if (!change.old) return [key, change.operation, '', describeValues(change.new)];
  const changed = Object.keys(change.new).filter(k => JSON.stringify(change.old[k]) !== JSON.stringify(change.new[k]));
  const pick = (values) => Object.fromEntries(changed.map(k => [k, values[k]]));
  return [key, change.operation, describeValues(pick(change.old)), describeValues(pick(change.new))];
}

async function showRun(id) {
  renderTabs(null);
  const run = await api('/api/runs/' + encodeURIComponent(id));
  renderBanner(state.pipelines.find(p => p.name === run.pipeline));
  const details = el('dl', { class: 'details', id: 'run-detail' },
    el('dt', {}, 'Pipeline'), el('dd', {}, run.pipeline),
    el('dt', {}, 'Status'), el('dd', { class: 'status-' + run.status }, run.status),
    el('dt', {}, 'Trigger'), el('dd', {}, run.trigger),
    el('dt', {}, 'Started'), el('dd', {}, run.startedAt),
    el('dt', {}, 'Duration'), el('dd', {}, (run.durationMs / 1000).toFixed(2) + ' s'),
    el('dt', {}, 'Rows'), el('dd', {}, formatNumber(run.inserted) + ' inserted, ' + formatNumber(run.updated)
      + ' updated, ' + formatNumber(run.unchanged) + ' unchanged'),
    ...Object.entries(run.sources).flatMap(([name, s]) => [el('dt', {}, 'Source ' + name),
      el('dd', {}, formatNumber(s.rows) + ' rows, ' + formatNumber(s.bytes) + ' bytes' + (s.notModified ? ' (not modified)' : '')
        + ', ' + s.url)]),
    run.error ? el('dt', {}, 'Error') : null,
    run.error ? el('dd', { class: 'error' }, run.error.kind + (run.error.source ? ' in ' + run.error.source : '')
      + (run.error.line ? ' line ' + run.error.line : '') + (run.error.column ? ', column ' + run.error.column : '')
      + (run.error.value !== null && run.error.value !== undefined ? ", value '" + run.error.value + "'" : '')
      + ': ' + run.error.message) : null);
  const warnings = el('ul', { id: 'run-warnings' }, ...run.warnings.map(w => el('li', { class: 'warning' }, w)));
  const changes = el('table', { id: 'changes-table' },
    el('thead', {}, el('tr', {}, ...['Key', 'Change', 'Old', 'New'].map(h => el('th', {}, h)))),
    el('tbody', {}, ...run.changes.map(c => el('tr', {}, ...changeCells(c).map(text => el('td', {}, text))))));
  const deliveries = el('table', { id: 'deliveries-table' },
    el('thead', {}, el('tr', {}, ...['Channel', 'Status', 'Attempts', 'Last error', 'Delivered'].map(h => el('th', {}, h)))),
    el('tbody', {}, ...run.notifications.map(d => el('tr', {}, el('td', {}, d.channel), el('td', {}, d.status),
      el('td', { class: 'num' }, String(d.attempts)), el('td', { class: 'error' }, d.lastError || ''),
      el('td', {}, d.deliveredAt || '')))));
  setView(
    el('h1', {}, 'Run ' + run.runId),
    details,
    el('h2', {}, 'Warnings'), run.warnings.length ? warnings : el('p', { class: 'muted' }, 'None.'),
    el('h2', {}, 'Changed rows (' + formatNumber(run.changesLogged) + ' logged, ' + run.changes.length + ' shown)'), changes,
    el('h2', {}, 'Notifications'), run.notifications.length ? deliveries : el('p', { class: 'muted' }, 'No channel wanted this outcome.'));
  markReady();
}

async function route() {
  document.body.dataset.ready = 'false';
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  try {
    if (hash.startsWith('/runs/')) return await showRun(hash.slice('/runs/'.length));
    if (hash === '/runs') return await showRuns();
    return await showPipeline(hash.startsWith('/p/') ? hash.slice(3) : null);
  } catch (error) {
    setView(el('p', { class: 'error' }, 'Could not load: ' + error.message));
    markReady();
  }
}

async function start() {
  state.pipelines = await api('/api/pipelines');
  window.addEventListener('hashchange', route);
  window.addEventListener('resize', () => state.charts.forEach(chart => chart.resize()));
  await route();
}

start();
