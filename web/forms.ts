/**
 * What the dashboard's server-side forms share: reading a posted form within a size
 * limit, turning service and validation errors into messages per field, and the one
 * rule for `?next=` targets.
 */
import { z } from "zod";
import { HttpError } from "../fresh/mod.ts";
import { DomainError } from "../services/errors.ts";

/** Forms are small; a monitor's body (64 KiB) plus headers is the largest. */
const MAX_FORM_BYTES = 128 * 1024;

/**
 * A posted form's fields. `multipart`: also `multipart/form-data` (text fields only), which
 * mail clients may send for a one-click unsubscribe (RFC 8058).
 */
export async function readForm(
  req: Request,
  options: { multipart?: boolean } = {},
): Promise<URLSearchParams> {
  const type = req.headers.get("content-type") ?? "";
  const multipart = options.multipart === true && type.startsWith("multipart/form-data");
  if (!multipart && !type.startsWith("application/x-www-form-urlencoded")) {
    throw new HttpError(415, "Send the form as application/x-www-form-urlencoded");
  }
  const bytes = await readBody(req, MAX_FORM_BYTES);
  if (!multipart) return new URLSearchParams(new TextDecoder().decode(bytes));
  return (await parseMultipart(bytes, type)).fields;
}

/** A form that uploads files (`multipart/form-data`), of at most `maxBytes` in all. */
export async function readUpload(
  req: Request,
  maxBytes: number,
): Promise<{ fields: URLSearchParams; files: Map<string, Uint8Array<ArrayBuffer>> }> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    throw new HttpError(415, "Send the form as multipart/form-data");
  }
  return parseMultipart(await readBody(req, maxBytes), type);
}

/**
 * The body, of at most `maxBytes`; a larger one is 413. Up to 8 × that is still read (and
 * dropped), so that the browser, which sends it all before it reads an answer, gets the
 * answer rather than a connection closed under it.
 */
async function readBody(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > 8 * maxBytes) throw new HttpError(413, "The form is too large");
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    for await (const chunk of req.body) {
      size += chunk.byteLength;
      if (size > 8 * maxBytes) throw new HttpError(413, "The form is too large");
      if (size <= maxBytes) chunks.push(chunk);
    }
  }
  if (size > maxBytes) throw new HttpError(413, "The form is too large");
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function parseMultipart(bytes: Uint8Array<ArrayBuffer>, type: string) {
  let data: FormData;
  try {
    data = await new Response(bytes, { headers: { "content-type": type } }).formData();
  } catch {
    throw new HttpError(400, "The form could not be read");
  }
  const fields = new URLSearchParams();
  const files = new Map<string, Uint8Array<ArrayBuffer>>();
  for (const [name, value] of data) {
    if (typeof value === "string") fields.append(name, value);
    // A file input left empty sends a nameless, empty part: no file, unlike an empty one.
    else if (value.name || value.size) files.set(name, new Uint8Array(await value.arrayBuffer()));
  }
  return { fields, files };
}

/** Errors by field name; `form` holds what belongs to no field. */
export type FieldErrors = Record<string, string>;

/**
 * What handling a posted form comes to: a redirect (303) once it is done, or what the page
 * is drawn again with (the values and the errors at their fields) and its status.
 */
export type FormOutcome<Redraw> = { redirect: Response } | (Redraw & { status: number });

/**
 * Services and schemas write messages as "field: what is wrong"; the field part says
 * where the message goes, the rest is what the person reads.
 */
export function fieldErrors(error: unknown): FieldErrors | null {
  const messages = formMessages(error);
  if (!messages) return null;
  const errors: FieldErrors = {};
  for (const message of messages) {
    const match = /^([\w]+)(?:\.[\w.]*)?: (.*)$/s.exec(message);
    const field = match ? match[1] : "form";
    const text = match ? match[2] : message;
    errors[field] ??= capitalise(text);
  }
  return errors;
}

/**
 * An error's "field: what is wrong" messages (a schema's issues, each named by its field
 * if it does not name one); null when the error is not one a person can fix.
 */
export function formMessages(error: unknown): string[] | null {
  if (error instanceof z.ZodError) {
    return error.issues.map((issue) => {
      const field = issue.path.length ? String(issue.path[0]) : null;
      return /^[\w.]+: /.test(issue.message) || !field
        ? issue.message
        : `${field}: ${issue.message}`;
    });
  }
  if (error instanceof DomainError && error.code !== "NOT_FOUND") {
    return error.details.problems ? [...error.details.problems] : [error.message];
  }
  return null;
}

/**
 * A message begun with a capital, as a sentence; one that begins with a name it quotes
 * (a host name, an address) stays as written.
 */
export function capitalise(text: string): string {
  return /^[a-z]+(\s|$)/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/**
 * The HTTP status of a form redrawn with its errors: what the refusal was (a wrong password
 * 401, a taken name 409, a limit 429, …), 400 for anything wrong with what was sent.
 */
export function formStatus(error: unknown): number {
  if (!(error instanceof DomainError)) return 400;
  return {
    UNAUTHORIZED: 401,
    FORBIDDEN: 403,
    CONFLICT: 409,
    TOO_MANY_REQUESTS: 429,
    BAD_GATEWAY: 502,
    SERVICE_UNAVAILABLE: 503,
  }[error.code as string] ?? 400;
}

/** A `?next=` target that stays on this site: a path, never `//host` or `/\host`. */
export function safeNext(next: string | null | undefined, fallback = "/app"): string {
  if (!next || next.length > 2_000) return fallback;
  // Printable ASCII only: a browser sends other characters percent-encoded, and a Location
  // header cannot hold them.
  if (!/^\/(?![/\\])/.test(next) || /[^\x20-\x7e]|\\/.test(next)) return fallback;
  return next;
}

/** A 303 so that the browser follows a POST with a GET. */
export function seeOther(location: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("location", location);
  return new Response(null, { status: 303, headers: h });
}

/**
 * For pages whose address holds a secret link: never cached, and sent on as a Referer only
 * as its origin, not even whole to this site (a proxy in front may log Referers). Not
 * `no-referrer`: with it a browser sends `Origin: null`, and the page's own form would be
 * refused as cross-site.
 */
export const SECRET_PAGE = { "cache-control": "no-store", "referrer-policy": "strict-origin" };
