import type { Server } from "bun";
import { type AnyElysia, type Cookie, Elysia } from "elysia";
import type { operations } from "../../generated/openapi";
import type { operationSecurity } from "../../generated/operation-security";
import { operationById, type SpecOperation, specOperations } from "./spec";
import type { Body } from "./types";
import { type ValidatedInput, validation } from "./validation";

/**
 * Binding handlers to openapi.yaml by operationId, the only link between the contract and the
 * code. The spec gives each operation its method, path and auth mode; the generated types give
 * its parameters, body and replies. A handler for an id the spec lacks does not compile, and an
 * operation left without a handler stops the server at start (`serveOperations`).
 */
type OperationId = keyof operations & keyof operationSecurity;

/** Who may call an operation, from its `security`: anyone, a dashboard session, or an API key or a session. */
export type AuthMode = "open" | "session" | "keyOrSession";
/** What the authentication plugin checks on a route: the auth mode, and the scopes an API key needs there. */
export type AuthRule = { mode: Exclude<AuthMode, "open">; scopes: string[] };

type ModeOf<Id extends OperationId> = operationSecurity[Id] extends []
  ? "open"
  : ["apiKey"] extends operationSecurity[Id][number]
    ? "keyOrSession"
    : "session";

/** The only combinations of security schemes the server knows how to check. */
function authModeOf(op: SpecOperation): AuthMode {
  const alternatives = op.security
    .map((schemes) => schemes.join("+"))
    .sort()
    .join(" or ");
  if (alternatives === "") return "open";
  if (alternatives === "dashboardSession") return "session";
  if (alternatives === "apiKey or dashboardSession") return "keyOrSession";
  throw new Error(`openapi.yaml: ${op.id} asks for security "${alternatives}", which no auth mode serves`);
}

type Op<Id extends OperationId> = operations[Id];
type OrEmpty<T> = [T] extends [never] ? Record<string, never> : T;
type Params<Id extends OperationId> = OrEmpty<NonNullable<Op<Id>["parameters"]["path"]>>;
type Query<Id extends OperationId> = OrEmpty<NonNullable<Op<Id>["parameters"]["query"]>>;

type Success = 200 | 201 | 202 | 204;
type Responses<Id extends OperationId> = Op<Id>["responses"];
type JsonOf<R> = R extends { content: { "application/json": infer B } } ? B : never;
type ReplyFor<R, S> = [JsonOf<R>] extends [never] ? Response : { status: S; body: JsonOf<R>; headers?: Record<string, string> };
/** What a handler may answer: a success status the operation lists with its JSON body (or a `Response` for non-JSON ones). */
type HandlerReply<Id extends OperationId> = {
  [S in Extract<keyof Responses<Id>, Success>]: ReplyFor<Responses<Id>[S], S>;
}[Extract<keyof Responses<Id>, Success>];

export const ok = <B>(body: B, headers?: Record<string, string>) => ({ status: 200 as const, body, headers });
export const created = <B>(body: B, headers?: Record<string, string>) => ({ status: 201 as const, body, headers });
export const accepted = <B>(body: B, headers?: Record<string, string>) => ({ status: 202 as const, body, headers });

/** What the authentication plugin hands a handler, by auth mode. */
type PrincipalsByMode = { open: undefined; session: unknown; keyOrSession: unknown };

/** A handler's view of its request: validated input typed from the spec, and the principal its auth mode yields. */
type Context<Id extends OperationId, P extends PrincipalsByMode> = {
  principal: P[ModeOf<Id>];
  params: Params<Id>;
  query: Query<Id>;
  body: Body<Id>;
  request: Request;
  headers: Record<string, string | undefined>;
  /** Elysia's cookie jar: read `cookie[name].value`, or `set()` one to send it. */
  cookie: Record<string, Cookie<string | undefined>>;
  server: Server<unknown> | null;
};

type Handler<Id extends OperationId, P extends PrincipalsByMode> = (ctx: Context<Id, P>) => HandlerReply<Id> | Promise<HandlerReply<Id>>;
// What Elysia hands the route function: the macros' `principal` and `input` on top of its own context.
type RouteContext = {
  principal: unknown;
  input: ValidatedInput;
  request: Request;
  headers: Record<string, string | undefined>;
  cookie: Record<string, Cookie<string | undefined>>;
  server: Server<unknown> | null;
  set: { status?: number | string; headers: Record<string, unknown> };
};
type AnyHandler = (ctx: Omit<RouteContext, "input" | "set"> & ValidatedInput) => unknown;
type Router = { route(method: string, path: string, handler: (ctx: RouteContext) => unknown, hook: object): unknown };

/** A group of handlers, each bound to one operation; a module's routes.ts builds one. */
export class Operations<P extends PrincipalsByMode> {
  readonly handlers = new Map<OperationId, AnyHandler>();

  handle<Id extends OperationId>(id: Id, handler: Handler<Id, P>): this {
    if (this.handlers.has(id)) throw new Error(`${id} is bound twice`);
    // The one place input becomes typed: the validation plugin checked it against this very operation.
    this.handlers.set(id, handler as unknown as AnyHandler);
    return this;
  }
}

/** Replies, or a `Response` as is, with the status and headers the handler chose. */
function send(reply: unknown, set: RouteContext["set"]): unknown {
  if (reply instanceof Response) return reply;
  const { status, body, headers } = reply as { status: number; body: unknown; headers?: Record<string, string> };
  set.status = status;
  if (headers) Object.assign(set.headers, headers);
  return body;
}

/**
 * The route function Elysia calls. Elysia reads a route's source to decide what to prepare per
 * request, so these name only what they use: no spread of the context (which makes it parse the
 * cookies and every header of every request), headers read from the request only when a handler
 * asks, and the cookie jar only on the operations that answer with `Set-Cookie`.
 */
const route =
  (handler: AnyHandler) =>
  async ({ principal, input, request, server, set }: RouteContext) => {
    const context = { principal, ...input, request, server, cookie: {} as RouteContext["cookie"] };
    Object.defineProperty(context, "headers", { get: () => Object.fromEntries(request.headers), enumerable: true });
    return send(await handler(context as Parameters<AnyHandler>[0]), set);
  };
const cookieRoute =
  (handler: AnyHandler) =>
  async ({ principal, input, request, server, set, headers, cookie }: RouteContext) =>
    send(await handler({ principal, ...input, request, server, headers, cookie }), set);
const usesCookies = (op: SpecOperation) =>
  Object.values(op.responses).some((r) => Object.keys(r.headers ?? {}).some((name) => name.toLowerCase() === "set-cookie"));

/**
 * Registers every operation of openapi.yaml at its method and path, each with its handler from
 * `groups`. Per route, in this order: `authenticate` (the `authentication` plugin, which only
 * produces the principal) when the operation asks for credentials, then `validate` (src/http/validation.ts).
 * Throws, so the server does not start, when an operation has no handler or a handler no operation.
 */
export function serveOperations(authentication: AnyElysia, groups: Operations<PrincipalsByMode>[]) {
  const handlers = new Map<string, AnyHandler>();
  for (const [id, handler] of groups.flatMap((g) => [...g.handlers])) {
    if (handlers.has(id)) throw new Error(`${id} is bound twice`);
    handlers.set(id, handler);
  }
  const missing = specOperations.filter((op) => !handlers.has(op.id)).map((op) => `${op.id} (${op.method.toUpperCase()} ${op.path})`);
  if (missing.length) throw new Error(`openapi.yaml lists operations with no handler: ${missing.join(", ")}`);
  const app = new Elysia().use(authentication).use(validation());
  for (const [id, handler] of handlers) {
    const op = operationById(id);
    const mode = authModeOf(op);
    // Macros run in the order of these keys: credentials first, input second.
    const hook = mode === "open" ? { validate: id } : { authenticate: { mode, scopes: op.apiKeyScopes }, validate: id };
    (app as unknown as Router).route(op.method.toUpperCase(), op.route, usesCookies(op) ? cookieRoute(handler) : route(handler), hook);
  }
  return app;
}
