/**
 * A minimal HTTP/1.1 client over an already connected socket: one request, one
 * response, then the connection is closed (`Connection: close`, no pooling).
 *
 * It exists because a check needs little of HTTP and must read responses as leniently
 * as curl does: strict parsers (llhttp in node and undici, hyper in Deno's fetch) reject
 * real sites that curl and browsers load (obs-fold continuation lines, whitespace before
 * a header's colon, a repeated equal Content-Length, header blocks over 64 KiB). It also
 * costs far less CPU than Deno's node:http polyfill. It writes the request, parses the
 * status line and headers (at most {@link maxHeaderBytes}), and decodes the body's
 * framing (chunked, Content-Length or until close) only when someone reads it.
 */
import { headerNameProblem, headerValueProblem } from "../header_policy.ts";
import type { ByteStream } from "./byte_stream.ts";
import { CheckFailure, formatBytes } from "./failures.ts";

/** What goes on the wire. `headers` names are lowercase and exclude framing headers. */
export interface Http1Request {
  method: string;
  /** The Host header. */
  host: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

/**
 * Headers beyond this are a broken or hostile target, not a website. curl's own limit
 * (MAX_HTTP_RESP_HEADER_SIZE): cookies and CSP headers make 64 KiB blocks real.
 */
export const maxHeaderBytes = 300 * 1024;

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const encoder = new TextEncoder();
const nonAscii = /[\u0080-\uffff]/;

/**
 * The request head and body as bytes. Throws an "invalid" failure for a header the
 * wire cannot carry (a line break would smuggle a second header or request), before
 * any connection exists.
 */
export function encodeRequest(request: Http1Request): Uint8Array {
  if (!token.test(request.method)) {
    throw new CheckFailure("invalid", `invalid HTTP method: ${request.method}`);
  }
  const body = request.body === null ? null : encoder.encode(request.body);
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${request.host}\r\n`;
  for (const [name, value] of Object.entries(request.headers)) {
    // The form applies the same rule; this catches websites stored before it did.
    const problem = headerNameProblem(name) ?? headerValueProblem(name, value);
    if (problem) throw new CheckFailure("invalid", `invalid header: ${problem}`);
    head += `${name}: ${value}\r\n`;
  }
  if (body !== null) head += `content-length: ${body.length}\r\n`;
  head += "connection: close\r\n\r\n";
  const headBytes = latin1Bytes(head);
  if (body === null || body.length === 0) return headBytes;
  const bytes = new Uint8Array(headBytes.length + body.length);
  bytes.set(headBytes);
  bytes.set(body, headBytes.length);
  return bytes;
}

/**
 * The bytes of latin1 text (one byte per character), as header values are read and
 * written; ASCII, the usual case, encodes natively.
 */
export function latin1Bytes(text: string): Uint8Array {
  if (!nonAscii.test(text)) return encoder.encode(text);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The latin1 text of bytes, one character (U+0000–U+00FF) per byte: the inverse of
 * {@link latin1Bytes}. Not TextDecoder's "latin1", which is windows-1252 and turns 0x80–0x9F
 * (UTF-8 continuation bytes among them) into other characters.
 */
export function latin1Text(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 4096) as unknown as number[]);
  }
  return text;
}

/**
 * A response whose head has arrived (over HTTP/1.1 or HTTP/2). It owns the connection:
 * `close()`, or aborting the signal it was sent with, closes it, which is also how a
 * caller stops reading a body it does not need. Once the signal aborts, reads reject
 * with its reason.
 */
export interface HttpResponse {
  status: number;
  /** Lowercase names; repeated headers joined with ", "; values as latin1 text of the bytes. */
  headers: Map<string, string>;
  /**
   * The body's bytes, framing removed. Each chunk is valid only until the next one is
   * requested (the read buffer is reused). Throws a "connection" failure when the
   * connection ends before the framing says the body is complete.
   */
  body(): AsyncGenerator<Uint8Array>;
  /** Closes the connection; safe to call more than once. */
  close(): void;
}

/** Writes `request` on `conn` and reads the response head. */
export async function sendRequest(
  conn: ByteStream,
  request: Uint8Array,
  method: string,
  signal: AbortSignal,
): Promise<HttpResponse> {
  const reader = new BufferedConn(conn, signal);
  try {
    await reader.write(request);
    const { status, headers } = await readHead(reader);
    const bodyless = method === "HEAD" || status === 204 || status === 304 || status === 101;
    return {
      status,
      headers,
      body: () => bodyless ? readBody(reader, 0) : readBody(reader, framing(headers)),
      close: reader.close,
    };
  } catch (error) {
    reader.close();
    throw error;
  }
}

/** "chunked", a byte count, or Infinity for a body that runs until the server closes. */
function framing(headers: Map<string, string>): "chunked" | number {
  const encoding = headers.get("transfer-encoding")?.toLowerCase();
  if (encoding !== undefined) {
    if (encoding.endsWith("chunked")) return "chunked";
    return Infinity;
  }
  const length = headers.get("content-length");
  if (length === undefined) return Infinity;
  // RFC 9110 §8.6: a repeated field, or a list, of one and the same value is that value.
  const values = new Set(length.split(",").map((value) => value.trim()));
  if (values.size !== 1) throw invalid("conflicting Content-Length values");
  const [value] = values;
  if (!/^\d+$/.test(value)) throw invalid("bad Content-Length");
  return Number(value);
}

async function* readBody(reader: BufferedConn, size: "chunked" | number) {
  if (size === "chunked") return yield* readChunks(reader);
  for (let left = size; left > 0;) {
    const part = await reader.read(left);
    if (part === null) {
      if (left === Infinity) return;
      throw truncated();
    }
    left -= part.length;
    yield part;
  }
}

async function* readChunks(reader: BufferedConn): AsyncGenerator<Uint8Array> {
  for (;;) {
    const sizeLine = await reader.readLine(4096, "chunk size line too long");
    if (sizeLine === null) throw truncated();
    const size = /^[0-9a-fA-F]+/.exec(sizeLine);
    if (!size) throw invalid("bad chunk size");
    const bytes = parseInt(size[0], 16);
    // The last chunk; its trailers are not needed, the caller closes the connection.
    if (bytes === 0) return;
    yield* readBody(reader, bytes);
    if (await reader.readLine(2, "chunk not followed by CRLF") !== "") {
      throw invalid("chunk not followed by CRLF");
    }
  }
}

/** The status line and headers of the final response; 1xx interim responses are skipped. */
async function readHead(reader: BufferedConn) {
  let budget = maxHeaderBytes;
  const tooLong = `headers exceed ${formatBytes(maxHeaderBytes)}`;
  const nextLine = async () => {
    const line = await reader.readLine(budget, tooLong);
    if (line === null) throw new CheckFailure("connection", "connection closed before a response");
    budget -= line.length + 2;
    if (budget < 0) throw invalid(tooLong);
    return line;
  };
  for (;;) {
    const statusLine = await nextLine();
    const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
    if (!match) throw invalid(`bad status line "${statusLine.slice(0, 40)}"`);
    const headers = new Map<string, string>();
    let last = "";
    for (let field = await nextLine(); field !== ""; field = await nextLine()) {
      // obs-fold (RFC 9112 §5.2): a line starting with a space or tab continues the
      // previous value; a client may replace the fold with a space, as curl does.
      if ((field[0] === " " || field[0] === "\t") && last !== "") {
        headers.set(last, `${headers.get(last)} ${field.trim()}`);
        continue;
      }
      const colon = field.indexOf(":");
      // Whitespace before the colon is tolerated (curl and browsers read past it).
      const name = field.slice(0, Math.max(colon, 0)).replace(/[ \t]+$/, "").toLowerCase();
      if (colon <= 0 || !token.test(name)) throw invalid(`bad header "${field.slice(0, 40)}"`);
      const value = field.slice(colon + 1).trim();
      const previous = headers.get(name);
      headers.set(name, previous === undefined ? value : `${previous}, ${value}`);
      last = name;
    }
    const status = Number(match[1]);
    if (status < 100 || status >= 200 || status === 101) return { status, headers };
  }
}

function invalid(detail: string): CheckFailure {
  return new CheckFailure("connection", `invalid response: ${detail}`);
}

function truncated(): CheckFailure {
  return new CheckFailure("connection", "connection closed while reading the body");
}

const HEAD_BUFFER_BYTES = 2 * 1024;
const BODY_BUFFER_BYTES = 16 * 1024;

/**
 * A connection with buffered reads (lines for the head and chunk sizes, bytes for
 * bodies) that closes itself when `signal` aborts; reads then reject with its reason.
 */
class BufferedConn {
  #conn: ByteStream;
  #signal: AbortSignal;
  /** Enough for most response heads; grows for a longer line, and once for a body. */
  #buffer = new Uint8Array(HEAD_BUFFER_BYTES);
  #start = 0;
  #end = 0;
  #closed = false;

  constructor(conn: ByteStream, signal: AbortSignal) {
    this.#conn = conn;
    this.#signal = signal;
    signal.addEventListener("abort", this.close, { once: true });
  }

  close = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.#signal.removeEventListener("abort", this.close);
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  };

  async write(bytes: Uint8Array): Promise<void> {
    this.#signal.throwIfAborted();
    try {
      for (let written = 0; written < bytes.length;) {
        written += await this.#conn.write(bytes.subarray(written));
      }
    } catch (error) {
      throw this.#signal.aborted ? this.#signal.reason : error;
    }
  }

  /**
   * The next line without its CRLF (or bare LF), or null when the connection ended.
   * Throws an invalid response, saying `tooLong`, past `maxBytes` without a line end.
   */
  async readLine(maxBytes: number, tooLong: string): Promise<string | null> {
    let scanned = this.#start;
    for (;;) {
      const newline = this.#buffer.subarray(scanned, this.#end).indexOf(10);
      if (newline >= 0) {
        const lineEnd = scanned + newline;
        const cr = lineEnd > this.#start && this.#buffer[lineEnd - 1] === 13 ? 1 : 0;
        const line = latin1Text(this.#buffer.subarray(this.#start, lineEnd - cr));
        this.#start = lineEnd + 1;
        return line;
      }
      if (this.#end - this.#start >= maxBytes) throw invalid(tooLong);
      scanned = this.#end - this.#start;
      if (!await this.#fill()) return null;
      scanned += this.#start;
    }
  }

  /** Up to `maxBytes` bytes, valid until the next call; null when the connection ended. */
  async read(maxBytes: number): Promise<Uint8Array | null> {
    if (this.#start === this.#end) {
      // A body is read in larger pieces than a head: fewer reads for a long page.
      if (this.#buffer.length < BODY_BUFFER_BYTES) this.#buffer = new Uint8Array(BODY_BUFFER_BYTES);
      if (!await this.#fill()) return null;
    }
    const size = Math.min(maxBytes, this.#end - this.#start);
    const bytes = this.#buffer.subarray(this.#start, this.#start + size);
    this.#start += size;
    return bytes;
  }

  /** Reads more after the unread bytes, growing the buffer for a long line. */
  async #fill(): Promise<boolean> {
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
    } else if (this.#end === this.#buffer.length) {
      const unread = this.#buffer.subarray(this.#start, this.#end);
      const room = unread.length * 2 > this.#buffer.length ? this.#buffer.length * 2 : 0;
      const target = room ? new Uint8Array(room) : this.#buffer;
      target.set(unread);
      this.#buffer = target;
      this.#end = unread.length;
      this.#start = 0;
    }
    let count: number | null;
    try {
      count = await this.#conn.read(this.#buffer.subarray(this.#end));
    } catch (error) {
      throw this.#signal.aborted ? this.#signal.reason : error;
    }
    if (count === null) return false;
    this.#end += count;
    return true;
  }
}
