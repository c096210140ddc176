import { readFileSync } from "node:fs";

/**
 * A local website for scraping tests, on 127.0.0.1 with a port the OS picks. Pages with titles and
 * links, redirect chains, slow and huge answers, non-HTML, any status code, the real-world-shaped
 * pages of test/fixtures/pages (each at its URL's path in pages.json), and a hit counter per path.
 */
export type TargetSite = {
  url: string;
  port: number;
  hits: Map<string, number>;
  /** Releases every request waiting on `/hold/...`. */
  release(): void;
  stop(): void;
};

const page = (title: string, body = "") =>
  `<!doctype html><html><head><title>${title}</title><meta name="description" content="About ${title}"></head><body>${body}</body></html>`;

const FIXTURES = new URL("../fixtures/pages/", import.meta.url);
const fixturePaths = new Map(
  Object.entries(JSON.parse(readFileSync(new URL("pages.json", FIXTURES), "utf8")) as Record<string, string>).map(([name, url]) => [
    new URL(url).pathname,
    name,
  ]),
);

export function startTargetSite(): TargetSite {
  const hits = new Map<string, number>();
  let waiting: (() => void)[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const path = url.pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const html = (body: string, status = 200) => new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
      if (path === "/page") {
        return html(
          page(
            "Welcome page",
            `<h1>Hello</h1><p>Read <a href="/about">about us</a>, <a href="/about#team">the team</a>,
             <a href="contact?x=1">contact</a>, <a href="https://example.org/out">out</a>,
             <a href="mailto:a@b.c">mail</a> and <a href="/about">about again</a>.</p><script>var hidden = 1</script>`,
          ),
        );
      }
      const fixture = fixturePaths.get(path);
      if (fixture) return html(readFileSync(new URL(`${fixture}.html`, FIXTURES), "utf8"));
      const redirect = /^\/redirect\/(\d+)$/.exec(path);
      if (redirect) {
        const n = Number(redirect[1]);
        return new Response(null, { status: 302, headers: { location: n > 1 ? `/redirect/${n - 1}` : "/page" } });
      }
      if (path === "/to") return new Response(null, { status: 301, headers: { location: url.searchParams.get("url")! } });
      if (path === "/slow") {
        await Bun.sleep(Number(url.searchParams.get("ms") ?? 5000));
        return html(page("Slow"));
      }
      if (path.startsWith("/hold/")) {
        // Held until release(): or answered at once on a second visit (another worker taking over).
        if (hits.get(path)! === 1) await new Promise<void>((resolve) => waiting.push(resolve));
        return html(page(`Held ${path}`));
      }
      if (path === "/huge") return new Response("x".repeat(3 * 1024 * 1024), { headers: { "content-type": "text/plain" } });
      if (path === "/headers") return html(page(`${request.headers.get("user-agent")} | ${request.headers.get("accept-language")}`));
      if (path === "/json") return Response.json({ hello: "world" });
      // Answers whose Content-Encoding lies: nothing to decompress, or text that is not gzip.
      if (path === "/gzip-empty") return new Response(null, { status: 204, headers: { "content-encoding": "gzip" } });
      if (path === "/gzip-bogus") return new Response("plain text", { headers: { "content-encoding": "gzip" } });
      if (path === "/gzip") {
        return new Response(Bun.gzipSync(Buffer.from(page("Compressed"))), {
          headers: { "content-type": "text/html", "content-encoding": "gzip" },
        });
      }
      const status = /^\/status\/(\d+)$/.exec(path);
      if (status) return html(page(`Status ${status[1]}`), Number(status[1]));
      return html(page(`Page ${path}`));
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port!,
    hits,
    release() {
      for (const resolve of waiting) resolve();
      waiting = [];
    },
    stop: () => void server.stop(true),
  };
}
