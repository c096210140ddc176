import { type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

/** A text column declared with a fixed list of words (Drizzle's `enum` option), such as a status. */
type WordColumn<W extends string> = PgColumn & { enumValues: W[] };

/**
 * `column = 'word'` (or `in (...)`) with the words written into the SQL, never bound: for the
 * statements that must use a partial index such as `jobs_queued_idx (where status = 'queued')`.
 * Every statement is a named prepared statement (db/client.ts), and after five runs PostgreSQL may
 * keep a generic plan, in which `status = $1` cannot match the index's predicate: the statement
 * then scans the whole table on every call (the job claim did, 500–800 times per 2,000 jobs).
 * Only the column's own declared words are accepted, so no request value can reach the SQL text.
 */
export function hasWord<W extends string>(column: WordColumn<W>, first: W, ...more: W[]): SQL {
  const words = [first, ...more];
  for (const word of words) {
    if (!column.enumValues.includes(word)) throw new Error(`'${word}' is not one of ${column.name}'s words`);
  }
  const list = sql.raw(words.map((word) => `'${word}'`).join(", "));
  return words.length === 1 ? sql`${column} = ${list}` : sql`${column} in (${list})`;
}
