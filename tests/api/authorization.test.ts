/**
 * The authorisation matrix: every procedure that takes the id of something a user owns,
 * called by another user (NOT_FOUND: existence is not revealed) and anonymously
 * (UNAUTHORIZED), and every mutation called with the owner's own read-only API token
 * (FORBIDDEN). The table must name every procedure of the router, so a new one cannot be
 * added without deciding who may call it.
 */
import assert from "node:assert/strict";
import { appRouter } from "../../web/trpc/router.ts";
import { apiServer } from "../helpers/api.ts";
import { evaluateStoredResults } from "../../services/incidents/evaluation/evaluate.ts";

type Ids = {
  websiteId: string;
  pageId: string;
  domainId: string;
  slug: string;
  incidentId: string;
  channelId: string;
  maintenanceId: string;
  apiTokenId: string;
  updateId: string;
  subscriberId: string;
};
type Call = (input: unknown) => Promise<Response>;

/** Procedure → the input naming the first user's resource (or null: no owned id). */
const OWNED: Record<string, ((ids: Ids) => unknown) | null> = {
  "website.get": ({ websiteId }) => ({ id: websiteId }),
  "website.update": ({ websiteId }) => ({ id: websiteId, name: "taken over" }),
  "website.delete": ({ websiteId }) => ({ id: websiteId }),
  "website.setActive": ({ websiteId }) => ({ id: websiteId, active: false }),
  "website.metrics": ({ websiteId }) => ({ id: websiteId, range: "24h" }),
  "website.checks": ({ websiteId }) => ({ id: websiteId }),
  "statusPage.get": ({ pageId }) => ({ id: pageId }),
  "statusPage.update": ({ pageId }) => ({ id: pageId, title: "taken over" }),
  "statusPage.delete": ({ pageId }) => ({ id: pageId }),
  "statusPage.subscribers": ({ pageId }) => ({ id: pageId }),
  "statusPage.removeSubscriber": ({ subscriberId }) => ({ id: subscriberId }),
  "statusPage.create": ({ websiteId }) => ({
    slug: "stolen-page",
    title: "Stolen",
    websiteIds: [websiteId],
  }),
  "statusDomain.add": ({ pageId }) => ({ statusPageId: pageId, hostname: "status.stolen.com" }),
  "statusDomain.list": ({ pageId }) => ({ statusPageId: pageId }),
  "statusDomain.verify": ({ domainId }) => ({ id: domainId }),
  "statusDomain.remove": ({ domainId }) => ({ id: domainId }),
  "incident.get": ({ incidentId }) => ({ id: incidentId }),
  "incident.detail": ({ incidentId }) => ({ id: incidentId }),
  "incident.acknowledge": ({ incidentId }) => ({ id: incidentId }),
  "incident.resolve": ({ incidentId }) => ({ id: incidentId }),
  "incident.escalate": ({ incidentId }) => ({ id: incidentId }),
  "incident.list": ({ websiteId }) => ({ websiteId }),
  "incident.postUpdate": ({ incidentId }) => ({
    incidentId,
    status: "update",
    message: "Taken over",
  }),
  "incident.deleteUpdate": ({ updateId }) => ({ id: updateId }),
  "notification.update": ({ channelId }) => ({ id: channelId, name: "taken over" }),
  "notification.delete": ({ channelId }) => ({ id: channelId }),
  "notification.test": ({ channelId }) => ({ id: channelId }),
  "notification.deliveries": ({ channelId }) => ({ id: channelId }),
  "maintenance.end": ({ maintenanceId }) => ({ id: maintenanceId }),
  "apiToken.revoke": ({ apiTokenId }) => ({ id: apiTokenId }),
  "maintenance.delete": ({ maintenanceId }) => ({ id: maintenanceId }),
  "maintenance.cancelRest": ({ maintenanceId }) => ({ id: maintenanceId }),
  "maintenance.update": ({ maintenanceId, websiteId }) => ({
    id: maintenanceId,
    title: "Taken over",
    endsAt: Date.now() + 3_600_000,
    websiteIds: [websiteId],
  }),
  "maintenance.create": ({ websiteId }) => ({
    title: "Stolen",
    startsAt: Date.now(),
    endsAt: Date.now() + 3_600_000,
    websiteIds: [websiteId],
  }),
  // Signed-in only, but about the caller's own things.
  "website.create": null,
  "website.list": null,
  // Another's ids among the caller's are left out, not refused (websites.test.ts).
  "website.bulk": null,
  "website.overview": null,
  "statusPage.list": null,
  "notification.create": null,
  "notification.list": null,
  "maintenance.list": null,
  "report.availability": null,
  "apiToken.create": null,
  "apiToken.list": null,
  "user.me": null,
  "account.changePassword": null,
  "account.updateProfile": null,
  "account.signOutEverywhere": null,
  // The caller's own team (a member removed from another team is NOT_FOUND: team.test.ts).
  "team.get": null,
  "team.list": null,
  "team.invite": null,
  "team.cancelInvitation": null,
  "team.setRole": null,
  "team.removeMember": null,
};
/** Procedures anyone may call. */
const PUBLIC = new Set(["user.signup", "user.login", "user.logout", "statusPage.public"]);

function procedureTypes(): Map<string, "query" | "mutation"> {
  const record = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: "query" | "mutation" } }
  >;
  return new Map(Object.entries(record).map(([path, p]) => [path, p._def.type]));
}

function caller(
  base: string,
  path: string,
  type: string,
  cookie?: string,
  token?: string,
): Call {
  return (input) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cookie) headers.cookie = cookie;
    if (token) headers.authorization = `Bearer ${token}`;
    const raw = JSON.stringify(input);
    return type === "query"
      ? fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(raw)}`, { headers })
      : fetch(`${base}/api/trpc/${path}`, { method: "POST", headers, body: raw });
  };
}

async function codeOf(response: Response): Promise<string> {
  const body = await response.json();
  return body.error?.data?.code ?? `HTTP ${response.status}`;
}

Deno.test("every procedure is in the authorisation matrix", () => {
  const listed = new Set([...Object.keys(OWNED), ...PUBLIC]);
  assert.deepEqual([...procedureTypes().keys()].filter((p) => !listed.has(p)), []);
});

Deno.test("another user gets NOT_FOUND, anonymous callers UNAUTHORIZED and a read-only token FORBIDDEN, changing nothing", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const intruder = await server.user("intruder");
    const website = await owner.api.website.create.mutate({
      url: "https://example.com/",
      name: "mine",
    });
    const page = await owner.api.statusPage.create.mutate({
      slug: `own-${crypto.randomUUID().slice(0, 8)}`,
      title: "Mine",
      websiteIds: [website.id],
    });
    const { domain } = await owner.api.statusDomain.add.mutate({
      statusPageId: page.id,
      hostname: `status.${crypto.randomUUID().slice(0, 8)}.example.com`,
    });
    await owner.api.website.update.mutate({ id: website.id, confirmations: 1, quorum: "any" });
    await evaluateStoredResults(server.services.sql, [{
      website_id: website.id,
      region_id: website.regions[0],
      scheduled_at: 1_000,
      checked_at: 1_000,
      outcome: "down",
      http_status: 500,
      response_ms: 1,
      error_kind: "status",
      error_message: "expected 2xx or 3xx, got 500",
    }]);
    const [incident] = (await owner.api.incident.list.query()).incidents;
    const channel = await owner.api.notification.create.mutate({
      kind: "webhook",
      name: "Mine",
      config: { url: "https://hooks.example.com/mine" },
    });
    const maintenance = await owner.api.maintenance.create.mutate({
      title: "Mine",
      startsAt: Date.now(),
      endsAt: Date.now() + 3_600_000,
      websiteIds: [website.id],
    });
    const apiToken = await owner.api.apiToken.create.mutate({ name: "Mine" });
    const reader = await owner.api.apiToken.create.mutate({ name: "Reader", readOnly: true });
    const update = await owner.api.incident.postUpdate.mutate({
      incidentId: incident.id,
      status: "investigating",
      message: "Mine",
    });
    const [subscriber] = await server.services.sql`
      insert into status_page_subscribers (status_page_id, email, token)
      values (${page.id}, 'reader@example.com', ${"t".repeat(32)}) returning id`;
    const ids: Ids = {
      websiteId: website.id,
      pageId: page.id,
      domainId: domain.id,
      slug: page.slug,
      incidentId: incident.id,
      channelId: channel.id,
      maintenanceId: maintenance.id,
      apiTokenId: apiToken.id,
      updateId: update.id,
      subscriberId: subscriber.id,
    };
    const intruderCookie = [...intruder.jar].map(([k, v]) => `${k}=${v}`).join("; ");

    const types = procedureTypes();
    const rows: string[] = [];
    for (const [path, input] of Object.entries(OWNED)) {
      const type = types.get(path)!;
      const anonymous = await codeOf(await caller(server.url, path, type)(input?.(ids) ?? {}));
      rows.push(`${path} anonymous → ${anonymous}`);
      if (type === "mutation") {
        const token = caller(server.url, path, type, undefined, reader.token);
        rows.push(`${path} read-only token → ${await codeOf(await token(input?.(ids) ?? {}))}`);
      }
      if (!input) continue;
      const other = await codeOf(await caller(server.url, path, type, intruderCookie)(input(ids)));
      rows.push(`${path} other user → ${other}`);
    }
    const expected = Object.entries(OWNED).flatMap(([path, input]) => [
      `${path} anonymous → UNAUTHORIZED`,
      ...(types.get(path) === "mutation" ? [`${path} read-only token → FORBIDDEN`] : []),
      ...(input ? [`${path} other user → NOT_FOUND`] : []),
    ]);
    assert.deepEqual(rows, expected);

    // Nothing of the owner's changed, and the intruder still sees nothing.
    assert.equal((await owner.api.website.get.query({ id: website.id })).name, "mine");
    assert.equal((await owner.api.website.get.query({ id: website.id })).active, true);
    assert.equal((await owner.api.statusPage.get.query({ id: page.id })).title, "Mine");
    assert.equal((await owner.api.statusDomain.list.query({ statusPageId: page.id })).length, 1);
    assert.equal((await owner.api.statusPage.subscribers.query({ id: page.id })).waiting, 1);
    assert.deepEqual(await intruder.api.website.list.query(), []);
    assert.deepEqual(await intruder.api.statusPage.list.query(), []);
    assert.deepEqual((await intruder.api.incident.list.query()).incidents, []);
    assert.equal((await owner.api.incident.get.query({ id: incident.id })).acknowledgedAt, null);
    assert.equal((await owner.api.incident.get.query({ id: incident.id })).resolvedAt, null);
    assert.deepEqual(
      (await owner.api.incident.detail.query({ id: incident.id })).updates.map((u) => u.message),
      ["Mine"],
    );
    assert.deepEqual(await intruder.api.notification.list.query(), []);
    assert.equal((await owner.api.notification.list.query())[0].name, "Mine");
    assert.deepEqual(await owner.api.notification.deliveries.query({ id: channel.id }), []);
    assert.deepEqual(await intruder.api.maintenance.list.query(), []);
    assert.deepEqual(await intruder.api.apiToken.list.query(), []);
    assert.deepEqual((await owner.api.apiToken.list.query()).map((t) => t.name).sort(), [
      "Mine",
      "Reader",
    ]);
    const [window] = await owner.api.maintenance.list.query();
    assert.equal(window.state, "in-progress");
    assert.equal(window.endsAt, maintenance.endsAt);
    // Another user's channel cannot be attached to one's own monitor.
    await assert.rejects(
      intruder.api.website.create.mutate({
        url: "https://example.com/",
        notificationIds: [channel.id],
      }),
      /no notification channel/,
    );
  } finally {
    await server.close();
  }
});
