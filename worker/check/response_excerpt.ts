/**
 * What a failed HTTP check keeps of the answer that failed it, so the team can see why:
 * the status, the headers (1,024 characters) and the first 1 KiB of the body, as text.
 * Only checks that got an answer and judged it (a wrong status, a keyword missing or
 * forbidden) keep one; an up check keeps nothing. The values of headers that may carry
 * credentials (cookies, authorization, tokens, keys, sessions) are not kept; the body is
 * kept as the server sent it.
 *
 * ```ts
 * const head = new BodyHead();
 * for await (const chunk of response.body()) head.add(chunk);
 * responseExcerpt(response, head); // "HTTP 503\ncontent-type: text/html\n\n<h1>Down for…"
 * ```
 */
import type { HttpResponse } from "../../lib/http_client/http_exchange.ts";

/** Body bytes kept. */
export const EXCERPT_BODY_BYTES = 1024;
/** Characters of the status line and headers kept. */
const HEADER_CHARS = 1024;
/** How long a check that already failed waits for the start of the body. */
const BODY_WAIT_MS = 1_000;
/** Header names whose values are not kept. */
const SECRET_HEADER = /cookie|auth|token|secret|session|key|signature|password/i;

/** The first {@link EXCERPT_BODY_BYTES} of a body, copied as its chunks pass. */
export class BodyHead {
  readonly #chunks: Uint8Array[] = [];
  #size = 0;

  get full(): boolean {
    return this.#size >= EXCERPT_BODY_BYTES;
  }

  /** Keeps what it still needs of `chunk` (a copy: the reader reuses its buffer). */
  add(chunk: Uint8Array): void {
    if (this.full) return;
    // A Uint8Array of its own: an HTTP/2 chunk is a Buffer, whose slice() is a view.
    const part = new Uint8Array(chunk.subarray(0, EXCERPT_BODY_BYTES - this.#size));
    this.#chunks.push(part);
    this.#size += part.length;
  }

  text(): string {
    const bytes = new Uint8Array(this.#size);
    let at = 0;
    for (const chunk of this.#chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    // A character cut at the end decodes as U+FFFD, as do bytes that are not UTF-8.
    return new TextDecoder().decode(bytes);
  }
}

/**
 * Reads the start of a body the check has not read, for at most {@link BODY_WAIT_MS}:
 * a slow or endless body leaves what arrived by then. Never throws.
 */
export async function readBodyHead(response: HttpResponse): Promise<BodyHead> {
  const head = new BodyHead();
  const timer = setTimeout(() => response.close(), BODY_WAIT_MS);
  try {
    for await (const chunk of response.body()) {
      head.add(chunk);
      if (head.full) break;
    }
  } catch {
    // Cut off, reset or closed by the timer: what arrived is what there is.
  } finally {
    clearTimeout(timer);
  }
  return head;
}

/** "HTTP <status>", the headers (one a line) and, after a blank line, the start of the body. */
export function responseExcerpt(response: HttpResponse, head: BodyHead): string {
  const lines = [`HTTP ${response.status}`];
  for (const [name, value] of response.headers) {
    lines.push(`${name}: ${SECRET_HEADER.test(name) ? "(not kept)" : value}`);
  }
  let top = lines.join("\n");
  if (top.length > HEADER_CHARS) top = `${top.slice(0, HEADER_CHARS)}…`;
  const body = head.text();
  // NUL, which no page can show.
  return (body ? `${top}\n\n${body}` : top).replaceAll("\0", "\uFFFD");
}
