/**
 * What the `/app/notifications` pages share: the channel a URL names (404 for anyone
 * else's), reading a channel form into a service input, and service errors placed at
 * their field ("config.webhookUrl: …" goes under the webhook URL field).
 */
import { HttpError } from "../fresh/mod.ts";
import type { Context } from "../fresh/mod.ts";
import { DomainError } from "../services/errors.ts";
import { ownedChannel } from "../services/notifications/store.ts";
import { type ChannelKind, KINDS, providers } from "../services/notifications/providers/mod.ts";
import type { SignedInState } from "./define.ts";
import { capitalise, type FieldErrors, formMessages } from "./forms.ts";
import { actorOf } from "../services/context.ts";

/** The channel of `ctx.params.id`, or a 404 page. */
export async function loadChannel(ctx: Context<SignedInState>) {
  const id = ctx.params.id ?? "";
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new HttpError(404, "No such notification channel");
  try {
    return await ownedChannel(ctx.state.services.readDb, actorOf(ctx.state.user), id);
  } catch (error) {
    if (error instanceof DomainError && error.code === "NOT_FOUND") {
      throw new HttpError(404, "No such notification channel");
    }
    throw error;
  }
}

export function kindOf(value: string | null): ChannelKind | null {
  return KINDS.includes(value as ChannelKind) ? value as ChannelKind : null;
}

/** The submitted name and the kind's settings, as strings (empty: not set). */
export function readChannelForm(form: URLSearchParams, kind: ChannelKind) {
  const config: Record<string, string> = {};
  for (const field of providers[kind].fields) config[field.name] = form.get(field.name) ?? "";
  return { name: (form.get("name") ?? "").trim(), config };
}

/** Service errors by form field; null when the error is not one a person can fix. */
export function channelErrors(error: unknown): FieldErrors | null {
  const messages = formMessages(error);
  if (!messages) return null;
  const errors: FieldErrors = {};
  for (const message of messages) {
    const match = /^(?:config\.)?(\w+): (.*)$/s.exec(message);
    // The kind, and the settings as a whole ("config: unknown field"), have no field here.
    const field = match && match[1] !== "kind" && match[1] !== "config" ? match[1] : "form";
    const text = match ? match[2] : message;
    errors[field] ??= capitalise(text);
  }
  return errors;
}
