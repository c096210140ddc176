import { parseHTML } from "linkedom";
import { ApiError } from "../../http/errors";
import type { Body } from "../../http/types";
import type { JobSelector } from "./view";

// A page with an element in it: some selector errors only surface once there is something to match.
let probe: Document | undefined;

/**
 * Why the DOM library that runs selectors (linkedom) refuses `selector`, or null when it accepts
 * it: checked at submit, so a job never fails later on a selector it was allowed to carry.
 */
export function selectorProblem(selector: string): string | null {
  probe ??= parseHTML("<!doctype html><html><head></head><body><p class='a'>a</p></body></html>").document as unknown as Document;
  try {
    probe.querySelectorAll(selector);
    return null;
  } catch (error) {
    return (error as Error)?.message || "the parser rejected it";
  }
}

type GivenSelectors = NonNullable<NonNullable<Body<"createJob">["options"]>["selectors"]>;
type GivenSelector = GivenSelectors[string];

function fullForm(value: GivenSelector): { selector: string; all?: boolean; attribute?: string } {
  return typeof value === "string" ? { selector: value } : value;
}

/**
 * The selectors in their full form (`all` false and `attribute` null unless given), each checked by
 * the parser the worker runs them with. The schema already bounds their number, names and sizes;
 * a selector the parser refuses is a 400 that names it.
 */
export function normalizeSelectors(given: GivenSelectors = {}): Record<string, JobSelector> {
  return Object.fromEntries(
    Object.entries(given).map(([name, value]) => {
      const { selector: raw, all = false, attribute } = fullForm(value);
      const selector = raw.trim();
      if (!selector) throw new ApiError("validation_failed", `Selector '${name}' must not be blank.`);
      const problem = selectorProblem(selector);
      if (problem) {
        // The parser says "found " with nothing after it when the selector stops short ("a[").
        const reason = problem
          .slice(0, 200)
          .replace(/[\s.]*$/, "")
          .replace(/found$/, "found the end of the selector");
        throw new ApiError("validation_failed", `Selector '${name}' is not a valid CSS selector: ${reason}.`);
      }
      return [name, { selector, all, attribute: attribute ?? null }];
    }),
  );
}
