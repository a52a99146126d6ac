// Modules: the list with upload (file picker or drop) and delete (confirmed), and
// the detail view with exports, imports and their types (a component's WIT too).

import { h, formatBytes, announce } from './dom.js';
import { request, modulePath, refOf } from './api.js';
import { signatureOf } from './values.js';
import { problemView, unexpectedView } from './answer.js';

const NAME_PATTERN = '[a-z0-9][a-z0-9._\\-]{0,63}';

function kindOf(module) {
  // Core modules of a v1 daemon carry no kind; v1.1 writes "module" or "component".
  return module.kind ?? 'module';
}

function failure(reply) {
  return reply.problem ? problemView(reply.problem, reply.status) : unexpectedView(reply.status, reply.statusText, reply.text);
}

/** Asks to confirm deleting `module` in the page's dialog; resolves true when confirmed. */
function confirmDelete(module) {
  const dialog = document.getElementById('confirm-delete');
  const names = module.names?.length ? ` and its names (${module.names.join(', ')})` : '';
  document.getElementById('confirm-delete-text').textContent =
    `Delete module ${refOf(module)}${names}? Stored bytes are removed; this cannot be undone.`;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'delete'), { once: true });
  });
}

/** Deletes `module` after confirmation; calls `done` when it is gone. */
async function deleteModule(module, status, done) {
  if (!(await confirmDelete(module))) return;
  const reply = await request('DELETE', modulePath(module.id));
  if (reply.status === 204) {
    announce(`Deleted ${refOf(module)}.`);
    done();
  } else {
    status.replaceChildren(failure(reply));
  }
}

/** Uploads `file` (a File), with `name` when not empty; resolves to the description or null. */
export async function upload(file, name, status) {
  const query = name ? `?name=${encodeURIComponent(name)}` : '';
  status.replaceChildren(h('p', { class: 'muted' }, `Uploading ${file.name}…`));
  const reply = await request('POST', `/v1/modules${query}`, { body: file, contentType: 'application/octet-stream' });
  if (reply.status === 201 || reply.status === 200) {
    const message = `${file.name} ${reply.status === 201 ? 'stored' : 'was already stored'} as ${refOf(reply.data)}.`;
    status.replaceChildren(h('p', { class: 'success' }, message));
    announce(message);
    return reply.data;
  }
  status.replaceChildren(failure(reply));
  return null;
}

function uploadForm(onUploaded) {
  const file = h('input', { type: 'file', id: 'upload-file', name: 'module', accept: '.wasm,.wat,application/wasm', required: true });
  const name = h('input', { type: 'text', id: 'upload-name', name: 'name', pattern: NAME_PATTERN, autocomplete: 'off', spellcheck: false, 'aria-describedby': 'upload-name-hint' });
  const status = h('div', { class: 'upload-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'upload', id: 'upload-form', 'aria-label': 'Upload a module' },
    h('h3', {}, 'Upload'),
    h('div', { class: 'grid' },
      h('div', { class: 'field' }, h('label', { for: file.id }, 'Module file (.wasm, .wat or a component)'), file,
        h('p', { class: 'hint' }, 'Or drop a file anywhere on the page.')),
      h('div', { class: 'field' }, h('label', { for: name.id }, 'Name (optional)'), name,
        h('p', { class: 'hint', id: 'upload-name-hint' }, 'Lowercase letters, digits, ".", "_" and "-"; the name moves to this module.'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Upload')),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const uploaded = await upload(file.files[0], name.value.trim(), status);
    if (uploaded) onUploaded(uploaded);
  });
  return form;
}

function moduleCard(module, status, reload) {
  const ref = refOf(module);
  const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${ref}` }, 'Delete');
  remove.addEventListener('click', () => deleteModule(module, status, reload));
  const functions = (module.exports ?? []).filter((entry) => entry.kind === 'func').length;
  return h('li', { class: 'card module', dataset: { id: module.id } },
    h('h3', {}, h('a', { href: `#/modules/${encodeURIComponent(ref)}` }, module.names?.length ? module.names.join(', ') : h('code', {}, module.id.slice(0, 12)))),
    h('p', { class: 'meta' },
      h('span', { class: `badge ${kindOf(module)}` }, kindOf(module)), ' ',
      h('span', { class: 'size' }, formatBytes(module.size ?? 0)), ' · ',
      `${functions} function${functions === 1 ? '' : 's'}`,
      module.created_at ? h('time', { dateTime: module.created_at }, `created ${module.created_at.replace('T', ' ').replace('Z', ' UTC')}`) : null),
    h('p', { class: 'id' }, h('code', { title: module.id }, module.id)),
    h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/modules/${encodeURIComponent(ref)}` }, 'Open'), remove));
}

/** The list view: upload form and every stored module. */
export async function listView(navigate) {
  const reply = await request('GET', '/v1/modules');
  const status = h('div', { class: 'list-status', 'aria-live': 'polite' });
  const reload = () => navigate('#/', true);
  const modules = reply.data?.modules ?? [];
  const list = !reply.ok ? failure(reply)
    : modules.length === 0 ? h('p', { class: 'muted empty' }, 'No modules yet: upload a .wasm or .wat file.')
      : h('ul', { class: 'modules' }, modules.map((module) => moduleCard(module, status, reload)));
  return h('section', { class: 'view list' },
    h('h2', { tabIndex: -1 }, 'Modules ', h('span', { class: 'count' }, `(${modules.length})`)),
    uploadForm((module) => navigate(`#/modules/${encodeURIComponent(refOf(module))}`)),
    status, list);
}

function exportType(entry) {
  switch (entry.kind) {
    case 'func': return signatureOf(entry);
    case 'memory': return `memory, ${entry.min} pages min, max ${entry.max ?? 'none'}`;
    case 'table': return `table of ${entry.element}, ${entry.min} min, max ${entry.max ?? 'none'}`;
    case 'global': return `global ${entry.mutable ? 'mut ' : ''}${entry.type}`;
    default: return entry.kind ?? '';
  }
}

function exportsTable(module, ref) {
  const rows = (module.exports ?? []).map((entry) => {
    const callable = entry.kind === 'func' && entry.callable !== false;
    return h('tr', {},
      h('th', { scope: 'row' }, h('code', {}, entry.name)),
      h('td', {}, entry.kind),
      h('td', {}, h('code', {}, exportType(entry)), entry.detail ? h('p', { class: 'hint' }, entry.detail) : null),
      h('td', {}, callable ? h('a', { class: 'button', href: `#/modules/${encodeURIComponent(ref)}/invoke/${encodeURIComponent(entry.name)}`, 'aria-label': `Invoke ${entry.name}` }, 'Invoke') : null));
  });
  if (rows.length === 0) return h('p', { class: 'muted' }, 'No exports.');
  return h('div', { class: 'table-scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Action')))),
    h('tbody', {}, rows)));
}

function importsList(module) {
  const imports = module.imports ?? [];
  if (imports.length === 0) return h('p', { class: 'muted' }, 'No imports.');
  return h('ul', { class: 'imports' }, imports.map((entry) => h('li', {}, h('code', {},
    typeof entry === 'string' ? entry
      : `${entry.module}.${entry.name}: ${entry.kind === 'func' ? signatureOf({ ...entry, name: '' }).replace(/^\(/, 'func(') : entry.kind}`))));
}

/** The detail view of the module `ref`. */
export async function detailView(ref, navigate) {
  const reply = await request('GET', modulePath(ref));
  if (reply.ok) return moduleDetail(reply.data, navigate);
  return h('section', { class: 'view detail' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Modules'), ' / ', ref), h('h2', { tabIndex: -1 }, ref), failure(reply));
}

/** The page of one module's description: facts, exports, imports, and a component's types and WIT. */
export function moduleDetail(module, navigate) {
  const crumbs = h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Modules'), ' / ', refOf(module));
  const status = h('div', { 'aria-live': 'polite' });
  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete module');
  remove.addEventListener('click', () => deleteModule(module, status, () => navigate('#/')));
  return h('section', { class: 'view detail' },
    crumbs,
    h('h2', { tabIndex: -1 }, module.names?.length ? module.names.join(', ') : h('code', {}, module.id.slice(0, 12)), ' ', h('span', { class: `badge ${kindOf(module)}` }, kindOf(module))),
    h('dl', { class: 'facts' },
      h('dt', {}, 'id'), h('dd', {}, h('code', { class: 'id' }, module.id)),
      h('dt', {}, 'size'), h('dd', {}, formatBytes(module.size ?? 0)),
      module.created_at ? [h('dt', {}, 'created'), h('dd', {}, module.created_at)] : null),
    h('h3', {}, 'Exports'), exportsTable(module, refOf(module)),
    h('h3', {}, 'Imports'), importsList(module),
    module.types && Object.keys(module.types).length ? [h('h3', {}, 'Types'),
      h('dl', { class: 'types' }, Object.entries(module.types).map(([name, type]) => [h('dt', {}, h('code', {}, name)), h('dd', {}, h('code', {}, type))]))] : null,
    module.wit ? [h('h3', {}, 'WIT'), h('pre', { class: 'wit' }, module.wit)] : null,
    h('div', { class: 'actions' }, remove),
    status);
}

/** The description of `ref` and its export `name`, for the invoke view. */
export async function describeExport(ref, name) {
  const reply = await request('GET', modulePath(ref));
  if (!reply.ok) return { failure: failure(reply) };
  const exported = (reply.data.exports ?? []).find((entry) => entry.name === name);
  return { module: reply.data, exported };
}
