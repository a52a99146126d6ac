// The console's entry point: hash routes, the token prompt, dropping a file on the
// page, and the health header.
//   #/                              modules (list, upload, delete)
//   #/modules/{ref}                 one module: exports, imports, types
//   #/modules/{ref}/invoke/{export} the invoke form and its answer

import { h, replace, announce } from './dom.js';
import { token, setToken, refOf, Unauthorized, Unreachable } from './api.js';
import { listView, detailView, describeExport, upload } from './modules.js';
import { invokeView } from './invoke.js';
import { startHealth } from './health.js';

const view = document.getElementById('view');
let rendering = 0;

function route(hash) {
  let parts;
  try {
    parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { name: 'list' }; // bad percent-encoding typed into the address bar
  }
  if (parts[0] === 'modules' && parts.length === 2) return { name: 'detail', ref: parts[1] };
  if (parts[0] === 'modules' && parts.length === 4 && parts[2] === 'invoke') return { name: 'invoke', ref: parts[1], export: parts[3] };
  return { name: 'list' };
}

/** Shows `hash`; `force` renders again when the hash is already current. */
function navigate(hash, force = false) {
  if (location.hash === hash || (hash === '#/' && location.hash === '')) {
    if (force || hash !== location.hash) render();
  } else {
    location.hash = hash;
  }
}

async function viewFor(target) {
  switch (target.name) {
    case 'detail': return detailView(target.ref, navigate);
    case 'invoke': {
      const found = await describeExport(target.ref, target.export);
      if (found.failure) return h('section', { class: 'view' }, h('h2', { tabIndex: -1 }, 'Invoke'), found.failure);
      if (!found.exported || found.exported.kind !== 'func') {
        return h('section', { class: 'view' }, h('h2', { tabIndex: -1 }, 'Invoke'),
          h('p', {}, `${target.ref} has no function export named ${target.export}.`), h('a', { href: `#/modules/${encodeURIComponent(target.ref)}` }, 'Back to the module'));
      }
      return invokeView(found.module, found.exported);
    }
    default: return listView(navigate);
  }
}

async function render() {
  const ticket = ++rendering;
  updateTokenButton();
  let content;
  try {
    content = await viewFor(route(location.hash));
  } catch (error) {
    if (error instanceof Unauthorized) content = tokenView(error);
    else if (error instanceof Unreachable) content = h('section', { class: 'view' }, h('h2', { tabIndex: -1 }, 'No answer'), h('p', { role: 'alert' }, error.message));
    else throw error;
  }
  if (ticket !== rendering) return; // a newer navigation won
  replace(view, content);
  const heading = view.querySelector('h2');
  heading?.focus({ preventScroll: false });
  document.title = `${heading?.textContent ?? 'Console'} · wasmhost`;
}

/** The token prompt after a 401; a token that was refused is forgotten. */
function tokenView(error) {
  const hadToken = token() !== null;
  setToken(null);
  updateTokenButton();
  const input = h('input', { type: 'password', id: 'token-input', name: 'token', required: true, autocomplete: 'off', 'aria-describedby': 'token-hint' });
  const form = h('form', { class: 'token-form', id: 'token-form' },
    h('div', { class: 'field' }, h('label', { for: input.id }, 'Bearer token'), input,
      h('p', { class: 'hint', id: 'token-hint' }, 'Kept in this tab only (sessionStorage) and sent as Authorization: Bearer on /v1 requests.')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Use token')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    render();
  });
  return h('section', { class: 'view token', id: 'token-prompt' },
    h('h2', { tabIndex: -1 }, 'This daemon needs a token'),
    h('p', { role: hadToken ? 'alert' : null }, hadToken ? `The token was not accepted: ${error.message}.` : 'Auth is configured: enter the token to use the console.'),
    form);
}

function updateTokenButton() {
  document.getElementById('forget-token').hidden = token() === null;
}

document.getElementById('forget-token').addEventListener('click', () => {
  setToken(null);
  announce('Token forgotten.');
  render();
});

// A failure in an event handler (an expired token while invoking, say) ends up here.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof Unauthorized) {
    event.preventDefault();
    replace(view, tokenView(event.reason));
    view.querySelector('h2')?.focus();
  }
});

// Drop a module anywhere on the page: it is uploaded with the name in the form, if any.
document.addEventListener('dragover', (event) => {
  if (![...(event.dataTransfer?.types ?? [])].includes('Files')) return;
  event.preventDefault();
  document.body.classList.add('dropping');
});
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) document.body.classList.remove('dropping');
});
document.addEventListener('drop', async (event) => {
  document.body.classList.remove('dropping');
  const file = event.dataTransfer?.files?.[0];
  if (!file) return;
  event.preventDefault();
  const name = document.getElementById('upload-name')?.value.trim() ?? '';
  const status = document.querySelector('.upload-status') ?? document.getElementById('drop-status');
  const uploaded = await upload(file, name, status);
  if (uploaded) navigate(`#/modules/${encodeURIComponent(refOf(uploaded))}`);
});

// The skip link focuses the content without touching the hash, which holds the route.
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  view.focus();
});

window.addEventListener('hashchange', render);
startHealth(document.getElementById('health'));
render();
