import type { operations } from "../../generated/openapi";

type Op = keyof operations;

/**
 * Spec-derived types for services, by operationId: a service's input is `Body<id>` / `Query<id>`
 * and its result `Reply<id, status>`, so it cannot drift from openapi.yaml. (Handlers get the
 * same types from their binding; see operations.ts.)
 */
export type Body<Id extends Op> = operations[Id] extends { requestBody: { content: { "application/json": infer B } } } ? B : undefined;

export type Query<Id extends Op> = operations[Id] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Reply<Id extends Op, S extends number> = operations[Id] extends {
  responses: { [K in S]: { content: { "application/json": infer R } } };
}
  ? R
  : never;
