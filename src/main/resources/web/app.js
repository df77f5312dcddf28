// sluice dashboard. Plain DOM and ECharts, no build step. Every value reaches the page through textContent (or,
// in chart tooltips, through escapeHtml): nothing loaded from the database is ever parsed as HTML.
'use strict';

const numberFormat = new Intl.NumberFormat('en-US');
const percentFormat = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const axisFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const palette = ['#2a6fdb', '#c0392b', '#1e8449', '#8e44ad', '#d35400', '#16a085'];
// logScale: null lets each chart choose (log when its series span three orders of magnitude), else the reader's choice.
const state = { pipelines: [], charts: [], logScale: null, asOf: {} };

// For a history table, the time its dashboard shows (a date's start, UTC), by pipeline; nothing for now.
function asOfQuery(pipeline, separator) {
  const asOf = state.asOf[pipeline.name];
  return asOf ? separator + 'as_of=' + encodeURIComponent(asOf) : '';
}

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

// Nothing a person reads is ever 'null', 'undefined' or 'NaN': a missing value is a dash.
function missing(value) {
  return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));
}

function formatNumber(value) {
  return missing(value) ? '—' : numberFormat.format(value);
}

const localTime = new Intl.DateTimeFormat(undefined,
  { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

// A time as the API writes it (date, timestamp, or a UTC instant for timestamptz), as a person reads it: an
// instant in the reader's own zone.
function formatTime(text, type) {
  if (missing(text)) return '—';
  if (type === 'timestamptz') return localTime.format(new Date(text));
  if (type === 'timestamp') return String(text).replace('T', ' ');
  return String(text);
}

// A column's name with its unit, when the pipeline declares one (dashboard.units).
function withUnit(pipeline, column) {
  const unit = pipeline.units && pipeline.units[column];
  return unit ? column + ' (' + unit + ')' : column;
}

// The period of dates that are all the first of a month (monthly data) or of a year (annual data): labels then say
// 2020-01 or 2020, not 2020-01-01.
function periodOf(dates, type) {
  if (type !== 'date' || !dates.length) return null;
  if (dates.every(d => /-01-01$/.test(d))) return 'year';
  if (dates.every(d => /-01$/.test(d))) return 'month';
  return null;
}

function formatPeriod(text, type, period) {
  if (missing(text)) return '—';
  if (period === 'year') return String(text).slice(0, 4);
  if (period === 'month') return String(text).slice(0, 7);
  return formatTime(text, type);
}

// Whether the peaks of the series differ by a factor of 50 or more: on one linear axis the smallest would stay under
// 2% of its height, a flat line on zero (US deaths under cases: 1 to 80).
function spansOrders(seriesList) {
  const peaks = seriesList.map(s => Math.max(0, ...s.data.filter(v => typeof v === 'number' && v > 0)))
    .filter(v => v > 0);
  return peaks.length > 1 && Math.max(...peaks) / Math.min(...peaks) >= 50;
}

// A table cell: times in the reader's zone (UTC on hover), booleans as words, numbers grouped.
function cell(value, type) {
  if (missing(value)) return el('td', {}, '—');
  if (type === 'timestamptz') return el('td', { title: value + ' (UTC)' }, formatTime(value, type));
  if (type === 'timestamp') return el('td', {}, formatTime(value, type));
  if (type === 'boolean') return el('td', {}, value ? 'true' : 'false');
  if (typeof value === 'number') return el('td', { class: 'num' }, formatNumber(value));
  return el('td', {}, String(value));
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
  // replaceChildren would show a null as the word 'null': what is absent is left out.
  view.replaceChildren(...children.filter(child => child !== null && child !== undefined));
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
  tabs.replaceChildren(...state.pipelines.map(p => {
    const late = (p.feedHealth || []).some(f => f.state === 'LATE');
    return el('a', { href: '#/p/' + encodeURIComponent(p.name), class: p.name === active ? 'active' : null,
      title: late ? 'a source is late' : null }, p.name, late ? el('span', { class: 'late-dot' }, ' ●') : null);
  }));
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

// Each expected source's state (expect: in the pipeline file): late ones first, with since when and why.
function feedHealth(pipeline) {
  const sources = (pipeline.feedHealth || []).slice().sort((a, b) => (a.state === 'LATE' ? -1 : 1) - (b.state === 'LATE' ? -1 : 1));
  if (!sources.length) return null;
  return el('ul', { class: 'feed-health', id: 'feed-health' }, ...sources.map(f =>
    el('li', { class: f.state === 'LATE' ? 'late' : 'fresh', 'data-source': f.source, 'data-state': f.state },
      el('b', {}, f.source + ': ' + (f.state === 'LATE' ? 'late' : 'fresh')),
      ' since ' + formatInstant(f.since) + ' — ' + f.reason + ' (expected: ' + f.expected + ')')));
}

function formatInstant(iso) {
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

function renderBanner(pipeline) {
  // A page of no one pipeline (the runs) carries the banner a served pipeline has: the demo's data is synthetic on
  // every page.
  const shown = pipeline || (state.pipelines || []).find(p => p.banner);
  const banner = document.getElementById('banner');
  banner.hidden = !(shown && shown.banner);
  banner.textContent = shown && shown.banner ? shown.banner : '';
}

// ---- charts ----------------------------------------------------------------------------------------------------

function tooltip(params, percent, timeType, period) {
  const list = Array.isArray(params) ? params : [params];
  if (!list.length) return '';
  const at = list[0].axisValue || list[0].name;
  const lines = [escapeHtml(formatPeriod(at, timeType, period) + (timeType === 'timestamptz' ? ' (' + at + ')' : ''))];
  for (const p of list) {
    const raw = Array.isArray(p.value) ? p.value[1] : p.value;
    const shown = raw === null || raw === undefined ? '—' : percent ? percentFormat.format(raw) : numberFormat.format(raw);
    lines.push(p.marker + ' ' + escapeHtml(p.seriesName) + ': <b>' + escapeHtml(shown) + '</b>');
  }
  return lines.join('<br>');
}

function lineChart(id, title, dates, seriesList, options) {
  const node = el('div', { id: id, class: 'chart', role: 'img', 'aria-label': title });
  const percent = options && options.percent;
  const logScale = !percent && (state.logScale === null ? spansOrders(seriesList) : state.logScale);
  const period = periodOf(dates, options && options.timeType);
  const chart = echarts.init(node, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    title: { text: title, left: 10, top: 6, textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'axis', formatter: params => tooltip(params, percent, options && options.timeType, period) },
    legend: { top: 6, right: 10 },
    grid: { left: 70, right: 30, top: 40, bottom: 70, containLabel: true },
    xAxis: { type: 'category', data: dates, boundaryGap: false,
      axisLabel: { hideOverlap: true, formatter: v => formatPeriod(v, options && options.timeType, period) } },
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
  const timeType = pipeline.timeType;
  if (pipeline.cumulative.length) {
    charts.push(lineChart('chart-cumulative', pipeline.generic ? 'Values' : 'Cumulative', data.dates,
      pipeline.cumulative.map(name => ({ name: withUnit(pipeline, name), data: series[name] })), { timeType }));
  }
  for (const name of pipeline.daily) {
    charts.push(lineChart('chart-daily-' + name, 'Daily new ' + name + ' (7-day average)', data.dates, [
      { name: 'new ' + name, type: 'bar', data: series['new_' + name] },
      { name: '7-day average', data: series['new_' + name + '_7d'], width: 2.5 },
    ], { colors: ['#a9c4f0', '#d35400'], timeType }));
  }
  for (const ratio of pipeline.ratios) {
    charts.push(lineChart('chart-ratio-' + ratio.name, ratio.label, data.dates,
      [{ name: ratio.label, data: series[ratio.name] }], { percent: true, timeType }));
  }
  container.replaceChildren(...charts);
  // Charts were sized while detached; size them again now that they are in the page.
  state.charts.forEach(chart => chart.resize());
}

// ---- one series per value of the rest of the key (a country, a maturity) ---------------------------------------

const MAX_SELECTED = 8;
const PAGE_OF_SERIES = 10;

function entityLabel(entity) {
  return Object.values(entity.key).map(v => (missing(v) ? '—' : v)).join(', ');
}

function entityId(entity) {
  return JSON.stringify(entity.key);
}

function entityQuery(entity) {
  return Object.entries(entity.key).map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
}

function entitiesPath(pipeline, query, offset) {
  return '/api/pipelines/' + encodeURIComponent(pipeline.name) + '/entities?limit=' + PAGE_OF_SERIES
    + '&offset=' + offset + (query ? '&q=' + encodeURIComponent(query) : '');
}

// One chart per charted column, one line per chosen series, over the union of their times.
function renderEntityCharts(container, pipeline, chosen, results) {
  const times = [...new Set(results.flatMap(r => r.dates))].sort();
  const charts = pipeline.cumulative.map(column => lineChart('chart-' + column, withUnit(pipeline, column), times,
    results.map((result, i) => {
      const byTime = new Map(result.dates.map((t, j) => [t, result.series[column][j]]));
      return { name: entityLabel(chosen[i]), data: times.map(t => (byTime.has(t) ? byTime.get(t) : null)) };
    }), { timeType: pipeline.timeType }));
  container.replaceChildren(...(charts.length ? charts : [el('p', { class: 'muted' }, 'No numeric column to chart.')]));
  state.charts.forEach(chart => chart.resize());
}

// The picker: the series with the largest latest value first, a search for the others, at most MAX_SELECTED shown.
function seriesPicker(pipeline, chartArea) {
  const picked = new Map();
  let query = '';
  let offset = 0;
  let searchTimer = null;
  const list = el('div', { id: 'series-list', class: 'series-list' });
  const count = el('p', { id: 'series-count', class: 'muted' });
  const more = el('button', { id: 'series-more', type: 'button' }, 'More');
  const search = el('input', { id: 'series-search', type: 'search', 'aria-label': 'Search series',
    placeholder: 'Search ' + pipeline.seriesKeys.join(', ') });

  async function redraw() {
    const chosen = [...picked.values()];
    if (!chosen.length) {
      disposeCharts();
      chartArea.replaceChildren(el('p', { class: 'muted' }, 'Choose a series to chart.'));
      return;
    }
    const results = await Promise.all(chosen.map(entity => api('/api/pipelines/' + encodeURIComponent(pipeline.name)
      + '/series?' + entityQuery(entity) + asOfQuery(pipeline, '&'))));
    disposeCharts();
    renderEntityCharts(chartArea, pipeline, chosen, results);
  }

  function chip(entity) {
    const id = entityId(entity);
    const button = el('button', { type: 'button', class: 'series-chip', 'data-key': id,
      'aria-pressed': picked.has(id) ? 'true' : 'false' },
      entityLabel(entity), el('span', { class: 'latest' }, ' ' + formatNumber(entity.latest)),
      entity.current === false && entity.at ? el('span', { class: 'stale' }, ' (last ' + entity.at + ')') : null);
    button.addEventListener('click', async () => {
      document.body.dataset.ready = 'false';
      if (picked.has(id)) {
        picked.delete(id);
      } else if (picked.size < MAX_SELECTED) {
        picked.set(id, entity);
      }
      list.querySelectorAll('.series-chip').forEach(b =>
        b.setAttribute('aria-pressed', picked.has(b.dataset.key) ? 'true' : 'false'));
      await redraw();
      markReady();
    });
    return button;
  }

  async function load(append) {
    const page = await api(entitiesPath(pipeline, query, offset));
    const chips = page.entities.map(chip);
    if (append) list.append(...chips); else list.replaceChildren(...chips);
    offset += page.entities.length;
    more.hidden = offset >= page.total;
    count.textContent = formatNumber(page.total) + ' series' + (query ? ' match' : '')
      + (page.measure ? ', current first, then the largest latest ' + page.measure : '');
    return page;
  }

  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
      document.body.dataset.ready = 'false';
      query = search.value.trim();
      offset = 0;
      await load(false);
      markReady();
    }, 200);
  });
  more.addEventListener('click', async () => {
    document.body.dataset.ready = 'false';
    await load(true);
    markReady();
  });

  async function start() {
    const page = await load(false);
    // The API lists current series first: a series whose last value is years old is never a default.
    const current = page.entities.filter(entity => entity.current !== false);
    (current.length ? current : page.entities).slice(0, 5).forEach(entity => picked.set(entityId(entity), entity));
    list.querySelectorAll('.series-chip').forEach(b =>
      b.setAttribute('aria-pressed', picked.has(b.dataset.key) ? 'true' : 'false'));
    await redraw();
  }

  return { node: el('div', { id: 'series-picker', class: 'picker' }, search, count, list, more), start, redraw };
}

// ---- a table without a time to chart over: sortable and paged -------------------------------------------------

const TABLE_PAGE = 50;

function tableView(pipeline, total) {
  const view = { sort: null, desc: false, offset: 0 };
  const body = el('tbody');
  const position = el('span', { id: 'table-position', class: 'muted' });
  const previous = el('button', { id: 'table-previous', type: 'button' }, 'Previous');
  const next = el('button', { id: 'table-next', type: 'button' }, 'Next');
  const headers = pipeline.columns.map(column => {
    const th = el('th', { 'data-column': column.name, class: 'sortable', tabindex: '0' }, column.name);
    th.addEventListener('click', async () => {
      view.desc = view.sort === column.name ? !view.desc : false;
      view.sort = column.name;
      view.offset = 0;
      await load();
    });
    return th;
  });

  async function load() {
    document.body.dataset.ready = 'false';
    const rows = await api('/api/pipelines/' + encodeURIComponent(pipeline.name) + '/rows?limit=' + TABLE_PAGE
      + '&offset=' + view.offset + (view.sort ? '&sort=' + encodeURIComponent(view.sort) + '&dir='
      + (view.desc ? 'desc' : 'asc') : '') + asOfQuery(pipeline, '&'));
    body.replaceChildren(...rows.map(row => el('tr', {}, ...pipeline.columns.map(c => cell(row[c.name], c.type)))));
    headers.forEach(th => th.setAttribute('aria-sort', th.dataset.column === view.sort
      ? (view.desc ? 'descending' : 'ascending') : 'none'));
    position.textContent = total ? 'rows ' + formatNumber(view.offset + 1) + '–'
      + formatNumber(view.offset + rows.length) + ' of ' + formatNumber(total) : 'no rows';
    previous.disabled = view.offset === 0;
    next.disabled = view.offset + rows.length >= total;
    markReady();
  }

  previous.addEventListener('click', async () => { view.offset = Math.max(0, view.offset - TABLE_PAGE); await load(); });
  next.addEventListener('click', async () => { view.offset += TABLE_PAGE; await load(); });
  const node = el('div', { class: 'table-view' },
    el('table', { id: 'rows-table' }, el('thead', {}, el('tr', {}, ...headers)), body),
    el('div', { class: 'toolbar' }, previous, position, next));
  return { node, load };
}

// ---- pages -----------------------------------------------------------------------------------------------------

async function showPipeline(name, params) {
  const pipeline = state.pipelines.find(p => p.name === name) || state.pipelines[0];
  if (!pipeline) {
    setView(el('p', {}, 'No pipeline is served.'));
    return markReady();
  }
  state.asOf[pipeline.name] = pipeline.mode === 'history' && params ? params.get('as_of') : null;
  renderTabs(pipeline.name);
  renderBanner(pipeline);
  renderCredits(pipeline);
  const charted = pipeline.chartable && !pipeline.perSeries;
  const [summary, data, runs] = await Promise.all([
    api('/api/pipelines/' + encodeURIComponent(pipeline.name) + '/summary'),
    charted ? api('/api/pipelines/' + encodeURIComponent(pipeline.name) + '/series' + asOfQuery(pipeline, '?')) : null,
    api('/api/runs?limit=20&pipeline=' + encodeURIComponent(pipeline.name)),
  ]);
  const cards = el('div', { class: 'cards', id: 'latest' }, ...Object.keys(summary.latest).map(column => {
    const latest = summary.latest[column] || {};
    return el('div', { class: 'card', 'data-column': column },
      el('div', { class: 'label' }, withUnit(pipeline, column)),
      el('div', { class: 'value' }, formatNumber(latest.value)),
      el('div', { class: 'date' }, latest.date ? 'on ' + formatTime(latest.date, pipeline.timeType) : 'no value'));
  }));
  const freshness = el('p', { class: 'freshness', id: 'freshness' },
    (summary.dataUpTo ? 'data up to ' + formatTime(summary.dataUpTo, pipeline.timeType) : 'no data yet') + ', '
    + relativeTime(summary.lastLoadedAt) + ' · ' + formatNumber(summary.rows) + ' rows in ' + pipeline.table);
  const health = feedHealth(pipeline);
  const chartArea = el('div', { class: 'charts', id: 'charts' });
  const toggle = el('button', { id: 'scale-toggle', type: 'button' }, state.logScale ? 'Linear scale' : 'Log scale');
  const csv = el('a', { href: '/api/pipelines/' + encodeURIComponent(pipeline.name) + '/rows.csv' }, 'Download CSV');
  const picker = pipeline.chartable && pipeline.perSeries ? seriesPicker(pipeline, chartArea) : null;
  const asOf = pipeline.mode === 'history' ? el('label', { class: 'as-of' }, 'As of ',
    el('input', { id: 'as-of', type: 'date', value: state.asOf[pipeline.name] || '' })) : null;
  if (asOf) {
    // The as-of date is part of the address, so a view of the past can be linked; changing it navigates.
    asOf.querySelector('input').addEventListener('change', event => {
      location.hash = '#/p/' + encodeURIComponent(pipeline.name)
        + (event.target.value ? '?as_of=' + encodeURIComponent(event.target.value) : '');
    });
  }
  if (!summary.rows && !runs.length) {
    // A pipeline that never ran: say how to load it rather than draw empty charts.
    setView(
      el('h1', { id: 'title' }, pipeline.title),
      el('div', { class: 'empty', id: 'empty' },
        el('p', {}, 'Nothing is loaded yet: ' + pipeline.name + ' has not run.'),
        el('p', {}, pipeline.schedule ? 'It runs on its schedule (' + pipeline.schedule + '), or now with:'
          : 'Load it with:'),
        el('pre', {}, 'sluice run --pipeline FILE      # FILE: the pipeline file that defines ' + pipeline.name)));
    return markReady();
  }
  const table = pipeline.chartable ? null : tableView(pipeline, summary.rows);
  setView(
    el('h1', { id: 'title' }, pipeline.title),
    pipeline.description ? el('p', { class: 'muted', id: 'description' }, pipeline.description) : null,
    freshness,
    health,
    cards,
    el('div', { class: 'toolbar' }, pipeline.chartable && pipeline.cumulative.length ? toggle : null, csv, asOf),
    picker ? picker.node : null,
    table ? table.node : chartArea,
    el('h2', {}, 'Recent runs'),
    runsTable(runs));
  if (data) {
    renderCharts(chartArea, pipeline, data);
  }
  // The toggle turns over what the first chart shows, chosen by the data or by the reader before.
  const shownLog = () => state.charts.length > 0 && state.charts[0].getOption().yAxis[0].type === 'log';
  const label = () => { toggle.textContent = shownLog() ? 'Linear scale' : 'Log scale'; };
  toggle.addEventListener('click', async () => {
    document.body.dataset.ready = 'false';
    state.logScale = !shownLog();
    disposeCharts();
    if (picker) await picker.redraw(); else renderCharts(chartArea, pipeline, data);
    label();
    markReady();
  });
  if (picker) await picker.start();
  label();
  if (table) return table.load();
  markReady();
}

// What the run rewrote of the rows the table had: one line, then each column that changed.
function revisionsSection(revisions) {
  if (!revisions) return null;
  const head = el('tr', {}, ...['Column', 'Values changed', 'Largest change', 'At'].map(h => el('th', {}, h)));
  const rows = revisions.columns.map(c => el('tr', { 'data-column': c.column },
    el('td', {}, c.column),
    el('td', { class: 'num' }, formatNumber(c.changed)),
    el('td', { class: 'num' }, c.largestChange === null ? '—'
      : (c.largestChange > 0 ? '+' : '') + (c.largestChange * 100).toFixed(1) + '%'),
    el('td', {}, c.largestAt || '—')));
  return el('section', { id: 'revisions' },
    el('h2', {}, 'Revisions'),
    el('p', {}, revisions.summary),
    el('table', { class: 'runs' }, el('thead', {}, head), el('tbody', {}, ...rows)));
}

function expectationsTable(expectations) {
  const head = el('tr', {}, ...['Expectation', 'Kind', 'Severity', 'Result'].map(h => el('th', {}, h)));
  const rows = expectations.map(e => el('tr', { 'data-expectation': e.name, class: e.passed ? null : 'failed' },
    el('td', {}, e.name),
    el('td', {}, e.kind),
    el('td', {}, e.severity.toLowerCase()),
    el('td', { class: e.passed ? 'status-SUCCEEDED' : (e.severity === 'FAIL' ? 'status-FAILED' : 'warning') },
      e.passed ? 'passed' : e.message)));
  return el('table', { class: 'runs', id: 'expectations' }, el('thead', {}, head), el('tbody', {}, ...rows));
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
    'Deleted', 'Unchanged', 'Warnings / error'].map(h => el('th', {}, h)));
  const rows = runs.map(run => el('tr', { 'data-run-id': run.runId },
    el('td', {}, el('a', { href: '#/runs/' + run.runId }, String(run.runId))),
    el('td', {}, run.pipeline),
    el('td', { class: 'status-' + run.status }, run.status + (run.dryRun ? ' (dry run)' : '')),
    el('td', {}, run.startedAt.replace('T', ' ').slice(0, 19)),
    el('td', { class: 'num' }, (run.durationMs / 1000).toFixed(1)),
    el('td', { class: 'num' }, formatNumber(run.inserted)),
    el('td', { class: 'num' }, formatNumber(run.updated)),
    el('td', { class: 'num' }, formatNumber(run.deleted)),
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
  return Object.entries(values).map(([k, v]) => k + ' ' + (missing(v) ? '\u2013' : typeof v === 'number' ? formatNumber(v) : v)).join(', ');
}

function changeCells(change) {
  const key = Object.entries(change.key).map(([k, v]) => k + '=' + v).join(', ');
  if (!change.old) return [key, change.operation, '', describeValues(change.new)];
  if (!change.new) return [key, change.operation, describeValues(change.old), ''];
  const changed = Object.keys(change.new).filter(k => JSON.stringify(change.old[k]) !== JSON.stringify(change.new[k]));
  const pick = (values) => Object.fromEntries(changed.map(k => [k, values[k]]));
  return [key, change.operation, describeValues(pick(change.old)), describeValues(pick(change.new))];
}

async function showRun(id) {
  renderTabs(null);
  const [run, rejected] = await Promise.all([api('/api/runs/' + encodeURIComponent(id)),
    api('/api/runs/' + encodeURIComponent(id) + '/rejected')]);
  renderBanner(state.pipelines.find(p => p.name === run.pipeline));
  const details = el('dl', { class: 'details', id: 'run-detail' },
    el('dt', {}, 'Pipeline'), el('dd', {}, run.pipeline),
    el('dt', {}, 'Status'), el('dd', { class: 'status-' + run.status }, run.status),
    el('dt', {}, 'Trigger'), el('dd', {}, run.trigger),
    el('dt', {}, 'Started'), el('dd', {}, run.startedAt),
    el('dt', {}, 'Duration'), el('dd', {}, (run.durationMs / 1000).toFixed(2) + ' s'),
    el('dt', {}, 'Rows'), el('dd', {}, formatNumber(run.inserted) + ' inserted, ' + formatNumber(run.updated)
      + ' updated, ' + (run.deleted ? formatNumber(run.deleted) + ' deleted, ' : '') + formatNumber(run.unchanged)
      + ' unchanged'),
    ...Object.entries(run.sources).flatMap(([name, s]) => [el('dt', {}, 'Source ' + name),
      el('dd', {}, formatNumber(s.rows) + ' rows, ' + formatNumber(s.bytes) + ' bytes' + (s.notModified ? ' (not modified)' : '')
        + ', ' + (s.files && s.files.length ? s.files.length + ' files' : s.url))]),
    run.error ? el('dt', {}, 'Error') : null,
    run.error ? el('dd', { class: 'error' }, run.error.kind + (run.error.source ? ' in ' + run.error.source : '')
      + (run.error.file ? ' ' + run.error.file : '') + (run.error.line ? ' line ' + run.error.line : '') + (run.error.column ? ', column ' + run.error.column : '')
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
  const rejectedTable = el('table', { id: 'rejected-table' },
    el('thead', {}, el('tr', {}, ...['Source', 'File', 'Line', 'Column', 'Value', 'Reason', 'Row as read'].map(h =>
      el('th', {}, h)))),
    el('tbody', {}, ...rejected.map(r => el('tr', {}, el('td', {}, r.source), el('td', {}, r.file || ''),
      el('td', { class: 'num' }, String(r.line)), el('td', {}, r.column || ''), el('td', {}, missing(r.value) ? ''
        : r.value), el('td', {}, r.reason), el('td', { class: 'raw' }, r.rawLine)))));
  // What needs a person first: the rows set aside and the warnings, then what changed, then who was told.
  setView(
    el('h1', {}, 'Run ' + run.runId + (run.dryRun ? ' (dry run: rolled back, nothing kept but this record)' : '')),
    details,
    revisionsSection(run.revisions),
    run.expectations.length ? el('h2', {}, 'Expectations') : null,
    run.expectations.length ? expectationsTable(run.expectations) : null,
    rejected.length ? el('h2', {}, 'Quarantined rows (' + formatNumber(rejected.length) + ')') : null,
    rejected.length ? rejectedTable : null,
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
    const [path, query] = hash.split('?');
    return await showPipeline(path.startsWith('/p/') ? path.slice(3) : null, new URLSearchParams(query || ''));
  } catch (error) {
    setView(el('p', { class: 'error' }, 'Could not load: ' + error.message));
    markReady();
  }
}

// Pipeline files the service could not read: said above every page, with what still runs.
async function renderUnreadableFiles() {
  const box = document.getElementById('unreadable-files');
  const files = await api('/api/pipeline-files/unreadable');
  box.hidden = files.length === 0;
  box.replaceChildren(...files.map(f => el('p', {},
    el('strong', {}, 'Cannot read ' + f.file + ': '), f.problem,
    f.stillRuns ? ' (pipeline ' + f.stillRuns + ' runs as it was read before)' : ' (not running)')));
}

async function start() {
  state.pipelines = await api('/api/pipelines');
  renderUnreadableFiles().catch(() => {});
  window.addEventListener('hashchange', route);
  window.addEventListener('resize', () => state.charts.forEach(chart => chart.resize()));
  await route();
}

start();
