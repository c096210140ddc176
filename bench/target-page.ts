/**
 * The local page `bun run bench:jobs` scrapes: one 20 KB article, served by a process of its own
 * so the bench process's own work does not slow it. Prints its port.
 */
const paragraph = (i: number) =>
  `<p>Paragraph ${i} of the benchmark article, with <a href="/links/${i}">a link</a>, <em>emphasis</em> and some text to extract: ${"lorem ipsum dolor sit amet ".repeat(6)}</p>`;
const body = Array.from({ length: 80 }, (_, i) => (i % 10 === 0 ? `<h2>Section ${i / 10}</h2>` : paragraph(i))).join("\n");
export const PAGE = `<!doctype html><html><head><title>Benchmark article</title><meta name="description" content="A 20 KB page"></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav><main><h1>Benchmark article</h1>${body}</main><footer>Footer</footer></body></html>`;

if (import.meta.main) {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () => new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } }),
  });
  console.log(JSON.stringify({ event: "listening", port: server.port }));
}
