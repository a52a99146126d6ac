// The invoke form, generated from the export's signature in the module description,
// and the answer below it. The request body is built as JSON text from the fields so
// that integers and floats reach the daemon exactly as typed.

import { h, announce } from './dom.js';
import { stringify } from './json.js';
import { request, curlCommand, invokePath, refOf, chainLabelOf } from './api.js';
import { fieldFor, fragmentFor, placeholderFor, parametersOf, signatureOf, ValueError } from './values.js';
import { successView, problemView, unexpectedView } from './answer.js';

let forms = 0;

function control(id, param, describedBy) {
  const field = fieldFor(param.type);
  const common = { id, name: param.name, 'aria-describedby': describedBy, class: 'arg', dataset: { type: param.type } };
  switch (field.control) {
    case 'number': return h('input', { ...common, type: 'number', step: '1', inputMode: 'numeric' });
    case 'null': return h('input', { ...common, type: 'text', value: 'null', readOnly: true });
    case 'bool': return h('input', { ...common, type: 'checkbox' });
    case 'json': return h('textarea', { ...common, rows: 2, spellcheck: false, value: placeholderFor(param.type), class: 'arg json' });
    default: return h('input', { ...common, type: 'text', inputMode: field.inputmode, autocomplete: 'off', spellcheck: false });
  }
}

function argumentField(prefix, param, index) {
  const id = `${prefix}-arg${index}`;
  const hintID = `${id}-hint`;
  const input = control(id, param, hintID);
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  return {
    param, input, error,
    element: h('div', { class: `field ${input.type === 'checkbox' ? 'check' : ''}` },
      h('label', { for: id }, param.name, ' ', h('span', { class: 'type' }, param.type)),
      input,
      h('p', { class: 'hint', id: hintID }, fieldFor(param.type).hint),
      error),
  };
}

function numberField(id, label, hint) {
  const input = h('input', { id, type: 'number', min: '1', step: '1', inputMode: 'numeric', 'aria-describedby': `${id}-hint` });
  return { input, element: h('div', { class: 'field' }, h('label', { for: id }, label), input, h('p', { class: 'hint', id: `${id}-hint` }, hint)) };
}

function textField(id, label, hint) {
  const input = h('textarea', { id, rows: 2, 'aria-describedby': `${id}-hint` });
  return { input, element: h('div', { class: 'field' }, h('label', { for: id }, label), input, h('p', { class: 'hint', id: `${id}-hint` }, hint)) };
}

/** The invoke view for `exported` of `module` (a description from /v1). */
export function invokeView(module, exported) {
  const prefix = `invoke${++forms}`;
  const ref = refOf(module);
  const path = invokePath(ref, exported.name);
  const resultTypes = exported.results ?? (exported.result ? [exported.result] : []);
  const fields = parametersOf(exported).map((param, index) => argumentField(prefix, param, index));
  const usesWASI = (module.imports ?? []).some((entry) => (entry.module ?? String(entry)).startsWith('wasi'));

  const jsonMode = h('input', { type: 'checkbox', id: `${prefix}-jsonmode` });
  const jsonArgs = h('textarea', { id: `${prefix}-json`, rows: 3, spellcheck: false, class: 'json', 'aria-describedby': `${prefix}-json-hint` });
  const jsonError = h('p', { class: 'field-error', hidden: true });
  const jsonBox = h('div', { class: 'field', hidden: true },
    h('label', { for: jsonArgs.id }, 'Arguments as JSON'), jsonArgs,
    h('p', { class: 'hint', id: `${prefix}-json-hint` }, 'An array in parameter order (or, for a component, an object keyed by parameter name). Any JSON value is sent as written.'),
    jsonError);
  const fieldBox = h('div', { class: 'fields' }, fields.length ? fields.map((field) => field.element) : h('p', { class: 'muted' }, 'This export takes no arguments.'));
  const input = textField(`${prefix}-input`, 'Input', 'Text the guest reads with host.input_size and host.input_read (optional).');
  const stdin = usesWASI ? textField(`${prefix}-stdin`, 'WASI stdin', 'Standard input of a WASI program (optional).') : null;
  const fuel = numberField(`${prefix}-fuel`, 'Fuel', 'Optional: lowers the server\'s fuel budget.');
  const timeout = numberField(`${prefix}-timeout`, 'Timeout (ms)', 'Optional: lowers the server\'s deadline.');
  const curl = h('pre', { class: 'curl', id: `${prefix}-curl`, tabIndex: 0, 'aria-label': 'curl command' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Invoke');
  const answer = h('div', { class: 'answer-area', 'aria-live': 'polite' });

  const argsText = () => {
    if (jsonMode.checked) {
      const text = jsonArgs.value.trim() || '[]';
      try {
        const value = JSON.parse(text);
        if (typeof value !== 'object' || value === null) throw new ValueError('arguments are a JSON array or object');
      } catch (error) {
        throw Object.assign(new ValueError(error instanceof ValueError ? error.message : `not valid JSON: ${error.message}`), { field: { input: jsonArgs, error: jsonError } });
      }
      return text;
    }
    return `[${fields.map((field) => {
      try {
        return fragmentFor(field.param.type, field.input.type === 'checkbox' ? field.input.checked : field.input.value);
      } catch (error) {
        throw Object.assign(error, { field });
      }
    }).join(',')}]`;
  };
  const wholeNumber = (field, name) => {
    const text = field.input.value.trim();
    if (text !== '' && !/^[0-9]+$/.test(text)) throw Object.assign(new ValueError(`${name} is a whole number`), { field });
    return text;
  };
  const bodyText = () => {
    const members = [];
    if (fields.length || jsonMode.checked) members.push(`"args":${argsText()}`);
    if (input.input.value !== '') members.push(`"input":${JSON.stringify(input.input.value)}`);
    const fuelText = wholeNumber(fuel, 'fuel');
    if (fuelText) members.push(`"fuel":${fuelText}`);
    const timeoutText = wholeNumber(timeout, 'timeout');
    if (timeoutText) members.push(`"timeout_ms":${timeoutText}`);
    if (stdin && stdin.input.value !== '') members.push(`"wasi":{"stdin":${JSON.stringify(stdin.input.value)}}`);
    return `{${members.join(',')}}`;
  };
  const clearErrors = () => {
    for (const field of [...fields, { input: jsonArgs, error: jsonError }]) {
      field.input.removeAttribute('aria-invalid');
      if (field.error) field.error.hidden = true;
    }
  };
  const showError = (error) => {
    const field = error.field;
    if (field?.error) {
      field.input.setAttribute('aria-invalid', 'true');
      field.error.textContent = error.message;
      field.error.hidden = false;
      field.input.focus();
    }
    announce(error.message);
  };
  const updateCurl = () => {
    try {
      curl.textContent = curlCommand('POST', path, bodyText());
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      curl.textContent = `# ${error.message}`;
    }
  };

  jsonMode.addEventListener('change', () => {
    if (jsonMode.checked && jsonArgs.value.trim() === '') {
      try { jsonArgs.value = argsText(); } catch { jsonArgs.value = '[]'; }
    }
    jsonBox.hidden = !jsonMode.checked;
    fieldBox.hidden = jsonMode.checked;
    clearErrors();
    updateCurl();
  });

  const copy = h('button', { type: 'button', class: 'copy-curl' }, 'Copy as curl');
  copy.addEventListener('click', async () => {
    clearErrors();
    try {
      const command = curlCommand('POST', path, bodyText());
      curl.textContent = command;
      await navigator.clipboard.writeText(command);
      announce('The curl command is on the clipboard.');
      copy.textContent = 'Copied';
      setTimeout(() => { copy.textContent = 'Copy as curl'; }, 1500);
    } catch (error) {
      if (error instanceof ValueError) return showError(error);
      getSelection()?.selectAllChildren(curl);
      announce('The clipboard is not available: the command is selected, copy it with the keyboard.');
    }
  });

  const form = h('form', { class: 'invoke-form', noValidate: true, 'aria-label': `Invoke ${exported.name}` },
    h('fieldset', {}, h('legend', {}, 'Arguments'),
      fieldBox,
      h('div', { class: 'field check' }, jsonMode, h('label', { for: jsonMode.id }, 'Write the arguments as JSON')),
      jsonBox),
    h('fieldset', {}, h('legend', {}, 'Request'), h('div', { class: 'grid' }, input.element, stdin?.element, fuel.element, timeout.element)),
    h('div', { class: 'actions' }, submit, copy),
    h('details', { class: 'curl-box' }, h('summary', {}, 'The same request with curl'), curl));
  form.addEventListener('input', updateCurl);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    let body;
    try {
      body = bodyText();
    } catch (error) {
      if (error instanceof ValueError) return showError(error);
      throw error;
    }
    curl.textContent = curlCommand('POST', path, body);
    submit.disabled = true;
    submit.textContent = 'Running…';
    try {
      const reply = await request('POST', path, { body, contentType: 'application/json' });
      answer.replaceChildren(await answerView(reply, resultTypes));
      announce(reply.ok ? 'Invocation finished.' : `Invocation failed: ${reply.problem?.code ?? reply.status}.`);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Invoke';
    }
  });
  updateCurl();

  return h('section', { class: 'view invoke' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Modules'), ' / ', h('a', { href: `#/modules/${encodeURIComponent(ref)}` }, ref)),
    h('h2', { tabIndex: -1 }, 'Invoke ', h('code', {}, `${ref}.${exported.name}`)),
    h('p', { class: 'signature' }, h('code', {}, signatureOf(exported))),
    form, answer);
}

/** The answer block for a reply: results, or the problem (a chain's frames labelled by module). */
async function answerView(reply, resultTypes) {
  let view;
  if (reply.ok && reply.data) {
    view = successView(reply.data, resultTypes);
  } else if (reply.problem) {
    let labels = [];
    if (Array.isArray(reply.problem.chain)) {
      const list = await request('GET', '/v1/modules').catch(() => null);
      labels = (list?.data?.modules ?? []).map(chainLabelOf);
    }
    view = problemView(reply.problem, reply.status, labels);
  } else {
    view = unexpectedView(reply.status, reply.statusText, reply.text);
  }
  return h('div', {}, view,
    h('details', { class: 'raw' }, h('summary', {}, `Full answer (HTTP ${reply.status})`),
      h('pre', {}, reply.data ? stringify(reply.data, true) : reply.text)));
}
