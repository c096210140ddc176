import { createHash } from "node:crypto";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

// The one inline script, allowed by its hash below: it starts Swagger UI on the hand-written spec.
const options = JSON.stringify({ dom_id: "#swagger-ui", url: "/openapi.yaml" });
const start = `window.onload = () => { window.ui = SwaggerUIBundle(${options}); };`;

/**
 * Swagger UI's files come from this server (swagger-ui-dist), and its one inline script by hash
 * (React sets styles through the DOM, which `style-src 'self'` allows); its icons are data: URIs.
 * No framing: a framed "Try it out" could be clickjacked. test/swagger-browser.test.ts runs the
 * page in Chromium under this policy.
 */
const CSP = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${createHash("sha256").update(start).digest("base64")}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers for the Swagger UI page. */
export const swaggerPageHeaders = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": CSP,
  "x-frame-options": "DENY",
};

/** The page that loads Swagger UI on /openapi.yaml. */
export function renderSwaggerPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/swagger/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/swagger/assets/swagger-ui-bundle.js"></script>
<script>${start}</script>
</body>
</html>
`;
}
