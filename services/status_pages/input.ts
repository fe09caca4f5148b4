/** What callers may send to the status-page services, checked before any query runs. */
import { z } from "zod";

/** Paths the app serves itself, or that would confuse visitors, cannot be slugs. */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "_fresh",
  "about",
  "account",
  "admin",
  "api",
  "app",
  "assets",
  "auth",
  "billing",
  "dashboard",
  "docs",
  "healthz",
  "help",
  "login",
  "logout",
  "new",
  "settings",
  "signup",
  "static",
  "status",
  "support",
  "www",
]);

export const slugSchema = z.string().trim().toLowerCase()
  .min(3, "slug: at least 3 characters")
  .max(48, "slug: at most 48 characters")
  .regex(
    /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
    "slug: only letters, digits and dashes, starting and ending with a letter or digit",
  )
  .refine((slug) => !RESERVED_SLUGS.has(slug), "slug: this name is reserved, choose another");

export const titleSchema = z.string().trim()
  .min(1, "title: must not be empty")
  .max(100, "title: at most 100 characters");

const websiteId = z.uuid({ error: "websiteIds: each must be a website id (UUID)" });

/** The monitors a page shows, in display order; no monitor twice. */
export const websiteIdsSchema = z.array(websiteId)
  .max(100, "websiteIds: at most 100 websites per page")
  .refine((ids) => new Set(ids).size === ids.length, "websiteIds: a website is listed twice");

export const MAX_SECTION_LENGTH = 60;

/**
 * The heading each of the page's websites is shown under, by website id; "" or a website
 * left out: none. Plain text on one line: runs of spaces, tabs and line breaks become one
 * space, and a name of nothing visible is none. Judged as a whole, so a refusal names the
 * field ("sections: …"), not a key in it.
 */
export const sectionsSchema = z.record(z.string(), z.unknown(), {
  error: "sections: expected a section name per website id",
}).transform((record, ctx) => {
  const sections: Record<string, string> = {};
  const entries = Object.entries(record);
  if (entries.length > 100) {
    ctx.addIssue({ code: "custom", message: "sections: at most 100 websites" });
    return z.NEVER;
  }
  for (const [id, value] of entries) {
    const spaced = typeof value === "string" ? value.replace(/\s+/g, " ").trim() : null;
    // Zero-width and direction marks alone show nothing.
    const text = spaced !== null && /^[\p{Cf}\s]*$/u.test(spaced) ? "" : spaced;
    const problem = !websiteId.safeParse(id).success
      ? `"${id.slice(0, 40)}" is not a website id`
      : text === null
      ? "each section is text"
      : text.length > MAX_SECTION_LENGTH
      ? `at most ${MAX_SECTION_LENGTH} characters each`
      // Control characters, and the marks that would turn the rest of the page around.
      : /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(text)
      ? "a section is plain text"
      : null;
    if (problem) {
      ctx.addIssue({ code: "custom", message: `sections: ${problem}` });
      return z.NEVER;
    }
    sections[id] = text!;
  }
  return sections;
});

/** Of the page's websites, those whose URL the public page shows. */
export const showUrlsSchema = z.array(websiteId).max(100, "showUrls: at most 100 websites");

/**
 * Plain text under the page's title; line breaks kept, as `\n` (a form sends `\r\n`, which a
 * browser counts as one character against the field's limit).
 */
export const descriptionSchema = z.preprocess(
  (value) => typeof value === "string" ? value.replace(/\r\n?/g, "\n") : value,
  z.string({ error: "description: expected text" }).trim()
    .max(1_000, "description: at most 1,000 characters")
    // deno-lint-ignore no-control-regex
    .refine((text) => !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text), {
      message: "description: remove the control characters",
    }),
);

/**
 * The owner's own site, linked from the page: an http(s) address without credentials;
 * "" or null for none.
 */
export const homepageUrlSchema = z.string().trim().max(500, "homepageUrl: at most 500 characters")
  .nullable()
  .transform((text, ctx) => {
    if (!text) return null;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "homepageUrl: not a web address (https://…)" });
      return z.NEVER;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      ctx.addIssue({ code: "custom", message: "homepageUrl: must start with https:// or http://" });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: "custom",
        message: "homepageUrl: must not hold a user name or password",
      });
      return z.NEVER;
    }
    return url.href;
  });

/** A private page's visitor password; null (on update) makes the page public again. */
const passwordSchema = z.string({ error: "password: expected text" })
  .min(8, "password: at least 8 characters")
  .max(200, "password: at most 200 characters");

/** Whether visitors may subscribe to the page's incidents by email. */
const subscriptionsSchema = z.boolean({ error: "subscriptions: expected true or false" });

export const pageIdInput = z.strictObject({ id: z.uuid({ error: "id: not a status page id" }) });

export const createStatusPageInput = z.strictObject({
  slug: slugSchema,
  title: titleSchema,
  websiteIds: websiteIdsSchema,
  showUrls: showUrlsSchema.optional(),
  sections: sectionsSchema.optional(),
  subscriptions: subscriptionsSchema.optional(),
  description: descriptionSchema.optional(),
  homepageUrl: homepageUrlSchema.optional(),
  /** Set: only visitors who give it see the page. */
  password: passwordSchema.optional(),
});

export const updateStatusPageInput = z.strictObject({
  id: z.uuid({ error: "id: not a status page id" }),
  slug: slugSchema.optional(),
  title: titleSchema.optional(),
  websiteIds: websiteIdsSchema.optional(),
  showUrls: showUrlsSchema.optional(),
  sections: sectionsSchema.optional(),
  subscriptions: subscriptionsSchema.optional(),
  description: descriptionSchema.optional(),
  homepageUrl: homepageUrlSchema.optional(),
  /** A new visitor password (visitors give it again); null: the page is public again. */
  password: passwordSchema.nullable().optional(),
});

export const publicStatusPageInput = z.strictObject({
  // Any existing slug has this shape; anything else cannot name a page.
  slug: z.string().trim().toLowerCase().regex(
    /^[a-z0-9-]{1,48}$/,
    "slug: not a status page address",
  ),
});

export type CreateStatusPageInput = z.infer<typeof createStatusPageInput>;
export type UpdateStatusPageInput = z.infer<typeof updateStatusPageInput>;
