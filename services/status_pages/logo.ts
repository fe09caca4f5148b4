/**
 * A status page's logo: an image the owner uploads, shown in the page's header and served
 * at `<page>/logo`. Only raster images whose bytes say what they are (PNG, JPEG, GIF,
 * WebP) are kept, whatever the browser called the file: an SVG can carry script, and a
 * file served as an image must be one.
 */
import { eq } from "drizzle-orm";
import { TtlCache } from "../../lib/ttl_cache.ts";
import { statusPageLogos, statusPages } from "../../db/postgres/schema.ts";
import type { Actor, Services } from "../context.ts";
import { DomainError } from "../errors.ts";
import { loadOwnedPage } from "./pages.ts";
import { forgetPublicPage } from "./public.ts";

/** Large enough for any logo at twice its shown size, small enough to keep in Postgres. */
export const MAX_LOGO_BYTES = 256 * 1024;
export const LOGO_TOO_LARGE = "At most 256 KB; save it smaller and try again";

export interface Logo {
  contentType: string;
  image: Uint8Array<ArrayBuffer>;
  etag: string;
}

/** The image type its first bytes declare, or null for anything else. */
export function imageType(bytes: Uint8Array): string | null {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && text(0, 4) === "RIFF" && text(8, 12) === "WEBP") return "image/webp";
  return null;
}

/** Replaces the page's logo; refused with a message naming the field when it is not one. */
export async function setLogo(
  services: Services,
  actor: Actor,
  pageId: string,
  image: Uint8Array<ArrayBuffer>,
): Promise<{ etag: string }> {
  if (!image.length) throw new DomainError("BAD_REQUEST", "logo: choose an image file");
  if (image.length > MAX_LOGO_BYTES) {
    throw new DomainError("BAD_REQUEST", `logo: ${LOGO_TOO_LARGE}`);
  }
  const contentType = imageType(image);
  if (!contentType) {
    throw new DomainError("BAD_REQUEST", "logo: a PNG, JPEG, GIF or WebP image only");
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", image));
  const etag = [...digest.subarray(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const page = await loadOwnedPage(services.db, actor, pageId);
  await services.db.insert(statusPageLogos)
    .values({ statusPageId: page.id, contentType, image, etag })
    .onConflictDoUpdate({
      target: statusPageLogos.statusPageId,
      set: { contentType, image, etag, updatedAt: new Date() },
    });
  forgetPublicPage(services, page.slug);
  logoCache(services).delete(page.slug);
  return { etag };
}

export async function removeLogo(services: Services, actor: Actor, pageId: string) {
  const page = await loadOwnedPage(services.db, actor, pageId);
  await services.db.delete(statusPageLogos).where(eq(statusPageLogos.statusPageId, page.id));
  forgetPublicPage(services, page.slug);
  logoCache(services).delete(page.slug);
}

/** The version of the page's logo (its ETag), or null without one: for the owner's editor. */
export async function logoVersion(services: Services, pageId: string): Promise<string | null> {
  const [row] = await services.readDb.select({ etag: statusPageLogos.etag })
    .from(statusPageLogos).where(eq(statusPageLogos.statusPageId, pageId));
  return row?.etag ?? null;
}

const caches = new WeakMap<Services, TtlCache<string, Logo | null>>();

/**
 * Logos as visitors get them: read once per status-page cache period and slug, however
 * many visitors ask (a page is visited most when something is down). A change made here
 * shows at once; other machines follow within the period. 100 logos of at most 256 KB.
 */
function logoCache(services: Services): TtlCache<string, Logo | null> {
  let cache = caches.get(services);
  if (!cache) {
    const ttlMs = services.config.statusPageCacheMs;
    cache = new TtlCache({ ttlMs, staleMs: ttlMs, maxEntries: 100 });
    caches.set(services, cache);
  }
  return cache;
}

/** The logo of the page at `slug`, for anyone: the page is public. */
export function publicLogo(services: Services, slug: string): Promise<Logo | null> {
  return logoCache(services).get(slug, () => readLogo(services, slug));
}

async function readLogo(services: Services, slug: string): Promise<Logo | null> {
  const [row] = await services.readDb.select({
    contentType: statusPageLogos.contentType,
    image: statusPageLogos.image,
    etag: statusPageLogos.etag,
  }).from(statusPageLogos)
    .innerJoin(statusPages, eq(statusPages.id, statusPageLogos.statusPageId))
    .where(eq(statusPages.slug, slug));
  // postgres.js hands bytea over as a Buffer, a view on a pool's larger buffer.
  return row ? { ...row, image: Uint8Array.from(row.image) } : null;
}
