// An invocation's answer: the results and captured streams of a 200, or a problem
// shown as its code, title and detail with its extra members drawn (chain, backtrace).

import { h, formatMicros } from './dom.js';
import { stringify } from './json.js';
import { chainFigure, backtraceList } from './chain.js';

function row(term, ...description) {
  return [h('dt', {}, term), h('dd', {}, ...description)];
}

function block(text) {
  return h('pre', { class: 'stream' }, text === '' ? h('span', { class: 'muted' }, '(empty)') : text);
}

/** The 200 answer of an invocation; `resultTypes` label the results. */
export function successView(answer, resultTypes = []) {
  const results = answer.results ?? [];
  const rows = [];
  rows.push(row('results', results.length === 0
    ? h('span', { class: 'muted' }, 'none')
    : h('ul', { class: 'results' }, results.map((value, index) => h('li', {},
      h('output', { class: 'result-value' }, stringify(value)),
      resultTypes[index] ? h('span', { class: 'type' }, ` ${resultTypes[index]}`) : null)))));
  if (answer.output !== undefined) rows.push(row('output', block(answer.output)));
  if (answer.output_base64 !== undefined) rows.push(row('output (base64)', block(answer.output_base64)));
  if (answer.logs !== undefined) {
    rows.push(row('logs', answer.logs.length === 0 ? h('span', { class: 'muted' }, 'none')
      : h('ol', { class: 'logs' }, answer.logs.map((line) => h('li', {}, h('code', {}, line))))));
  }
  for (const stream of ['stdout', 'stderr']) {
    if (answer[stream] !== undefined) rows.push(row(stream, block(answer[stream])));
    if (answer[`${stream}_base64`] !== undefined) rows.push(row(`${stream} (base64)`, block(answer[`${stream}_base64`])));
  }
  if (answer.exit_code !== undefined) rows.push(row('exit code', String(answer.exit_code)));
  if (answer.truncated !== undefined) rows.push(row('truncated', answer.truncated.join(', ')));
  rows.push(...metering(answer));
  return h('section', { class: 'answer ok', 'aria-label': 'Answer' },
    h('h3', {}, 'Answer ', h('span', { class: 'status ok' }, '200')),
    h('dl', {}, rows));
}

function metering(body) {
  const rows = [];
  if (body.fuel_used !== undefined) rows.push(row('fuel used', String(body.fuel_used)));
  if (body.duration_us !== undefined) rows.push(row('duration', formatMicros(Number(String(body.duration_us)))));
  return rows;
}

const SHOWN = new Set(['status', 'code', 'title', 'detail', 'chain', 'reason', 'backtrace', 'fuel_used', 'duration_us', 'type', 'instance']);

/** A problem answer; `knownLabels` help split chain frames into modules. */
export function problemView(problem, status, knownLabels = []) {
  const extras = Object.entries(problem).filter(([key]) => !SHOWN.has(key));
  const parts = [
    h('h3', {}, h('span', { class: 'status bad' }, String(problem.status ?? status)), ' ', h('span', { class: 'problem-title' }, problem.title ?? 'Error')),
    h('p', { class: 'problem-code' }, h('code', {}, problem.code ?? 'unknown')),
    h('p', { class: 'problem-detail' }, problem.detail ?? ''),
  ];
  const rows = [];
  if (problem.reason !== undefined) rows.push(row('reason', String(problem.reason)));
  for (const [key, value] of extras) rows.push(row(key.replaceAll('_', ' '), typeof value === 'string' ? value : stringify(value)));
  rows.push(...metering(problem));
  if (rows.length) parts.push(h('dl', {}, rows));
  if (Array.isArray(problem.chain)) parts.push(chainFigure(problem.chain.map(String), problem.reason, knownLabels));
  if (Array.isArray(problem.backtrace) && problem.backtrace.length) parts.push(backtraceList(problem.backtrace));
  return h('section', { class: 'answer problem', role: 'alert', 'aria-label': 'Problem' }, parts);
}

/** A problem view for a 4xx/5xx answer without a problem body (a proxy's page, say). */
export function unexpectedView(status, statusText, text) {
  return problemView({ status, title: statusText || 'Unexpected answer', code: 'unexpected', detail: text.slice(0, 300) }, status);
}
