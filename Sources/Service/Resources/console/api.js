// The public /v1 API from the browser: the bearer token (kept in sessionStorage),
// answers parsed exactly, problems as values, and the same request as a curl command.

import { parseExact } from './json.js';

const TOKEN_KEY = 'wasmhost.token';

/** The token this tab uses, or null. */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keeps `value` as this tab's token; null forgets it. */
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** A 401 from /v1: the console asks for a token. */
export class Unauthorized extends Error {
  constructor(problem) {
    super(problem?.detail ?? 'a token is required');
    this.problem = problem;
  }
}

/** The daemon could not be reached at all. */
export class Unreachable extends Error {}

/**
 * Sends a request to the daemon. `body` is a string, Blob or File.
 * Returns {status, ok, data, problem, text}: `data` is the parsed JSON body
 * (numbers kept exact), `problem` the same for an application/problem+json answer.
 * Throws Unauthorized on 401 and Unreachable when there is no answer.
 */
export async function request(method, path, { body, contentType } = {}) {
  const headers = {};
  const bearer = token();
  if (bearer && path.startsWith('/v1')) headers.Authorization = `Bearer ${bearer}`;
  if (contentType) headers['Content-Type'] = contentType;
  let response;
  try {
    response = await fetch(path, { method, headers, body, cache: 'no-store' });
  } catch (error) {
    throw new Unreachable(`the daemon did not answer (${error.message})`);
  }
  const text = await response.text();
  const type = response.headers.get('Content-Type') ?? '';
  let data = null;
  if (type.includes('json') && text) {
    try {
      data = parseExact(text);
    } catch {
      data = null;
    }
  }
  const problem = type.startsWith('application/problem+json') ? data : null;
  // Uploads, deletes and invocations change what the health header counts.
  if (method !== 'GET') window.dispatchEvent(new Event('wasmhost:changed'));
  if (response.status === 401 && path.startsWith('/v1')) throw new Unauthorized(problem);
  return { status: response.status, statusText: response.statusText, ok: response.ok, data, problem, text };
}

/** Shell-quotes `text` in single quotes. */
export function shellQuote(text) {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The curl command that sends the same request. The token is not written out:
 * the command reads it from $WASMHOST_TOKEN, as examples/curl does.
 */
export function curlCommand(method, path, bodyText) {
  const parts = ['curl', '-sS'];
  if (method !== 'GET') parts.push('-X', method);
  if (token()) parts.push('-H', '"Authorization: Bearer $WASMHOST_TOKEN"');
  if (bodyText !== undefined) parts.push('-H', shellQuote('Content-Type: application/json'), '--data-raw', shellQuote(bodyText));
  parts.push(shellQuote(new URL(path, location.origin).href));
  return parts.join(' ');
}

/** The path of a module: `/v1/modules/{ref}`. */
export function modulePath(ref) {
  return `/v1/modules/${encodeURIComponent(ref)}`;
}

/** The path of an invocation: `/v1/modules/{ref}/invoke/{export}`. */
export function invokePath(ref, exportName) {
  return `${modulePath(ref)}/invoke/${encodeURIComponent(exportName)}`;
}

/** How the console names a module: its first name, or the start of its id. */
export function refOf(module) {
  return module.names?.[0] ?? module.id;
}

/** The label the daemon writes in a chain frame: first name in sort order, or 12 id characters. */
export function chainLabelOf(module) {
  const names = [...(module.names ?? [])].sort();
  return names[0] ?? module.id.slice(0, 12);
}
