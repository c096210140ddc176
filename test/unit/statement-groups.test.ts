import { describe, expect, test } from "bun:test";
import { StatementGroups } from "../../src/db/statement-groups";

/** Groups whose runs are recorded, each held until `release()` so calls can pile up behind it. */
function recorded(maxGroup = 100, fails: (inputs: number[]) => boolean = () => false) {
  const runs: number[][] = [];
  let release = () => {};
  let held = Promise.resolve();
  const groups = new StatementGroups<number, string>(async (inputs) => {
    runs.push(inputs);
    await held;
    if (fails(inputs)) throw new Error(`refused ${inputs.join(",")}`);
    return inputs.map((n) => `done ${n}`);
  }, maxGroup);
  const hold = () => {
    held = new Promise((resolve) => (release = resolve));
  };
  return { groups, runs, hold, release: () => release() };
}

describe("StatementGroups", () => {
  test("a call alone runs at once; calls that arrive while it runs go together next, each with its own answer", async () => {
    const { groups, runs, hold, release } = recorded();
    hold();
    const first = groups.run(1);
    const rest = [groups.run(2), groups.run(3), groups.run(4)];
    expect(runs).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual(["done 1", "done 2", "done 3", "done 4"]);
    expect(runs).toEqual([[1], [2, 3, 4]]);
  });

  test("calls of different keys never share a run", async () => {
    const { groups, runs, hold, release } = recorded();
    hold();
    const answers = [groups.run(1, "a"), groups.run(2, "b"), groups.run(3, "a"), groups.run(4, "b")];
    release();
    await Promise.all(answers);
    expect(runs).toEqual([[1], [2], [3], [4]]);
  });

  test("a group is at most maxGroup calls; the rest wait for the next", async () => {
    const { groups, runs, hold, release } = recorded(2);
    hold();
    const answers = [1, 2, 3, 4, 5].map((n) => groups.run(n));
    release();
    await Promise.all(answers);
    expect(runs).toEqual([[1], [2, 3], [4, 5]]);
  });

  test("a failed group runs again call by call: only the call that fails alone fails", async () => {
    const { groups, runs, hold, release } = recorded(100, (inputs) => inputs.includes(3));
    hold();
    const first = groups.run(1);
    const rest = [2, 3, 4].map((n) => groups.run(n));
    release();
    const settled = await Promise.allSettled([first, ...rest]);
    expect(settled.map((s) => (s.status === "fulfilled" ? s.value : (s.reason as Error).message))).toEqual([
      "done 1",
      "done 2",
      "refused 3",
      "done 4",
    ]);
    expect(runs).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });
});
