// Tiny DOM helpers: elements are built with properties and children, never from
// HTML text, so nothing the daemon or a module sends can become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(node, attributes, children, asAttributes) {
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.setAttribute('class', value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (asAttributes || key.includes('-') || !(key in node)) node.setAttribute(key, value === true ? '' : value);
    else node[key] = value;
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** An HTML element: h('a', {href: '#/'}, 'text', child, ...). */
export function h(tag, attributes, ...children) {
  return fill(document.createElement(tag), attributes, children, false);
}

/** An SVG element; every key is an attribute. */
export function s(tag, attributes, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children, true);
}

/** Replaces the children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  return fill(node, {}, children, false);
}

/** Bytes as B, KiB or MiB. */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Microseconds as µs or ms. */
export function formatMicros(micros) {
  return micros < 1000 ? `${micros} µs` : `${(micros / 1000).toFixed(micros < 100000 ? 2 : 0)} ms`;
}

/** Announces `text` in the page's polite live region. */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (region) region.textContent = text;
}
