import type { DashboardAssets } from "./assets";

/** Scripts, styles, images and requests only from this origin; no inline script or style, no plugins, no framing. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers for every dashboard page. */
export const pageHeaders = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": CSP,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-cache",
};

/** The HTML shell; the script renders everything inside `#app`. */
export function renderPage(assets: DashboardAssets): string {
  const js = `/dashboard/assets/app.js?v=${assets["app.js"].version}`;
  const css = `/dashboard/assets/app.css?v=${assets["app.css"].version}`;
  const icon = `/dashboard/assets/favicon.svg?v=${assets["favicon.svg"].version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>AzScraper dashboard</title>
<link rel="icon" type="image/svg+xml" href="${icon}">
<link rel="stylesheet" href="${css}">
<script type="module" src="${js}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the dashboard…</p></div>
<noscript><p class="boot">The dashboard needs JavaScript. The API itself is documented at <a href="/swagger">/swagger</a>.</p></noscript>
</body>
</html>
`;
}
