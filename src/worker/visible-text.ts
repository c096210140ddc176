/** Elements whose text a reader never sees. */
const UNSEEN = new Set(["HEAD", "TITLE", "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"]);

/** Elements that start a new line on screen: their text must not run into the text beside them. */
const BLOCKS = new Set(
  "ADDRESS ARTICLE ASIDE BLOCKQUOTE BR DD DIV DL DT FIGCAPTION FIGURE FOOTER H1 H2 H3 H4 H5 H6 HEADER HR LI MAIN NAV OL P PRE SECTION TABLE TD TH TR UL".split(
    " ",
  ),
);

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/**
 * The visible text of `root`, whitespace collapsed, blocks separated by a space ("Title</h1><p>Text"
 * reads "Title Text", not "TitleText"). The DOM is left as it is. The walk stops once `maxChars`
 * characters are collected, so a capped value costs no more than its cap.
 */
export function visibleText(root: Node, maxChars = Infinity): string {
  // Pieces joined once at the end: growing one string and reading its end on every piece is quadratic.
  const pieces: string[] = [];
  let length = 0;
  let spaced = true; // nothing written yet, or the last piece ended in a space
  const add = (piece: string) => {
    // Zero-width spaces (heading anchors, soft hyphenation helpers) are invisible: not text.
    let collapsed = piece.replace(/[\u200b\ufeff]/g, "").replace(/\s+/g, " ");
    if (spaced && collapsed.startsWith(" ")) collapsed = collapsed.slice(1);
    if (!collapsed) return;
    pieces.push(collapsed);
    length += collapsed.length;
    spaced = collapsed.endsWith(" ");
  };
  const blockOf = (node: Node) => node.nodeType === ELEMENT && BLOCKS.has((node as Element).tagName);
  let node: Node | null = root.firstChild;
  while (node && length <= maxChars) {
    const skipped = node.nodeType === ELEMENT && UNSEEN.has((node as Element).tagName);
    if (node.nodeType === TEXT || node.nodeType === CDATA) add((node as CharacterData).data);
    if (blockOf(node)) add(" ");
    if (!skipped && node.nodeType === ELEMENT && node.firstChild) {
      node = node.firstChild;
      continue;
    }
    // Climb until a next sibling, closing each block on the way out.
    while (node && node !== root && !node.nextSibling) {
      node = node.parentNode;
      if (node && node !== root && blockOf(node)) add(" ");
    }
    node = node && node !== root ? node.nextSibling : null;
  }
  return pieces.join("").trim().slice(0, maxChars);
}
