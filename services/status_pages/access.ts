/**
 * Private status pages. A page with a visitor password shows itself, its badge, feed,
 * logo, live updates, subscription form and `statusPage.public` only to a browser that
 * holds its access cookie, which the page's password form sets.
 *
 * The cookie is the time it was given and an HMAC of that and the page's id, keyed by the
 * page's stored password hash: no secret to share between regions, nothing to store per
 * visitor; it lasts {@link ACCESS_DAYS} days, and a new password (or none) ends every
 * cookie the old one gave. Guesses are limited per page and address.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { statusPages } from "../../db/postgres/schema.ts";
import type { Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { verifyPassword } from "../users/password.ts";
import { type PublicStatusPage, publicStatusPage } from "./public.ts";

export const ACCESS_DAYS = 30;
/** Passwords tried per page and address in 15 minutes before it waits 15 minutes. */
export const PAGE_PASSWORD_ATTEMPTS = 10;

const ACCESS_MS = ACCESS_DAYS * 86_400_000;

/** Who may see a page: its id, and its password's hash (null: everyone). */
export interface PageAccess {
  id: string;
  passwordHash: string | null;
}

const accessCookieName = (pageId: string) => `uptime_page_${pageId}`;

/** `<issued, epoch seconds>.<HMAC>`. */
function accessToken(page: PageAccess & { passwordHash: string }, issued: number): string {
  const mac = createHmac("sha256", page.passwordHash)
    .update(`status-page-access:${page.id}:${issued}`).digest("base64url");
  return `${issued}.${mac}`;
}

/** Whether a request with these cookies may see the page: always when it has no password. */
export function mayView(cookieHeader: string | null, page: PageAccess): boolean {
  if (page.passwordHash === null) return true;
  const name = accessCookieName(page.id);
  const sent = (cookieHeader ?? "").split(";").map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`)).map((part) => part.slice(name.length + 1));
  // Every cookie of that name: one planted by a sibling domain locks nobody out.
  return sent.some((value) => {
    const issued = Number(value.split(".")[0]);
    if (!Number.isSafeInteger(issued) || Date.now() - issued * 1000 > ACCESS_MS) return false;
    const given = Buffer.from(value);
    const expected = Buffer.from(
      accessToken({ id: page.id, passwordHash: page.passwordHash! }, issued),
    );
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The public view of a page, for a request with these cookies (`statusPage.public`). */
export async function viewablePublicPage(
  services: Services,
  slug: string,
  cookies: string | null,
): Promise<PublicStatusPage> {
  const cached = await publicStatusPage(services, slug);
  if (!mayView(cookies, cached.access)) {
    throw new DomainError(
      "FORBIDDEN",
      "This status page is private: open it and give its password",
    );
  }
  return cached.page;
}

const limiters = new WeakMap<object, RateLimiterRedis>();

function limiter(services: Services): RateLimiterRedis {
  let found = limiters.get(services.redis);
  if (!found) {
    found = new RateLimiterRedis({
      storeClient: services.redis,
      keyPrefix: `${services.config.redisKeyPrefix}page-password-tries`,
      points: PAGE_PASSWORD_ATTEMPTS,
      duration: 15 * 60,
      blockDuration: 15 * 60,
    });
    limiters.set(services.redis, found);
  }
  return found;
}

/**
 * The `Set-Cookie` value that lets this browser see the page, when `password` is its
 * password; throws BAD_REQUEST when it is not, TOO_MANY_REQUESTS after too many tries
 * from this address (each try counts before the password is checked, so tries sent at
 * once count too; the right one clears the count), NOT_FOUND without such a page.
 */
export async function unlockPage(
  services: Services,
  slug: string,
  password: string,
  options: { ip: string; secure: boolean },
): Promise<string> {
  const [page] = await services.db.select({ id: statusPages.id, hash: statusPages.passwordHash })
    .from(statusPages).where(eq(statusPages.slug, slug));
  if (!page) throw new DomainError("NOT_FOUND", "No such status page");
  // A public page needs none; its form is not shown, but a stale one may still post.
  if (page.hash === null) return accessCookie(page.id, "", 0, options.secure);
  // Nothing typed is no guess: it is said so, and costs no try.
  if (password === "") throw new DomainError("BAD_REQUEST", "Enter the page's password");
  const key = `${page.id}:${options.ip}`;
  try {
    await limiter(services).consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw new DomainError(
      "TOO_MANY_REQUESTS",
      `Too many wrong passwords; try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }
  const right = password.length <= 200 &&
    await verifyPassword(password, page.hash);
  if (!right) throw new DomainError("BAD_REQUEST", "That is not this page's password");
  await limiter(services).delete(key);
  return grant({ id: page.id, passwordHash: page.hash }, options.secure);
}

/**
 * The cookie that lets the owner who just set a page's password see it in this browser;
 * null when the page has none.
 */
export async function ownerAccessCookie(
  services: Services,
  pageId: string,
  secure: boolean,
): Promise<string | null> {
  const [page] = await services.db.select({ hash: statusPages.passwordHash })
    .from(statusPages).where(eq(statusPages.id, pageId));
  return page?.hash ? grant({ id: pageId, passwordHash: page.hash }, secure) : null;
}

function grant(page: PageAccess & { passwordHash: string }, secure: boolean): string {
  const token = accessToken(page, Math.floor(Date.now() / 1000));
  return accessCookie(page.id, token, ACCESS_MS / 1000, secure);
}

/**
 * For the whole host: the page's live updates come from `/api/ws`, and on its own domain
 * the page is at `/`. Lax, so a link from elsewhere still opens it.
 */
function accessCookie(pageId: string, value: string, maxAge: number, secure: boolean): string {
  return [
    `${accessCookieName(pageId)}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
