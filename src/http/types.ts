import type { paths } from "../../generated/openapi";

/**
 * Spec-derived types for services, by path and method: a service's input is `Body<...>` /
 * `Query<...>` and its result `Reply<...>`, so it cannot drift from openapi.yaml. (Handlers are
 * typed by operationId instead; see operations.ts.)
 */
type Op<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

export type Body<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { requestBody: { content: { "application/json": infer B } } } ? B : never;

export type Query<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Reply<P extends keyof paths, M extends keyof paths[P], S extends number> =
  Op<P, M> extends { responses: { [K in S]: { content: { "application/json": infer R } } } } ? R : never;
