// A tiny DOM helper: h('tag.class#id', {attrs}, ...children). Text children
// are set as text (never parsed as HTML), so server data cannot inject
// markup. Event handlers are attributes named on<Event> taking a function.

const SVG_NS = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['svg', 'g', 'rect', 'line', 'text', 'path', 'title', 'polygon', 'circle', 'tspan']);

function parseTag(spec) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const tag = (m && m[1]) || 'div';
  const classes = [];
  let id = null;
  for (const part of ((m && m[2]) || '').match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') classes.push(part.slice(1));
    else id = part.slice(1);
  }
  return { tag, classes, id };
}

function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
    return;
  }
  if (child instanceof Node) el.appendChild(child);
  else el.appendChild(document.createTextNode(String(child)));
}

// Creates an element. `attrs` may be omitted. Special attributes:
//   class (string or array), dataset (object), style (object, set through
//   CSSOM so the page's CSP needs no 'unsafe-inline'), on<Event> (handler),
//   and boolean attributes (true sets, false/undefined omits).
export function h(spec, attrs, ...children) {
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = {};
  }
  const { tag, classes, id } = parseTag(spec);
  const svg = SVG_TAGS.has(tag);
  const el = svg ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  if (classes.length) el.setAttribute('class', classes.join(' '));
  if (id) el.id = id;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') {
      const extra = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
      el.setAttribute('class', [el.getAttribute('class'), extra].filter(Boolean).join(' '));
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = dv;
    } else if (k === 'style' && typeof v === 'object') {
      for (const [sk, sv] of Object.entries(v)) el.style.setProperty(sk, sv);
    } else if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'value' && !svg) {
      el.value = v;
    } else if (k === 'checked' && !svg) {
      el.checked = Boolean(v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

// Replaces the children of `el`.
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let idCounter = 0;
// Returns a fresh element id for label/for pairs.
export function uid(prefix = 'f') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}
