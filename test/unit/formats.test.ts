import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { selectorProblem } from "../../src/modules/jobs/selector-options";
import type { JobSelector } from "../../src/modules/jobs/view";
import { extract } from "../../src/worker/extract";
import { MAX_DATA_CHARS, MAX_MATCHES, MAX_VALUE_CHARS } from "../../src/worker/selectors";

const PAGES = new URL("../fixtures/pages/", import.meta.url);
const fixture = (file: string) => readFileSync(new URL(file, PAGES));
const pageUrls: Record<string, string> = JSON.parse(fixture("pages.json").toString());
const html = (s: string) => Buffer.from(s);
const markdownOf = (page: string, url = "https://site.example/dir/page", onlyMainContent = true) =>
  extract(html(page), "text/html", url, ["markdown"], { onlyMainContent }).markdown;
const textOf = (page: string, onlyMainContent = true) =>
  extract(html(page), "text/html", "https://site.example/", ["text"], { onlyMainContent }).text;
const full = (s: Partial<JobSelector> & { selector: string }): JobSelector => ({ all: false, attribute: null, ...s });

describe("markdown of real-world-shaped pages", () => {
  test.each(Object.entries(pageUrls))("%s matches its expected Markdown fixture", (name, url) => {
    const { markdown } = extract(fixture(`${name}.html`), "text/html; charset=utf-8", url, ["markdown"]);
    expect(`${markdown}\n`).toBe(fixture(`${name}.md`).toString());
  });

  test("the docs page: chrome left out, nested lists indented, code fenced with its language, tables in GFM, links absolute", () => {
    const { markdown } = extract(fixture("docs-article.html"), "text/html", pageUrls["docs-article"]!, ["markdown"]);
    for (const chrome of [
      "Skip to main content",
      "Docs sidebar",
      "Introduction",
      "Discord",
      "cookies",
      "Copy",
      "Previous",
      "gtag",
      "Breadcrumbs",
    ]) {
      expect(markdown).not.toContain(chrome);
    }
    expect(markdown).toContain("2.  Check the version:\n    -   on macOS and Linux, run `npx widgetron --version`;");
    expect(markdown).toContain("1.  Install the package:\n    \n    ```bash\n    npm install --save-dev widgetron\n    ```");
    expect(markdown).toContain('```ts\nimport { defineWidget } from "widgetron";\n\nexport default defineWidget({');
    expect(markdown).toContain(
      "| Flag | Default | What it does |\n| --- | --- | --- |\n| `--port` | `8080` | Where the dev server listens. |",
    );
    expect(markdown).toContain("[widget definition](https://docs.widgetron.example/docs/guide/concepts/#widgets)");
    expect(markdown).toContain(
      "![The hello widget in a browser](https://docs.widgetron.example/docs/guide/getting-started/img/first-widget.png)",
    );
    expect(markdown).toContain("## Install\n"); // the heading's "#" self-link is gone
  });

  test("the blog post (no <main>): its <article>, without comments, sidebar, cookie notice or site header", () => {
    const { markdown } = extract(fixture("blog-post.html"), "text/html", pageUrls["blog-post"]!, ["markdown"]);
    for (const chrome of [
      "The Backroom Blog",
      "Recent Posts",
      "thoughts on",
      "Post Comment",
      "cookies",
      "Retries without tears",
      "WordPress",
    ]) {
      expect(markdown).not.toContain(chrome);
    }
    expect(markdown).toStartWith("# Five lessons from moving our queue to PostgreSQL\n\nPosted on");
    expect(markdown).toContain("```sql\nUPDATE jobs SET status = 'running'\nWHERE id IN (");
    expect(markdown).toContain("```\nworker-3 claimed 10\nworker-1 claimed 0\nworker-3 claimed 7\n```");
    expect(markdown).toContain("[our observability post](https://blog.example/2025/11/02/observability/)");
    expect(markdown).toContain("Share on X"); // a javascript: link keeps its text, loses its target
    expect(markdown).not.toContain("javascript:");
  });

  test("the product page (no <main>, no <article>): the body without header, navigation, forms, footer and consent banner", () => {
    const { markdown } = extract(fixture("product-page.html"), "text/html", pageUrls["product-page"]!, ["markdown"]);
    for (const chrome of [
      "Shop all",
      "Search our store",
      "Cart (0)",
      "Add to cart",
      "Quantity",
      "newsletter",
      "Refund policy",
      "uses cookies",
      "breadcrumbs",
      "INITIAL_STATE",
    ]) {
      expect(markdown).not.toContain(chrome);
    }
    expect(markdown).toContain("-   Frame: steel\n    -   powder-coated\n    -   recyclable\n-   Weight: 1.2 kg");
    expect(markdown).toContain("[warranty terms](https://shop.example/pages/warranty)");
  });
});

describe("onlyMainContent", () => {
  test("false keeps the whole body's text, still without scripts, styles, form controls and hidden elements", () => {
    const { text } = extract(fixture("product-page.html"), "text/html", pageUrls["product-page"]!, ["text"], { onlyMainContent: false });
    for (const chrome of ["Shop all", "Refund policy", "uses cookies", "Join our newsletter", "Quantity"]) expect(text).toContain(chrome);
    for (const never of ["INITIAL_STATE", "color:#c00", "Add to cart", "Accept"]) expect(text).not.toContain(never);
  });

  test("the main content is <main> or [role=main], else the top-level <article>s, else the body minus chrome", () => {
    expect(textOf("<body><nav>Menu</nav><div role=main><p>Main</p></div><article>Elsewhere</article></body>")).toBe("Main");
    expect(textOf("<body><main><header><h1>Title</h1></header><nav>Crumbs</nav><p>Body</p></main><aside>Side</aside></body>")).toBe(
      "Title Body",
    );
    expect(
      textOf(
        "<body><article><header><h1>One</h1></header><footer>by Ada</footer></article><article><h2>Two</h2><article>Nested</article></article><aside><article>Ad</article></aside></body>",
      ),
    ).toBe("One by Ada Two Nested");
    expect(
      textOf("<body><header>Logo</header><div><h1>T</h1><p>Text</p></div><footer>(c)</footer><div role=dialog>Sign up!</div></body>"),
    ).toBe("T Text");
    // An empty <main> (a client-rendered shell) is no main content.
    expect(textOf("<body><main></main><div><p>Server text</p></div></body>")).toBe("Server text");
  });

  test("hidden elements and consent banners go; a page-wide <form> (ASP.NET) and look-alike class names stay", () => {
    const page = `<body><form id="aspnetForm"><h1>Orders</h1><p>Your three most recent orders are listed below.</p>
      <div style="DISPLAY:NONE">hidden</div><p hidden>also hidden</p><span aria-hidden="true">→</span>
      <form class="search"><label>Find</label></form><div class="recipe-cookie">Oatmeal cookie recipe</div>
      <div id="CybotCookiebotDialog">We use cookies</div><div aria-label="Cookie consent banner">Accept cookies?</div></form></body>`;
    // aria-hidden hides from screen readers, not from view: the arrow is on screen.
    expect(textOf(page)).toBe("Orders Your three most recent orders are listed below. → Oatmeal cookie recipe");
  });
});

describe("markdown details", () => {
  test("code block languages from Prism, highlight.js, GitHub, Pygments and lang attributes; fences outlast backticks inside", () => {
    const md = markdownOf(`<main>
      <pre class="language-js"><code>a()</code></pre>
      <pre><code class="hljs language-python">b()</code></pre>
      <div class="highlight highlight-source-rust"><pre><span>c</span>()</pre></div>
      <div class="highlight-ruby notranslate"><div class="highlight"><pre>d</pre></div></div>
      <pre lang="go">e()</pre>
      <pre><code>\`\`\`md\nnested\n\`\`\`</code></pre></main>`);
    expect(md).toBe(
      "```js\na()\n```\n\n```python\nb()\n```\n\n```rust\nc()\n```\n\n```ruby\nd\n```\n\n```go\ne()\n```\n\n````\n```md\nnested\n```\n````",
    );
  });

  test("links and images absolute against <base>, script links and empty anchors dropped, mailto kept", () => {
    const md = markdownOf(`<html><head><base href="/docs/v2/"></head><body><main>
      <h2 id="x">Setup <a href="#x">¶</a></h2><p><a href="intro">Intro</a>, <a href="javascript:void(0)">Do</a>,
      <a href="mailto:team@site.example">Mail</a>, <a href="https://site.example/empty"></a> <img src="img/a.png" alt="A"></p></main></body></html>`);
    expect(md).toBe(
      "## Setup\n\n[Intro](https://site.example/docs/v2/intro), Do, [Mail](mailto:team@site.example), ![A](https://site.example/docs/v2/img/a.png)",
    );
    const lazy = markdownOf(
      '<main><p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/photo.jpg" alt="Photo"><img src="data:image/png;base64,iVBORw0KGgo=" alt="Inline"></p></main>',
    );
    expect(lazy).toBe("![Photo](https://site.example/photo.jpg)");
  });

  test("tables: header rows, headerless tables, captions, and layout tables flattened into blocks", () => {
    expect(markdownOf("<main><table><caption>Prices</caption><tr><td>a</td><td>1</td></tr></table></main>")).toBe(
      "Prices\n\n|     |     |\n| --- | --- |\n| a   | 1   |",
    );
    const layout = markdownOf(
      "<main><table><tr><td><h1>Site</h1></td></tr><tr><td><table><tr><th>k</th></tr><tr><td>v</td></tr></table></td></tr></table></main>",
    );
    expect(layout).toBe("# Site\n\n| k   |\n| --- |\n| v   |");
    expect(markdownOf("<main><table><tr><td><ul><li>x</li></ul></td><td>y</td></tr></table></main>")).toBe(
      "<table><tbody><tr><td><ul><li>x</li></ul></td><td>y</td></tr></tbody></table>",
    );
  });

  test("plain text is its own Markdown; other types have none", () => {
    expect(extract(html("# Notes\n\n- a"), "text/markdown", "https://s.example/", ["markdown"]).markdown).toBe("# Notes\n\n- a");
    expect(extract(Buffer.from([0, 1]), "application/pdf", "https://s.example/", ["markdown"]).markdown).toBeNull();
  });
});

describe("selectors", () => {
  test("the product page's selectors give the expected data: first match, every match, attributes absolute, null when missing", () => {
    const { selectors, data } = JSON.parse(fixture("product-page.selectors.json").toString());
    const normalized = Object.fromEntries(
      Object.entries(selectors).map(([k, v]) => [k, full(typeof v === "string" ? { selector: v } : (v as JobSelector))]),
    );
    const result = extract(fixture("product-page.html"), "text/html", pageUrls["product-page"]!, ["markdown"], { selectors: normalized });
    expect(result.data).toEqual(data);
    expect(Object.keys(result.data!)).toEqual(Object.keys(selectors));
  });

  test("no selectors, no data; a body that is not HTML matches nothing", () => {
    expect(extract(html("<p>x</p>"), "text/html", "https://s.example/", ["title"])).not.toHaveProperty("data");
    const selectors = { one: full({ selector: "p" }), many: full({ selector: "p", all: true }) };
    expect(extract(html("<p>x</p>"), "application/json", "https://s.example/", ["title"], { selectors }).data).toEqual({
      one: null,
      many: [],
    });
  });

  test("values are capped: matches per selector, characters per value, and characters in all", () => {
    const page = html(`<body>${"<i>x</i>".repeat(MAX_MATCHES + 5)}<p>${"long ".repeat(MAX_VALUE_CHARS)}</p></body>`);
    const { data } = extract(page, "text/html", "https://s.example/", [], {
      selectors: { items: full({ selector: "i", all: true }), long: full({ selector: "p" }) },
    });
    expect(data!.items).toHaveLength(MAX_MATCHES);
    expect(data!.long).toHaveLength(MAX_VALUE_CHARS);
    const huge = html(`<body>${`<p>${"y".repeat(MAX_VALUE_CHARS)}</p>`.repeat(MAX_MATCHES)}</body>`);
    const many = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`s${i}`, full({ selector: "p", all: true })]));
    const total = Object.values(extract(huge, "text/html", "https://s.example/", [], { selectors: many }).data!)
      .flat()
      .join("").length;
    expect(total).toBe(MAX_DATA_CHARS);
  });

  test("the parser that runs selectors decides which are valid", () => {
    for (const ok of [
      "h2 a",
      ".price",
      "div > p:first-child",
      "a[href^=http]",
      "li:nth-of-type(2n+1)",
      "p:not(.ad)",
      "section :is(h2, h3)",
    ]) {
      expect(selectorProblem(ok), ok).toBeNull();
    }
    for (const bad of ["a[", "h2 >>", "p:nth-child(", "#", "p, ", "::before"]) expect(selectorProblem(bad), bad).toBeString();
  });
});
