// A few DOM helpers so the renderers read like markup.

/** h("div", {class: "x", onclick: fn}, child, "text", [more]) → Element. `html` sets innerHTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (key === "html") el.innerHTML = value;
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces `container`'s children with `items` ({key, sig, build}) reusing elements whose sig is unchanged,
 *  so a live update does not re-create (and flicker, or lose hover and focus on) what did not change. */
export function reconcile(container, items) {
  const existing = new Map();
  for (const el of Array.from(container.children)) {
    if (el.dataset.key) existing.set(el.dataset.key, el);
    else el.remove();
  }
  const stale = [];
  let cursor = container.firstElementChild;
  for (const item of items) {
    let el = existing.get(item.key);
    existing.delete(item.key);
    if (!el || el.dataset.sig !== item.sig) {
      if (el) stale.push(el);
      el = item.build();
      el.dataset.key = item.key;
      el.dataset.sig = item.sig;
    }
    if (el === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(el, cursor);
  }
  for (const el of [...stale, ...existing.values()]) el.remove();
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}
