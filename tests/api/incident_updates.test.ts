/**
 * Incident updates through the API, against real Postgres, Redis and ClickHouse: what the
 * owner posts shows under the incident on the monitor's status pages and in its Atom feed
 * at once, escaped and without its author; deleting takes it off; bad updates are refused
 * by field.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";
import { checkRow } from "../helpers/incidents.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";

const HOSTILE = `<script>alert(1)</script> <img src=x onerror=alert(1)>\nSecond line`;

Deno.test("an update shows under its incident on the status page and in the feed, and goes when deleted", async () => {
  const server = await apiServer();
  try {
    const { api, fetch: signedIn } = await server.user("ops");
    const website = await api.website.create.mutate({
      url: "https://shop.example.com/",
      name: "Shop",
      confirmations: 1,
      quorum: "any",
    });
    const page = await api.statusPage.create.mutate({
      slug: `acme-${crypto.randomUUID().slice(0, 8)}`,
      title: "Acme",
      websiteIds: [website.id],
    });
    const now = Math.floor(Date.now() / 1000);
    await evaluateStoredResults(server.services.sql, [
      checkRow(website.id, website.regions[0], now - 60, false),
    ]);
    const [incident] = (await api.incident.list.query()).incidents;
    // Over already: what was found can still be said.
    await api.incident.resolve.mutate({ id: incident.id });
    // Drawn, and so cached, with the incident and no update yet.
    const before = await api.statusPage.public.query({ slug: page.slug });
    assert.deepEqual(before.incidents.map((i) => i.updates), [[]]);

    const first = await api.incident.postUpdate.mutate({
      incidentId: incident.id,
      status: "investigating",
      message: `  ${HOSTILE}  `,
    });
    assert.deepEqual([first.status, first.message], ["investigating", HOSTILE]);
    assert.match(first.author ?? "", /^ops-/);
    const secondInput = {
      incidentId: incident.id,
      status: "update" as const,
      message: "The payment provider had an outage; all is well since 10:02.",
    };
    const second = await api.incident.postUpdate.mutate(secondInput);
    assert.equal(
      (await api.incident.postUpdate.mutate(secondInput)).id,
      second.id,
      "the same update sent twice at once (a double click) is posted once",
    );
    const detail = await api.incident.detail.query({ id: incident.id });
    assert.deepEqual(detail.updates.map((u) => u.id), [second.id, first.id], "newest first");
    assert.deepEqual(detail.statusPages.map((p) => p.slug), [page.slug]);

    // At once: posting lets go of the page's cached figures.
    const shown = await api.statusPage.public.query({ slug: page.slug });
    assert.deepEqual(shown.incidents[0].updates, [
      { status: "update", message: second.message, createdAt: second.createdAt },
      { status: "investigating", message: HOSTILE, createdAt: first.createdAt },
    ], "words, status and time: not who posted them");
    const html = await (await fetch(`${server.url}/status/${page.slug}`)).text();
    assert.ok(html.includes("&lt;script>alert(1)&lt;/script>"), "escaped on the page");
    assert.ok(!html.includes("<script>alert(1)"));
    assert.ok(!html.includes("<img src=x"));
    assert.match(html, /Investigating/);
    assert.ok(!html.includes("ops-"), "the author stays private");
    const feed = await (await fetch(`${server.url}/status/${page.slug}/feed.atom`)).text();
    assert.ok(
      feed.includes(`<updated>${new Date(second.createdAt).toISOString()}</updated>`),
      "the entry moves to its newest update",
    );
    assert.match(feed, /<content type="text">Update \(.* UTC\): The payment provider/);
    assert.ok(feed.includes("Investigating ("), "every update, newest first");
    assert.ok(feed.includes("&lt;script&gt;") && !feed.includes("<script>"));

    // Through another incident's page, nothing is deleted.
    await evaluateStoredResults(server.services.sql, [
      checkRow(website.id, website.regions[0], now, false),
    ]);
    const [other] = (await api.incident.list.query()).incidents;
    assert.notEqual(other.id, incident.id);
    const wrongPage = await signedIn(
      `${server.url}/app/incidents/${other.id}/updates/${first.id}/delete`,
      { method: "POST", redirect: "manual", headers: { origin: server.url } },
    );
    assert.equal(wrongPage.status, 303);
    assert.match(wrongPage.headers.get("location") ?? "", /notice=update-gone/);
    assert.equal((await api.incident.detail.query({ id: incident.id })).updates.length, 2);

    assert.deepEqual(await api.incident.deleteUpdate.mutate({ id: first.id }), {
      id: first.id,
      incidentId: incident.id,
    });
    const after = await api.statusPage.public.query({ slug: page.slug });
    assert.deepEqual(
      after.incidents.find((i) => i.id === incident.id)?.updates.map((u) => u.status),
      ["update"],
    );
    assert.match(
      await errorMessage(api.incident.deleteUpdate.mutate({ id: first.id })),
      /NOT_FOUND: Update not found/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("bad updates are refused by field, and an incident takes a bounded number", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user("ops");
    const website = await api.website.create.mutate({
      url: "https://shop.example.com/",
      confirmations: 1,
    });
    await evaluateStoredResults(server.services.sql, [
      checkRow(website.id, website.regions[0], Math.floor(Date.now() / 1000), false),
    ]);
    const [incident] = (await api.incident.list.query()).incidents;
    const post = (input: Record<string, unknown>) =>
      errorMessage(
        api.incident.postUpdate.mutate({
          incidentId: incident.id,
          status: "identified",
          message: "Found it.",
          ...input,
        } as never),
      );
    assert.match(await post({ message: "   " }), /BAD_REQUEST: message: required/);
    assert.match(await post({ message: "x".repeat(5_001) }), /message: at most 5000 characters/);
    assert.match(await post({ status: "resolved" }), /status: expected one of investigating/);
    assert.match(await post({ message: "a\0b" }), /BAD_REQUEST: message: must not contain NUL/);
    assert.match(
      await post({ incidentId: crypto.randomUUID() }),
      /NOT_FOUND: Incident not found/,
    );
    // Up to the bound, then refused with what to do.
    await server.services.sql`
      insert into incident_updates (incident_id, status, message)
      select ${incident.id}, 'update', 'n' || g from generate_series(1, 100) g`;
    assert.match(await post({}), /BAD_REQUEST: message: an incident takes at most 100 updates/);
    assert.equal((await api.incident.detail.query({ id: incident.id })).updates.length, 100);
  } finally {
    await server.close();
  }
});
