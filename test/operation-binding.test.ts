import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { routeGroups } from "../src/app";
import { authentication } from "../src/auth/principal";
import { ok, serveOperations } from "../src/http/operations";
import { specOperations } from "../src/http/spec";
import { operations } from "../src/modules/operations";
import { createTestApp, type TestApp } from "./helpers/harness";

/** Handlers are bound to openapi.yaml by operationId; a gap between the two stops the server, never a request. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(() => t.close());

describe("binding handlers to operations", () => {
  test("every operation in openapi.yaml has exactly one handler", () => {
    const bound: string[] = routeGroups(t.deps).flatMap((g) => [...g.handlers.keys()]);
    expect(bound.sort()).toEqual(specOperations.map((op) => op.id).sort());
  });

  test("an operation without a handler stops the app from being built, naming the operation", () => {
    const groups = routeGroups(t.deps);
    groups[0]!.handlers.delete("getReady");
    expect(() => serveOperations(authentication(t.deps), groups)).toThrow("getReady (GET /ready)");
  });

  test("a second handler for an operation is refused", () => {
    expect(() =>
      operations()
        .handle("getHealth", () => ok({ status: "ok" as const }))
        .handle("getHealth", () => ok({ status: "ok" as const })),
    ).toThrow("bound twice");
    const twice = [...routeGroups(t.deps), operations().handle("getHealth", () => ok({ status: "ok" as const }))];
    expect(() => serveOperations(authentication(t.deps), twice)).toThrow("getHealth is bound twice");
  });

  test("the compiler refuses an unknown operationId and a reply the operation does not list", () => {
    // Checked by `tsc` (npm run check): each line below must be a type error.
    // @ts-expect-error: no operation "getNothing" in openapi.yaml
    operations().handle("getNothing", () => ok({}));
    // @ts-expect-error: getHealth answers { status: "ok" | "ready" }, not this
    operations().handle("getHealth", () => ok({ healthy: true }));
    // @ts-expect-error: getMe's principal is a session; it has no keyId
    operations().handle("getMe", ({ principal }) => ok({ data: principal.keyId }));
  });
});
