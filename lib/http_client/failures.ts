/**
 * Why a check is down: every failure inside the check pipeline becomes a
 * {@link CheckFailure} carrying an {@link ErrorKind} and one short line of text, so
 * results stay comparable across regions and never leak a stack trace.
 */

/** The reason a check is down; "" in a result means it is up. */
export type ErrorKind =
  | "timeout"
  | "dns"
  | "refused"
  | "tls"
  | "status"
  | "keyword"
  | "json"
  | "answer"
  | "blocked"
  | "connection"
  | "redirects"
  | "invalid";

/**
 * What each kind of failure is called on the pages (a missed heartbeat, and a job that
 * reported a failed run, included). Imports
 * nothing, so islands can bundle it.
 */
const KIND_WORDS: Record<string, string> = {
  timeout: "Timed out",
  dns: "DNS lookup failed",
  refused: "Connection refused",
  tls: "TLS failed",
  status: "Unexpected status",
  keyword: "Keyword check failed",
  json: "JSON check failed",
  answer: "Unexpected DNS answer",
  blocked: "Address not allowed",
  connection: "Connection failed",
  redirects: "Too many redirects",
  invalid: "Invalid settings",
  heartbeat: "Missed heartbeat",
  job: "Job failed",
} satisfies Record<ErrorKind, string> & Record<string, string>;

/** "Unexpected status" for "status"; a kind it does not know, as it is. */
export function errorKindWords(kind: string): string {
  return KIND_WORDS[kind] ?? kind;
}

/**
 * A failure's kind in words, then what it said, saying it once: "Timed out after 3000 ms"
 * rather than "Timed out: timed out after 3000 ms".
 */
export function failureWords(kind: string, detail: string): string {
  const words = kind ? errorKindWords(kind) : "";
  if (words && detail.toLowerCase().startsWith(words.toLowerCase())) {
    return detail[0].toUpperCase() + detail.slice(1);
  }
  return [words, detail].filter(Boolean).join(": ");
}

const maxMessageLength = 300;

/** A failure whose kind is already known; thrown inside the check, never out of it. */
export class CheckFailure extends Error {
  constructor(readonly kind: ErrorKind, message: string) {
    super(shortMessage(message));
    this.name = "CheckFailure";
  }
}

const dnsCodes = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NODATA", "EAI_NONAME", "EAI_FAIL"]);

/**
 * Maps anything thrown during a check to a failure with a kind and a short message.
 * `peer` ("203.0.113.7:443") names the address a connection attempt went to, as curl
 * does: the message then says which of a name's addresses refused.
 */
export function toFailure(error: unknown, peer?: string): CheckFailure {
  if (error instanceof CheckFailure) return error;
  const code = errorCode(error);
  // Deno's socket errors end in the errno ("Connection refused (os error 111)").
  const message = (error instanceof Error ? error.message : String(error))
    .replace(/\s*\(os error \d+\)$/, "");
  if (code === "ECONNREFUSED") {
    return new CheckFailure(
      "refused",
      peer ? `connection refused by ${peer}` : "connection refused",
    );
  }
  if (dnsCodes.has(code)) return new CheckFailure("dns", `DNS lookup failed: ${message}`);
  // Handshake failures are classified where they happen (http_exchange.ts); this
  // catches a TLS error reported later, on a read or write.
  if (/certificate|\btls\b|\bssl\b|handshake/i.test(message)) {
    return new CheckFailure("tls", `TLS error: ${message}`);
  }
  const label = code ? `${code}: ` : "";
  const to = peer ? ` to ${peer}` : "";
  return new CheckFailure("connection", `connection${to} failed: ${label}${message}`);
}

/** One line, at most 300 characters: results are stored per check and shown in lists. */
export function shortMessage(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length <= maxMessageLength ? line : `${line.slice(0, maxMessageLength - 1)}…`;
}

/** "1 MiB", "64 KiB" or "1000 bytes", for messages about the body cap. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function errorCode(error: unknown): string {
  if (typeof error !== "object" || error === null) return "";
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : "";
}
