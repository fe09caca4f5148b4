/**
 * Which request headers a monitor may set: one rule for the form (website schemas) and
 * the checker (worker), so a value the form accepts is a value every check can send.
 *
 * ```ts
 * headerProblem("X-Token", "abc"); // null
 * headerProblem("X-Price", "5 €"); // 'the value of "X-Price" may hold only printable ASCII ...'
 * isReservedHeader("Host"); // true
 * ```
 */

/** RFC 9110 token characters: anything else is no header name. */
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;

/**
 * Printable ASCII, space and tab. RFC 9110 leaves other bytes undefined (obs-text), so
 * servers read them differently, and HTTP/2 forbids control characters; a check must
 * send exactly what the user typed, everywhere.
 */
const headerValue = /^[\t\x20-\x7e]*$/;

/** Longest header value a monitor may set. */
export const MAX_HEADER_VALUE_LENGTH = 4096;

/**
 * Set by the checker from the request itself, or meaningless on HTTP/2: a user value
 * would break the check (a stale Content-Length), point it elsewhere (Host), or make a
 * keyword miss a compressed body (Accept-Encoding).
 */
export const RESERVED_HEADERS: readonly string[] = [
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "proxy-connection",
  "accept-encoding",
];
const reserved = new Set(RESERVED_HEADERS);

/** True for a header the checker sets itself (case-insensitive). */
export function isReservedHeader(name: string): boolean {
  return reserved.has(name.toLowerCase());
}

/** Why `name` is no header name, or null. */
export function headerNameProblem(name: string): string | null {
  if (headerName.test(name)) return null;
  return `${JSON.stringify(name.slice(0, 40))} is not a header name ` +
    "(letters, digits and !#$%&'*+-.^_`|~ only)";
}

/** Why `value` cannot be sent as the value of header `name`, or null. */
export function headerValueProblem(name: string, value: string): string | null {
  if (value.length > MAX_HEADER_VALUE_LENGTH) {
    return `the value of ${
      JSON.stringify(name)
    } may hold at most ${MAX_HEADER_VALUE_LENGTH} characters`;
  }
  if (headerValue.test(value)) return null;
  const bad = [...value].find((char) => !headerValue.test(char)) ?? "";
  const code = bad.codePointAt(0) ?? 0;
  const shown = code < 0x20 || code === 0x7f
    ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}`
    : JSON.stringify(bad);
  return `the value of ${JSON.stringify(name)} may hold only printable ASCII characters ` +
    `(found ${shown})`;
}

/** Why this header cannot be set on a monitor, or null. */
export function headerProblem(name: string, value: string): string | null {
  return headerNameProblem(name) ??
    (isReservedHeader(name) ? `${JSON.stringify(name)} is set by the checker` : null) ??
    headerValueProblem(name, value);
}
