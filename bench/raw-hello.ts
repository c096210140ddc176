// The machine's reference: a bare Bun.serve answering "ok", with nothing of ours in between.
const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok") });
console.log(JSON.stringify({ event: "listening", port: server.port }));
