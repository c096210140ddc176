/** A `\u0000` escape in JSON text: one preceded by an even number of backslashes (`\\` is an escaped backslash). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * JSON text PostgreSQL's jsonb accepts: it refuses the NUL character, which pages do contain
 * (a title or a text with a stray NUL byte), so NULs are dropped, as an HTML parser drops them
 * from text. Without this, such a page's result could never be stored and its job would be
 * retried until its attempts ran out.
 */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes("\\u0000") ? json.replace(NUL_ESCAPE, "$1") : json;
}
