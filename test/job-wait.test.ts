import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Worker } from "../src/worker/worker";
import { eventually } from "./helpers/eventually";
import { type Account, createKey, signUp } from "./helpers/factories";
import { createTestApp, type TestApp } from "./helpers/harness";
import { waitForJob } from "./helpers/jobs";
import { startTargetSite, type TargetSite } from "./helpers/target-site";

let t: TestApp;
let site: TargetSite;
let worker: Worker;
let ada: Account;
let key: { id: string; key: string };

beforeAll(async () => {
  site = startTargetSite();
  t = await createTestApp({ allowPrivateTargets: true, allowedTargetPorts: "any", workerPollMs: 20 });
  worker = new Worker(t.deps);
  worker.start();
  ada = await signUp(t, "ada");
  key = await createKey(t, ada);
}, 60_000);
afterAll(async () => {
  site.release();
  await worker.stop(0);
  site.stop();
  await t.close();
});

const submit = async (url: string) =>
  (await t.request("POST", `/projects/${ada.projectId}/jobs`, { token: key.key, body: { url } })).body.data.id;
/** Until the site holds the job's request: only then does release() answer it. */
const held = (path: string) =>
  eventually(`the site to hold the request for ${path}`, () => expect(site.hits.get(path) ?? 0).toBeGreaterThan(0), { everyMs: 10 });
const get = (jobId: string, query = "", token = key.key) => t.request("GET", `/projects/${ada.projectId}/jobs/${jobId}${query}`, { token });

describe("GET /projects/{projectId}/jobs/{jobId}?wait=N", () => {
  test("answers as soon as the job finishes: one request instead of a polling loop", async () => {
    const jobId = await submit(`${site.url}/hold/wait-early`);
    await held("/hold/wait-early");
    // 30 s is longer than this test may take: only the NOTIFY of the job's end can answer it in time.
    const waiting = get(jobId, "?wait=30");
    site.release();
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body.data.status).toBe("succeeded");
    expect(answer.body.data.result.title).toBe("Held /hold/wait-early");
  }, 20_000);

  test("answers with the job as it is when N runs out", async () => {
    const jobId = await submit(`${site.url}/hold/wait-out`);
    await held("/hold/wait-out");
    const answer = await get(jobId, "?wait=1");
    expect(answer.status).toBe(200);
    expect(answer.body.data.status).toBe("running");
    site.release();
    expect((await get(jobId, "?wait=30")).body.data.status).toBe("succeeded");
  }, 20_000);

  test("a finished job answers at once; a canceled one wakes its waiter", async () => {
    const done = await waitForJob(t, key.key, ada.projectId, await submit(`${site.url}/page`));
    expect((await get(done.id, "?wait=30")).body.data.status).toBe("succeeded");
    await worker.stop(0);
    try {
      const queued = await submit(`${site.url}/page`);
      const waiting = get(queued, "?wait=30");
      expect((await t.request("POST", `/projects/${ada.projectId}/jobs/${queued}/cancel`, { token: key.key })).status).toBe(200);
      expect((await waiting).body.data.status).toBe("canceled");
    } finally {
      worker = new Worker(t.deps);
      worker.start();
    }
  }, 20_000);

  test("wait is bounded to 30 s, and another tenant's job is 404 without waiting", async () => {
    const jobId = await submit(`${site.url}/page`);
    const tooLong = await get(jobId, "?wait=31");
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toContain("wait");
    const outsider = await signUp(t, "outsider");
    const foreign = await t.request("GET", `/projects/${ada.projectId}/jobs/${jobId}?wait=30`, { token: outsider.token });
    expect(foreign.status).toBe(404);
  }, 20_000);
});
