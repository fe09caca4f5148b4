/**
 * Local stand-ins for the services alerts go to, each answering as its documentation
 * says (status codes, bodies, and the refusals of a malformed request), so tests see
 * what the real receiver would accept:
 *
 * - Slack incoming webhooks: 200 `ok`; 400 `no_text` without `text`.
 * - Discord webhooks: 204; 400 when neither `content` nor `embeds` is given.
 * - PagerDuty Events API v2 (`POST /v2/enqueue`): 202 `{status:"success", dedup_key}`;
 *   400 `{status:"invalid event"}` without a routing key, action or (for trigger) payload.
 * - Microsoft Teams workflows: 202; 400 without an Adaptive Card attachment.
 * - Telegram Bot API (`POST /bot<token>/sendMessage`): `{ok:true, result}`; 400
 *   `{ok:false, description}` without `chat_id` or `text`; 401 for an unknown token.
 * - ntfy (JSON publish to the root): 200 with the message; 400 without a topic.
 * - Google Chat incoming webhooks: 200 with the message (its thread named by `threadKey`);
 *   400 `INVALID_ARGUMENT` without `text` or cards.
 * - Pushover (`POST /1/messages.json`): `{status:1, request}`; 400 `{status:0, errors}` for
 *   a token or user key that is not one, or no message.
 * - Matrix (`PUT /_matrix/client/v3/rooms/<room>/send/m.room.message/<txnId>`): `{event_id}`,
 *   the same one again for a transaction id it has seen; 401 `M_UNKNOWN_TOKEN`.
 * - Twilio's Messages and Calls APIs (`POST /2010-04-01/Accounts/<sid>/Messages.json`
 *   and `…/Calls.json`, forms with Basic credentials): 201 with the queued message or call;
 *   401 `{code: 20003}` for other credentials, 400 `{code: 21604|21603|21602|21617}`
 *   without `To`, a sender or `Body`, or with a body over 1,600 characters; for a call,
 *   400 `{code: 21205}` without `Twiml` or `Url`, `{code: 21212}` with a From that is not a
 *   phone number.
 * - A generic webhook receiver that records raw bodies (for signatures).
 * - SMTP (npm smtp-server) that keeps every mail.
 *
 * Every stand-in records requests and can be told to fail its next answers.
 */
// @ts-types="@types/smtp-server"
import { SMTPServer } from "smtp-server";

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  raw: string;
  // deno-lint-ignore no-explicit-any
  body: any;
  /** Epoch ms when it arrived. */
  at: number;
}

type Answer = (recorded: Recorded) => Response;

export interface StandIn {
  url: string;
  requests: Recorded[];
  /** The next `count` requests get `response` instead of the documented success. */
  failNext(count: number, response: () => Response): void;
  /** Requests wait until `release()` (a receiver that hangs). */
  hang(): { release(): void };
  close(): Promise<void>;
}

function standIn(answer: Answer): StandIn {
  const requests: Recorded[] = [];
  const failures: (() => Response)[] = [];
  let gate: Promise<void> | null = null;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const raw = await req.text();
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {
      body = null;
    }
    const recorded = {
      method: req.method,
      path: new URL(req.url).pathname,
      query: new URL(req.url).searchParams,
      headers: req.headers,
      raw,
      body,
      at: Date.now(),
    };
    requests.push(recorded);
    if (gate) await gate;
    const failure = failures.shift();
    return failure ? failure() : answer(recorded);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    failNext(count, response) {
      for (let i = 0; i < count; i++) failures.push(response);
    },
    hang() {
      let release = () => {};
      gate = new Promise((resolve) => (release = resolve));
      return {
        release() {
          gate = null;
          release();
        },
      };
    },
    close: () => server.shutdown(),
  };
}

const json = (status: number, body: unknown) => Response.json(body, { status });

export const startWebhookReceiver = () => standIn(() => new Response("received"));

export const startSlack = () =>
  standIn(({ body }) =>
    typeof body?.text === "string" && body.text !== ""
      ? new Response("ok")
      : new Response("no_text", { status: 400 })
  );

export const startDiscord = () =>
  standIn(({ body }) =>
    body?.content || body?.embeds?.length
      ? new Response(null, { status: 204 })
      : json(400, { message: "Cannot send an empty message", code: 50006 })
  );

export const startPagerDuty = () =>
  standIn(({ path, body }) => {
    if (path !== "/v2/enqueue") return json(404, { status: "not found" });
    const validAction = ["trigger", "acknowledge", "resolve"].includes(body?.event_action);
    const needsPayload = body?.event_action === "trigger";
    const payloadOk = !needsPayload ||
      (body?.payload?.summary && body?.payload?.source && body?.payload?.severity);
    if (typeof body?.routing_key !== "string" || !validAction || !payloadOk) {
      return json(400, { status: "invalid event", message: "Event object is invalid", errors: [] });
    }
    return json(202, {
      status: "success",
      message: "Event processed",
      dedup_key: body.dedup_key ?? crypto.randomUUID(),
    });
  });

export const startTeams = () =>
  standIn(({ body }) => {
    const card = body?.attachments?.[0];
    return body?.type === "message" &&
        card?.contentType === "application/vnd.microsoft.card.adaptive" &&
        card?.content?.type === "AdaptiveCard"
      ? new Response(null, { status: 202 })
      : json(400, { error: { code: "InvalidRequestContent" } });
  });

export function startTelegram(token: string) {
  let messageId = 0;
  return standIn(({ path, body }) => {
    if (path !== `/bot${token}/sendMessage`) {
      return json(401, { ok: false, error_code: 401, description: "Unauthorized" });
    }
    if (body?.chat_id === undefined || !body?.text) {
      return json(400, {
        ok: false,
        error_code: 400,
        description: "Bad Request: message text is empty",
      });
    }
    return json(200, {
      ok: true,
      result: { message_id: ++messageId, chat: { id: body.chat_id }, text: body.text },
    });
  });
}

export const startNtfy = () =>
  standIn(({ body }) =>
    typeof body?.topic === "string" && body.topic
      ? json(200, {
        id: crypto.randomUUID().slice(0, 12),
        time: Math.floor(Date.now() / 1000),
        event: "message",
        topic: body.topic,
        title: body.title,
        message: body.message,
        priority: body.priority,
      })
      : json(400, { code: 40001, http: 400, error: "invalid request" })
  );

export const startGoogleChat = () =>
  standIn(({ body }) =>
    typeof body?.text === "string" && body.text !== ""
      ? json(200, {
        name: `spaces/AAAA/messages/${crypto.randomUUID()}`,
        text: body.text,
        thread: { name: `spaces/AAAA/threads/${body.thread?.threadKey ?? crypto.randomUUID()}` },
      })
      : json(400, {
        error: { code: 400, message: "Message cannot be empty.", status: "INVALID_ARGUMENT" },
      })
  );

export const startPushover = () =>
  standIn(({ path, body }) => {
    const request = crypto.randomUUID();
    if (path !== "/1/messages.json") {
      return json(404, { status: 0, errors: ["not found"], request });
    }
    const errors = [
      ...!/^[A-Za-z0-9]{30}$/.test(body?.token ?? "") ? ["application token is invalid"] : [],
      ...!/^[A-Za-z0-9]{30}$/.test(body?.user ?? "") ? ["user identifier is not a valid user"] : [],
      ...!body?.message ? ["message cannot be blank"] : [],
    ];
    return errors.length
      ? json(400, { status: 0, errors, request })
      : json(200, { status: 1, request });
  });

export function startTwilio(accountSid: string, authToken: string) {
  const error = (status: number, code: number, message: string) =>
    json(status, {
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    });
  return standIn(({ path, headers, raw }) => {
    const resource = `/2010-04-01/Accounts/${accountSid}/`;
    if (path !== `${resource}Messages.json` && path !== `${resource}Calls.json`) {
      return error(404, 20404, "The requested resource was not found");
    }
    if (headers.get("authorization") !== `Basic ${btoa(`${accountSid}:${authToken}`)}`) {
      return error(401, 20003, "Authenticate");
    }
    const form = new URLSearchParams(raw);
    if (path.endsWith("Calls.json")) {
      if (!form.get("To")) return error(400, 21201, "No 'To' number is specified");
      if (!/^\+\d+$/.test(form.get("From") ?? "")) {
        return error(400, 21212, "Invalid From Number (caller ID)");
      }
      if (!form.get("Twiml") && !form.get("Url")) {
        return error(400, 21205, "Url parameter is required.");
      }
      return json(201, {
        sid: `CA${crypto.randomUUID().replaceAll("-", "")}`,
        to: form.get("To"),
        from: form.get("From"),
        status: "queued",
      });
    }
    const body = form.get("Body") ?? "";
    if (!form.get("To")) return error(400, 21604, "A 'To' phone number is required.");
    if (!form.get("From") && !form.get("MessagingServiceSid")) {
      return error(400, 21603, "A 'From' phone number is required.");
    }
    if (!body) return error(400, 21602, "Message body is required.");
    if (body.length > 1600) {
      return error(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    }
    return json(201, {
      sid: `SM${crypto.randomUUID().replaceAll("-", "")}`,
      account_sid: accountSid,
      to: form.get("To"),
      from: form.get("From"),
      messaging_service_sid: form.get("MessagingServiceSid"),
      body,
      status: "queued",
    });
  });
}

export function startMatrix(accessToken: string) {
  const events = new Map<string, string>();
  return standIn(({ method, path, headers, body }) => {
    if (method !== "PUT") {
      return json(405, { errcode: "M_UNRECOGNIZED", error: "Unrecognized request" });
    }
    if (headers.get("authorization") !== `Bearer ${accessToken}`) {
      return json(401, { errcode: "M_UNKNOWN_TOKEN", error: "Invalid access token passed." });
    }
    const match = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/m\.room\.message\/([^/]+)$/
      .exec(path);
    if (!match || body?.msgtype !== "m.text" || typeof body?.body !== "string") {
      return json(400, { errcode: "M_BAD_JSON", error: "Content must be m.text with a body" });
    }
    const key = `${match[1]}/${match[2]}`;
    if (!events.has(key)) events.set(key, `$${crypto.randomUUID()}`);
    return json(200, { event_id: events.get(key) });
  });
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
}

/**
 * An SMTP server (npm smtp-server) on 127.0.0.1, no TLS, no auth. `refuse` may turn a mail
 * away with a temporary failure (451), as a busy server does; it is then not recorded.
 */
export async function startSmtp(options: { refuse?: (subject: string) => boolean } = {}) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = new TextDecoder().decode(concat(chunks));
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? "";
        if (options.refuse?.(subject)) {
          const error = Object.assign(new Error("Try again later"), { responseCode: 451 });
          return callback(error);
        }
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          subject,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
