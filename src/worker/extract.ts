import { parseHTML } from "linkedom";
import type { JobOptions, JobResult } from "../modules/jobs/view";
import { contentRoots } from "./main-content";
import { toMarkdown } from "./markdown";
import { applySelectors, emptySelection } from "./selectors";
import { visibleText } from "./visible-text";

type Extracted = Pick<JobResult, "title" | "text" | "markdown" | "links" | "meta" | "data" | "html">;
type Formats = Partial<Pick<JobOptions, "onlyMainContent" | "selectors">>;

/**
 * Decodes the body with the charset the response names, else the one a `<meta charset>` near the
 * top declares (the browsers' prescan, on the first 1024 bytes), falling back to UTF-8.
 */
function decodeBody(body: Buffer, contentType: string | null): string {
  const declared = (text: string) => /charset\s*=\s*["']?([\w-]+)/i.exec(text)?.[1];
  const charset =
    declared(contentType ?? "") ??
    declared(
      body
        .subarray(0, 1024)
        .toString("latin1")
        .match(/<meta[^>]+>/gi)
        ?.join(" ") ?? "",
    );
  try {
    return new TextDecoder(charset ?? "utf-8").decode(body);
  } catch {
    return new TextDecoder("utf-8").decode(body);
  }
}

const isHtml = (contentType: string | null) => !contentType || /\b(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

/** Absolute http(s) URLs without fragments, deduplicated, in document order. */
function links(document: Document, base: string): string[] {
  const seen = new Set<string>();
  for (const a of document.querySelectorAll("a[href]")) {
    try {
      const url = new URL(a.getAttribute("href")!.trim(), base);
      if (url.protocol !== "http:" && url.protocol !== "https:") continue;
      url.hash = "";
      seen.add(url.toString());
    } catch {
      // an href that is not a URL is not a link
    }
  }
  return [...seen];
}

function meta(document: Document): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of document.querySelectorAll("meta[content]")) {
    const name = m.getAttribute("name") ?? m.getAttribute("property");
    if (name && !(name.toLowerCase() in out)) out[name.toLowerCase()] = m.getAttribute("content")!;
  }
  return out;
}

/**
 * Browsers build the `<html>` and `<body>` a page leaves out (HTML allows it; minified pages do);
 * linkedom does not, and would put the content beside an empty body. Give it them.
 */
function parseDocument(source: string): Document {
  const withoutDoctype = () => source.replace(/^\s*<!doctype[^>]*>/i, "");
  let complete = source;
  if (!/<body[\s>]/i.test(source)) complete = `<html><body>${withoutDoctype()}</body></html>`;
  else if (!/<html[\s>]/i.test(source)) complete = `<html>${withoutDoctype()}</html>`;
  return parseHTML(complete).document as unknown as Document;
}

/**
 * The fields `extract` asks for, and `data` for the selectors, from a real DOM (linkedom), never
 * from regular expressions. `text` and `markdown` show the main content unless `onlyMainContent`
 * is false. Non-HTML bodies have no title, links, meta or matches; `text`, `markdown` and `html`
 * are the body for text types.
 */
export function extract(
  body: Buffer,
  contentType: string | null,
  finalUrl: string,
  wanted: JobOptions["extract"],
  formats: Formats = {},
): Extracted {
  const { onlyMainContent = true, selectors = {} } = formats;
  const selecting = Object.keys(selectors).length > 0;
  const textual = isHtml(contentType) || /^text\//i.test(contentType ?? "");
  const source = textual ? decodeBody(body, contentType) : null;
  const out: Extracted = {};
  if (source === null || !isHtml(contentType)) {
    for (const field of wanted) {
      if (field === "links") out.links = [];
      else if (field === "meta") out.meta = {};
      else if (field === "title") out.title = null;
      else out[field] = field === "html" ? null : source;
    }
    if (selecting) out.data = emptySelection(selectors);
    return out;
  }
  const document = parseDocument(source);
  const baseHref = document.querySelector("base[href]")?.getAttribute("href");
  let base = finalUrl;
  try {
    if (baseHref) base = new URL(baseHref, finalUrl).toString();
  } catch {
    // a broken <base> is ignored, as browsers do
  }
  if (wanted.includes("html")) out.html = source;
  // linkedom's document.title looks only in <head>; pages without one still have a <title> element.
  if (wanted.includes("title")) out.title = collapse(document.title || document.querySelector("title")?.textContent || "") || null;
  if (wanted.includes("links")) out.links = links(document, base);
  if (wanted.includes("meta")) out.meta = meta(document);
  if (selecting) out.data = applySelectors(document, selectors, base);
  // Everything above reads the page as it came; from here on the document is cut down to its content.
  if (wanted.includes("text") || wanted.includes("markdown")) {
    const roots = contentRoots(document, onlyMainContent);
    // Text first: the Markdown conversion rewrites links and code blocks in place.
    if (wanted.includes("text")) out.text = collapse(roots.map((root) => visibleText(root)).join(" "));
    if (wanted.includes("markdown")) out.markdown = toMarkdown(roots, base);
  }
  return out;
}
