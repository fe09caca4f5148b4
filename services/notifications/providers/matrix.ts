/**
 * Matrix: an `m.text` message sent to a room with the client-server API (`PUT
 * /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}`) as a bot account's
 * access token. The transaction id is the channel's and the delivery's idempotency key, so
 * a retried attempt that did arrive is not posted twice, and two channels sharing a token
 * are not taken for one (servers may scope transaction ids to the token alone). The HTML
 * body is escaped; the plain one is the message's text.
 */
import { z } from "zod";
import type { HttpAnswer } from "../guarded_post.ts";
import { classifyHttp, httpUrl, joinUrl, postJson } from "./http.ts";
import type { Outcome, Provider } from "./types.ts";

const schema = z.strictObject({
  homeserverUrl: httpUrl("homeserverUrl"),
  roomId: z.string({ error: "roomId: expected a string" }).trim()
    .regex(/^!\S{1,254}$/, "roomId: expected a room id like !abcdef:example.org"),
  accessToken: z.string({ error: "accessToken: expected a string" }).trim()
    .regex(/^[\x21-\x7e]{8,500}$/, "accessToken: an access token without spaces"),
});

const html = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");

/** Matrix says `{errcode, error}`, and how long to wait when it limits (`retry_after_ms`). */
function classify(answer: HttpAnswer): Outcome {
  const outcome = classifyHttp(answer);
  if (outcome.ok) return outcome;
  try {
    const body = JSON.parse(answer.body);
    if (typeof body?.errcode !== "string") return outcome;
    const wait = Number(body?.retry_after_ms);
    return {
      ...outcome,
      error: `HTTP ${answer.status}: ${String(body?.errcode ?? "")} ${String(body?.error ?? "")}`
        .trim().slice(0, 200),
      ...(wait > 0 ? { retryAfterMs: wait } : {}),
    };
  } catch {
    return outcome;
  }
}

export const matrix: Provider<z.infer<typeof schema>> = {
  kind: "matrix",
  label: "Matrix",
  fields: [
    {
      name: "homeserverUrl",
      label: "Homeserver URL",
      type: "url",
      required: true,
      placeholder: "https://matrix.org",
    },
    {
      name: "roomId",
      label: "Room id",
      type: "text",
      required: true,
      placeholder: "!abcdef:matrix.org",
      help: "In the room's settings, Advanced; invite the bot account to the room first.",
    },
    {
      name: "accessToken",
      label: "Access token of the bot account",
      type: "password",
      required: true,
      secret: true,
    },
  ],
  schema,
  urls: (config) => [config.homeserverUrl],
  send(message, config, context) {
    const txnId = `${context.channelId}.${context.idempotencyKey}`.replace(
      /[^A-Za-z0-9._~-]/g,
      "_",
    );
    const path = `_matrix/client/v3/rooms/${encodeURIComponent(config.roomId)}/send/` +
      `m.room.message/${encodeURIComponent(txnId)}`;
    const facts = message.facts.map((fact) => `${html(fact.label)}: ${html(fact.value)}`);
    return postJson(context, joinUrl(config.homeserverUrl, path), {
      msgtype: "m.text",
      body: message.text,
      format: "org.matrix.custom.html",
      formatted_body: `<strong>${html(message.title)}</strong><br>${facts.join("<br>")}<br>` +
        `<a href="${html(message.link)}">Open in Uptime</a>` +
        (message.acknowledgeUrl
          ? ` · <a href="${html(message.acknowledgeUrl)}">Acknowledge</a>`
          : ""),
    }, { method: "PUT", headers: { authorization: `Bearer ${config.accessToken}` }, classify });
  },
};
