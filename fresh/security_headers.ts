/**
 * Headers every HTML page gets. Scripts run only if they carry the page's nonce (our
 * island runtime does; `'strict-dynamic'` lets it import the island chunks); the inlined
 * CSS carries the nonce too, so no other inline script or style runs.
 *
 * Written here rather than taken from helmet: helmet speaks Node's `res.setHeader`, and
 * the policy is a handful of strings. Everything but the nonce is built once, since
 * every page response pays for these headers.
 */

// Random bytes are drawn in bulk: one call per 256 nonces instead of one per response.
const NONCE_BYTES = 16;
const pool = new Uint8Array(NONCE_BYTES * 256);
let poolOffset = pool.length;

/** A fresh random nonce, base64, 128 bits. */
export function createNonce(): string {
  if (poolOffset === pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset += NONCE_BYTES);
  return btoa(String.fromCharCode.apply(null, bytes as unknown as number[]));
}

const CSP_AFTER_NONCE = [
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The Content-Security-Policy for a page rendered with `nonce`. */
export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'self'; script-src 'nonce-${nonce}' 'strict-dynamic'; ` +
    `style-src 'self' 'nonce-${nonce}'; ${CSP_AFTER_NONCE}`;
}

const FIXED_HEADERS: [string, string][] = [
  ["content-type", "text/html; charset=utf-8"],
  ["x-content-type-options", "nosniff"],
  ["referrer-policy", "strict-origin-when-cross-origin"],
  ["x-frame-options", "DENY"],
  ["cross-origin-opener-policy", "same-origin"],
];

/**
 * The headers of an HTML response: `content-type` and the security headers, except
 * security headers the route set itself in `init`. Without `init` it is a plain list,
 * which `Response` validates once, where a `Headers` would be validated twice.
 */
export function htmlHeaders(nonce: string, init?: HeadersInit): HeadersInit {
  const csp = contentSecurityPolicy(nonce);
  if (init === undefined) return [...FIXED_HEADERS, ["content-security-policy", csp]];
  const headers = new Headers(init);
  headers.set("content-type", FIXED_HEADERS[0][1]);
  for (let i = 1; i < FIXED_HEADERS.length; i++) {
    const [name, value] = FIXED_HEADERS[i];
    if (!headers.has(name)) headers.set(name, value);
  }
  if (!headers.has("content-security-policy")) headers.set("content-security-policy", csp);
  return headers;
}
