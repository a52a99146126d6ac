// JSON that keeps every number exactly as the daemon wrote it: an i64 result
// such as 9223372036854775807 does not fit a JavaScript number.

/** A number kept as its JSON source text. */
export class ExactNumber {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
  /** The nearest JavaScript number, for arithmetic such as formatting a size. */
  valueOf() { return Number(this.text); }
}

/** JSON.parse, with numbers as ExactNumber (source text access, Chromium 114+, Firefox 135+). */
export function parseExact(text) {
  return JSON.parse(text, (key, value, context) =>
    typeof value === 'number' ? new ExactNumber(context?.source ?? String(value)) : value);
}

/** JSON text of `value`, writing ExactNumber as its text; indented by two spaces when `pretty`. */
export function stringify(value, pretty = false, depth = 0) {
  if (value instanceof ExactNumber) return value.text;
  const inner = pretty ? '\n' + '  '.repeat(depth + 1) : '';
  const outer = pretty ? '\n' + '  '.repeat(depth) : '';
  const colon = pretty ? ': ' : ':';
  let items;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    items = value.map((item) => stringify(item, pretty, depth + 1));
    return `[${inner}${items.join(',' + inner)}${outer}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    items = entries.map(([key, item]) => JSON.stringify(key) + colon + stringify(item, pretty, depth + 1));
    return `{${inner}${items.join(',' + inner)}${outer}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
