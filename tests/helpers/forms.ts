/** Plain form posts as a browser without JavaScript sends them, and links found in mails. */
import assert from "node:assert/strict";
import type { Mail } from "./notification_stand_ins.ts";

/** `fetch` options of a form post; the redirect is kept to be looked at. */
export const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

/** The path and query of the link to `path` (`/invite`) in a mail, quoted-printable undone. */
export function linkInMail(mail: Mail, path: string): string {
  const text = mail.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
  const match = new RegExp(`https?://[^\\s/]+(${path}\\?token=[\\w-]+)`).exec(text);
  assert.ok(match, `no ${path} link in:\n${mail.raw}`);
  return match[1];
}
