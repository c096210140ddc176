import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { href, parseRoute, returnTo } from "../../src/dashboard/client/routes";

describe("the dashboard's route table", () => {
  test("every address it makes parses back to the same route, query included", () => {
    const job = href("job", { projectId: "p1", jobId: "j2" });
    expect(job).toBe("#/projects/p1/jobs/j2");
    expect(parseRoute(job)).toEqual({ name: "job", params: { projectId: "p1", jobId: "j2" }, query: {} });
    const filtered = href("jobs", { projectId: "p1" }, { status: "failed", key: undefined });
    expect(filtered).toBe("#/projects/p1/jobs?status=failed");
    expect(parseRoute(filtered)).toEqual({ name: "jobs", params: { projectId: "p1" }, query: { status: "failed" } });
    expect(parseRoute("")).toEqual({ name: "home", params: {}, query: {} });
  });

  test("an address that names no screen is null, not a guess", () => {
    for (const hash of ["#/projects", "#/projects/p1", "#/projects/p1/nope", "#/projects/%E0%A4%A/keys", "#/main"])
      expect(parseRoute(hash)).toBeNull();
  });

  test("after signing in it returns only to a dashboard screen, never to another site or back to sign-in", () => {
    expect(returnTo("/projects/p1/jobs?status=failed")).toBe("#/projects/p1/jobs?status=failed");
    for (const next of [undefined, "", "//evil.example/", "https://evil.example/", "javascript:alert(1)", "/sign-in", "/sign-up?next=/x"]) {
      expect(returnTo(next)).toBe("#/");
    }
  });
});

describe("the dashboard's client", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

  test("renders text only: no source sets HTML from a string", () => {
    const offenders = files(join(import.meta.dir, "../../src/dashboard/client"))
      .filter((f) => /\.tsx?$/.test(f))
      .filter((f) => /dangerouslySetInnerHTML|innerHTML|outerHTML\s*=|insertAdjacentHTML|document\.write/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});
