import { strikethrough, tables, taskListItems } from "@joplin/turndown-plugin-gfm";
import TurndownService from "turndown";

const LINK_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);
/** What a heading's self-link shows (GitHub, MDN, Sphinx): noise once the page is text. */
const ANCHOR_SYMBOL = /^[#¶§🔗\u200b]*$/u;

function absolute(value: string, base: string): URL | null {
  try {
    return new URL(value.trim(), base);
  } catch {
    return null;
  }
}

/** Links and images absolute against the page's base; links to scripts and empty links dropped. */
function absolutize(root: Element, base: string): void {
  for (const a of root.querySelectorAll("a[href]")) {
    const url = absolute(a.getAttribute("href")!, base);
    const empty = !a.querySelector("img") && ANCHOR_SYMBOL.test((a.textContent ?? "").trim());
    if (empty) a.remove();
    else if (url && LINK_SCHEMES.has(url.protocol)) a.setAttribute("href", url.toString());
    else a.removeAttribute("href");
  }
  for (const img of root.querySelectorAll("img")) {
    // Lazy loaders put the real image in data-src and a placeholder (often a data: URI) in src.
    const src = img.getAttribute("src");
    const lazy = img.getAttribute("data-src");
    const url = absolute((lazy && (!src || src.startsWith("data:")) ? lazy : src) ?? "", base);
    // Without a src turndown writes nothing: inline data: images would fill the Markdown with base64.
    if (url?.protocol === "http:" || url?.protocol === "https:") img.setAttribute("src", url.toString());
    else img.removeAttribute("src");
  }
}

const LANGUAGE_CLASS = /(?:^|\s)(?:language|lang|highlight-source|highlight)-([\w+#-]+)/;

/**
 * The language a code block declares, in the forms highlighters write it: Prism and highlight.js
 * (`language-x` on code or pre), GitHub (`highlight-source-x` on the wrapper), Sphinx/Pygments
 * (`highlight-x` on the wrapper's wrapper), or a `lang`/`data-lang` attribute.
 */
function languageOf(pre: Element): string | null {
  const code = pre.querySelector("code");
  for (const el of [code, pre]) {
    const declared = el?.getAttribute("data-lang") ?? el?.getAttribute("lang");
    if (declared && /^[\w+#-]+$/.test(declared)) return declared;
  }
  for (const el of [code, pre, pre.parentElement, pre.parentElement?.parentElement]) {
    const match = LANGUAGE_CLASS.exec(el?.getAttribute("class") ?? "");
    if (match) return match[1]!;
  }
  return null;
}

/**
 * Every `<pre>` as turndown expects a fenced block: one `<code class="language-x">` holding the text.
 * Highlighters split code into spans and lines into `<br>`s, and a `<pre>` without `<code>` would
 * come out unfenced.
 */
function normalizeCodeBlocks(root: Element): void {
  for (const pre of root.querySelectorAll("pre")) {
    for (const br of pre.querySelectorAll("br")) br.replaceWith("\n");
    const language = languageOf(pre);
    const code = pre.ownerDocument.createElement("code");
    if (language) code.setAttribute("class", `language-${language}`);
    code.textContent = (pre.textContent ?? "").replace(/\n$/, "");
    pre.replaceChildren(code);
  }
}

/**
 * Tables that hold tables lay the page out: their cells become plain blocks. The GFM plugin keeps
 * the other tables it cannot write as Markdown (lists or headings in cells) as HTML inside a
 * wrapper div of its own, unless one is there already: giving every table that wrapper keeps our
 * output free of the plugin's markup.
 */
function normalizeTables(root: Element): void {
  for (const table of root.querySelectorAll("table")) {
    if (!table.isConnected) continue;
    if (table.querySelector("table")) {
      const cells = [...table.querySelectorAll(":scope > * > tr > td, :scope > * > tr > th, :scope > tr > td, :scope > tr > th")];
      table.replaceWith(
        ...cells.map((cell) => {
          const div = table.ownerDocument.createElement("div");
          div.append(...cell.childNodes);
          return div;
        }),
      );
    }
  }
  for (const table of root.querySelectorAll("table")) {
    const wrapper = table.ownerDocument.createElement("div");
    wrapper.setAttribute("class", "joplin-table-wrapper");
    table.replaceWith(wrapper);
    wrapper.append(table);
  }
}

const turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-", emDelimiter: "_" });
turndown.use([tables, strikethrough, taskListItems]);

/**
 * The content of `roots` as Markdown (GitHub-flavoured: tables, fenced code with its language,
 * strikethrough, task lists), with links and images absolute against `base`. Made by turndown from
 * the HTML of the cleaned roots; mutates them.
 */
export function toMarkdown(roots: Element[], base: string): string {
  for (const root of roots) {
    absolutize(root, base);
    normalizeCodeBlocks(root);
    normalizeTables(root);
  }
  // Turndown reads HTML text: the GFM table rules need the full table DOM (rows, cells) that its own parser builds.
  return turndown.turndown(roots.map((root) => root.outerHTML).join("\n")).trim();
}
