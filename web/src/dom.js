// DOM building. Text from files (names, properties) only ever goes in as text
// nodes: there is deliberately no way to pass HTML.

/** el('button', {class: 'x', text: 'OK', onclick: fn, testid: 'ok'}, child, …) */
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) {
    for (const k in props) {
      const v = props[k];
      if (v == null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k === 'testid') e.dataset.testid = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled') e[k] = v;
      else if (k === 'style') throw new Error('no inline styles (CSP): use a class');
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(e, c);
    else e.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces all children. */
export function fill(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

export function setText(e, text) {
  if (e.textContent !== text) e.textContent = text;
}

/** An inline SVG icon from a path list (no markup strings). */
export function icon(d, size = 20) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', size);
  svg.setAttribute('height', size);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'shequ-icon');
  for (const p of [].concat(d)) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', p);
    svg.append(path);
  }
  return svg;
}
