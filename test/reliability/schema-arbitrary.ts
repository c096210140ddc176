import fc from "fast-check";
import type { Schema } from "../../src/http/spec";

const emailArb = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/), fc.integer({ min: 0, max: 1e9 }))
  .map(([u, n]) => `${u}${n}@example.com`);

/**
 * Strings matching a schema's `pattern`, a Unicode regex as Ajv compiles it. fast-check builds
 * them from the pattern when it can; patterns it cannot parse (lookaheads, `\p{...}` classes) get
 * Unicode strings filtered by the pattern.
 */
function matching(s: Schema): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(s.pattern));
  } catch {
    const pattern = new RegExp(s.pattern, "u");
    const bounds = { minLength: Math.max(s.minLength ?? 0, 1), maxLength: Math.min(s.maxLength ?? 40, 40) };
    return fc.string({ unit: "grapheme", ...bounds }).filter((x) => pattern.test(x.trim()) && x.trim().length >= bounds.minLength);
  }
}

/** Values that satisfy the (dereferenced) schema, for the shapes openapi.yaml uses; anything JSON otherwise. */
export function valid(schemaIn: Schema | undefined): fc.Arbitrary<unknown> {
  const s = schemaIn ?? {};
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((a: Schema) => valid(a)));
  if (s.allOf) return valid(s.allOf[0]);
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== "null") : s.type;
  switch (type) {
    case "object": {
      const props = Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, valid(v as Schema)]));
      return fc.record(props, { requiredKeys: (s.required ?? []) as never[] });
    }
    case "array":
      return fc.array(valid(s.items), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case "integer":
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case "number":
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "string":
      if (s.format === "email") return emailArb;
      if (s.format === "uri") return fc.webUrl();
      if (s.pattern) return matching(s);
      return fc
        .string({ minLength: Math.max(s.minLength ?? 0, 1), maxLength: Math.min(s.maxLength ?? 40, 40) })
        .filter((x) => x.trim().length >= (s.minLength ?? 0));
    default:
      return fc.jsonValue();
  }
}

/** Hostile values: wrong types, huge and odd strings, unicode, nulls, nesting. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 50 }).map((s) => s.toWellFormed()),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "null",
    "💥".repeat(40),
    "a".repeat(10_000),
    "<script>",
    "'; drop table users; --",
    "azs_",
    -1,
    1e308,
    null,
    [],
    {},
  ),
);

/** A valid object with one thing wrong: a field with junk, a required field gone, or an extra field. */
export function nearlyValid(schemaIn: Schema | undefined): fc.Arbitrary<unknown> {
  const s = schemaIn ?? {};
  const keys = Object.keys(s.properties ?? {});
  if (s.type !== "object" || keys.length === 0) return junk;
  return fc.tuple(valid(s), fc.constantFrom(...keys), junk, fc.nat(2)).map(([value, key, bad, how]) => {
    const copy = { ...(value as object) } as Record<string, unknown>;
    if (how === 0) copy[key] = bad;
    else if (how === 1) delete copy[key];
    else copy[`extra_${key}`] = bad;
    return copy;
  });
}
