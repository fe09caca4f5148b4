import assert from "node:assert/strict";
import { rollUpRecentHours } from "../../db/clickhouse/rollup.ts";
import { apiServer, errorCode, errorMessage } from "../helpers/api.ts";
import { sql } from "../../db/clickhouse/sql.ts";

type Server = Awaited<ReturnType<typeof apiServer>>;

/** Inserts a website straight into Postgres (the website API is not what is tested here). */
async function addWebsite(
  server: Server,
  ownerId: string,
  spec: {
    url: string;
    name?: string;
    headers?: Record<string, string>;
    body?: string;
    keyword?: string;
    regions?: string[];
    active?: boolean;
  },
): Promise<string> {
  const sql = server.bed.pg.sql;
  const [row] = await sql`
    insert into websites (owner_id, url, name, headers, body, keyword, regions, active)
    values (${ownerId}, ${spec.url}, ${spec.name ?? null}, ${
    JSON.stringify(spec.headers ?? {})
  }::jsonb,
            ${spec.body ?? null}, ${spec.keyword ?? null}, ${spec.regions ?? ["ams", "iad"]},
            ${spec.active ?? true})
    returning id`;
  return row.id;
}

Deno.test("a status page is created, listed, read, changed and deleted, its websites in order", async () => {
  const server = await server_();
  try {
    const ada = await server.user("ada");
    const [a, b, c] = await Promise.all([
      addWebsite(server, ada.user.id, { url: "https://a.example.com/" }),
      addWebsite(server, ada.user.id, { url: "https://b.example.com/" }),
      addWebsite(server, ada.user.id, { url: "https://c.example.com/" }),
    ]);
    const page = await ada.api.statusPage.create.mutate({
      slug: "  Acme-Status ",
      title: " Acme ",
      websiteIds: [b, a],
      showUrls: [a],
    });
    assert.equal(page.slug, "acme-status");
    assert.equal(page.title, "Acme");
    // Epoch milliseconds, like every timestamp the API sends.
    assert.ok(Math.abs(page.createdAt - Date.now()) < 60_000);
    assert.equal(page.updatedAt, page.createdAt);
    assert.deepEqual(page.websites, [
      { websiteId: b, position: 0, showUrl: false, section: "" },
      { websiteId: a, position: 1, showUrl: true, section: "" },
    ]);
    assert.deepEqual(await ada.api.statusPage.get.query({ id: page.id }), page);

    // New websites without showUrls: a stays shown, c is new and hidden.
    const changed = await ada.api.statusPage.update.mutate({
      id: page.id,
      title: "Acme Inc.",
      websiteIds: [c, a],
    });
    assert.equal(changed.slug, "acme-status");
    assert.equal(changed.title, "Acme Inc.");
    assert.deepEqual(changed.websites, [
      { websiteId: c, position: 0, showUrl: false, section: "" },
      { websiteId: a, position: 1, showUrl: true, section: "" },
    ]);
    const renamed = await ada.api.statusPage.update.mutate({ id: page.id, slug: "acme" });
    assert.equal(renamed.slug, "acme");
    assert.deepEqual(renamed.websites, changed.websites);

    const second = await ada.api.statusPage.create.mutate({
      slug: "acme-two",
      title: "Two",
      websiteIds: [],
    });
    assert.deepEqual(
      (await ada.api.statusPage.list.query()).map((p) => [p.slug, p.websites.length]),
      [["acme", 2], ["acme-two", 0]],
    );
    assert.deepEqual(await ada.api.statusPage.delete.mutate({ id: page.id }), { id: page.id });
    assert.equal(await errorCode(ada.api.statusPage.get.query({ id: page.id })), "NOT_FOUND");
    assert.deepEqual((await ada.api.statusPage.list.query()).map((p) => p.id), [second.id]);
    const links = await server.bed.pg.sql`
      select 1 from status_page_websites where status_page_id = ${page.id}`;
    assert.equal(links.length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("slugs are checked, reserved names refused, and a taken slug is a clear CONFLICT", async () => {
  const server = await server_();
  try {
    const ada = await server.user("ada");
    const bob = await server.user("bob");
    const bad: [string, RegExp][] = [
      ["ab", /slug: at least 3 characters/],
      ["x".repeat(49), /slug: at most 48 characters/],
      ["-acme", /slug: only letters, digits and dashes/],
      ["acme-", /slug: only letters, digits and dashes/],
      ["ac me", /slug: only letters, digits and dashes/],
      ["ac_me", /slug: only letters, digits and dashes/],
      ["<script>", /slug: only letters, digits and dashes/],
      ["_fresh", /slug:/],
      ["api", /slug: this name is reserved/],
      ["Admin", /slug: this name is reserved/],
      ["dashboard", /slug: this name is reserved/],
    ];
    for (const [slug, message] of bad) {
      const error = await errorMessage(
        ada.api.statusPage.create.mutate({ slug, title: "T", websiteIds: [] }),
      );
      assert.match(error, /^BAD_REQUEST: /, slug);
      assert.match(error, message, slug);
    }
    assert.match(
      await errorMessage(
        ada.api.statusPage.create.mutate({ slug: "ok-1", title: " ", websiteIds: [] }),
      ),
      /BAD_REQUEST: title: must not be empty/,
    );
    assert.match(
      await errorMessage(
        ada.api.statusPage.create.mutate({ slug: "ok-1", title: "t".repeat(101), websiteIds: [] }),
      ),
      /BAD_REQUEST: title: at most 100 characters/,
    );

    const mine = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    assert.equal(
      await errorMessage(
        bob.api.statusPage.create.mutate({ slug: "ACME", title: "B", websiteIds: [] }),
      ),
      'CONFLICT: slug: "acme" is already taken, choose another',
    );
    const bobs = await bob.api.statusPage.create.mutate({
      slug: "bob-s",
      title: "B",
      websiteIds: [],
    });
    assert.equal(
      await errorMessage(bob.api.statusPage.update.mutate({ id: bobs.id, slug: "acme" })),
      'CONFLICT: slug: "acme" is already taken, choose another',
    );
    // A misspelt field is named, not ignored.
    assert.match(
      await errorMessage(
        // deno-lint-ignore no-explicit-any
        bob.api.statusPage.update.mutate({ id: bobs.id, titel: "B2" } as any),
      ),
      /^BAD_REQUEST: .*Unrecognized key: "titel"/,
    );
    // Renaming a page to its own slug is not a conflict.
    assert.equal(
      (await ada.api.statusPage.update.mutate({ id: mine.id, slug: "acme" })).slug,
      "acme",
    );
  } finally {
    await server.close();
  }
});

Deno.test("a page lists only the caller's own websites, each once", async () => {
  const server = await server_();
  try {
    const ada = await server.user("ada");
    const bob = await server.user("bob");
    const adas = await addWebsite(server, ada.user.id, { url: "https://ada.example.com/" });
    const bobs = await addWebsite(server, bob.user.id, { url: "https://bob.example.com/" });

    assert.equal(
      await errorMessage(
        ada.api.statusPage.create.mutate({ slug: "acme", title: "A", websiteIds: [adas, bobs] }),
      ),
      `NOT_FOUND: website ${bobs} not found`,
    );
    const unknown = crypto.randomUUID();
    assert.equal(
      await errorMessage(
        ada.api.statusPage.create.mutate({ slug: "acme", title: "A", websiteIds: [unknown] }),
      ),
      `NOT_FOUND: website ${unknown} not found`,
    );
    assert.match(
      await errorMessage(
        ada.api.statusPage.create.mutate({ slug: "acme", title: "A", websiteIds: [adas, adas] }),
      ),
      /BAD_REQUEST: websiteIds: a website is listed twice/,
    );
    assert.match(
      await errorMessage(
        ada.api.statusPage.create.mutate({ slug: "acme", title: "A", websiteIds: ["nope"] }),
      ),
      /BAD_REQUEST: websiteIds\.0: websiteIds: each must be a website id|BAD_REQUEST: websiteIds: each must be a website id/,
    );
    assert.match(
      await errorMessage(
        ada.api.statusPage.create.mutate({
          slug: "acme",
          title: "A",
          websiteIds: [],
          showUrls: [adas],
        }),
      ),
      /BAD_REQUEST: showUrls: website .* is not one of the page's websiteIds/,
    );
    // Nothing half-made is left behind by the refusals: the slug is still free.
    assert.deepEqual(await ada.api.statusPage.list.query(), []);
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [adas],
    });
    assert.equal(
      await errorCode(ada.api.statusPage.update.mutate({ id: page.id, websiteIds: [bobs] })),
      "NOT_FOUND",
    );
    assert.deepEqual((await ada.api.statusPage.get.query({ id: page.id })).websites, [
      { websiteId: adas, position: 0, showUrl: false, section: "" },
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("another user's page is NOT_FOUND; anonymous callers are UNAUTHORIZED", async () => {
  const server = await server_();
  try {
    const ada = await server.user("ada");
    const bob = await server.user("bob");
    const page = await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "A",
      websiteIds: [],
    });
    const id = page.id;
    assert.equal(await errorCode(bob.api.statusPage.get.query({ id })), "NOT_FOUND");
    assert.equal(
      await errorCode(bob.api.statusPage.update.mutate({ id, title: "pwned" })),
      "NOT_FOUND",
    );
    assert.equal(await errorCode(bob.api.statusPage.delete.mutate({ id })), "NOT_FOUND");
    assert.deepEqual(await bob.api.statusPage.list.query(), []);
    assert.equal(
      await errorCode(bob.api.statusPage.get.query({ id: "not-a-uuid" })),
      "BAD_REQUEST",
    );

    const anonymous = server.client().api;
    const codes = await Promise.all([
      errorCode(anonymous.statusPage.create.mutate({ slug: "anon", title: "A", websiteIds: [] })),
      errorCode(anonymous.statusPage.list.query()),
      errorCode(anonymous.statusPage.get.query({ id })),
      errorCode(anonymous.statusPage.update.mutate({ id, title: "x" })),
      errorCode(anonymous.statusPage.delete.mutate({ id })),
    ]);
    assert.deepEqual(codes, Array(5).fill("UNAUTHORIZED"));
    assert.equal((await ada.api.statusPage.get.query({ id })).title, "A");
    assert.equal(
      await errorCode(anonymous.statusPage.public.query({ slug: "no-such-page" })),
      "NOT_FOUND",
    );
  } finally {
    await server.close();
  }
});

Deno.test("the public page shows names, status and bars, and nothing its owner did not choose", async () => {
  const server = await server_();
  try {
    const ada = await server.user("ada");
    const secretUrl = "https://internal.example.com/health?token=url-secret-123";
    const hidden = await addWebsite(server, ada.user.id, {
      url: secretUrl,
      headers: { authorization: "Bearer header-secret-456" },
      body: "body-secret-789",
      keyword: "keyword-secret-000",
    });
    const shown = await addWebsite(server, ada.user.id, {
      url: "https://www.example.com/",
      name: "Website",
    });
    await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "Acme status",
      websiteIds: [hidden, shown],
      showUrls: [shown],
    });

    const anonymous = server.client();
    const page = await anonymous.api.statusPage.public.query({ slug: "ACME" });
    assert.equal(page.title, "Acme status");
    assert.deepEqual(page.incidents, []);
    assert.deepEqual(
      page.monitors.map((m) => [m.name, m.url, m.status, m.uptime90d, m.bars.length]),
      [
        // Neither a name nor a shown URL: not its host either.
        ["Monitor 1", null, "nodata", null, 90],
        ["Website", "https://www.example.com/", "nodata", null, 90],
      ],
    );
    assert.equal(page.overall, "nodata");
    assert.deepEqual(Object.keys(page).sort(), [
      "description",
      "homepageUrl",
      "incidents",
      "logo",
      "maintenances",
      "monitors",
      "overall",
      "private",
      "slug",
      "subscribe",
      "title",
      "updatedAt",
    ]);
    assert.deepEqual(Object.keys(page.monitors[0]).sort(), [
      "bars",
      "id",
      "intervalMs",
      "maintenance",
      "name",
      "regions",
      "section",
      "status",
      "uptime30d",
      "uptime90d",
      "url",
    ]);
    // Each region the monitor is checked from, and its state: all the page says of it.
    assert.deepEqual(page.monitors[0].regions, [
      { region: "ams", state: "nodata", slow: false, checkedAt: null },
      { region: "iad", state: "nodata", slow: false, checkedAt: null },
    ]);

    const raw = await fetch(
      `${server.url}/api/trpc/statusPage.public?input=${
        encodeURIComponent(JSON.stringify({ slug: "acme" }))
      }`,
    );
    assert.equal(raw.status, 200);
    const text = await raw.text();
    for (
      const secret of [
        ada.email,
        ada.user.id,
        "url-secret-123",
        "/health",
        "header-secret-456",
        "authorization",
        "body-secret-789",
        "keyword-secret-000",
        "internal.example.com",
      ]
    ) {
      assert.ok(!text.includes(secret), `the public page leaks ${secret}`);
    }
  } finally {
    await server.close();
  }
});

Deno.test("the public page's bars and status come from stored checks and live results", async () => {
  const server = await server_();
  try {
    const ada = await server.user("ada");
    const [mixed, healthy, failing, silent, paused] = await Promise.all([
      addWebsite(server, ada.user.id, { url: "https://mixed.example.com/" }),
      addWebsite(server, ada.user.id, { url: "https://healthy.example.com/" }),
      addWebsite(server, ada.user.id, { url: "https://failing.example.com/" }),
      addWebsite(server, ada.user.id, { url: "https://silent.example.com/" }),
      addWebsite(server, ada.user.id, { url: "https://paused.example.com/", active: false }),
    ]);
    await ada.api.statusPage.create.mutate({
      slug: "acme",
      title: "Acme",
      websiteIds: [mixed, healthy, failing, silent, paused],
    });

    const day = 86_400;
    const today = Math.floor(Date.now() / 1000 / day) * day;
    const row = (website: string, region: string, at: number, up: boolean, checkedLag = 1) => ({
      website_id: website,
      region_id: region,
      scheduled_at: at,
      checked_at: at + checkedLag,
      outcome: up ? "up" : "down",
      http_status: up ? 200 : 503,
      response_ms: 100,
      error_kind: up ? "" : "status",
      error_message: "",
    });
    await server.bed.ch.insert(sql`checks`, [
      // Today: ams 2 up + 1 down (one of them delivered twice), iad 1 up at the same moment.
      row(mixed, "ams", today + 60, true),
      row(mixed, "ams", today + 120, true),
      row(mixed, "ams", today + 180, false),
      row(mixed, "ams", today + 180, false, 5),
      row(mixed, "iad", today + 60, true),
      // Two days ago: 2 up.
      row(mixed, "ams", today - 2 * day + 60, true),
      row(mixed, "ams", today - 2 * day + 3_660, true),
      // 100 days ago: outside the 90-day window.
      row(mixed, "ams", today - 100 * day, false),
      row(mixed, "ams", today - 100 * day + 60, false),
      row(healthy, "ams", today - 89 * day + 60, true),
    ]);
    // A duplicate sent in a later insert (a redelivery after a crash) must not count either.
    await server.bed.ch.insert(sql`checks`, [row(mixed, "ams", today + 120, true, 9)]);
    await rollUpRecentHours(server.bed.ch);

    const live = (outcome: "up" | "down", region: string) =>
      JSON.stringify({
        websiteId: "x",
        region,
        outcome,
        httpStatus: outcome === "up" ? 200 : 503,
        responseMs: 80,
        errorKind: "",
        checkedAt: Date.now(),
        scheduledAt: Date.now(),
      });
    const { redis, keys } = server.bed;
    await redis.hset(keys.liveStatus(mixed), { ams: live("up", "ams"), iad: live("down", "iad") });
    // syd is no longer one of the website's regions: its stale result does not count.
    await redis.hset(keys.liveStatus(healthy), {
      ams: live("up", "ams"),
      iad: live("up", "iad"),
      syd: live("down", "syd"),
    });
    await redis.hset(keys.liveStatus(failing), {
      ams: live("down", "ams"),
      iad: live("down", "iad"),
    });
    await redis.hset(keys.liveStatus(paused), { ams: live("up", "ams") });

    const page = await server.client().api.statusPage.public.query({ slug: "acme" });
    assert.deepEqual(page.monitors.map((m) => [m.name, m.status]), [
      ["Monitor 1", "degraded"],
      ["Monitor 2", "up"],
      ["Monitor 3", "down"],
      ["Monitor 4", "nodata"],
      // Paused by its owner: said so, whatever its last result was.
      ["Monitor 5", "paused"],
    ]);
    assert.equal(page.overall, "partial-outage");

    const bars = page.monitors[0].bars;
    const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
    assert.equal(bars.length, 90);
    assert.equal(bars[0].date, date(today - 89 * day));
    const bar = (t: number, checks: number, up: number, uptime: number | null) => ({
      at: t * 1000,
      date: date(t),
      checks,
      up,
      maintenance: 0,
      uptime,
    });
    assert.deepEqual(bars[89], bar(today, 4, 3, 75));
    assert.deepEqual(bars[87], bar(today - 2 * day, 2, 2, 100));
    assert.deepEqual(bars[88], bar(today - day, 0, 0, null));
    assert.equal(bars.reduce((n, b) => n + b.checks, 0), 6);
    assert.equal(page.monitors[0].uptime90d, 83.333);
    assert.deepEqual(page.monitors[1].bars[0], bar(today - 89 * day, 1, 1, 100));
    assert.equal(page.monitors[1].uptime90d, 100);
    assert.equal(page.monitors[2].uptime90d, null);
  } finally {
    await server.close();
  }
});

function server_() {
  return apiServer();
}
