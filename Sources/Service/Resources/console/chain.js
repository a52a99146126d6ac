// A 508 reentrancy chain drawn as an SVG of frames, one lane per module, with the
// repeated frame (reason "repeat") or the cut at the depth limit (reason "depth")
// marked; and a trap's backtrace as a list.

import { h, s } from './dom.js';

const LANE_WIDTH = 190;
const BOX_WIDTH = 170;
const BOX_HEIGHT = 30;
const ROW = 44;
const TOP = 40;
const SIDE = 12;
const MAX_SHOWN = 24;
let figures = 0;

/**
 * Splits a frame `LABEL.EXPORT(ARGS)` into {module, call}. A label may contain dots,
 * so the longest known label that prefixes the frame wins; else the first dot splits.
 */
export function parseFrame(frame, knownLabels = []) {
  const label = [...knownLabels].sort((a, b) => b.length - a.length).find((known) => frame.startsWith(known + '.'));
  const dot = label ? label.length : frame.indexOf('.');
  if (dot <= 0) return { module: '?', call: frame };
  return { module: frame.slice(0, dot), call: frame.slice(dot + 1) };
}

/** Which frames to draw: all, or the first and last MAX_SHOWN / 2 around a gap. */
function visibleRows(count) {
  if (count <= MAX_SHOWN) return [...Array(count).keys()];
  const half = MAX_SHOWN / 2;
  return [...Array(half).keys(), null, ...Array.from({ length: half }, (_, i) => count - half + i)];
}

function shorten(text, room) {
  return text.length <= room ? text : text.slice(0, room - 1) + '…';
}

/** The figure for `chain` (frame strings), `reason` ("repeat" or "depth") and known module labels. */
export function chainFigure(chain, reason, knownLabels) {
  const id = `chain${++figures}`;
  const frames = chain.map((frame) => parseFrame(frame, knownLabels));
  const lanes = [...new Set(frames.map((frame) => frame.module))];
  const last = chain.length - 1;
  const firstOfRepeat = reason === 'repeat' ? chain.indexOf(chain[last]) : -1;
  const repeated = firstOfRepeat >= 0 && firstOfRepeat < last;
  const rows = visibleRows(chain.length);
  const width = SIDE * 2 + lanes.length * LANE_WIDTH + (repeated ? 70 : 0);
  const height = TOP + rows.length * ROW + (reason === 'depth' ? 30 : 6);
  const summary = repeated
    ? `${chain.length} frames; frame ${last + 1} repeats frame ${firstOfRepeat + 1}, ${chain[last]}`
    : reason === 'depth' ? `${chain.length} frames; cut at the depth limit` : `${chain.length} frames`;

  const laneX = (module) => SIDE + lanes.indexOf(module) * LANE_WIDTH;
  const rowY = (row) => TOP + row * ROW;
  const graphics = [];
  lanes.forEach((lane) => {
    const x = laneX(lane) + BOX_WIDTH / 2;
    graphics.push(s('text', { class: 'lane-name', x, y: 16, 'text-anchor': 'middle' }, shorten(lane, 24)));
    graphics.push(s('line', { class: 'lane', x1: x, y1: 24, x2: x, y2: height - 4 }));
  });

  const centers = new Map();
  rows.forEach((index, row) => {
    const y = rowY(row);
    if (index === null) {
      graphics.push(s('text', { class: 'gap', x: SIDE, y: y + 20 }, `… ${chain.length - MAX_SHOWN} more frames …`));
      return;
    }
    const frame = frames[index];
    const x = laneX(frame.module);
    const marks = ['frame'];
    if (repeated && index === last) marks.push('repeat');
    if (repeated && index === firstOfRepeat) marks.push('repeat-first');
    if (reason === 'depth' && index === last) marks.push('cut');
    centers.set(index, { x: x + BOX_WIDTH / 2, y, right: x + BOX_WIDTH });
    graphics.push(s('g', { class: marks.join(' '), 'data-index': index },
      s('title', {}, `${index + 1}. ${chain[index]}`),
      s('rect', { x, y, width: BOX_WIDTH, height: BOX_HEIGHT, rx: 5 }),
      s('text', { x: x + 8, y: y + 19 }, `${index + 1}  ${shorten(frame.call, 20)}`)));
  });

  // Calls: each frame entered from the one before it.
  for (let index = 1; index <= last; index++) {
    const from = centers.get(index - 1);
    const to = centers.get(index);
    if (!from || !to) continue;
    graphics.push(s('path', { class: 'call', d: `M${from.x},${from.y + BOX_HEIGHT} L${to.x},${to.y - 2}`, 'marker-end': `url(#${id}-arrow)` }));
  }
  if (repeated) {
    // Each row holds one frame, so a link along the rows of the two frames and down a
    // gutter right of every lane crosses no other frame.
    const from = centers.get(last);
    const to = centers.get(firstOfRepeat);
    if (from && to) {
      const gutter = SIDE + lanes.length * LANE_WIDTH + 8;
      const fromY = from.y + BOX_HEIGHT / 2;
      const toY = to.y + BOX_HEIGHT / 2;
      graphics.push(s('path', {
        class: 'repeat-link', 'marker-end': `url(#${id}-arrow-repeat)`,
        d: `M${from.right},${fromY} H${gutter - 8} Q${gutter},${fromY} ${gutter},${fromY - 8} V${toY + 8} Q${gutter},${toY} ${gutter - 8},${toY} H${to.right + 2}`,
      }));
      graphics.push(s('text', { class: 'repeat-label', x: gutter + 6, y: (fromY + toY) / 2 + 4 }, 'repeat'));
    }
  }
  if (reason === 'depth') {
    const y = rowY(rows.length) + 4;
    graphics.push(s('line', { class: 'cut-line', x1: 4, y1: y, x2: width - 4, y2: y }));
    graphics.push(s('text', { class: 'cut-label', x: SIDE, y: y + 18 }, `cut at the depth limit: ${chain.length} frames`));
  }

  const marker = (suffix, className) => s('marker', {
    id: `${id}-${suffix}`, class: className, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
  }, s('path', { d: 'M0,0 L10,5 L0,10 z' }));
  const svg = s('svg', {
    class: 'chain', role: 'img', viewBox: `0 0 ${width} ${height}`, width, height,
    'aria-labelledby': `${id}-title`, 'data-reason': reason ?? '',
  },
  s('title', { id: `${id}-title` }, `Reentrancy chain: ${summary}`),
  s('defs', {}, marker('arrow', 'arrow'), marker('arrow-repeat', 'arrow-repeat')),
  graphics);
  return h('figure', { class: 'chain-figure' },
    h('div', { class: 'chain-scroll' }, svg),
    h('figcaption', {}, `Chain (${reason ?? 'loop'}): ${summary}.`));
}

/** A trap's backtrace, innermost function first; a run of one function (deep recursion) is one line. */
export function backtraceList(backtrace) {
  const runs = [];
  for (const name of backtrace.map(String)) {
    if (runs.length && runs.at(-1).name === name) runs.at(-1).count += 1;
    else runs.push({ name, count: 1 });
  }
  return h('section', { class: 'backtrace' },
    h('h4', {}, `Backtrace (${backtrace.length} frame${backtrace.length === 1 ? '' : 's'})`),
    h('ol', {}, runs.map((run) => h('li', { dataset: { count: run.count } }, h('code', {}, run.name),
      run.count > 1 ? h('span', { class: 'muted' }, ` × ${run.count}`) : null))));
}
