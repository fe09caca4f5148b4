/**
 * Incidents in the dashboard as plain HTML and forms (no JavaScript): the incidents
 * page, a monitor's incidents on its page, the Acknowledge and Resolve buttons, and the
 * alerting fields of the monitor form.
 */
import assert from "node:assert/strict";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import { apiServer } from "../helpers/api.ts";

const post = (fields: [string, string][]) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

/** The page's text as a reader sees it: no tags, single spaces. */
const text = (html: string) =>
  html.replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

const down = (websiteId: string, slot: number) => ({
  website_id: websiteId,
  region_id: "local",
  scheduled_at: slot,
  checked_at: slot,
  outcome: "down" as const,
  http_status: 502,
  response_ms: 30,
  error_kind: "status",
  error_message: "expected 2xx or 3xx, got 502 <b>Bad Gateway</b>",
});

Deno.test("incident pages work as plain HTML and forms", async (t) => {
  const server = await apiServer({ REGIONS: "local", MIN_INTERVAL_SECONDS: "30" });
  try {
    const owner = await server.user("incidents");
    const get = async (path: string, as = owner) => {
      const res = await as.fetch(`${server.url}${path}`, { redirect: "manual" });
      return { status: res.status, html: await res.text(), location: res.headers.get("location") };
    };
    const site = await owner.api.website.create.mutate({
      url: "https://shop.example.com/",
      name: "Shop <script>",
      confirmations: 1,
    });

    await t.step("before any outage, the pages say how one would open", async () => {
      assert.match((await get("/app/incidents")).html, /No incidents yet/);
      const monitorHtml = (await get(`/app/monitors/${site.id}`)).html;
      assert.match(
        text(monitorHtml),
        /No incidents\. One opens when its region fails 1 check in a row\./,
      );
    });

    const now = Math.floor(Date.now() / 1000);
    await evaluateStoredResults(server.services.sql, [down(site.id, now - 120)]);
    const [incident] = (await owner.api.incident.list.query()).incidents;

    await t.step(
      "the incidents page lists it: monitor, ongoing, regions, cause, a button",
      async () => {
        const { status, html } = await get("/app/incidents");
        assert.equal(status, 200);
        assert.ok(html.includes("Shop &lt;script>"), "the name escaped");
        assert.ok(!html.includes("<script>"));
        assert.match(html, /Ongoing/);
        assert.match(text(html), /local \(1 of 1\)/);
        assert.ok(
          html.includes("Unexpected status: expected 2xx or 3xx, got 502 &lt;b>Bad Gateway"),
        );
        assert.match(
          html,
          new RegExp(`<form method="post" action="/app/incidents/${incident.id}/acknowledge"`),
        );
        assert.match(html, />Acknowledge<\/button>/);
        assert.match(html, /aria-current="page"[^>]*>Incidents</);
      },
    );

    await t.step("the monitor's page shows its incidents", async () => {
      const { html } = await get(`/app/monitors/${site.id}`);
      assert.match(html, /id="incidents-heading"[^>]*>Incidents</);
      assert.match(html, /Ongoing/);
      assert.match(html, /name="next" value="\/app\/monitors\/[0-9a-f-]{36}#incidents"/);
    });

    await t.step("another user cannot acknowledge it", async () => {
      const other = await server.user("other");
      const res = await other.fetch(
        `${server.url}/app/incidents/${incident.id}/acknowledge`,
        post([["next", "/app/incidents"]]),
      );
      await res.body?.cancel();
      assert.equal(res.status, 404);
      assert.match((await get("/app/incidents", other)).html, /No incidents yet/);
      assert.equal((await owner.api.incident.get.query({ id: incident.id })).acknowledgedAt, null);
    });

    await t.step("Acknowledge posts, returns to the page, and shows who and when", async () => {
      const res = await owner.fetch(
        `${server.url}/app/incidents/${incident.id}/acknowledge`,
        post([["next", `/app/monitors/${site.id}#incidents`]]),
      );
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(
        res.headers.get("location"),
        `/app/monitors/${site.id}?notice=incident-acknowledged#incidents`,
      );
      assert.match(
        (await get(res.headers.get("location")!)).html,
        /Incident acknowledged\. It shows who acknowledged it and when\./,
      );
      const { html } = await get("/app/incidents");
      assert.ok(html.includes(`By ${owner.email}`), "under the table's Acknowledged heading");
      assert.ok(html.includes(`Acknowledged by ${owner.email}`), "on a card, which has none");
      assert.doesNotMatch(html, />Acknowledge<\/button>/);
      // A foreign `next` does not lead off the site.
      const away = await owner.fetch(
        `${server.url}/app/incidents/${incident.id}/acknowledge`,
        post([["next", "//evil.example.com/"]]),
      );
      await away.body?.cancel();
      assert.equal(away.headers.get("location"), "/app/incidents?notice=incident-acknowledged");
    });

    await t.step("Resolve posts, ends the incident, and the button goes", async () => {
      const other = await server.user("intruder");
      const refused = await other.fetch(
        `${server.url}/app/incidents/${incident.id}/resolve`,
        post([["next", "/app/incidents"]]),
      );
      await refused.body?.cancel();
      assert.equal(refused.status, 404);
      assert.match(
        (await get("/app/incidents")).html,
        new RegExp(`<form method="post" action="/app/incidents/${incident.id}/resolve"`),
      );
      assert.match((await get("/app/incidents")).html, />Resolve<\/button>/);

      // From the incidents page (a filter kept), back to it, saying what happened.
      const res = await owner.fetch(
        `${server.url}/app/incidents/${incident.id}/resolve`,
        post([["next", `/app/incidents?monitor=${site.id}&notice=incident-acknowledged`]]),
      );
      await res.body?.cancel();
      assert.equal(res.status, 303);
      const back = `/app/incidents?monitor=${site.id}&notice=incident-resolved`;
      assert.equal(res.headers.get("location"), back);
      assert.match(
        (await get(back)).html,
        /Incident resolved\. Its channels are told you resolved it\./,
      );
      const { html } = await get(`/app/monitors/${site.id}`);
      assert.doesNotMatch(html, /Ongoing/);
      assert.doesNotMatch(html, />Resolve<\/button>/);
      assert.notEqual((await owner.api.incident.get.query({ id: incident.id })).resolvedAt, null);
    });

    await t.step("pausing a monitor that is down offers to resolve its incident", async () => {
      const kept = await owner.api.website.create.mutate({
        url: "https://kept.example.com/",
        confirmations: 1,
      });
      const ended = await owner.api.website.create.mutate({
        url: "https://ended.example.com/",
        confirmations: 1,
      });
      await evaluateStoredResults(server.services.sql, [down(kept.id, now - 60)]);
      await evaluateStoredResults(server.services.sql, [down(ended.id, now - 60)]);
      const ongoing = async (websiteId: string) =>
        (await owner.api.incident.list.query({ websiteId })).incidents[0].resolvedAt === null;

      const ask = text((await get(`/app/monitors/${ended.id}/pause`)).html);
      assert.match(ask, /Also resolve its ongoing incident/);
      assert.match(ask, /Down since \d+ \w+ \d{4}, \d\d:\d\d UTC\. Its channels are told/);
      // A box left unticked (a form without it) pauses and leaves the incident open.
      const paused = await owner.fetch(`${server.url}/app/monitors/${kept.id}/pause`, post([]));
      await paused.body?.cancel();
      assert.equal(paused.headers.get("location"), `/app/monitors/${kept.id}?notice=paused`);
      assert.ok(await ongoing(kept.id));
      const both = await owner.fetch(
        `${server.url}/app/monitors/${ended.id}/pause`,
        post([["resolve", "on"]]),
      );
      await both.body?.cancel();
      assert.equal(
        both.headers.get("location"),
        `/app/monitors/${ended.id}?notice=paused-resolved`,
      );
      assert.ok(!(await ongoing(ended.id)));
      assert.match(
        (await get(both.headers.get("location")!)).html,
        /Monitor paused and its incident resolved\./,
      );
      // Nothing to resolve: the page asks only about pausing.
      const again = (await get(`/app/monitors/${site.id}/pause`)).html;
      assert.doesNotMatch(again, /Also resolve/);
    });

    await t.step(
      "pausing ticked monitors offers to resolve the incidents of those down",
      async () => {
        const [east, west, calm] = await Promise.all(
          ["east", "west", "calm"].map((name) =>
            owner.api.website.create.mutate({
              url: `https://${name}.example.com/`,
              confirmations: 1,
            })
          ),
        );
        await evaluateStoredResults(server.services.sql, [down(east.id, now - 60)]);
        await evaluateStoredResults(server.services.sql, [down(west.id, now - 60)]);
        const ids = [east.id, west.id, calm.id];
        const ask = text(
          (await get(`/app/monitors/bulk?action=pause&${ids.map((id) => `id=${id}`).join("&")}`))
            .html,
        );
        assert.match(
          ask,
          /Pause 3 monitors\? .* Also resolve their ongoing incidents 2 of them are down\./,
        );
        const done = await owner.fetch(
          `${server.url}/app/monitors/bulk`,
          post([["action", "pause"], ...ids.map((id) => ["id", id] as [string, string]), [
            "resolve",
            "on",
          ]]),
        );
        await done.body?.cancel();
        assert.equal(done.headers.get("location"), "/app?notice=pause-selected&count=3");
        for (const id of [east.id, west.id]) {
          const [incident] = (await owner.api.incident.list.query({ websiteId: id })).incidents;
          assert.notEqual(incident.resolvedAt, null);
        }
        assert.deepEqual(
          (await owner.api.website.list.query()).filter((w) => ids.includes(w.id)).map((w) =>
            w.active
          ),
          [false, false, false],
        );
      },
    );

    await t.step("a bad filter is a 400, another user's monitor a 404", async () => {
      assert.equal((await get("/app/incidents?monitor=nope")).status, 400);
      assert.equal((await get(`/app/incidents?monitor=${crypto.randomUUID()}`)).status, 404);
      assert.equal((await get("/app/incidents?cursor=%%%")).status, 400);
      const only = await get(`/app/incidents?monitor=${site.id}`);
      assert.match(text(only.html), /Incidents of Shop &lt;script>/);
    });

    await t.step("the monitor form has the alerting fields, checked and saved", async () => {
      const { html } = await get("/app/monitors/new");
      assert.match(html, /<label[^>]*>Confirmations<\/label>/);
      assert.match(html, /<label[^>]*>Down when<\/label>/);
      assert.match(html, /name="confirmations"[^>]*value="2"|value="2"[^>]*name="confirmations"/);
      const fields = (over: Record<string, string>): [string, string][] => [
        ...Object.entries({
          url: "https://api.example.com/",
          method: "GET",
          interval: "60",
          timeout: "10",
          ...over,
        }),
        ["regions", "local"],
      ];
      const bad = await owner.fetch(
        `${server.url}/app/monitors/new`,
        post(fields({ confirmations: "11", quorum: "all" })),
      );
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /id="confirmations-error"[^>]*>⚠ At most 10/);
      const saved = await owner.fetch(
        `${server.url}/app/monitors/new`,
        post(fields({ confirmations: "3", quorum: "all" })),
      );
      await saved.body?.cancel();
      assert.equal(saved.status, 303);
      const id = /([0-9a-f-]{36})\?notice=created$/.exec(saved.headers.get("location") ?? "")![1];
      const [row] = await server.services.sql`select confirmations, quorum from websites
        where id = ${id}`;
      assert.deepEqual({ ...row }, { confirmations: 3, quorum: "all" });
      const edit = await get(`/app/monitors/${id}/edit`);
      assert.match(edit.html, /<option[^>]*value="all"[^>]*selected/);
    });
  } finally {
    await server.close();
  }
});
