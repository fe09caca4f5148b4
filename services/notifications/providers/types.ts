/**
 * The one interface every alert provider implements. Adding a provider is one file in
 * this folder exporting a {@link Provider}, plus its line in `mod.ts`.
 *
 * A provider validates its channel settings with zod (`schema`), describes them for the
 * dashboard's form (`fields`), builds the request for a message, and classifies the
 * answer ({@link Outcome}): delivered, worth another try later, or refused for good.
 */
import type { z } from "zod";
import type { NotificationConfig } from "../../../lib/config.ts";
import type { HttpAnswer, OutgoingRequest } from "../guarded_post.ts";
import type { Message } from "../message.ts";
import type { AlertEvent } from "../../../lib/incident_event.ts";

export const KINDS = [
  "webhook",
  "slack",
  "discord",
  "email",
  "pagerduty",
  "teams",
  "telegram",
  "ntfy",
  "google_chat",
  "pushover",
  "matrix",
  "twilio_sms",
  "twilio_call",
] as const;
export type ChannelKind = (typeof KINDS)[number];

/** One setting of a channel, as the dashboard's form shows it. */
export interface ConfigField {
  name: string;
  label: string;
  type: "url" | "text" | "email" | "password" | "select";
  required: boolean;
  /** Stored but masked in `list()`; an empty value in an update keeps the stored one. */
  secret?: boolean;
  help?: string;
  placeholder?: string;
  options?: readonly string[];
}

/** How one attempt ended. */
export type Outcome =
  | { ok: true }
  | {
    ok: false;
    /** Whether a later attempt may succeed (timeouts, network errors, 5xx, 429). */
    retry: boolean;
    /** One line for the delivery record; never a secret. */
    error: string;
    /** The receiver asked us to wait this long (Retry-After). */
    retryAfterMs?: number;
  };

/** A mail for the email provider; `from` is the deployment's MAIL_FROM. */
export interface Mail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  /** Stable per event and channel, so a retried mail can be recognised by the receiver. */
  messageId: string;
  /** More headers (List-Unsubscribe for subscribers). */
  headers?: Record<string, string>;
}

/** What a provider may use to send: guarded HTTP, SMTP, the deployment's settings. */
export interface SendContext {
  deployment: NotificationConfig;
  /** The idempotency key of this message: the same on every attempt. */
  idempotencyKey: string;
  /** The channel being delivered to (for stable ids such as Message-ID). */
  channelId: string;
  /** A POST behind the SSRF guard, bounded by the delivery timeout. */
  post(request: OutgoingRequest): Promise<HttpAnswer>;
  sendMail(mail: Mail): Promise<Outcome>;
}

// deno-lint-ignore no-explicit-any
export interface Provider<C extends Record<string, unknown> = any> {
  kind: ChannelKind;
  /** The name people know the service by. */
  label: string;
  fields: readonly ConfigField[];
  schema: z.ZodType<C>;
  /** The alerts it gets (a test send aside); all when absent. */
  events?: readonly AlertEvent["type"][];
  /** Why channels of this kind cannot be used on this deployment, or null. */
  unavailable?(deployment: NotificationConfig): string | null;
  /**
   * Whether its messages may carry an Acknowledge link (message.ts): not where the receiver
   * acknowledges itself, nor where anyone could read the link. Yes unless it says.
   */
  acknowledgeLinks?(config: C): boolean;
  /** URLs in the settings that must pass the SSRF guard when the channel is saved. */
  urls(config: C, deployment: NotificationConfig): string[];
  send(message: Message, config: C, context: SendContext): Promise<Outcome>;
}
