type Child = Node | string | null | undefined | false;
type Props = Record<string, string | boolean | number | undefined | ((event: Event) => void)>;

/**
 * Creates an element. `on*` props become listeners, `true` booleans become bare attributes, and
 * children are nodes or text: text is never parsed as HTML, so API data cannot inject markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  el.append(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
  return el;
}

/** Replaces an element's content. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

let uid = 0;
/** A document-unique id for label/description wiring. */
export const nextId = (prefix: string) => `${prefix}-${++uid}`;

/**
 * An error line tied to a control: it is announced when it changes, and the control points to it
 * with `aria-describedby` and is marked invalid while it shows a message.
 */
export function errorSlot(control?: HTMLElement) {
  const el = h("p", { class: "field-error", id: nextId("error"), role: "alert", hidden: true });
  if (control) {
    const described = control.getAttribute("aria-describedby");
    control.setAttribute("aria-describedby", described ? `${described} ${el.id}` : el.id);
  }
  return {
    el,
    show(message: string) {
      el.textContent = message;
      el.hidden = false;
      control?.setAttribute("aria-invalid", "true");
    },
    clear() {
      el.textContent = "";
      el.hidden = true;
      control?.removeAttribute("aria-invalid");
    },
  };
}

/** A labelled input with its error line. */
export function field(label: string, input: Props & { name: string }, hint?: string) {
  const id = nextId(input.name);
  const hintEl = hint ? h("p", { class: "field-hint", id: `${id}-hint` }, hint) : null;
  const control = h("input", { id, ...input, "aria-describedby": hintEl ? hintEl.id : undefined });
  const error = errorSlot(control);
  const wrapper = h("div", { class: "field" }, h("label", { for: id }, label), control, hintEl, error.el);
  return { wrapper, control, error };
}

/** Says something to screen-reader users without moving focus (the page's polite live region). */
export function announce(message: string): void {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick, so the same message twice is announced twice.
  setTimeout(() => (region.textContent = message), 50);
}

/** A button whose label says it is busy while an action runs, and that cannot be pressed twice. */
export async function busy<T>(button: HTMLButtonElement, label: string, run: () => Promise<T>): Promise<T> {
  const original = button.textContent;
  const hadFocus = document.activeElement === button;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = label;
  try {
    return await run();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = original;
    // A disabled button drops focus to <body>; give it back if nothing else took it.
    if (hadFocus && button.isConnected && document.activeElement === document.body) button.focus();
  }
}
