/**
 * What HTTP providers share: POST a JSON body and classify the answer the usual way
 * (2xx delivered; 408, 429 and 5xx retried, honouring Retry-After; other answers
 * refused, with the receiver's own words when it gave some).
 */
import { z } from "zod";
import { DeliveryError, type HttpAnswer } from "../guarded_post.ts";
import type { Outcome, SendContext } from "./types.ts";

export type Classify = (answer: HttpAnswer) => Outcome;

/** Sends and classifies; network errors and timeouts become retryable outcomes. */
export async function postJson(
  context: SendContext,
  url: string,
  body: unknown,
  options: { headers?: Record<string, string>; classify?: Classify; method?: "PUT" } = {},
): Promise<Outcome> {
  let answer: HttpAnswer;
  try {
    answer = await context.post({
      method: options.method,
      url,
      headers: { "content-type": "application/json", ...options.headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  } catch (error) {
    if (error instanceof DeliveryError) {
      return { ok: false, retry: error.retry, error: error.message };
    }
    throw error;
  }
  return (options.classify ?? classifyHttp)(answer);
}

/** The same with a form body (`application/x-www-form-urlencoded`). */
export function postForm(
  context: SendContext,
  url: string,
  fields: Record<string, string>,
  options: { headers?: Record<string, string>; classify?: Classify } = {},
): Promise<Outcome> {
  return postJson(context, url, new URLSearchParams(fields).toString(), {
    ...options,
    headers: { "content-type": "application/x-www-form-urlencoded", ...options.headers },
  });
}

export function classifyHttp(answer: HttpAnswer): Outcome {
  const { status } = answer;
  if (status >= 200 && status < 300) return { ok: true };
  const detail = summary(answer.body);
  const error = `HTTP ${status}${detail ? `: ${detail}` : ""}`;
  if (status >= 300 && status < 400) {
    return { ok: false, retry: false, error: `${error} (redirects are not followed)` };
  }
  if (status === 408 || status === 429 || status >= 500) {
    return { ok: false, retry: true, error, retryAfterMs: retryAfterMs(answer.headers) };
  }
  return { ok: false, retry: false, error };
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Map<string, string>): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The first line of an answer, short, for the delivery record. */
function summary(body: string): string {
  const line = body.replace(/\s+/g, " ").trim();
  // A web page (a wrong path, a proxy's error page): its title, not its markup.
  if (/^<(!doctype|html|head|body)\b/i.test(line)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(line)?.[1].trim();
    return title ? `an HTML page, "${clip(title)}"` : "an HTML page";
  }
  return clip(line);
}

const clip = (text: string) => text.length <= 200 ? text : `${text.slice(0, 199)}…`;

/** An http(s) URL setting, with a message naming the field. */
export const httpUrl = (field: string) =>
  z.string({ error: `${field}: expected a URL` }).trim().max(
    2048,
    `${field}: at most 2048 characters`,
  )
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
      } catch {
        return false;
      }
    }, `${field}: expected an http:// or https:// URL`);

/** `path` under `base`, keeping a base path (`https://host/ntfy` + `x` → `https://host/ntfy/x`). */
export function joinUrl(base: string, path: string): string {
  // "./" first: a path such as "bot123:abc/…" would otherwise read as a URL scheme.
  return new URL(`./${path.replace(/^\//, "")}`, base.endsWith("/") ? base : `${base}/`).href;
}
