/**
 * A generated secret shown once, on the page its form redirects to, so that reloading
 * that page never posts the form again: it travels in a cookie that lives ten minutes,
 * reaches only that page's path, and is cleared by the response that shows it.
 */
import { isSecureRequest, readCookie } from "./trpc/cookies.ts";

const NAME = "uptime_new_secret";
const MAX_AGE_SECONDS = 600;

function cookie(req: Request, path: string, value: string, maxAge: number): string {
  return [`${NAME}=${value}`, `Path=${path}`, "HttpOnly", "SameSite=Strict", `Max-Age=${maxAge}`]
    .concat(isSecureRequest(req) ? ["Secure"] : []).join("; ");
}

/** The Set-Cookie value that carries `secret` to the page at `path`. */
export function flashSecret(req: Request, path: string, secret: string): string {
  return cookie(req, path, encodeURIComponent(secret), MAX_AGE_SECONDS);
}

/** The secret flashed to `path`, if any, and the Set-Cookie value that clears it. */
export function takeSecret(req: Request, path: string): { secret: string; clear: string } | null {
  const value = readCookie(req, NAME);
  if (!value) return null;
  try {
    return { secret: decodeURIComponent(value), clear: cookie(req, path, "", 0) };
  } catch {
    return null; // not ours: a malformed value is ignored
  }
}
