import { parseHTML } from "linkedom";
import type { JobOptions, JobResult } from "../modules/jobs/view";

type Extracted = Pick<JobResult, "title" | "text" | "links" | "meta" | "html">;

/**
 * Decodes the body with the charset the response names, else the one a `<meta charset>` near the
 * top declares (the browsers' prescan, on the first 1024 bytes), falling back to UTF-8.
 */
function decodeBody(body: Buffer, contentType: string | null): string {
  const declared = (text: string) => /charset\s*=\s*["']?([\w-]+)/i.exec(text)?.[1];
  const charset = declared(contentType ?? "") ?? declared(body.subarray(0, 1024).toString("latin1").match(/<meta[^>]+>/gi)?.join(" ") ?? "");
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

const BLOCKS = "address, article, aside, blockquote, br, dd, div, dl, dt, footer, h1, h2, h3, h4, h5, h6, header, hr, li, main, nav, ol, p, pre, section, table, td, th, tr, ul";

function visibleText(document: Document): string {
  for (const el of document.querySelectorAll("script, style, noscript, template")) el.remove();
  // textContent glues blocks together ("Title</h1><p>Text" → "TitleText"): end each block with a space.
  for (const el of document.querySelectorAll(BLOCKS)) el.append(document.createTextNode(" "));
  return collapse(document.body?.textContent ?? document.documentElement?.textContent ?? "");
}

/**
 * The fields `extract` asks for, from a real DOM (linkedom), never from regular expressions.
 * Non-HTML bodies have no title, links or meta; `text` and `html` are the body for text types.
 */
export function extract(body: Buffer, contentType: string | null, finalUrl: string, wanted: JobOptions["extract"]): Extracted {
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
    return out;
  }
  const { document } = parseHTML(source);
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
  if (wanted.includes("links")) out.links = links(document as unknown as Document, base);
  if (wanted.includes("meta")) out.meta = meta(document as unknown as Document);
  if (wanted.includes("text")) out.text = visibleText(document as unknown as Document);
  return out;
}
