import type { JobResult, JobSelector } from "../modules/jobs/view";
import { visibleText } from "./visible-text";

export type SelectedData = NonNullable<JobResult["data"]>;

/** An `all` selector keeps this many matches. */
export const MAX_MATCHES = 500;
/** One value (a text or an attribute) is cut to this many characters. */
export const MAX_VALUE_CHARS = 10_000;
/** All of `data` together; values past it are cut, so a job's result stays a sensible size. */
export const MAX_DATA_CHARS = 1_000_000;

/** Attributes that hold a URL: answered absolute, as a script would need them. */
const URL_ATTRIBUTES = new Set(["href", "src", "action", "poster", "cite"]);

function attributeValue(el: Element, attribute: string, base: string): string | null {
  const value = el.getAttribute(attribute);
  if (value === null || !URL_ATTRIBUTES.has(attribute.toLowerCase())) return value;
  try {
    return new URL(value.trim(), base).toString();
  } catch {
    return value;
  }
}

/** `result.data`: each named selector's text or attribute, of the first match or (with `all`) of every match. */
export function applySelectors(document: Document, selectors: Record<string, JobSelector>, base: string): SelectedData {
  let budget = MAX_DATA_CHARS;
  const value = (el: Element, { attribute }: JobSelector): string | null => {
    const cap = Math.min(MAX_VALUE_CHARS, budget);
    const raw = attribute ? attributeValue(el, attribute, base) : visibleText(el, cap);
    const cut = raw?.slice(0, cap) ?? null;
    budget -= cut?.length ?? 0;
    return cut;
  };
  const data: SelectedData = {};
  for (const [name, selector] of Object.entries(selectors)) {
    if (selector.all) {
      data[name] = [...document.querySelectorAll(selector.selector)].slice(0, MAX_MATCHES).map((el) => value(el, selector));
    } else {
      const first = document.querySelector(selector.selector);
      data[name] = first ? value(first, selector) : null;
    }
  }
  return data;
}

/** What selectors yield on a body that is not HTML: nothing matched. */
export const emptySelection = (selectors: Record<string, JobSelector>): SelectedData =>
  Object.fromEntries(Object.entries(selectors).map(([name, s]) => [name, s.all ? [] : null]));
