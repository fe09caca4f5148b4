/**
 * A monitor's request headers (an API token, most often) are stored sealed under
 * `SECRETS_KEY`, yet sent with its checks, shown on its edit form and exported; its page
 * names them without their values. Headers no listed key opens make its checks down saying
 * why, instead of checks sent without them; `deno task secrets:seal` seals those kept in plain.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import {
  eventually,
  publisherFor,
  startTarget,
  startWorker,
  TEST_SECRETS_KEY,
} from "../helpers/pipeline.ts";
import { parseSecretKeys, seal } from "../../lib/secret_box.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";
import { resealSecrets } from "../../services/secrets/reseal.ts";

const OTHER_KEY = "Zm9yIGEgc2Vjb25kIGtleSBvZiB0aGlydHktdHdvIGI=";
const TOKEN = "Bearer tok_7Hq2sXv9Lm";

Deno.test({
  name:
    "request headers are sealed at rest, sent with checks, and unreadable ones are a down check that says why",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const seen: string[] = [];
    const target = startTarget((req) => {
      seen.push(req.headers.get("authorization") ?? "none");
      return new Response("ok");
    });
    const server = await apiServer({ REGIONS: "ams" });
    const worker = startWorker(server.bed, "ams");
    const { sql } = server.bed.pg;
    try {
      const owner = await server.user("headers");
      const site = await owner.api.website.create.mutate({
        url: target.url,
        name: "Orders API",
        headers: { Authorization: TOKEN, "X-Team": "payments" },
        confirmations: 1,
      });
      const stored = async () =>
        (await sql`select headers::text as text from websites where id = ${site.id}`)[0].text;
      const [key] = parseSecretKeys(TEST_SECRETS_KEY);
      assert.match(await stored(), new RegExp(`^\\{"\\$sealed": "sealed:v1:${key.id}:`));
      assert.ok(!(await stored()).includes("tok_7Hq2sXv9Lm"), "no part of the token in plain");
      assert.ok(!(await stored()).includes("payments"));

      // Read back as set, on the edit form and in the export; the page names them only.
      assert.deepEqual(site.headers, { Authorization: TOKEN, "X-Team": "payments" });
      assert.equal(site.headersProblem, null);
      const form = await (await owner.fetch(`${server.url}/app/monitors/${site.id}/edit`)).text();
      assert.ok(form.includes(TOKEN), "the edit form shows the value to change it");
      const page = await (await owner.fetch(`${server.url}/app/monitors/${site.id}`)).text();
      assert.match(page, /Request headers<\/dt><dd[^>]*>Authorization, X-Team<\/dd>/);
      assert.ok(!page.includes("tok_7Hq2sXv9Lm"), "the summary shows no value");
      const exported = await (await owner.fetch(`${server.url}/app/monitors/export`)).json();
      assert.deepEqual(exported.monitors[0].headers, {
        Authorization: TOKEN,
        "X-Team": "payments",
      });

      // The publisher opens them; the check sends them.
      const publisher = publisherFor(server.bed);
      const checks = async () => (await owner.api.website.checks.query({ id: site.id })).checks;
      assert.equal((await publisher.runCycle()).tasks, 1);
      await eventually(async () => (await checks()).length === 1, 20_000, "the first check");
      assert.equal((await checks())[0].outcome, "up");
      assert.deepEqual(seen, [TOKEN]);

      // Sealed under a key this deployment does not hold (a key removed too early): the
      // check runs nothing and is down saying why; the pages say what to do.
      const [other] = parseSecretKeys(OTHER_KEY);
      const foreign = { $sealed: seal([other], JSON.stringify({ Authorization: "Bearer old" })) };
      await sql`update websites set headers = ${JSON.stringify(foreign)}::jsonb
      where id = ${site.id}`;
      const why = `sealed under a key SECRETS_KEY does not hold (key ${other.id})`;
      const unreadable = await owner.api.website.get.query({ id: site.id });
      assert.deepEqual(unreadable.headers, {});
      assert.equal(unreadable.headersProblem, `The request headers are ${why}`);
      await publisher.runCycle(new Date(Date.now() + 180_000));
      await eventually(async () => (await checks()).length === 2, 20_000, "the second check");
      const [second] = await checks();
      assert.equal(second.outcome, "down");
      assert.equal(second.errorKind, "invalid");
      assert.equal(second.errorMessage, `The monitor's request headers are ${why}`);
      assert.deepEqual(seen, [TOKEN], "no request went out without its headers");
      const { incidents } = await owner.api.incident.list.query({ websiteId: site.id });
      assert.equal(incidents[0].cause.errorMessage, second.errorMessage);
      const downPage = await (await owner.fetch(`${server.url}/app/monitors/${site.id}`)).text();
      assert.ok(downPage.includes(`The request headers are ${why}, so its checks are down.`));
      const downForm = await (await owner.fetch(`${server.url}/app/monitors/${site.id}/edit`))
        .text();
      assert.ok(downForm.includes(`The request headers are ${why}, so its checks are down. Set`));
      const browser = await launchChromium();
      try {
        const context = await signedInContext(browser, server.url, owner.jar);
        const tab = await context.newPage();
        const problems = watchProblems(tab);
        await tab.goto(`${server.url}/app/monitors/${site.id}`);
        const settings = tab.locator("#settings");
        await settings.getByText(`The request headers are ${why}, so its checks are down.`)
          .waitFor();
        await settings.scrollIntoViewIfNeeded();
        await screenshots(tab, "monitor-headers-unreadable");
        await tab.getByRole("link", { name: "Edit settings" }).click();
        await tab.getByRole("alert").getByText(`The request headers are ${why}, so its`)
          .waitFor();
        await screenshots(tab, "monitor-form-headers-unreadable");
        assert.deepEqual(problems, []);
      } finally {
        await closeBrowser(browser);
      }

      // Set again: sealed under the deployment's key, and sent.
      await owner.api.website.update.mutate({ id: site.id, headers: { Authorization: TOKEN } });
      assert.match(await stored(), new RegExp(`^\\{"\\$sealed": "sealed:v1:${key.id}:`));
      await publisher.runCycle(new Date(Date.now() + 360_000));
      await eventually(async () => (await checks()).length === 3, 20_000, "the third check");
      assert.equal((await checks())[0].outcome, "up");
      assert.deepEqual(seen, [TOKEN, TOKEN]);

      // Kept in plain (saved before SECRETS_KEY was set): secrets:seal seals them.
      await sql`update websites set headers = ${JSON.stringify({ Authorization: TOKEN })}::jsonb
      where id = ${site.id}`;
      assert.deepEqual(await resealSecrets(sql, [key], "seal"), {
        channels: 0,
        monitors: 1,
        twoFactorKeys: 0,
        unreadable: 0,
      });
      assert.match(await stored(), new RegExp(`^\\{"\\$sealed": "sealed:v1:${key.id}:`));
      assert.deepEqual((await owner.api.website.get.query({ id: site.id })).headers, {
        Authorization: TOKEN,
      });
    } finally {
      await worker.stop();
      await server.close();
      await target.close();
    }
  },
});

Deno.test({
  name:
    "a request body is sealed at rest and sent with checks; an unreadable one is a down check that says why",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const seen: string[] = [];
    const target = startTarget(async (req) => {
      seen.push(await req.text());
      return new Response("ok");
    });
    const server = await apiServer({ REGIONS: "ams" });
    const worker = startWorker(server.bed, "ams");
    const { sql } = server.bed.pg;
    const body = `{"apiKey":"k_9ZrQ4w","order":1}`;
    try {
      const owner = await server.user("body");
      const site = await owner.api.website.create.mutate({
        url: target.url,
        name: "Orders webhook",
        method: "POST",
        body,
        confirmations: 1,
      });
      const stored = async () =>
        (await sql`select body from websites where id = ${site.id}`)[0].body as string;
      const [key] = parseSecretKeys(TEST_SECRETS_KEY);
      assert.match(await stored(), new RegExp(`^sealed:v1:${key.id}:`));
      assert.ok(!(await stored()).includes("k_9ZrQ4w"), "no part of the body in plain");

      // Read back as set, on the edit form and in the export.
      assert.equal(site.body, body);
      assert.equal(site.bodyProblem, null);
      const form = await (await owner.fetch(`${server.url}/app/monitors/${site.id}/edit`)).text();
      // In the field itself, so that a form saved without JavaScript keeps it.
      assert.match(
        form,
        /<textarea[^>]*name="body"[^>]*>\{&quot;apiKey&quot;:&quot;k_9ZrQ4w&quot;,&quot;order&quot;:1\}<\/textarea>/,
      );
      const exported = await (await owner.fetch(`${server.url}/app/monitors/export`)).json();
      assert.equal(exported.monitors[0].body, body);

      // The publisher opens it; the check sends it.
      const publisher = publisherFor(server.bed);
      const checks = async () => (await owner.api.website.checks.query({ id: site.id })).checks;
      assert.equal((await publisher.runCycle()).tasks, 1);
      await eventually(async () => (await checks()).length === 1, 20_000, "the first check");
      assert.equal((await checks())[0].outcome, "up");
      assert.deepEqual(seen, [body]);

      // Sealed under a key this deployment does not hold: down, saying why, nothing sent.
      const [other] = parseSecretKeys(OTHER_KEY);
      await sql`update websites set body = ${seal([other], body)} where id = ${site.id}`;
      const why = `sealed under a key SECRETS_KEY does not hold (key ${other.id})`;
      const unreadable = await owner.api.website.get.query({ id: site.id });
      assert.equal(unreadable.body, null);
      assert.equal(unreadable.bodyProblem, `The request body is ${why}`);
      await publisher.runCycle(new Date(Date.now() + 180_000));
      await eventually(async () => (await checks()).length === 2, 20_000, "the second check");
      const [second] = await checks();
      assert.deepEqual(
        [second.outcome, second.errorKind, second.errorMessage],
        ["down", "invalid", `The monitor's request body is ${why}`],
      );
      assert.deepEqual(seen, [body], "no request went out without its body");
      const browser = await launchChromium();
      try {
        const context = await signedInContext(browser, server.url, owner.jar);
        const tab = await context.newPage();
        const problems = watchProblems(tab);
        await tab.goto(`${server.url}/app/monitors/${site.id}`);
        const settings = tab.locator("#settings");
        await settings.getByText(`The request body is ${why}, so its checks are down.`).waitFor();
        await settings.scrollIntoViewIfNeeded();
        await screenshots(tab, "monitor-body-unreadable");
        await tab.getByRole("link", { name: "Edit settings" }).click();
        await tab.getByRole("alert").getByText(`The request body is ${why}, so its`).waitFor();
        await screenshots(tab, "monitor-form-body-unreadable");
        assert.deepEqual(problems, []);
      } finally {
        await closeBrowser(browser);
      }

      // Kept in plain (saved before SECRETS_KEY was set): secrets:seal seals it, and a
      // monitor whose headers and body it seals counts once.
      await sql`update websites set body = ${body},
        headers = ${JSON.stringify({ Authorization: TOKEN })}::jsonb where id = ${site.id}`;
      assert.deepEqual(await resealSecrets(sql, [key], "seal"), {
        channels: 0,
        monitors: 1,
        twoFactorKeys: 0,
        unreadable: 0,
      });
      assert.match(await stored(), new RegExp(`^sealed:v1:${key.id}:`));
      assert.equal((await owner.api.website.get.query({ id: site.id })).body, body);
      await resealSecrets(sql, [key], "unseal");
      assert.equal(await stored(), body, "--unseal writes it back in plain");
    } finally {
      await worker.stop();
      await server.close();
      await target.close();
    }
  },
});
