import { expect } from "bun:test";
import { eventually } from "./eventually";

/** One request a receiver got: what a webhook consumer would verify. */
export type Received = { path: string; headers: Record<string, string>; body: string; at: number };

/**
 * A local webhook receiver on 127.0.0.1 (port from the OS, or the one given). Each path answers
 * 200 unless `plan` says otherwise: a list of statuses used up in order (then 200), so "500 three
 * times" is `plan.set("/flaky", [500, 500, 500])`. `/slow` waits 2 s; `/huge` answers 200 KB.
 */
export function startReceiver(port = 0) {
  const received: Received[] = [];
  const plan = new Map<string, number[]>();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      received.push({ path, headers: Object.fromEntries(request.headers), body: await request.text(), at: Date.now() });
      if (path === "/slow") await Bun.sleep(2000);
      if (path === "/huge") return new Response("y".repeat(200 * 1024));
      if (path.startsWith("/page"))
        return new Response("<html><head><title>Target</title></head><body>Hi</body></html>", { headers: { "content-type": "text/html" } });
      const status = plan.get(path)?.shift() ?? (path.startsWith("/always-500") ? 500 : 200);
      // Longer than the 1 KB the deliveries list keeps.
      return new Response(status >= 500 ? `receiver trouble ${"z".repeat(2000)}` : "ok", { status });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port!,
    received,
    plan,
    /** Requests to `path` so far, waiting up to `timeoutMs` until there are at least `count`. */
    waitFor: (path: string, count = 1, timeoutMs = 15_000): Promise<Received[]> =>
      eventually(
        `${count} request(s) to ${path}`,
        () => {
          const hits = received.filter((r) => r.path === path);
          expect(hits.length).toBeGreaterThanOrEqual(count);
          return hits;
        },
        { timeoutMs, everyMs: 20 },
      ),
    stop: () => server.stop(true),
  };
}
export type Receiver = ReturnType<typeof startReceiver>;
