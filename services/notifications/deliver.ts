/**
 * One delivery attempt of a message to a channel, through its provider. Never throws:
 * whatever goes wrong becomes an {@link Outcome} for the delivery record, and no
 * secret reaches it.
 */
import type { Config } from "../../lib/config.ts";
import { log } from "../../lib/logger.ts";
import { guardedPost } from "./guarded_post.ts";
import { sendMail } from "./mailer.ts";
import type { Message } from "./message.ts";
import { type ChannelKind, type Outcome, providers } from "./providers/mod.ts";

export interface ChannelToDeliver {
  id: string;
  kind: string;
  config: Record<string, unknown>;
}

/** Whether the channel's messages may carry an Acknowledge link (Provider.acknowledgeLinks). */
export function takesAcknowledgeLinks(channel: ChannelToDeliver): boolean {
  const provider = providers[channel.kind as ChannelKind];
  const parsed = provider?.schema.safeParse(channel.config);
  return Boolean(parsed?.success) && (provider.acknowledgeLinks?.(parsed!.data) ?? true);
}

export async function deliver(
  config: Config,
  channel: ChannelToDeliver,
  message: Message,
  signal?: AbortSignal,
): Promise<Outcome> {
  const provider = providers[channel.kind as ChannelKind];
  if (!provider) return { ok: false, retry: false, error: `unknown channel kind ${channel.kind}` };
  const parsed = provider.schema.safeParse(channel.config);
  if (!parsed.success) {
    return { ok: false, retry: false, error: "the channel's settings are no longer valid" };
  }
  const deployment = config.notifications;
  const outcome = await attempt();
  if (outcome.ok) return outcome;
  // A receiver may echo what it got; no secret of the channel goes into the record.
  let error = outcome.error;
  for (const field of provider.fields) {
    const value = channel.config[field.name];
    if (field.secret && typeof value === "string" && value.length >= 4) {
      error = error.replaceAll(value, "***");
    }
  }
  return { ...outcome, error };

  async function attempt(): Promise<Outcome> {
    try {
      return await provider.send(message, parsed.data, {
        deployment,
        idempotencyKey: message.eventId,
        channelId: channel.id,
        post: (request) =>
          guardedPost(request, {
            allowPrivateTargets: config.allowPrivateTargets,
            timeoutMs: deployment.timeoutMs,
            signal,
          }),
        sendMail: (mail) => sendMail(deployment, mail),
      });
    } catch (error) {
      // A bug in a provider; its message may hold a URL, so only the name is logged.
      log.error("notification.provider_failed", {
        kind: channel.kind,
        channelId: channel.id,
        error: error instanceof Error ? error.name : "unknown",
      });
      return { ok: false, retry: true, error: "internal error while sending" };
    }
  }
}
