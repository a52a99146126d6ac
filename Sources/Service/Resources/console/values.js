// Argument fields generated from an export's signature, and their text turned
// into JSON fragments by API.md's value rules. Fragments are JSON text, not
// JavaScript values, so an i64 or a float such as -0.0 is sent exactly as typed.

const INTEGER = /^-?(0x[0-9a-f]+|[0-9]+)$/i;
const DECIMAL_INTEGER = /^-?[0-9]+$/;
const FLOAT_WORD = /^-?(nan|inf)$/i;
const FLOAT_NUMBER = /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/;
const V128 = /^0x[0-9a-f]{32}$/i;
const WIT_INTEGERS = new Set(['s8', 's16', 's32', 's64', 'u8', 'u16', 'u32', 'u64']);

/** A value that cannot be sent for its type. */
export class ValueError extends Error {}

/**
 * How a field for `type` looks: `control` is 'number', 'text', 'json', 'null' or 'bool';
 * `hint` says what it takes. Core types are i32, i64, f32, f64, v128, funcref and
 * externref; WIT types of a component (s8…u64, f32/f64, bool, char, string) get the
 * same typed fields, and every other type (records, variants, lists…) a JSON editor.
 */
export function fieldFor(type) {
  switch (type) {
    case 'i32': return { control: 'number', hint: 'integer, -2147483648 to 4294967295', min: '-2147483648', max: '4294967295' };
    case 'i64': return { control: 'text', hint: 'integer: decimal or 0x hex, exact', inputmode: 'numeric' };
    case 'f32': case 'f64': case 'float32': case 'float64':
      return { control: 'text', hint: 'number, nan, -nan, inf, -inf, or {"bits":"0x…"}', inputmode: 'decimal' };
    case 'v128': return { control: 'text', hint: '0x and 32 hex digits, bytes in memory order' };
    case 'funcref': case 'externref': return { control: 'null', hint: 'only null can be passed' };
    case 'bool': return { control: 'bool', hint: 'true or false' };
    case 'char': return { control: 'text', hint: 'one character' };
    case 'string': return { control: 'text', hint: 'text' };
    default:
      if (WIT_INTEGERS.has(type)) return { control: 'text', hint: `integer (${type}): decimal or 0x hex`, inputmode: 'numeric' };
      return { control: 'json', hint: `any JSON value for ${type}` };
  }
}

/** The JSON fragment for `text` typed into a field of `type`. Throws ValueError. */
export function fragmentFor(type, text) {
  const value = typeof text === 'string' ? text.trim() : text;
  switch (fieldFor(type).control) {
    case 'null': return 'null';
    case 'bool': return value ? 'true' : 'false';
    case 'number': case 'text':
      break;
    default: return jsonFragment(value, type);
  }
  if (type === 'string') return JSON.stringify(text);
  if (type === 'char') {
    if ([...text].length !== 1) throw new ValueError('a char is exactly one character');
    return JSON.stringify(text);
  }
  if (value === '') throw new ValueError('a value is required');
  if (type === 'v128') {
    if (!V128.test(value)) throw new ValueError('a v128 is 0x followed by 32 hex digits');
    return JSON.stringify(value);
  }
  if (type === 'f32' || type === 'f64' || type === 'float32' || type === 'float64') return floatFragment(value);
  if (!INTEGER.test(value)) throw new ValueError('an integer is decimal digits or 0x hex, with an optional -');
  // A decimal integer is sent as a JSON number; the daemon parses its text exactly.
  return DECIMAL_INTEGER.test(value) ? value.replace(/^(-?)0+(?=\d)/, '$1') : JSON.stringify(value);
}

function floatFragment(value) {
  if (FLOAT_WORD.test(value)) return JSON.stringify(value.toLowerCase());
  if (value.startsWith('{')) return jsonFragment(value, 'float');
  if (!FLOAT_NUMBER.test(value)) throw new ValueError('a float is a number, nan, -nan, inf, -inf or {"bits": "0x…"}');
  // JSON wants a digit on both sides of the point and no leading +.
  return value.replace(/^\+/, '').replace(/^(-?)\./, '$10.').replace(/\.(?=$|[eE])/, '.0');
}

function jsonFragment(value, type) {
  if (value === '') throw new ValueError(`a JSON value is required for ${type}`);
  try {
    JSON.parse(value);
  } catch (error) {
    throw new ValueError(`not valid JSON: ${error.message}`);
  }
  return value;
}

/** The text a JSON editor for `type` starts with. */
export function placeholderFor(type) {
  if (fieldFor(type).control !== 'json') return '';
  if (type.startsWith('list<')) return '[]';
  if (type.startsWith('option<')) return 'null';
  if (type.startsWith('result<')) return '{"tag": "ok", "val": null}';
  return '';
}

/**
 * The parameters of a described export as [{name, type}]: a core export has
 * `params: ["i32", ...]`, a component function `params: [{name, type}, ...]`.
 */
export function parametersOf(exported) {
  return (exported.params ?? []).map((param, index) =>
    typeof param === 'string' ? { name: `arg${index}`, type: param } : { name: param.name ?? `arg${index}`, type: param.type ?? 'json' });
}

/** The export's signature as text: `add(i32, i32) -> i32` or `greet(name: string) -> string`. */
export function signatureOf(exported) {
  const named = (exported.params ?? []).some((param) => typeof param !== 'string');
  const params = parametersOf(exported).map((param) => (named ? `${param.name}: ${param.type}` : param.type));
  const results = exported.results ?? (exported.result !== undefined && exported.result !== null ? [exported.result] : []);
  const arrow = results.length === 0 ? '' : ` -> ${results.length === 1 ? results[0] : `(${results.join(', ')})`}`;
  return `${exported.name}(${params.join(', ')})${arrow}`;
}
