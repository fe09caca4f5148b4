/**
 * Headers every HTML page gets. Scripts run only if they carry the page's nonce (our
 * island runtime does; `'strict-dynamic'` lets it import the island chunks); the inlined
 * CSS carries the nonce too, so no other inline script or style runs.
 *
 * Written here rather than taken from helmet: helmet speaks Node's `res.setHeader`, and
 * the policy is a handful of strings.
 */

/** A fresh random nonce, base64, 128 bits. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** The Content-Security-Policy for a page rendered with `nonce`. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Sets the security headers on an HTML response, leaving any the route set itself. */
export function setHtmlSecurityHeaders(headers: Headers, nonce: string): void {
  const defaults: Record<string, string> = {
    "content-security-policy": contentSecurityPolicy(nonce),
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
  };
  for (const [name, value] of Object.entries(defaults)) {
    if (!headers.has(name)) headers.set(name, value);
  }
}
