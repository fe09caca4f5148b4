/**
 * A Telegram bot's `sendMessage` (`TELEGRAM_API_URL`/bot<token>/sendMessage). Plain text,
 * no parse mode, so nothing in a monitor's name can break the markup. Telegram answers
 * `{ok:false, description, parameters: {retry_after}}` on errors.
 */
import { z } from "zod";
import type { HttpAnswer } from "../guarded_post.ts";
import { classifyHttp, joinUrl, postJson } from "./http.ts";
import type { Outcome, Provider } from "./types.ts";

const schema = z.strictObject({
  botToken: z.string({ error: "botToken: expected a string" }).trim()
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, "botToken: expected a token like 123456:ABC-DEF…"),
  chatId: z.string({ error: "chatId: expected a string" }).trim()
    .regex(
      /^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/,
      "chatId: expected a numeric chat id or @channelname",
    ),
});

function classify(answer: HttpAnswer): Outcome {
  const outcome = classifyHttp(answer);
  if (outcome.ok) return outcome;
  try {
    const body = JSON.parse(answer.body);
    const retryAfter = Number(body?.parameters?.retry_after);
    return {
      ...outcome,
      error: `HTTP ${answer.status}: ${String(body?.description ?? "").slice(0, 200)}`,
      ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  } catch {
    return outcome;
  }
}

export const telegram: Provider<z.infer<typeof schema>> = {
  kind: "telegram",
  label: "Telegram",
  fields: [
    { name: "botToken", label: "Bot token", type: "password", required: true, secret: true },
    {
      name: "chatId",
      label: "Chat id",
      type: "text",
      required: true,
      help: "A numeric chat id, or @channelname for a public channel.",
    },
  ],
  schema,
  urls: (_config, deployment) => [deployment.telegramUrl],
  send(message, config, context) {
    const url = joinUrl(context.deployment.telegramUrl, `bot${config.botToken}/sendMessage`);
    return postJson(context, url, {
      chat_id: config.chatId,
      text: message.text.slice(0, 4096),
      link_preview_options: { is_disabled: true },
    }, { classify });
  },
};
