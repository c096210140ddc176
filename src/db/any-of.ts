import { type AnyColumn, type SQL, sql } from "drizzle-orm";

/*
 * A list as ONE array parameter, so a statement's text is the same however many values the list
 * holds. Every statement is a named prepared statement (db/client.ts): with `inArray`, each length
 * of the list is another text, parsed and kept again on every connection that sees it.
 */

/** `column = any($1::text[])`: the column holds one of `values` (none when the list is empty). */
export const anyOf = (column: AnyColumn, values: readonly string[]): SQL => sql`${column} = any(${sql.param(values)}::text[])`;

/** `column <> all($1::text[])`: the column holds none of `values` (any row when the list is empty). */
export const noneOf = (column: AnyColumn, values: readonly string[]): SQL => sql`${column} <> all(${sql.param(values)}::text[])`;
