import { ApiError } from "../../http/errors";
import type { Body } from "../../http/types";
import { selectorProblem } from "../../jobs/selectors";
import type { JobSelector } from "./view";

type GivenSelectors = NonNullable<NonNullable<Body<"/projects/{projectId}/jobs", "post">["options"]>["selectors"]>;
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
        const reason = problem.slice(0, 200).replace(/[\s.]*$/, "").replace(/found$/, "found the end of the selector");
        throw new ApiError("validation_failed", `Selector '${name}' is not a valid CSS selector: ${reason}.`);
      }
      return [name, { selector, all, attribute: attribute ?? null }];
    }),
  );
}
