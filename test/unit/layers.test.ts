import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * Layers run one way: no import cycle between the top-level parts of src/ (each folder, and each
 * file directly in src/, is one part). Type-only imports count: they are knowledge all the same.
 */
const src = join(import.meta.dir, "../../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "client" ? [] : files(path); // the browser code talks HTTP only
    return path.endsWith(".ts") ? [path] : [];
  });
}

const part = (file: string) => relative(src, file).split("/")[0]!.replace(/\.ts$/, "");

function partGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files(src)) {
    const from = part(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)) {
      const target = resolve(dirname(file), spec!);
      if (!target.startsWith(`${src}/`)) continue; // generated/, openapi.yaml: below every layer
      const to = part(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** A cycle in the graph as a list of parts, or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "done") return null;
    if (state.get(node) === "open") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe("layers", () => {
  test("the check sees a cycle when there is one", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
    ]);
    expect(findCycle(graph)).toEqual(["a", "b", "c", "a"]);
  });

  test("no import cycle between the top-level parts of src/", () => {
    const graph = partGraph();
    expect(graph.size).toBeGreaterThan(8);
    expect(findCycle(graph)).toBeNull();
  });

  test("auth, db and http never import the wiring, modules, the worker or the app", () => {
    const graph = partGraph();
    for (const low of ["auth", "db", "http"]) {
      for (const high of ["wiring", "deps", "modules", "worker", "app", "server", "index", "dashboard"]) {
        expect(graph.get(low)?.has(high), `${low} imports ${high}`).not.toBe(true);
      }
    }
  });
});
