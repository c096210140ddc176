import { describe, expect, test } from "bun:test";
import { extract } from "../../src/worker/extract";

const html = (s: string) => Buffer.from(s);

describe("extraction with a real HTML parser", () => {
  test("links are absolute, http(s) only, without fragments, deduplicated, resolved against <base>", () => {
    const page = html(`<html><head><base href="https://cdn.example/sub/"></head><body>
      <a href="a">A</a><a href="a#x">A again</a><a href="/root">R</a><a href="//other.example/p">P</a>
      <a href="javascript:alert(1)">J</a><a href="mailto:x@y.z">M</a><a href="http://[bad">broken</a><a>none</a></body></html>`);
    expect(extract(page, "text/html", "https://site.example/page", ["links"]).links).toEqual([
      "https://cdn.example/sub/a",
      "https://cdn.example/root",
      "https://other.example/p",
    ]);
  });

  test("text is the visible text, blocks separated, scripts and styles left out", () => {
    const page = html(
      "<html><head><style>p{}</style><title>T</title></head><body><h1>Title</h1><p>One <b>bold</b> word</p><script>x()</script><ul><li>a</li><li>b</li></ul></body></html>",
    );
    expect(extract(page, "text/html", "https://s.example/", ["text"]).text).toBe("Title One bold word a b");
  });

  test("a page that leaves out <html> and <body> (HTML allows it; minified pages do) still has its text", () => {
    const page = html("<!doctype html><meta charset=utf-8><title>Short</title><link rel=icon href=/f.ico><h1>Hello</h1><p>World</p>");
    expect(extract(page, "text/html", "https://s.example/", ["title", "text"])).toEqual({ title: "Short", text: "Hello World" });
    expect(extract(html("<body><p>Only a body</p></body>"), "text/html", "https://s.example/", ["text"]).text).toBe("Only a body");
  });

  test("title and meta; a missing title is null", () => {
    const page = html(
      '<html><head><title>\n  Spaced   out </title><meta name="Description" content="d"><meta property="og:image" content="i.png"></head></html>',
    );
    expect(extract(page, "text/html", "https://s.example/", ["title", "meta"])).toEqual({
      title: "Spaced out",
      meta: { description: "d", "og:image": "i.png" },
    });
    expect(extract(html("<p>no head</p>"), "text/html", "https://s.example/", ["title"]).title).toBeNull();
  });

  test("the charset comes from Content-Type, else from <meta charset>, else UTF-8", () => {
    const latin1 = Buffer.concat([html('<meta charset="windows-1252"><title>Caf'), Buffer.from([0xe9]), html("</title>")]);
    expect(extract(latin1, "text/html", "https://s.example/", ["title"]).title).toBe("Café");
    const header = Buffer.concat([html("<title>Caf"), Buffer.from([0xe9]), html("</title>")]);
    expect(extract(header, "text/html; charset=iso-8859-1", "https://s.example/", ["title"]).title).toBe("Café");
    expect(extract(html("<title>Café</title>"), "text/html", "https://s.example/", ["title"]).title).toBe("Café");
  });

  test("plain text is its own text; binary bodies have no fields", () => {
    expect(extract(html("just text"), "text/plain", "https://s.example/", ["text", "html", "links"])).toEqual({
      text: "just text",
      html: null,
      links: [],
    });
    expect(extract(Buffer.from([0, 1, 2]), "image/png", "https://s.example/", ["title", "text", "meta"])).toEqual({
      title: null,
      text: null,
      meta: {},
    });
  });
});
