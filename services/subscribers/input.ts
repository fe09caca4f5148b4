/**
 * What visitors and owners may send about status-page subscriptions. A key not listed is
 * refused, naming it, as by the other inputs; callers pick their fields before they parse.
 */
import { z } from "zod";
import { EMAIL_ADDRESS } from "../../lib/email_address.ts";

export const subscribeInput = z.strictObject({
  email: z.string({ error: "email: enter your email address" }).trim().toLowerCase()
    .min(1, "email: enter your email address")
    .max(320, "email: at most 320 characters")
    .regex(EMAIL_ADDRESS, "email: not an email address (like name@example.com)"),
});

/**
 * Which monitors of the page a subscriber is mailed about, as a form sends it: the ticked
 * `monitors` of those it `offered`, where `choosing` says the form showed them (a form
 * without them means all).
 */
export const monitorChoiceInput = z.strictObject({
  choosing: z.boolean().default(false),
  monitors: z.array(z.string().max(100)).max(1_000, "monitors: too many").default([]),
  offered: z.array(z.string().max(100)).max(1_000, "monitors: too many").default([]),
});

/** The secret of a subscription's links: confirms or ends it, and nothing else. */
export const tokenSchema = z.string().regex(/^[\w-]{20,64}$/, "token: not a subscription link");

export const subscriberIdInput = z.strictObject({
  id: z.uuid({ error: "id: not a subscriber id" }),
});

/** A new subscription's token: 24 random bytes, base64url. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}
