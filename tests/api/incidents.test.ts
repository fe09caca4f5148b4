/** `incident.*` over HTTP: listing (paged, per monitor), reading, acknowledging, resolving. */
import assert from "node:assert/strict";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";
import { publicIncidents } from "../../services/incidents/mod.ts";
import { apiServer, errorCode, errorMessage } from "../helpers/api.ts";
import { checkRow } from "../helpers/incidents.ts";
import { incidentMessage } from "../../services/notifications/message.ts";
import { resolveIncident } from "../../services/incidents/resolve.ts";

/** The failure the incidents below record as their cause. */
const refused = {
  http_status: 0,
  error_kind: "connect",
  error_message: "connection refused by 10.0.0.7:443",
};

/** `count` outages of 60 s each, one after the other, as the worker would evaluate them. */
function outages(websiteId: string, count: number, from = 1_700_000_000): CheckRow[] {
  return Array.from({ length: count }, (_, i) => [
    checkRow(websiteId, "ams", from + i * 120, false, refused),
    checkRow(websiteId, "ams", from + i * 120 + 60, true),
  ]).flat();
}

Deno.test("incidents are listed newest first, per monitor, in pages that never repeat one", async () => {
  const server = await apiServer({ REGIONS: "ams", REGION: "ams" });
  try {
    const { api } = await server.user();
    const busy = await api.website.create.mutate({ url: "https://example.com/", name: "Busy" });
    const quiet = await api.website.create.mutate({ url: "https://example.org/" });
    for (const id of [busy.id, quiet.id]) {
      await api.website.update.mutate({ id, confirmations: 1, quorum: "any" });
    }
    await evaluateStoredResults(server.services.sql, outages(busy.id, 55));
    await evaluateStoredResults(server.services.sql, outages(quiet.id, 1, 1_800_000_000));

    const first = await api.incident.list.query();
    assert.equal(first.incidents.length, 50);
    assert.equal(first.incidents[0].websiteId, quiet.id, "the newest first");
    assert.equal(first.incidents[0].websiteName, "example.org", "the host when unnamed");
    const second = await api.incident.list.query({ cursor: first.nextCursor! });
    assert.equal(second.incidents.length, 6);
    assert.equal(second.nextCursor, null);
    const ids = [...first.incidents, ...second.incidents].map((i) => i.id);
    assert.equal(new Set(ids).size, 56);

    const only = await api.incident.list.query({ websiteId: quiet.id });
    assert.deepEqual(only.incidents.map((i) => i.websiteId), [quiet.id]);
    assert.deepEqual({ ...only.incidents[0], id: "" }, {
      id: "",
      websiteId: quiet.id,
      websiteName: "example.org",
      startedAt: 1_800_000_000_000,
      resolvedAt: 1_800_000_060_000,
      durationMs: 60_000,
      regions: ["ams"],
      totalRegions: 1,
      cause: {
        errorKind: "connect",
        errorMessage: "connection refused by 10.0.0.7:443",
        httpStatus: 0,
      },
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedBy: null,
      escalatedAt: null,
      escalatedBy: null,
    });
    assert.deepEqual(await api.incident.get.query({ id: only.incidents[0].id }), only.incidents[0]);
  } finally {
    await server.close();
  }
});

Deno.test("acknowledging records who and when; the first acknowledgement stands", async () => {
  const server = await apiServer({ REGIONS: "ams", REGION: "ams" });
  try {
    const owner = await server.user("owner");
    await owner.api.user.me.query();
    const site = await owner.api.website.create.mutate({ url: "https://example.com/" });
    await owner.api.website.update.mutate({ id: site.id, confirmations: 1, quorum: "any" });
    // Ongoing: one failure, no recovery yet.
    await evaluateStoredResults(server.services.sql, [
      checkRow(site.id, "ams", 1_000, false, refused),
    ]);
    const [incident] = (await owner.api.incident.list.query()).incidents;
    assert.equal(incident.resolvedAt, null);
    assert.ok(incident.durationMs > 0, "an ongoing incident lasts until now");
    const before = Date.now();
    const acknowledged = await owner.api.incident.acknowledge.mutate({ id: incident.id });
    assert.equal(acknowledged.acknowledgedBy, owner.email);
    assert.ok(acknowledged.acknowledgedAt! >= before - 5_000);
    const again = await owner.api.incident.acknowledge.mutate({ id: incident.id });
    assert.equal(again.acknowledgedAt, acknowledged.acknowledgedAt);
  } finally {
    await server.close();
  }
});

Deno.test("resolving by hand ends the incident, tells the channels who, and a still-down site opens a new one", async () => {
  const server = await apiServer({ REGIONS: "ams", REGION: "ams" });
  try {
    const owner = await server.user("owner");
    const site = await owner.api.website.create.mutate({
      url: "https://example.com/",
      name: "Shop",
    });
    await owner.api.website.update.mutate({ id: site.id, confirmations: 2, quorum: "any" });
    const sql = server.services.sql;
    await evaluateStoredResults(sql, [
      checkRow(site.id, "ams", 1_000, false, refused),
      checkRow(site.id, "ams", 1_060, false, refused),
    ]);
    const [incident] = (await owner.api.incident.list.query()).incidents;
    assert.equal(incident.resolvedAt, null);

    const before = Date.now();
    const resolved = await owner.api.incident.resolve.mutate({ id: incident.id });
    assert.ok(resolved.resolvedAt! >= before - 5_000 && resolved.resolvedAt! <= Date.now() + 5_000);
    assert.equal(resolved.durationMs, resolved.resolvedAt! - incident.startedAt);
    assert.equal(resolved.resolvedBy, owner.email);
    // Once: a second click changes nothing and tells nobody again.
    const again = await owner.api.incident.resolve.mutate({ id: incident.id });
    assert.equal(again.resolvedAt, resolved.resolvedAt);
    const events = await sql`select event from incident_outbox
      where event->>'incidentId' = ${incident.id} order by created_at`;
    assert.deepEqual(events.map((e) => [e.event.type, e.event.resolvedBy]), [
      ["opened", null],
      ["resolved", owner.email],
    ]);
    assert.equal(events[1].event.resolvedAt, resolved.resolvedAt);
    const message = incidentMessage(events[1].event, "https://uptime.example.com");
    assert.equal(message.title, `Shop: incident resolved by ${owner.email}`);
    assert.ok(message.facts.some((f) => f.label === "Resolved by" && f.value === owner.email));

    // Still down: a new incident, but only after two more failures, not at the next one.
    await evaluateStoredResults(sql, [checkRow(site.id, "ams", 1_120, false, refused)]);
    assert.equal((await owner.api.incident.list.query()).incidents.length, 1);
    await evaluateStoredResults(sql, [checkRow(site.id, "ams", 1_180, false, refused)]);
    const [newer, older] = (await owner.api.incident.list.query()).incidents;
    assert.equal(older.id, incident.id);
    assert.equal(newer.resolvedAt, null);
    assert.equal(newer.startedAt, 1_120_000, "the new outage starts after the resolve");

    // A member of the team who resolves one is named, not the team's owner.
    const mate = await server.user("mate");
    await sql`insert into account_members (account_id, user_id)
      values (${owner.user.id}, ${mate.user.id})`;
    const actor = { userId: mate.user.id, accountId: owner.user.id };
    assert.equal((await resolveIncident(server.services, actor, newer.id)).resolvedBy, mate.email);
    const [byMate] = await sql`select event from incident_outbox
      where event->>'incidentId' = ${newer.id} and event->>'type' = 'resolved'`;
    assert.equal(byMate.event.resolvedBy, mate.email);
  } finally {
    await server.close();
  }
});

Deno.test("bad incident input is a 400 naming the field; unknown ids are NOT_FOUND", async () => {
  const server = await apiServer();
  try {
    const { api } = await server.user();
    assert.match(
      await errorMessage(api.incident.get.query({ id: "x" })),
      /^BAD_REQUEST: id: not a valid incident id/,
    );
    assert.match(
      await errorMessage(api.incident.list.query({ cursor: "not-a-cursor" })),
      /^BAD_REQUEST: cursor: not a valid cursor/,
    );
    assert.match(
      await errorMessage(api.incident.list.query({ websiteId: "nope" })),
      /^BAD_REQUEST: websiteId: not a valid website id/,
    );
    assert.equal(await errorCode(api.incident.get.query({ id: crypto.randomUUID() })), "NOT_FOUND");
    assert.equal(
      await errorCode(api.incident.acknowledge.mutate({ id: crypto.randomUUID() })),
      "NOT_FOUND",
    );
    assert.equal(
      await errorCode(api.incident.resolve.mutate({ id: crypto.randomUUID() })),
      "NOT_FOUND",
    );
    assert.equal(
      await errorCode(api.incident.list.query({ websiteId: crypto.randomUUID() })),
      "NOT_FOUND",
    );
  } finally {
    await server.close();
  }
});

Deno.test("the public history has times and the monitor's name, no error text", async () => {
  const server = await apiServer({ REGIONS: "ams", REGION: "ams" });
  try {
    const { api } = await server.user();
    const site = await api.website.create.mutate({ url: "https://example.com/", name: "Shop" });
    await api.website.update.mutate({ id: site.id, confirmations: 1, quorum: "any" });
    const old = Math.floor(Date.now() / 1000) - 40 * 86_400;
    await evaluateStoredResults(server.services.sql, outages(site.id, 1, old));
    const recent = Math.floor(Date.now() / 1000) - 3_600;
    await evaluateStoredResults(server.services.sql, outages(site.id, 1, recent));
    const history = await publicIncidents(
      server.services,
      [site.id],
      Date.now() - 30 * 86_400_000,
    );
    assert.equal(history.length, 1, "only incidents of the last 30 days");
    assert.deepEqual({ ...history[0], id: "" }, {
      id: "",
      websiteId: site.id,
      monitorName: "Shop",
      startedAt: recent * 1000,
      resolvedAt: (recent + 60) * 1000,
      durationMs: 60_000,
      updates: [],
    });
    assert.doesNotMatch(JSON.stringify(history), /refused|10\.0\.0\.7/);
  } finally {
    await server.close();
  }
});
