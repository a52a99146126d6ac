// The health header: /readyz and a few numbers from /metrics (invocations per
// outcome, module cache hits and misses, queue depth), refreshed every few seconds,
// with a sparkline of invocations per interval drawn in SVG.

import { h, s, replace } from './dom.js';

const INTERVAL_MS = 4000;
const POINTS = 30;
const history = [];
let timer = null;

/** Prometheus text → [{name, labels, value}]. */
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The numbers the header shows. */
export function summarize(samples) {
  const sum = (name) => samples.filter((sample) => sample.name === name).reduce((total, sample) => total + sample.value, 0);
  const outcomes = {};
  for (const sample of samples) {
    if (sample.name === 'wasmhost_invocation_duration_seconds_count') {
      const outcome = sample.labels.outcome ?? 'unknown';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + sample.value;
    }
  }
  return {
    outcomes,
    invocations: Object.values(outcomes).reduce((a, b) => a + b, 0),
    cacheHits: sum('wasmhost_module_cache_hits_total'),
    cacheMisses: sum('wasmhost_module_cache_misses_total'),
    queue: sum('wasmhost_admission_queue_depth'),
    running: sum('wasmhost_invocations_running'),
  };
}

function sparkline(points) {
  const width = 90;
  const height = 22;
  const top = Math.max(1, ...points);
  const step = width / Math.max(1, POINTS - 1);
  const offset = (POINTS - points.length) * step;
  const coordinates = points.map((value, index) => `${(offset + index * step).toFixed(1)},${(height - 2 - (value / top) * (height - 4)).toFixed(1)}`);
  return s('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `invocations per ${INTERVAL_MS / 1000} s, latest ${points.at(-1) ?? 0}` },
    s('line', { class: 'baseline', x1: 0, y1: height - 1.5, x2: width, y2: height - 1.5 }),
    s('polyline', { points: coordinates.join(' ') }));
}

function item(label, ...value) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-label' }, label), ' ', h('span', { class: 'stat-value' }, ...value));
}

async function fetchText(path) {
  const response = await fetch(path, { cache: 'no-store' });
  return { status: response.status, text: await response.text() };
}

async function refresh(container) {
  let ready;
  let metrics;
  try {
    [ready, metrics] = await Promise.all([fetchText('/readyz'), fetchText('/metrics')]);
  } catch {
    replace(container, h('span', { class: 'pill down' }, 'unreachable'));
    return;
  }
  let readiness = {};
  try { readiness = JSON.parse(ready.text); } catch { /* not JSON: shown as not ready */ }
  const isReady = ready.status === 200;
  const numbers = summarize(parseMetrics(metrics.text));
  const previous = history.length ? history.at(-1).total : numbers.invocations;
  history.push({ total: numbers.invocations, delta: Math.max(0, numbers.invocations - previous) });
  if (history.length > POINTS) history.shift();
  const outcomes = Object.entries(numbers.outcomes).sort();
  replace(container,
    item('status', h('span', { class: `pill ${isReady ? 'up' : 'down'}` }, isReady ? 'ready' : (readiness.code ?? 'not ready'))),
    readiness.store ? item('store', readiness.store) : null,
    item('modules', String(readiness.modules ?? '–')),
    item('invocations', outcomes.length === 0 ? '0' : outcomes.map(([outcome, count]) => h('span', { class: 'outcome' }, `${outcome} ${count}`)),
      sparkline(history.map((point) => point.delta))),
    item('cache', `${numbers.cacheHits} hits / ${numbers.cacheMisses} misses`),
    item('queue', `${numbers.queue} waiting · ${numbers.running} running`));
}

/**
 * Starts refreshing `container` every few seconds (paused while the tab is hidden),
 * and at once after the console changed something (the `wasmhost:changed` event).
 */
export function startHealth(container) {
  if (timer !== null) return;
  const tick = async () => {
    clearTimeout(timer);
    if (!document.hidden) await refresh(container);
    timer = setTimeout(tick, INTERVAL_MS);
  };
  window.addEventListener('wasmhost:changed', () => {
    clearTimeout(timer);
    timer = setTimeout(tick, 50);
  });
  tick();
}
