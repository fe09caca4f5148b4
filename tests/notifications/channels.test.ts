/**
 * `notification.*`: channels per account, validated per provider, secrets stored but
 * never returned in full by `list()`, URLs behind the monitors' SSRF guard, and a test
 * send that arrives and is recorded.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";
import { form } from "../helpers/forms.ts";
import {
  type StandIn,
  startGoogleChat,
  startMatrix,
  startPushover,
  startSlack,
  startTelegram,
  startTwilio,
  startWebhookReceiver,
} from "../helpers/notification_stand_ins.ts";
import { deliver } from "../../services/notifications/deliver.ts";
import { testMessage } from "../../services/notifications/message.ts";
import { callTwiml } from "../../services/notifications/providers/twilio_call.ts";
import { twilioSignature } from "../../services/notifications/twilio_signature.ts";

const BOT_TOKEN = "987654:zyxWVUtsrQPOnmlKJIhgfEDCba98765";

Deno.test("channels are validated per provider, and list() masks every secret", async () => {
  const telegram = startTelegram(BOT_TOKEN);
  const server = await apiServer({ TELEGRAM_API_URL: telegram.url });
  try {
    const owner = await server.user("owner");
    const { api } = owner;
    // Without SMTP_URL the email form is not offered, only the reason.
    const emailPage = await (await owner.fetch(`${server.url}/app/notifications/new?kind=email`))
      .text();
    assert.match(
      emailPage,
      /Not available: email needs SMTP_URL, which this deployment has not set/,
    );
    assert.doesNotMatch(emailPage, /<form[^>]*action="\/app\/notifications\/new"/);
    // The form checks what the API checks: a name of at most 100 characters, each setting.
    const posted = async (fields: Record<string, string>) => {
      const res = await owner.fetch(`${server.url}/app/notifications/new`, form(fields));
      assert.equal(res.status, 400);
      return await res.text();
    };
    const telegramFields = {
      kind: "telegram",
      name: "Team chat",
      botToken: BOT_TOKEN,
      chatId: "1",
    };
    assert.match(await posted({ ...telegramFields, name: "   " }), /⚠ Required/);
    assert.match(
      await posted({ ...telegramFields, name: "x".repeat(100_000) }),
      /⚠ At most 100 characters/,
    );
    assert.match(await posted({ ...telegramFields, botToken: "" }), /⚠ Required/);
    assert.deepEqual(await api.notification.list.query(), []);
    assert.equal(
      await errorMessage(api.notification.create.mutate({ kind: "slack", name: "S", config: {} })),
      "BAD_REQUEST: config.webhookUrl: required",
    );
    assert.equal(
      await errorMessage(
        api.notification.create.mutate({
          kind: "slack",
          name: "S",
          config: { webhookUrl: "ftp://x" },
        }),
      ),
      "BAD_REQUEST: config.webhookUrl: expected an http:// or https:// URL",
    );
    assert.equal(
      await errorMessage(
        api.notification.create.mutate({
          kind: "telegram",
          name: "T",
          config: { botToken: BOT_TOKEN, chatId: "1", extra: "x" },
        }),
      ),
      'BAD_REQUEST: config: unknown field "extra"',
    );
    assert.equal(
      await errorMessage(
        api.notification.create.mutate({
          kind: "email",
          name: "E",
          config: { to: "a@example.com" },
        }),
      ),
      "BAD_REQUEST: kind: email needs SMTP_URL, which this deployment has not set",
    );
    assert.match(
      await errorMessage(
        api.notification.create.mutate({ kind: "sms" as "slack", name: "X", config: {} }),
      ),
      /^BAD_REQUEST: kind: expected one of webhook, slack/,
    );

    const created = await api.notification.create.mutate({
      kind: "telegram",
      name: "Ops chat",
      config: { botToken: BOT_TOKEN, chatId: "-1001" },
    });
    const [listed] = await api.notification.list.query();
    assert.deepEqual(listed.config, { botToken: "…8765", chatId: "-1001" });
    assert.ok(!JSON.stringify(await api.notification.list.query()).includes(BOT_TOKEN));

    // An empty secret in an update keeps the stored one; other fields change.
    const updated = await api.notification.update.mutate({
      id: created.id,
      name: "Ops",
      config: { botToken: "", chatId: "@ops_channel" },
    });
    assert.deepEqual([updated.name, updated.config], ["Ops", {
      botToken: "…8765",
      chatId: "@ops_channel",
    }]);
    const result = await api.notification.test.mutate({ id: created.id });
    assert.deepEqual(result, { delivered: true, error: null });
    assert.equal(telegram.requests[0].path, `/bot${BOT_TOKEN}/sendMessage`);
    assert.equal(telegram.requests[0].body.chat_id, "@ops_channel");

    const [delivery] = await api.notification.deliveries.query({ id: created.id });
    assert.deepEqual([delivery.type, delivery.status, delivery.attempts], ["test", "delivered", 1]);
  } finally {
    await server.close();
    await telegram.close();
  }
});

Deno.test("a channel form shows every problem with the settings at its own field, and the API names them all", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const { api } = owner;
    const posted = async (path: string, fields: Record<string, string>) => {
      const res = await owner.fetch(`${server.url}${path}`, form(fields));
      assert.equal(res.status, 400);
      return await res.text();
    };
    const hostile = "<b>ntfy</b>";
    const added = await posted("/app/notifications/new", {
      kind: "ntfy",
      name: "Phones",
      serverUrl: hostile,
      topic: "two words",
    });
    assert.equal(errorAt(added, "serverUrl"), "⚠ Expected an http:// or https:// URL");
    assert.equal(errorAt(added, "topic"), "⚠ 1 to 64 letters, digits, - and _");
    // What was typed comes back as text, not markup.
    assert.ok(added.includes('value="&lt;b>ntfy&lt;/b>"'), "the URL typed, escaped");
    assert.ok(!added.includes(hostile));
    assert.deepEqual(await api.notification.list.query(), []);

    const hook = await api.notification.create.mutate({
      kind: "webhook",
      name: "Hook",
      config: { url: "http://127.0.0.1:8080/hook" },
    });
    const edited = await posted(`/app/notifications/${hook.id}/edit`, {
      name: "Hook",
      url: "hook.example.com",
      secret: "a secret with spaces",
    });
    assert.equal(errorAt(edited, "url"), "⚠ Expected an http:// or https:// URL");
    assert.equal(errorAt(edited, "secret"), "⚠ Printable ASCII without spaces");

    // The API's message names each problem, as it does for a schema's issues.
    assert.equal(
      await errorMessage(
        api.notification.create.mutate({
          kind: "webhook",
          name: "H",
          config: { url: "ftp://x", secret: "short" },
        }),
      ),
      "BAD_REQUEST: config.url: expected an http:// or https:// URL; " +
        "config.secret: at least 16 characters",
    );
    assert.equal(
      await errorMessage(
        api.notification.update.mutate({ id: hook.id, config: { url: "", extra: "x" } }),
      ),
      'BAD_REQUEST: config.url: required; config: unknown field "extra"',
    );
  } finally {
    await server.close();
  }
});

/** The text of a form field's error (`<p id="<field>-error">`), as the page shows it. */
function errorAt(html: string, field: string): string | null {
  return new RegExp(`<p id="${field}-error"[^>]*>([^<]*)</p>`).exec(html)?.[1] ?? null;
}

Deno.test("Google Chat, Pushover and Matrix channels: settings checked, secrets masked, test sends escaped", async () => {
  const chat = startGoogleChat();
  const pushover = startPushover();
  const matrix = startMatrix("syt_bot_token_0123456789");
  const server = await apiServer({ PUSHOVER_API_URL: pushover.url });
  try {
    const { api } = await server.user("owner");
    const refusals: [string, Record<string, string>, string][] = [
      [
        "pushover",
        { userKey: "short", appToken: "x".repeat(30) },
        "config.userKey: expected the 30-character user or group key",
      ],
      ["matrix", {
        homeserverUrl: matrix.url,
        roomId: "#ops:example.org",
        accessToken: "syt_bot_token_0123456789",
      }, "config.roomId: expected a room id like !abcdef:example.org"],
      [
        "google_chat",
        { webhookUrl: "chat.googleapis.com/v1/spaces" },
        "config.webhookUrl: expected an http:// or https:// URL",
      ],
    ];
    for (const [kind, config, message] of refusals) {
      assert.equal(
        await errorMessage(
          api.notification.create.mutate({ kind: kind as "matrix", name: "X", config }),
        ),
        `BAD_REQUEST: ${message}`,
      );
    }
    const xss = "<img src=x onerror=alert(1)>";
    const made = [
      await api.notification.create.mutate({
        kind: "google_chat",
        name: "<users/all> <https://evil.example|Open the incident>",
        config: { webhookUrl: `${chat.url}/v1/spaces/S/messages?key=K&token=secret-token` },
      }),
      await api.notification.create.mutate({
        kind: "pushover",
        name: "Phones",
        config: { userKey: "u".repeat(30), appToken: "a".repeat(30), device: "pixel,iphone" },
      }),
      await api.notification.create.mutate({
        kind: "matrix",
        name: xss,
        config: {
          homeserverUrl: matrix.url,
          roomId: "!ops:example.org",
          accessToken: "syt_bot_token_0123456789",
        },
      }),
    ];
    const listed = JSON.stringify(await api.notification.list.query());
    for (
      const secret of ["secret-token", "u".repeat(30), "a".repeat(30), "syt_bot_token_0123456789"]
    ) {
      assert.ok(!listed.includes(secret), `list() masks ${secret}`);
    }
    for (const channel of made) {
      assert.deepEqual(await api.notification.test.mutate({ id: channel.id }), {
        delivered: true,
        error: null,
      });
    }
    // A test is about no incident: Chat starts a thread of its own.
    assert.equal(chat.requests[0].body.thread, undefined);
    assert.match(chat.requests[0].body.text, /^🔔 Test notification from Uptime\n/);
    // Chat's link and mention syntax in what people wrote stays text.
    assert.ok(
      chat.requests[0].body.text.includes(
        "Channel: <\u200busers/all> <\u200bhttps://evil.example|Open the incident>",
      ),
    );
    assert.ok(!/<users\/all>|<https:\/\/evil/.test(chat.requests[0].body.text));
    assert.equal(pushover.requests[0].body.device, "pixel,iphone");
    assert.equal(pushover.requests[0].body.priority, 0);
    const html = matrix.requests[0].body.formatted_body as string;
    assert.ok(html.includes("Channel: &lt;img src=x onerror=alert(1)&gt;"), html);
    assert.ok(!html.includes("<img"), html);
    assert.ok(
      (matrix.requests[0].body.body as string).includes(`Channel: ${xss}`),
      "plain text as is",
    );

    // A refusal says what the service said.
    pushover.failNext(
      1,
      () =>
        Response.json({ status: 0, errors: ["user key is invalid"], request: "r" }, {
          status: 400,
        }),
    );
    assert.deepEqual(await api.notification.test.mutate({ id: made[1].id }), {
      delivered: false,
      error: "HTTP 400: user key is invalid",
    });
    matrix.failNext(
      1,
      () =>
        Response.json({ errcode: "M_FORBIDDEN", error: "You are not in this room." }, {
          status: 403,
        }),
    );
    assert.deepEqual(await api.notification.test.mutate({ id: made[2].id }), {
      delivered: false,
      error: "HTTP 403: M_FORBIDDEN You are not in this room.",
    });

    // Which answers are tried again, as the alert queue sees them.
    const config = server.services.config;
    const message = testMessage("Ops", config.appUrl);
    const send = (kind: "pushover" | "matrix", id: string, settings: Record<string, string>) =>
      deliver(config, { id, kind, config: settings }, message);
    const phones = { userKey: "u".repeat(30), appToken: "a".repeat(30) };
    const answers: [StandIn, () => Response, "pushover" | "matrix", Record<string, unknown>][] = [
      // Pushover asks that no 4xx be sent again; 429 means the month's messages are spent.
      [
        pushover,
        () => Response.json({ status: 0, errors: ["monthly limit"] }, { status: 429 }),
        "pushover",
        { retry: false, error: "HTTP 429: monthly limit" },
      ],
      [pushover, () => new Response("busy", { status: 503 }), "pushover", {
        retry: true,
        error: "HTTP 503: busy",
      }],
      [
        matrix,
        () =>
          Response.json({
            errcode: "M_LIMIT_EXCEEDED",
            error: "Too many requests",
            retry_after_ms: 1500,
          }, { status: 429 }),
        "matrix",
        { retry: true, retryAfterMs: 1500, error: "HTTP 429: M_LIMIT_EXCEEDED Too many requests" },
      ],
      [
        matrix,
        () => new Response("<html><title>Bad Gateway</title></html>", { status: 502 }),
        "matrix",
        { retry: true, error: 'HTTP 502: an HTML page, "Bad Gateway"' },
      ],
    ];
    const room = {
      homeserverUrl: matrix.url,
      roomId: "!ops:example.org",
      accessToken: "syt_bot_token_0123456789",
    };
    for (const [standIn, answer, kind, expected] of answers) {
      standIn.failNext(1, answer);
      const outcome = await send(
        kind,
        made[kind === "matrix" ? 2 : 1].id,
        kind === "matrix" ? room : phones,
      );
      assert.deepEqual(
        Object.fromEntries(Object.entries(outcome).filter(([, v]) => v !== undefined)),
        { ok: false, ...expected },
        `${kind} answered ${answer().status}`,
      );
    }
    // The retry of a Matrix message is the same transaction; another channel's is not.
    assert.deepEqual(await send("matrix", made[2].id, room), { ok: true });
    const [limited, retried] = matrix.requests.slice(-3).map((r) => r.path);
    assert.equal(limited, retried);
    await send("matrix", crypto.randomUUID(), room);
    assert.notEqual(matrix.requests.at(-1)!.path, retried);
  } finally {
    await server.close();
    await Promise.all([chat.close(), pushover.close(), matrix.close()]);
  }
});

Deno.test("an SMS channel (Twilio): numbers checked and normalised, the token masked, a short text sent", async () => {
  const sid = `AC${"0a".repeat(16)}`;
  const token = "f".repeat(32);
  const twilio = startTwilio(sid, token);
  const server = await apiServer({ TWILIO_API_URL: twilio.url });
  try {
    const { api } = await server.user("owner");
    const sms = (config: Record<string, string>, name = "On-call phone") =>
      api.notification.create.mutate({ kind: "twilio_sms", name, config });
    const good = { accountSid: sid, authToken: token, from: "+14155550100", to: "+447700900123" };
    const refusals: [Record<string, string>, string][] = [
      [{ ...good, to: "07700 900123" }, "config.to: expected a phone number in international form"],
      [{ ...good, to: "+44 7700 900123 ext 4" }, "config.to: expected a phone number"],
      [{ ...good, from: "Uptime" }, "config.from: expected a Twilio number in international form"],
      [{ ...good, accountSid: "SK123" }, "config.accountSid: expected the Account SID"],
      [{ ...good, authToken: "secret" }, "config.authToken: expected the 32-character auth token"],
    ];
    for (const [config, message] of refusals) {
      const error = await errorMessage(sms(config));
      assert.ok(error.startsWith(`BAD_REQUEST: ${message}`), error);
    }

    // Spaces, dashes and brackets are how people write numbers; Twilio wants E.164.
    const xss = "<img src=x onerror=alert(1)>";
    const phone = await sms({ ...good, to: " +44 (7700) 900-123 " }, xss);
    const listed = await api.notification.list.query();
    assert.equal(listed[0].config.to, "+447700900123");
    assert.ok(!JSON.stringify(listed).includes(token), "list() masks the auth token");
    assert.deepEqual(await api.notification.test.mutate({ id: phone.id }), {
      delivered: true,
      error: null,
    });
    const [sent] = twilio.requests;
    const form = new URLSearchParams(sent.raw);
    assert.equal(sent.headers.get("content-type"), "application/x-www-form-urlencoded");
    assert.deepEqual([form.get("To"), form.get("From")], ["+447700900123", "+14155550100"]);
    assert.equal(
      form.get("Body"),
      `Test notification from Uptime\nChannel: ${xss}\n${server.services.config.appUrl}/app/notifications`,
    );

    // A Messaging Service sends from the number it picks.
    const service = `MG${"1b".repeat(16)}`;
    const pool = await sms({ ...good, from: service });
    await api.notification.test.mutate({ id: pool.id });
    const pooled = new URLSearchParams(twilio.requests[1].raw);
    assert.deepEqual([pooled.get("MessagingServiceSid"), pooled.get("From")], [service, null]);

    // A call reads the alert out twice, as TwiML: what people wrote stays text.
    const call = await api.notification.create.mutate({
      kind: "twilio_call",
      name: xss,
      config: { ...good, to: "+44 7700 900124" },
    });
    await api.notification.test.mutate({ id: call.id });
    const called = twilio.requests.at(-1)!;
    assert.match(called.path, /\/Calls\.json$/);
    const say = "<Say>Uptime alert. Test notification from Uptime. Channel: " +
      "&lt;img src=x onerror=alert(1)&gt;.</Say>";
    assert.equal(
      new URLSearchParams(called.raw).get("Twiml"),
      `<Response>${say}<Pause length="1"/>${say}</Response>`,
    );
    assert.equal(new URLSearchParams(called.raw).get("To"), "+447700900124");
    assert.match(
      await errorMessage(api.notification.create.mutate({
        kind: "twilio_call",
        name: "Pool",
        config: { ...good, from: service },
      })),
      /config\.from: expected a phone number in international form/,
    );

    // Twilio's refusal in its own words, and never the token.
    const other = await sms({ ...good, authToken: "e".repeat(32) });
    const refused = await api.notification.test.mutate({ id: other.id });
    assert.deepEqual(refused, {
      delivered: false,
      error: "HTTP 401: Twilio error 20003: Authenticate",
    });

    // Which answers are tried again, as the alert queue sees them.
    const message = testMessage("Ops", server.services.config.appUrl);
    const answers: [() => Response, Record<string, unknown>][] = [
      [
        () =>
          Response.json({ code: 20429, message: "Too Many Requests", status: 429 }, {
            status: 429,
            headers: { "retry-after": "2" },
          }),
        {
          retry: true,
          retryAfterMs: 2000,
          error: "HTTP 429: Twilio error 20429: Too Many Requests",
        },
      ],
      [
        () =>
          Response.json({ code: 21608, message: "The number is unverified.", status: 400 }, {
            status: 400,
          }),
        { retry: false, error: "HTTP 400: Twilio error 21608: The number is unverified." },
      ],
      [() => new Response("upstream", { status: 502 }), {
        retry: true,
        error: "HTTP 502: upstream",
      }],
    ];
    for (const [answer, expected] of answers) {
      twilio.failNext(1, answer);
      const outcome = await deliver(
        server.services.config,
        { id: phone.id, kind: "twilio_sms", config: good },
        message,
      );
      assert.deepEqual(
        Object.fromEntries(Object.entries(outcome).filter(([, v]) => v !== undefined)),
        { ok: false, ...expected },
      );
    }
  } finally {
    await server.close();
    await twilio.close();
  }
});

Deno.test("a failing test send says why, without the channel's secret", async () => {
  const slack = startSlack();
  const server = await apiServer();
  try {
    const { api } = await server.user("owner");
    const hook = `${slack.url}/services/T1/B2/secret-part-of-the-url`;
    const channel = await api.notification.create.mutate({
      kind: "slack",
      name: "S",
      config: { webhookUrl: hook },
    });
    slack.failNext(1, () => new Response(`invalid_token for ${hook}`, { status: 403 }));
    const result = await api.notification.test.mutate({ id: channel.id });
    assert.equal(result.delivered, false);
    assert.equal(result.error, "HTTP 403: invalid_token for ***");
    await slack.close();
    const closed = await api.notification.test.mutate({ id: channel.id });
    assert.match(closed.error!, /^connection refused by 127\.0\.0\.1:\d+$/);
    assert.ok(!closed.error!.includes("secret-part"));
  } finally {
    await server.close();
  }
});

Deno.test("with ALLOW_PRIVATE_TARGETS=false a webhook to 127.0.0.1 is refused, when saved and when sent", async () => {
  const receiver = startWebhookReceiver();
  const server = await apiServer({ ALLOW_PRIVATE_TARGETS: "false" });
  try {
    const { api } = await server.user("owner");
    assert.equal(
      await errorMessage(
        api.notification.create.mutate({
          kind: "webhook",
          name: "Local",
          config: { url: receiver.url },
        }),
      ),
      "BAD_REQUEST: config.url: 127.0.0.1 is a loopback address (only public addresses are " +
        "allowed; a self-hosted installation allows private ones with ALLOW_PRIVATE_TARGETS=true)",
    );
    // The refusal is named, and shown, at the setting that holds the URL.
    const owner = await server.user("slack");
    const slack = { kind: "slack", name: "Local", webhookUrl: `${receiver.url}/hook` };
    const res = await owner.fetch(`${server.url}/app/notifications/new`, form(slack));
    assert.equal(res.status, 400);
    assert.match(
      errorAt(await res.text(), "webhookUrl") ?? "",
      /^⚠ 127\.0\.0\.1 is a loopback address \(only public addresses are allowed/,
    );
    assert.match(
      await errorMessage(
        owner.api.notification.create.mutate({
          kind: "slack",
          name: "Local",
          config: { webhookUrl: slack.webhookUrl },
        }),
      ),
      /^BAD_REQUEST: config\.webhookUrl: 127\.0\.0\.1 is a loopback address/,
    );
    // A channel saved while the address was public is still refused when sent.
    const outcome = await deliver(server.services.config, {
      id: crypto.randomUUID(),
      kind: "webhook",
      config: { url: `${receiver.url}/hook`, secret: "0123456789abcdef" },
    }, testMessage("Local", server.services.config.appUrl));
    assert.deepEqual(outcome, {
      ok: false,
      retry: false,
      error: "blocked: 127.0.0.1 is a loopback address",
    });
    assert.equal(receiver.requests.length, 0);
  } finally {
    await server.close();
    await receiver.close();
  }
});

Deno.test("notificationIds must name the caller's own channels", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const other = await server.user("other");
    const theirs = await other.api.notification.create.mutate({
      kind: "webhook",
      name: "Theirs",
      config: { url: "https://hooks.example.com/x" },
    });
    assert.equal(
      await errorMessage(owner.api.website.create.mutate({
        url: "https://example.com/",
        notificationIds: [theirs.id],
      })),
      `BAD_REQUEST: notificationIds: no notification channel ${theirs.id}`,
    );
    const mine = await owner.api.notification.create.mutate({
      kind: "webhook",
      name: "Mine",
      config: { url: "https://hooks.example.com/y" },
    });
    const website = await owner.api.website.create.mutate({
      url: "https://example.com/",
      notificationIds: [mine.id, mine.id],
    });
    assert.deepEqual(website.notificationIds, [mine.id]);
    const cleared = await owner.api.website.update.mutate({
      id: website.id,
      notificationIds: null,
    });
    assert.equal(cleared.notificationIds, null);
  } finally {
    await server.close();
  }
});

Deno.test("a call's TwiML stays within Twilio's 4,000 characters however much its words grow escaped", () => {
  const message = {
    ...testMessage("Ops", "https://uptime.example.com"),
    title: '"'.repeat(300),
    acknowledgeUrl: `https://uptime.example.com/acknowledge?token=${"t".repeat(400)}`,
  };
  const channelId = crypto.randomUUID();
  const twiml = callTwiml(message, channelId);
  assert.ok(twiml.length <= 4_000, `${twiml.length} characters`);
  assert.match(twiml, /^<Response><Gather [^>]+><Say>Uptime alert\. (&quot;)+<\/Say>/);
  assert.ok(twiml.endsWith("<Say>To acknowledge, press 1.</Say></Gather></Response>"), twiml);
  // Without the link the words fit whole: nothing is cut.
  const plain = callTwiml({ ...message, acknowledgeUrl: null }, channelId);
  assert.equal(plain.split("&quot;").length - 1, 2 * 286);
});

Deno.test("a keypad answer's signature is checked by Twilio's recipe: its published example matches", () => {
  // Twilio's own example (auth token 12345), fields in another order than the sorted one.
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const fields = new URLSearchParams({
    To: "+18005551212",
    Digits: "1234",
    From: "+14158675309",
    Caller: "+14158675309",
    CallSid: "CA1234567890ABCDE",
  });
  assert.equal(twilioSignature("12345", url, fields), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  assert.notEqual(
    twilioSignature("12345", `${url}&channel=x`, fields),
    "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
  );
});
