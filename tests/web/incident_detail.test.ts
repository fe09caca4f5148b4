/**
 * An incident's own page as plain HTML, from a real outage: a worker checks a local
 * target that fails, the evaluation opens the incident, the dispatcher alerts a webhook
 * that answers and one that does not. The page says what failed where, who was told and
 * how that went, and resolving it from there records who did.
 */
import assert from "node:assert/strict";
import { LeaderLease } from "../../publisher/leader_lease.ts";
import { Publisher } from "../../publisher/publisher.ts";
import { eventually, startTarget, startWorker } from "../helpers/pipeline.ts";
import { notificationBed } from "../helpers/notifications.ts";
import { startWebhookReceiver } from "../helpers/notification_stand_ins.ts";
import { apiServer } from "../helpers/api.ts";
import { checkRow } from "../helpers/incidents.ts";
import { insertRows } from "../helpers/seed_checks.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";

/** The page's text as a reader sees it: no tags, single spaces. */
const text = (html: string) =>
  html.replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

/** The rows of the failed checks' table. */
const failedRows = (html: string) =>
  html.split("data-checks>")[1]?.split("</tbody>")[0].match(/<tr/g)?.length ?? 0;

const post = (fields: [string, string][]) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

Deno.test("an incident's page: cause, timeline with its alerts, regions, failed checks, resolve", async (t) => {
  const target = startTarget(() => new Response("broken", { status: 500 }));
  const hook = startWebhookReceiver();
  const broken = startWebhookReceiver();
  // Never delivered: every attempt fails, so the page shows it retrying with the error.
  broken.failNext(1_000, () => new Response("no", { status: 503 }));
  const bed = await notificationBed({ REGIONS: "ams", NOTIFICATION_RETRY_BASE_MS: "60000" });
  const worker = startWorker(bed.server.bed, "ams");
  try {
    const { api } = bed.owner;
    const { server, services } = bed;
    await api.website.delete.mutate({ id: bed.website.id });
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Hook <img src=x onerror=alert(1)>",
      config: { url: hook.url },
    });
    await api.notification.create.mutate({
      kind: "webhook",
      name: "Broken",
      config: { url: broken.url },
    });
    const website = await api.website.create.mutate({
      url: target.url,
      name: "Shop <script>alert(1)</script>",
      intervalSeconds: 60,
      confirmations: 1,
      quorum: "any",
    });
    bed.startDispatcher();
    const publisher = new Publisher({
      sql: services.sql,
      redis: services.redis,
      keys: services.keys,
      lease: new LeaderLease(services.redis, services.keys.publisherLease, 10_000),
      defaults: { intervalSeconds: 60, timeoutMs: 2_000 },
    });
    const start = Date.now();
    await publisher.runCycle(new Date(start));
    await eventually(() => hook.requests.length >= 1, 30_000, "the down alert");
    await eventually(() => broken.requests.length >= 1, 30_000, "the failed alert");
    const [incident] = (await api.incident.list.query()).incidents;
    const path = `/app/incidents/${incident.id}`;
    const get = async (at: string, as = bed.owner) => {
      const res = await as.fetch(`${server.url}${at}`, { redirect: "manual" });
      return { status: res.status, html: await res.text() };
    };

    await t.step("the incidents page links to it by name", async () => {
      const { html } = await get("/app/incidents");
      assert.match(
        html,
        new RegExp(
          `<a href="${path}"[^>]*aria-label="Details of the incident of Shop &lt;script>`,
        ),
      );
    });

    await t.step("while ongoing: what failed, who was told, the buttons", async () => {
      const { status, html } = await get(path);
      assert.equal(status, 200);
      assert.ok(!html.includes("<script>alert"), "the monitor's name escaped");
      assert.ok(!html.includes("<img src=x"), "the channel's name escaped");
      const page = text(html);
      assert.match(page, /Incident of Shop &lt;script>alert\(1\)&lt;\/script>/);
      assert.match(page, /Ongoing, started (just now|\d+ s ago)/);
      assert.match(page, new RegExp(`GET ${target.url}`), "what the monitor checks");
      assert.match(page, /Cause Unexpected status: expected 2xx or 3xx, got 500/);
      assert.match(page, /Resolved Not yet/);
      assert.match(page, /Acknowledged No/);
      // Timeline: down, then each alert as it went.
      assert.match(page, /Down: Unexpected status: expected 2xx or 3xx, got 500/);
      assert.match(
        page,
        /Down alert delivered to Hook &lt;img src=x onerror=alert\(1\)> \(Webhook\)/,
      );
      assert.match(page, /Down alert to Broken \(Webhook\): Retrying after 1 try \(HTTP 503/);
      assert.match(page, /next try/);
      // Regions: the one region, its failed checks of all.
      assert.match(page, /ams 1 of 1/);
      // The failed check itself, with its status.
      assert.match(html, /id="failures-heading"[^>]*>Failed checks</);
      assert.match(page, /500/);
      for (const action of ["acknowledge", "resolve"]) {
        assert.match(html, new RegExp(`<form method="post" action="${path}/${action}"`));
      }
      assert.match(html, new RegExp(`name="next" value="${path}"`));
      assert.match(html, new RegExp(`<a href="/app/monitors/${website.id}"`));
    });

    await t.step("another user, or no such incident: not found", async () => {
      const other = await server.user("other");
      const theirs = await get(path, other);
      assert.equal(theirs.status, 404);
      assert.ok(!theirs.html.includes("Shop"), "nothing of it shows");
      assert.equal((await get(`/app/incidents/${crypto.randomUUID()}`)).status, 404);
      assert.equal((await get("/app/incidents/not-an-id")).status, 404);
    });

    await t.step("Resolve from its page: back to it, saying who resolved it", async () => {
      const res = await bed.owner.fetch(`${server.url}${path}/resolve`, post([["next", path]]));
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), `${path}?notice=incident-resolved`);
      await eventually(() => hook.requests.length >= 2, 30_000, "the resolved alert");
      const page = text((await get(`${path}?notice=incident-resolved`)).html);
      assert.match(page, /Incident resolved\. Its channels are told you resolved it\./);
      assert.match(page, /Resolved after/);
      assert.match(page, new RegExp(`\\(by ${bed.owner.email.replace(".", "\\.")}\\)`));
      assert.match(page, new RegExp(`Resolved by ${bed.owner.email.replace(".", "\\.")}`));
      assert.match(page, /Resolved alert delivered to Hook/);
      // A recovery never overtakes its channel's down alert.
      assert.match(
        page,
        /Resolved alert to Broken \(Webhook\): Waiting to send ?, after the down alert/,
      );
      assert.doesNotMatch(page, /Ongoing/);
      const api2 = await api.incident.detail.query({ id: incident.id });
      assert.equal(api2.incident.resolvedBy, bed.owner.email);
      assert.deepEqual(
        api2.alerts.map((a) => [a.channelName, a.event, a.status]).sort(),
        [
          ["Broken", "opened", "pending"],
          ["Broken", "resolved", "pending"],
          ["Hook <img src=x onerror=alert(1)>", "opened", "delivered"],
          ["Hook <img src=x onerror=alert(1)>", "resolved", "delivered"],
        ],
      );
      assert.deepEqual(
        api2.checks?.regions.map((r) => [r.region, r.failed, r.checks]),
        [["ams", 1, 1]],
      );
      assert.equal(api2.checks?.failures[0].httpStatus, 500);
    });
  } finally {
    await worker.stop();
    await bed.close();
    await Promise.all([hook.close(), broken.close(), target.close()]);
  }
});

Deno.test("a long incident's failed checks page by 50; a button on a stale page changes nothing", async () => {
  const server = await apiServer({ REGIONS: "ams" });
  try {
    const owner = await server.user("pages");
    const site = await owner.api.website.create.mutate({
      url: "https://shop.example.com/",
      name: "Shop",
      confirmations: 1,
    });
    const t0 = Math.floor(Date.now() / 1000) - 7_200;
    const rows = Array.from(
      { length: 70 },
      (_, minute) => checkRow(site.id, "ams", t0 + minute * 60, false),
    );
    await evaluateStoredResults(server.services.sql, rows.slice(0, 1));
    await insertRows(server, rows);
    const [incident] = (await owner.api.incident.list.query()).incidents;
    const path = `/app/incidents/${incident.id}`;
    const get = async (at: string) => {
      const res = await owner.fetch(`${server.url}${at}`, { redirect: "manual" });
      return { status: res.status, html: await res.text() };
    };

    const first = await get(path);
    assert.match(text(first.html), /70 in all, 50 a page, newest first/);
    assert.match(text(first.html), /ams 70 of 70/);
    assert.equal(failedRows(first.html), 50);
    const older = /<a href="([^"]+)"[^>]*rel="next"/.exec(first.html)![1].replaceAll("&amp;", "&");
    assert.match(older, new RegExp(`^${path}\\?cursor=[\\w-]+#failures$`));
    const second = await get(older.replace(/#.*/, ""));
    assert.equal(failedRows(second.html), 20);
    assert.doesNotMatch(second.html, /rel="next"/);
    assert.match(second.html, /Newest failed checks/);
    // The oldest failure is on the last page, the newest on the first.
    assert.ok(second.html.includes(new Date(t0 * 1000).toISOString()));
    assert.ok(first.html.includes(new Date((t0 + 69 * 60) * 1000).toISOString()));
    assert.equal((await get(`${path}?cursor=%%%`)).status, 400);

    // The incident ends while its page is open; its buttons then change nothing.
    await evaluateStoredResults(server.services.sql, [
      checkRow(site.id, "ams", t0 + 70 * 60, true),
    ]);
    const res = await owner.fetch(`${server.url}${path}/acknowledge`, post([["next", path]]));
    await res.body?.cancel();
    assert.equal(res.headers.get("location"), `${path}?notice=incident-ended`);
    assert.match(
      (await get(`${path}?notice=incident-ended`)).html,
      /This incident had already ended, so nothing changed\./,
    );
    const after = await owner.api.incident.get.query({ id: incident.id });
    assert.equal(after.acknowledgedAt, null, "not acknowledged after it ended");
    assert.equal(after.resolvedBy, null, "recovered, not resolved by hand");
    assert.equal(
      (await owner.api.incident.acknowledge.mutate({ id: incident.id })).acknowledgedAt,
      null,
    );
  } finally {
    await server.close();
  }
});
