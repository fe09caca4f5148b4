/**
 * The public status page over HTTP: routing by Host, what the page says (and hides),
 * regions that stop reporting, the badge, the feed, and the cache in front of it all.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { getWithHost } from "../helpers/host_request.ts";

type Server = Awaited<ReturnType<typeof apiServer>>;

async function pageWithMonitors(
  server: Server,
  opts: { title?: string; slug?: string; intervalSeconds?: number; names?: (string | null)[] } = {},
) {
  const ada = await server.user("ada");
  const sql = server.bed.pg.sql;
  const ids: string[] = [];
  for (const [i, name] of (opts.names ?? ["API", null]).entries()) {
    const [row] = await sql`
      insert into websites (owner_id, url, name, regions, interval_seconds)
      values (${ada.user.id}, ${`https://secret-host-${i}.example.com/`}, ${name},
              ${["ams", "iad"]}, ${opts.intervalSeconds ?? 60})
      returning id`;
    ids.push(row.id);
  }
  const page = await ada.api.statusPage.create.mutate({
    slug: opts.slug ?? "acme",
    title: opts.title ?? "Acme",
    websiteIds: ids,
  });
  return { ada, page, ids };
}

async function setLive(
  server: Server,
  websiteId: string,
  region: string,
  outcome: "up" | "down",
  checkedAt: number,
  degraded = false,
) {
  await server.bed.redis.hset(server.bed.keys.liveStatus(websiteId), {
    [region]: JSON.stringify({
      websiteId,
      region,
      outcome,
      httpStatus: outcome === "up" ? 200 : 503,
      responseMs: degraded ? 4_000 : 12,
      errorKind: outcome === "up" ? "" : "http_status",
      degraded,
      checkedAt,
      scheduledAt: checkedAt,
    }),
  });
}

async function verifyDomain(server: Server, pageId: string, hostname: string, verified: boolean) {
  await server.bed.pg.sql`
    insert into status_domains (status_page_id, hostname, verified_at, certificate_state)
    values (${pageId}, ${hostname}, ${verified ? new Date().toISOString() : null}, 'issued')`;
}

Deno.test("host routing: a verified domain serves its page at /, unverified and unknown hosts get 404, the app host is unaffected", async () => {
  const server = await apiServer({
    APP_URL: "https://uptime.example.net",
    APP_HOSTS: "uptime-app.fly.dev",
  });
  try {
    const { page } = await pageWithMonitors(server);
    await verifyDomain(server, page.id, "status.acme.com", true);
    await verifyDomain(server, page.id, "pending.acme.com", false);

    const onDomain = await getWithHost(server.url, "status.acme.com", "/");
    assert.equal(onDomain.status, 200);
    assert.match(onDomain.body, /<title>Acme status<\/title>/);
    // Its links stay on the domain.
    assert.match(onDomain.body, /href="\/badge\.svg"/);
    assert.match(onDomain.body, /href="\/feed\.atom"/);
    assert.match(onDomain.body, /<meta property="og:url" content="http:\/\/status\.acme\.com\/"/);
    const badge = await getWithHost(server.url, "status.acme.com", "/badge.svg");
    assert.equal(badge.status, 200);
    assert.match(badge.headers.get("content-type")!, /image\/svg\+xml/);
    const feed = await getWithHost(server.url, "status.acme.com", "/feed.atom");
    assert.equal(feed.status, 200);
    assert.match(feed.body, /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/);
    // The icon browsers ask for by themselves, there and on the app's host.
    for (const host of ["status.acme.com", "uptime.example.net"]) {
      const icon = await getWithHost(server.url, host, "/favicon.ico");
      assert.equal(icon.status, 200, host);
      assert.equal(icon.headers.get("content-type"), "image/svg+xml");
      assert.match(icon.body, /^<svg/);
    }

    // Nothing else of the app is reachable there.
    for (const path of ["/login", "/app", "/status/acme", "/api/trpc/user.me"]) {
      const other = await getWithHost(server.url, "status.acme.com", path);
      assert.equal(other.status, 404, path);
      assert.doesNotMatch(other.body, /Uptime — know|Log in/, path);
    }
    for (const host of ["pending.acme.com", "unknown.example.org", "status.acme.com.evil.test"]) {
      const refused = await getWithHost(server.url, host, "/");
      assert.equal(refused.status, 404, host);
      assert.match(refused.body, /There is no status page at this address/);
    }

    // The app's hosts: the app, and the page under /status/<slug>.
    for (
      const host of ["uptime.example.net", "uptime-app.fly.dev", "localhost:8000", "127.0.0.1"]
    ) {
      const home = await getWithHost(server.url, host, "/");
      assert.equal(home.status, 200, host);
      assert.doesNotMatch(home.body, /<title>Acme status/, host);
      const statusPage = await getWithHost(server.url, host, "/status/acme");
      assert.equal(statusPage.status, 200, host);
      assert.match(statusPage.body, /href="\/status\/acme\/badge\.svg"/);
    }
  } finally {
    await server.close();
  }
});

Deno.test("the page shows states, bars and honest names, escapes the title, and hides what the owner did not choose", async () => {
  const server = await apiServer();
  try {
    const title = "<script>alert(1)</script>";
    const { ids } = await pageWithMonitors(server, { title });
    const now = Date.now();
    await setLive(server, ids[0], "ams", "up", now);
    await setLive(server, ids[0], "iad", "up", now);
    await setLive(server, ids[1], "ams", "down", now);
    await setLive(server, ids[1], "iad", "down", now);

    const response = await fetch(`${server.url}/status/acme`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.ok(!html.includes("<script>alert(1)</script>"));
    assert.match(
      html,
      /&lt;script>alert\(1\)&lt;\/script>|&lt;script&gt;alert\(1\)&lt;\/script&gt;/,
    );
    assert.match(html, /Partial outage/);
    assert.match(html, /<h3[^>]*>API<\/h3>/);
    assert.match(html, /<h3[^>]*>Monitor 2<\/h3>/);
    assert.doesNotMatch(html, /secret-host/);
    assert.match(html, /No incidents in the last 90 days/);
    assert.match(html, /Last updated/);
    assert.equal((html.match(/title="\d{4}-\d{2}-\d{2}: no data"/g) ?? []).length, 180);
    assert.match(html, /<meta name="description" content="Partial outage: live status/);
    assert.match(
      html,
      /<meta property="og:title" content="&lt;script>alert\(1\)&lt;\/script> status"/,
    );
    assert.match(response.headers.get("cache-control")!, /s-maxage=5/);

    // The visitor's copy is still good: 304, without a body.
    const etag = response.headers.get("etag")!;
    const again = await fetch(`${server.url}/status/acme`, { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), "");

    const missing = await fetch(`${server.url}/status/nobody-here`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /Status page not found/);
  } finally {
    await server.close();
  }
});

Deno.test("a region that stops reporting shows no data after three intervals", async () => {
  const server = await apiServer({ STATUS_PAGE_CACHE_MS: "0" });
  try {
    const { ids } = await pageWithMonitors(server, { names: ["API"], intervalSeconds: 60 });
    const now = Date.now();
    await setLive(server, ids[0], "ams", "up", now - 170_000); // under three intervals
    await setLive(server, ids[0], "iad", "down", now - 181_000); // over: says nothing now
    const page = await server.client().api.statusPage.public.query({ slug: "acme" });
    assert.deepEqual(page.monitors[0].regions.map((r) => [r.region, r.state]), [
      ["ams", "up"],
      ["iad", "nodata"],
    ]);
    assert.equal(page.monitors[0].status, "up");

    await setLive(server, ids[0], "ams", "up", now - 200_000);
    const silent = await fetch(`${server.url}/status/acme`).then((r) => r.text());
    assert.match(silent, /data-status="nodata"/);
    assert.match(silent, /No data yet/);
    assert.doesNotMatch(silent, /All systems operational/);
    // The tab's icon is a dot of the page's colour: grey (#64748b) for no data.
    assert.match(silent, /<link rel="icon" href="data:image\/svg\+xml,[^"]*%2364748b[^"]*"/);
  } finally {
    await server.close();
  }
});

Deno.test("a monitor up but slow says Degraded performance, and so does the page", async () => {
  const server = await apiServer({ STATUS_PAGE_CACHE_MS: "0" });
  try {
    const { ids } = await pageWithMonitors(server, { names: ["API", "Shop"] });
    const now = Date.now() - 5_000;
    await setLive(server, ids[0], "ams", "up", now);
    await setLive(server, ids[0], "iad", "up", now, true);
    await setLive(server, ids[1], "ams", "up", now);
    await setLive(server, ids[1], "iad", "up", now);
    const page = await server.client().api.statusPage.public.query({ slug: "acme" });
    assert.deepEqual(page.monitors.map((m) => [m.name, m.status]), [
      ["API", "slow"],
      ["Shop", "up"],
    ]);
    assert.deepEqual(page.monitors[0].regions.map((r) => [r.region, r.state, r.slow]), [
      ["ams", "up", false],
      ["iad", "up", true],
    ]);
    assert.equal(page.overall, "degraded-performance");
    const html = await fetch(`${server.url}/status/acme`).then((r) => r.text());
    assert.match(html, /data-overall="degraded-performance"/);
    assert.match(html, /<meta name="description" content="Degraded performance: live status/);
    assert.match(html, /data-status="slow"[^>]*>Degraded performance/);
    assert.match(html, /iad: slow/, "the pill names the slow region");
    const badge = await fetch(`${server.url}/status/acme/badge.svg?monitor=${ids[0]}`);
    assert.match(await badge.text(), /degraded performance · /);

    // Slow somewhere and down elsewhere is an outage, not a slowdown.
    await setLive(server, ids[1], "ams", "down", now);
    const worse = await server.client().api.statusPage.public.query({ slug: "acme" });
    assert.deepEqual(worse.monitors.map((m) => m.status), ["slow", "degraded"]);
    assert.equal(worse.overall, "partial-outage");
    assert.match(await fetch(`${server.url}/status/acme`).then((r) => r.text()), /Partial outage/);
  } finally {
    await server.close();
  }
});

Deno.test("a paused monitor says Paused, and the page goes by the others", async () => {
  const server = await apiServer({ STATUS_PAGE_CACHE_MS: "0" });
  try {
    const { ids } = await pageWithMonitors(server, { names: ["API", "Old shop"] });
    const now = Date.now();
    for (const id of ids) await setLive(server, id, "ams", "up", now - 10_000);
    await setLive(server, ids[1], "iad", "down", now - 10_000);
    await server.bed.pg.sql`update websites set active = false where id = ${ids[1]}`;
    const html = await fetch(`${server.url}/status/acme`).then((r) => r.text());
    assert.match(html, /data-status="paused"[^>]*>Paused</);
    assert.match(html, /All systems operational/);
  } finally {
    await server.close();
  }
});

Deno.test("badges: the page's and one monitor's, as escaped SVG", async () => {
  const server = await apiServer();
  try {
    const { ids } = await pageWithMonitors(server, { title: `A & "B" <c>` });
    await setLive(server, ids[0], "ams", "down", Date.now());
    const page = await fetch(`${server.url}/status/acme/badge.svg`);
    assert.equal(page.status, 200);
    const svg = await page.text();
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /A &amp; &quot;B&quot; &lt;c&gt;: major outage/);
    const one = await fetch(`${server.url}/status/acme/badge.svg?monitor=${ids[0]}`);
    assert.match(await one.text(), /API: down · no data/);
    const none = await fetch(`${server.url}/status/acme/badge.svg?monitor=${crypto.randomUUID()}`);
    assert.equal(none.status, 404);
    await none.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("under load a page is computed once per cache period, and statusPage.public shares it", async () => {
  const server = await apiServer({ STATUS_PAGE_CACHE_MS: "60000" });
  try {
    await pageWithMonitors(server);
    const { publicPageCache } = await import("../../services/status_pages/public.ts");
    const cache = publicPageCache(server.services);
    const before = cache.loads;
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${server.url}/status/acme`).then((r) => r.text())),
    );
    assert.ok(responses.every((html) => html.includes("Acme status")));
    await server.client().api.statusPage.public.query({ slug: "acme" });
    assert.equal(cache.loads - before, 1);
  } finally {
    await server.close();
  }
});

Deno.test("incidents of the page's monitors appear on the page and in its Atom feed, named as the page names them", async () => {
  const server = await apiServer();
  try {
    // Titled with "status" already: the page does not say it twice.
    const { ids } = await pageWithMonitors(server, { names: ["API", null], title: "Acme Status" });
    const started = new Date(Date.now() - 3_600_000).toISOString();
    const resolved = new Date(Date.now() - 1_800_000).toISOString();
    await server.bed.pg.sql`
      insert into incidents (website_id, started_at, resolved_at, cause_error_kind,
        cause_error_message, cause_http_status, regions, total_regions)
      values (${ids[1]}, ${started}, ${resolved}, 'http_status', 'internal detail 10.0.0.7', 503,
              ${["ams"]}, 2),
             (${ids[0]}, ${resolved}, null, 'http_status', '', 503, ${["ams"]}, 2)`;
    const html = await fetch(`${server.url}/status/acme`).then((r) => r.text());
    assert.match(html, /<title>Acme Status<\/title>/);
    assert.match(html, /Monitor 2 was down/);
    assert.match(html, /API is down/);
    assert.doesNotMatch(html, /No incidents in the last 90 days/);
    assert.doesNotMatch(html, /secret-host|10\.0\.0\.7/);
    const feed = await fetch(`${server.url}/status/acme/feed.atom`).then((r) => r.text());
    assert.equal((feed.match(/<entry>/g) ?? []).length, 2);
    assert.match(feed, /<title>Acme Status: incidents<\/title>/);
    assert.match(feed, /<title>Monitor 2 was down<\/title>/);
    assert.match(feed, /<published>\d{4}-\d{2}-\d{2}T/);
    assert.doesNotMatch(feed, /secret-host|10\.0\.0\.7/);
  } finally {
    await server.close();
  }
});

/** The nonce of every `nonce="…"` attribute, and the one the CSP header names. */
function nonces(response: { headers: Headers; body: string }) {
  const csp = response.headers.get("content-security-policy") ?? "";
  return {
    header: [...csp.matchAll(/'nonce-([^']+)'/g)].map((m) => m[1]),
    body: [...response.body.matchAll(/ nonce="([^"]+)"/g)].map((m) => m[1]),
  };
}

Deno.test("a page rendered once per period still gives every response a nonce of its own, and each host its own page", async () => {
  const server = await apiServer({
    STATUS_PAGE_CACHE_MS: "60000",
    APP_URL: "https://uptime.example.net",
  });
  try {
    const { renderedPages } = await import("../../routes/status/(_components)/load_page.ts");
    const acme = await pageWithMonitors(server, { title: "Acme" });
    const beta = await pageWithMonitors(server, { title: "Beta", slug: "beta" });
    await verifyDomain(server, acme.page.id, "status.acme.com", true);
    await verifyDomain(server, beta.page.id, "status.beta.com", true);

    const before = renderedPages.renders;
    const first = await getWithHost(server.url, "uptime.example.net", "/status/acme");
    const second = await getWithHost(server.url, "uptime.example.net", "/status/acme");
    assert.equal(renderedPages.renders - before, 1, "the second visitor gets the same render");
    const [a, b] = [nonces(first), nonces(second)];
    for (const seen of [a, b]) {
      // The inline CSS and both scripts carry the nonce the CSP allows, in every response.
      assert.equal(seen.header.length, 2);
      assert.ok(seen.body.length >= 3);
      assert.ok(seen.body.every((nonce) => nonce === seen.header[0]));
      assert.ok(seen.header.every((nonce) => nonce === seen.header[0]));
    }
    assert.notEqual(a.header[0], b.header[0], "two responses never share a nonce");
    assert.equal(
      second.body.replaceAll(b.header[0], "N"),
      first.body.replaceAll(a.header[0], "N"),
      "otherwise the same page",
    );
    assert.match(
      first.body,
      /<meta property="og:url" content="https:\/\/uptime\.example\.net\/status\/acme"/,
    );

    // Each custom domain gets its own page, with its own links, never another's render.
    const onAcme = await getWithHost(server.url, "status.acme.com", "/");
    const onBeta = await getWithHost(server.url, "status.beta.com", "/");
    assert.match(onAcme.body, /<title>Acme status<\/title>/);
    assert.match(onAcme.body, /<meta property="og:url" content="http:\/\/status\.acme\.com\/"/);
    assert.match(onAcme.body, /href="\/badge\.svg"/);
    assert.match(onBeta.body, /<title>Beta status<\/title>/);
    assert.match(onBeta.body, /<meta property="og:url" content="http:\/\/status\.beta\.com\/"/);
    assert.doesNotMatch(onBeta.body, /Acme/);
    const again = await getWithHost(server.url, "uptime.example.net", "/status/acme");
    assert.match(again.body, /href="\/status\/acme\/badge\.svg"/);
    assert.equal(renderedPages.renders - before, 3, "one render per page and address");
  } finally {
    await server.close();
  }
});

Deno.test("an edited, renamed or deleted page shows so at once, whatever the cache period", async () => {
  const server = await apiServer({
    STATUS_PAGE_CACHE_MS: "300000",
    APP_URL: "https://uptime.example.net",
  });
  const visit = (slug: string) =>
    fetch(`${server.url}/status/${slug}`).then(async (r) => ({
      status: r.status,
      html: await r.text(),
    }));
  try {
    const { ada, page } = await pageWithMonitors(server, { title: "Before" });
    await verifyDomain(server, page.id, "status.acme.com", true);
    const onDomain = () => getWithHost(server.url, "status.acme.com", "/");
    assert.match((await onDomain()).body, /<title>Before status<\/title>/);
    assert.match((await visit("acme")).html, /<title>Before status<\/title>/);
    // Visited before it exists: remembered as no page.
    assert.equal((await visit("acme-new")).status, 404);

    await ada.api.statusPage.update.mutate({ id: page.id, title: "After" });
    assert.match((await visit("acme")).html, /<title>After status<\/title>/);

    await ada.api.statusPage.update.mutate({ id: page.id, slug: "acme-new" });
    assert.equal((await visit("acme")).status, 404);
    const moved = await visit("acme-new");
    assert.equal(moved.status, 200);
    assert.match(moved.html, /<title>After status<\/title>/);
    // The custom domain follows the page to its new slug.
    assert.match((await onDomain()).body, /<title>After status<\/title>/);

    await ada.api.statusPage.delete.mutate({ id: page.id });
    assert.equal((await visit("acme-new")).status, 404);
  } finally {
    await server.close();
  }
});

Deno.test("a change to a page shows as soon as its figures are recomputed, not the old render", async () => {
  const server = await apiServer({ STATUS_PAGE_CACHE_MS: "0" });
  try {
    const { ada, page } = await pageWithMonitors(server, { title: "Before" });
    const before = await fetch(`${server.url}/status/acme`).then((r) => r.text());
    assert.match(before, /<title>Before status<\/title>/);
    await ada.api.statusPage.update.mutate({ id: page.id, title: "After" });
    const after = await fetch(`${server.url}/status/acme`).then((r) => r.text());
    assert.match(after, /<title>After status<\/title>/);
    assert.doesNotMatch(after, /Before/);
  } finally {
    await server.close();
  }
});
