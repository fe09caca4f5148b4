/**
 * The session cookie: HttpOnly, SameSite=Lax. Over https it is `__Host-uptime_session`:
 * the browser then accepts it only Secure, for Path=/ and without Domain, so a sibling
 * subdomain (a status-page domain, say) cannot plant a session cookie of its choosing.
 */
import { ABSOLUTE_TIMEOUT_MS, SESSION_COOKIE } from "../../services/users/sessions.ts";
import { CHALLENGE_MINUTES } from "../../services/users/login_challenge.ts";

const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

const cookieName = (secure: boolean) => secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;

export function readSessionCookie(req: Request): string | undefined {
  // Over https only the prefixed cookie counts: the plain one could have been planted.
  return readCookie(req, cookieName(isSecureRequest(req)));
}

/** The value of the request's cookie `name`, as sent. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

export function sessionCookie(token: string, secure: boolean): string {
  return [
    `${cookieName(secure)}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.floor(ABSOLUTE_TIMEOUT_MS / 1000)}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${cookieName(secure)}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0"]
    .concat(secure ? ["Secure"] : []).join("; ");
}

/** Whether the browser reached us over https (directly or through a proxy that says so). */
export function isSecureRequest(req: Request): boolean {
  return new URL(req.url).protocol === "https:" ||
    req.headers.get("x-forwarded-proto") === "https";
}

const CHALLENGE_COOKIE = "uptime_login_challenge";
const CHALLENGE_PATH = "/two-factor";

/**
 * The cookie of a login waiting for its second factor (login_challenge.ts): it reaches
 * only the page that asks for the code, and lives as long as the challenge.
 */
export function challengeCookie(
  token: string,
  secure: boolean,
  maxAgeSeconds = CHALLENGE_MINUTES * 60,
): string {
  return [
    `${CHALLENGE_COOKIE}=${token}`,
    `Path=${CHALLENGE_PATH}`,
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export const clearedChallengeCookie = (secure: boolean) => challengeCookie("", secure, 0);

export const readChallengeCookie = (req: Request) => readCookie(req, CHALLENGE_COOKIE);
