/** Never content, whatever `onlyMainContent` says: code, embedded objects, form controls and hidden elements. */
const NOT_CONTENT = [
  "head, title, script, style, noscript, template, svg, canvas, iframe, object, embed, button, input, select, textarea",
  // Hidden from view; not aria-hidden, which hides from screen readers what is still on screen.
  '[hidden], [style*="display:none" i], [style*="display: none" i]',
].join(", ");

/** Navigation chrome: the page's frame around its content. */
const CHROME = [
  "nav, aside, dialog",
  '[role="navigation"], [role="banner"], [role="contentinfo"], [role="complementary"], [role="search"]',
  '[role="dialog"], [role="alertdialog"], [role="menu"], [role="menubar"], [role="toolbar"]',
].join(", ");

/** A header or footer is the page's banner or footer only outside sectioning content (HTML's rule). */
const SECTIONING = 'article, aside, main, nav, section, [role="main"]';

/** Ids, classes and labels of consent banners (OneTrust, Cookiebot, cookie-notice plugins, ...): a cookie word and a banner word. */
const CONSENT = /cookie|consent|gdpr/i;
const BANNER = /banner|bar\b|notice|popup|modal|dialog|overlay|wall|sdk|law|consent|window|container|message/i;

const textLength = (el: Element) => (el.textContent ?? "").trim().length;

/** Where the content is: `<main>` (or `[role=main]`), else the top-level `<article>`s, else the body. */
function findRoots(document: Document): Element[] {
  const hasText = (el: Element) => textLength(el) > 0;
  const main = [...document.querySelectorAll('main, [role="main"]')].find(hasText);
  if (main) return [main];
  // Articles inside chrome (a sidebar's teasers) or inside another article are not the page's own.
  const articles = [...document.querySelectorAll("article")].filter((a) => !a.parentElement?.closest(`article, ${CHROME}`) && hasText(a));
  if (articles.length > 0) return articles;
  return [document.body ?? document.documentElement];
}

/**
 * Chrome inside `root`. Forms and consent-looking wrappers are chrome only when they hold less than
 * half of the root's text: some sites (ASP.NET WebForms) wrap the whole page in one `<form>`.
 */
function chromeIn(root: Element): Element[] {
  const found = [...root.querySelectorAll(CHROME)];
  for (const el of root.querySelectorAll("header, footer")) {
    const section = el.parentElement?.closest(SECTIONING);
    if (!section || !root.contains(section)) found.push(el);
  }
  const total = textLength(root);
  const small = (el: Element) => textLength(el) * 2 < total;
  for (const el of root.querySelectorAll("form")) if (small(el)) found.push(el);
  for (const el of root.querySelectorAll("[id], [class], [aria-label]")) {
    const names = ["id", "class", "aria-label"].map((name) => el.getAttribute(name) ?? "").join(" ");
    if (CONSENT.test(names) && BANNER.test(names) && small(el)) found.push(el);
  }
  return found;
}

/**
 * The elements whose content `text` and `markdown` show, after removing what is never content and,
 * with `onlyMainContent`, the chrome inside the main content. Mutates `document`: run it after
 * everything that reads the page as it is (title, links, meta, selectors).
 */
export function contentRoots(document: Document, onlyMainContent: boolean): Element[] {
  for (const el of document.querySelectorAll(NOT_CONTENT)) el.remove();
  if (!onlyMainContent) return [document.body ?? document.documentElement];
  const roots = findRoots(document);
  for (const root of roots) for (const el of chromeIn(root)) el.remove();
  return roots;
}
