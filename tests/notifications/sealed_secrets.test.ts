/**
 * Secrets sealed in Postgres under `SECRETS_KEY`: a channel's bot token and a two-factor
 * key are stored sealed, never in plain, and still work (a test send, an alert through the
 * real dispatcher, a login code); a second key opens what the first sealed while the
 * first is replaced (`deno task secrets:seal`); a channel no listed key opens is refused with why,
 * and its alerts fail saying so; `--unseal` puts them back in plain.
 */
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import { errorMessage } from "../helpers/api.ts";
import { notificationBed } from "../helpers/notifications.ts";
import { startTelegram } from "../helpers/notification_stand_ins.ts";
import { eventually } from "../helpers/pipeline.ts";
import { open, parseSecretKeys, seal, SealedSecretError } from "../../lib/secret_box.ts";
import { ConfigError, parseConfig } from "../../lib/config.ts";
import type { Services } from "../../services/context.ts";
import { actorOf } from "../../services/context.ts";
import { listChannels } from "../../services/notifications/list.ts";
import { testChannel } from "../../services/notifications/test.ts";
import { resealSecrets } from "../../services/secrets/reseal.ts";
import { confirmSetup, startSetup, verifySecondFactor } from "../../services/users/two_factor.ts";

const KEY_A = "q3x6bS0pQk4e8Y0mF2hT7wLrN1uV5cJ9aD3gK6zP0sE=";
const KEY_B = "Zm9yIGEgc2Vjb25kIGtleSBvZiB0aGlydHktdHdvIGI=";
const BOT_TOKEN = "987654:zyxWVUtsrQPOnmlKJIhgfEDCba98765";

Deno.test("a sealed value opens only under its key, and a bad SECRETS_KEY is named, not echoed", () => {
  const [a] = parseSecretKeys(KEY_A);
  const [b] = parseSecretKeys(KEY_B);
  const sealed = seal([a], "xoxb-secret");
  assert.match(sealed, new RegExp(`^sealed:v1:${a.id}:`));
  assert.notEqual(seal([a], "xoxb-secret"), sealed, "a new IV each time");
  assert.equal(open([b, a], sealed), "xoxb-secret");
  assert.equal(open([], "plain as stored"), "plain as stored");
  assert.throws(
    () => open([b], sealed),
    (error) => error instanceof SealedSecretError && error.message.includes(`key ${a.id}`),
  );
  const altered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
  assert.throws(() => open([a], altered), /altered or cut short/);
  assert.throws(
    () => parseConfig({ SECRETS_KEY: `${KEY_A},c2hvcnQ=` }),
    (error) =>
      error instanceof ConfigError &&
      error.message === "Invalid configuration: SECRETS_KEY is invalid: key 2 is not 32 bytes " +
          "in base64 (make one with openssl rand -base64 32)",
  );
});

Deno.test("channel settings and two-factor keys are stored sealed, work, and move to a new key", async () => {
  const telegram = startTelegram(BOT_TOKEN);
  const bed = await notificationBed({ TELEGRAM_API_URL: telegram.url, SECRETS_KEY: KEY_A });
  const { server, owner } = bed;
  try {
    const actor = actorOf({ id: owner.user.id, accountId: owner.user.id });
    const channel = await owner.api.notification.create.mutate({
      kind: "telegram",
      name: "Ops chat",
      config: { botToken: BOT_TOKEN, chatId: "-1001" },
    });
    const stored = async () =>
      (await server.bed.pg.sql`select config from notification_channels where id = ${channel.id}`)[
        0
      ]
        .config as Record<string, unknown>;
    const [a] = parseSecretKeys(KEY_A);
    const [b] = parseSecretKeys(KEY_B);
    assert.deepEqual(Object.keys(await stored()), ["$sealed"]);
    assert.match(String((await stored()).$sealed), new RegExp(`^sealed:v1:${a.id}:`));
    assert.ok(!JSON.stringify(await stored()).includes("zyxWVU"), "no part of the token in plain");
    assert.ok(!JSON.stringify(await stored()).includes("-1001"));
    // Shown as before (masked), changed as before, and it sends.
    assert.deepEqual((await owner.api.notification.list.query())[0].config, {
      botToken: "…8765",
      chatId: "-1001",
    });
    await owner.api.notification.update.mutate({ id: channel.id, config: { chatId: "-1002" } });
    assert.deepEqual(await owner.api.notification.test.mutate({ id: channel.id }), {
      delivered: true,
      error: null,
    });
    assert.equal(telegram.requests[0].path, `/bot${BOT_TOKEN}/sendMessage`);
    assert.equal(telegram.requests[0].body.chat_id, "-1002");

    // An alert through the dispatcher opens them too.
    bed.startDispatcher();
    const incidentId = crypto.randomUUID();
    await bed.publish(bed.event(incidentId, "opened"));
    await eventually(() => telegram.requests.length === 2, 15_000, "the alert at Telegram");
    assert.match(telegram.requests[1].body.text, /Shop is down/);

    // Two-factor: the key is sealed, and codes from it sign in.
    const setup = await startSetup(server.services, actor);
    const key = setup.secret.replace(/\s+/g, "");
    const code = (steps = 0) =>
      new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key) })
        .generate({ timestamp: Date.now() + steps * 30_000 });
    await confirmSetup(server.services, actor, {
      code: code(),
      currentPassword: "correct horse 1",
    });
    const [factor] = await server.bed.pg
      .sql`select secret from two_factor where user_id = ${owner.user.id}`;
    assert.match(factor.secret, new RegExp(`^sealed:v1:${a.id}:`));
    assert.ok(!factor.secret.includes(key));

    // A new key first, the old one still listed: everything still opens; secrets:seal moves
    // it all to the new key, and then the old one can go.
    const rotated = {
      ...server.services,
      config: { ...server.services.config, secretKeys: [b, a] },
    };
    assert.equal((await listChannels(rotated, actor))[0].config.chatId, "-1002");
    // As an operator runs it: the task, with the new key first.
    const task = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../scripts/seal_secrets.ts", import.meta.url).pathname],
      env: { ...server.bed.env, SECRETS_KEY: `${KEY_B},${KEY_A}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(task.code, 0, new TextDecoder().decode(task.stderr));
    assert.match(
      new TextDecoder().decode(task.stdout),
      /"event":"secrets.sealed","channels":1,"monitors":0,"twoFactorKeys":1,"unreadable":0/,
    );
    assert.deepEqual(await resealSecrets(server.bed.pg.sql, [b, a], "seal"), {
      channels: 0,
      monitors: 0,
      twoFactorKeys: 0,
      unreadable: 0,
    }, "a second run has nothing left to do");
    assert.match(String((await stored()).$sealed), new RegExp(`^sealed:v1:${b.id}:`));
    const [{ type }] = await server.bed.pg.sql`
      select jsonb_typeof(config) as type from notification_channels where id = ${channel.id}`;
    assert.equal(type, "object", "stored as the app stores it, not as a JSON string");
    const onlyB: Services = {
      ...server.services,
      config: { ...server.services.config, secretKeys: [b] },
    };
    assert.deepEqual(await testChannel(onlyB, actor, channel.id), { delivered: true, error: null });
    // A wrong code never passes; the right one does, opened with the new key.
    assert.equal(await verifySecondFactor(server.bed.pg.sql, [b], owner.user.id, "000000"), false);
    // Each step's code is accepted once (setup took this one); the next step's is early
    // but allowed.
    assert.equal(await verifySecondFactor(server.bed.pg.sql, [b], owner.user.id, code(1)), true);

    // The web still holds only the old key: the channel is refused, saying why, and an
    // alert fails (to be retried) with the same reason, no secret in it.
    assert.equal(
      await errorMessage(owner.api.notification.test.mutate({ id: channel.id })),
      `BAD_REQUEST: This channel's settings are sealed under a key SECRETS_KEY does not hold (key ${b.id})`,
    );
    assert.deepEqual((await owner.api.notification.list.query())[0].config, {});
    const channelPage = await (await owner.fetch(`${server.url}/app/notifications/${channel.id}`))
      .text();
    assert.match(
      channelPage,
      new RegExp(
        `sealed under a key SECRETS_KEY does not hold \\(key ${b.id}\\)\\. Its alerts fail`,
      ),
    );
    const sent = telegram.requests.length;
    await bed.publish(bed.event(incidentId, "resolved"));
    await eventually(
      async () => {
        const [row] = await server.bed.pg.sql`
        select last_error from notification_deliveries where event_type = 'resolved'`;
        return row?.last_error ===
          `the channel's settings are sealed under a key SECRETS_KEY does not hold (key ${b.id})`;
      },
      15_000,
      "the failed attempt, saying why",
    );
    assert.equal(telegram.requests.length, sent, "nothing sent without the settings");

    // --unseal: back in plain, readable without any key.
    assert.deepEqual(await resealSecrets(server.bed.pg.sql, [b], "unseal"), {
      channels: 1,
      monitors: 0,
      twoFactorKeys: 1,
      unreadable: 0,
    });
    assert.deepEqual(await stored(), { botToken: BOT_TOKEN, chatId: "-1002" });
    const [plain] = await server.bed.pg
      .sql`select secret from two_factor where user_id = ${owner.user.id}`;
    assert.equal(plain.secret, key);
    await assert.rejects(resealSecrets(server.bed.pg.sql, [], "seal"), /SECRETS_KEY is not set/);
  } finally {
    await bed.close();
    await telegram.close();
  }
});
