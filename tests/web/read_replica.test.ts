/**
 * Edge-first reads: with `DATABASE_REPLICA_URL` set, the dashboard and the API's queries
 * read the region's replica; writes, sessions and whatever follows a client's own write
 * read the primary; a replica that does not answer sends reads to the primary and
 * `/readyz` says so.
 *
 * The "replica" is a second database that the test fills by copying the primary's rows
 * (replication, done by hand), then changes on purpose, so every page shows which one it
 * was read from. Copies are never refreshed on their own: the replica always lags.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { apiServer, jarClient } from "../helpers/api.ts";
import { newPostgresUrl } from "../helpers/databases.ts";
import { eventually, pipelineBed } from "../helpers/pipeline.ts";
import { freePort, spawnProcess } from "../helpers/processes.ts";
import { migratePostgres } from "../../db/postgres/migrate.ts";
import { RECENT_WRITE_COOKIE } from "../../web/read_routing.ts";
import { REPLICA_APPLICATION_NAME } from "../../lib/read_replica.ts";

/** Every table, parents first. */
const TABLES = [
  "users",
  "sessions",
  "websites",
  "notification_channels",
  "status_pages",
  "status_page_websites",
  "status_domains",
  "region_states",
  "incidents",
  "incident_outbox",
  "notification_deliveries",
];

/** A migrated database standing in for the replica, and a writable handle to fill it. */
async function replicaDatabase() {
  const url = newPostgresUrl();
  await migratePostgres(url);
  const admin = postgres(url, { max: 2, onnotice: () => {} });
  return {
    url,
    admin,
    /** What streaming replication would do: the replica becomes the primary's copy. */
    async copyFrom(primary: postgres.Sql) {
      await admin.unsafe(`truncate ${TABLES.join(", ")} cascade`);
      for (const table of TABLES) {
        const rows = await primary`select * from ${primary(table)}`;
        if (rows.length) await admin`insert into ${admin(table)} ${admin(rows)}`;
      }
    },
  };
}

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

Deno.test("the dashboard reads the replica, writes and a client's next reads use the primary", async (t) => {
  const replica = await replicaDatabase();
  const server = await apiServer({ DATABASE_REPLICA_URL: replica.url, REGIONS: "local" });
  try {
    const me = await server.user("replica");
    const page = async (path: string) => {
      const res = await me.fetch(`${server.url}${path}`, { redirect: "manual" });
      assert.equal(res.status, 200, `${path} answers`);
      return await res.text();
    };
    const shop = await me.api.website.create.mutate({
      url: "http://127.0.0.1:9999/",
      name: "Shop",
      regions: ["local"],
    });
    await me.api.statusPage.create.mutate({
      slug: `replica-${crypto.randomUUID().slice(0, 8)}`,
      title: "Public status",
      websiteIds: [shop.id],
    });
    await me.api.notification.create.mutate({
      kind: "webhook",
      name: "Ops hook",
      config: { url: "http://127.0.0.1:8999/hook" },
    });
    await replica.copyFrom(server.services.sql);
    // The replica's copy differs on purpose, so a page shows where it was read.
    await replica.admin`update websites set name = 'Shop (replica)'`;
    await replica.admin`update status_pages set title = 'Public status (replica)'`;
    await replica.admin`update notification_channels set name = 'Ops hook (replica)'`;
    // Were sessions read there, every page would send the user to log in.
    await replica.admin`delete from sessions`;

    await t.step("a client that wrote nothing lately reads the replica", async () => {
      assert.ok(me.jar.has(RECENT_WRITE_COOKIE), "each write set the cookie");
      me.jar.delete(RECENT_WRITE_COOKIE); // what its Max-Age does after a few seconds
      assert.match(await page("/app"), /Shop \(replica\)/);
      assert.match(await page(`/app/monitors/${shop.id}`), /Shop \(replica\)/);
      assert.match(await page("/app/status-pages"), /Public status \(replica\)/);
      assert.match(await page("/app/notifications"), /Ops hook \(replica\)/);
      assert.deepEqual((await me.api.website.list.query()).map((w) => w.name), ["Shop (replica)"]);
      assert.equal((await me.api.website.get.query({ id: shop.id })).name, "Shop (replica)");
      const [reader] = await server.services.sql<{ application_name: string }[]>`
        select application_name from pg_stat_activity
        where datname = ${new URL(replica.url).pathname.slice(1)}
          and application_name = ${REPLICA_APPLICATION_NAME}`;
      assert.ok(reader, "the web app's replica connection shows under its own name");
    });

    await t.step("writes go to the primary; the replica's connection refuses them", async () => {
      await assert.rejects(
        server.replica!.pg.sql`update websites set name = 'lost'`,
        /read-only transaction/,
      );
      const blog = await me.api.website.create.mutate({
        url: "http://127.0.0.1:9999/blog",
        name: "Blog",
        regions: ["local"],
      });
      const [onPrimary] = await server.services
        .sql`select name from websites where id = ${blog.id}`;
      assert.equal(onPrimary.name, "Blog");
      const onReplica = await replica.admin`select 1 from websites where id = ${blog.id}`;
      assert.equal(onReplica.length, 0, "the replica has not caught up");
    });

    await t.step("right after its write, the same client reads the primary", async () => {
      assert.ok(me.jar.has(RECENT_WRITE_COOKIE));
      assert.deepEqual((await me.api.website.list.query()).map((w) => w.name), ["Shop", "Blog"]);
      const html = await page("/app");
      assert.match(html, /Blog/);
      assert.doesNotMatch(html, /\(replica\)/);
    });

    await t.step("the page after a form's 303 shows what the form did", async () => {
      me.jar.delete(RECENT_WRITE_COOKIE);
      const posted = await me.fetch(`${server.url}/app/monitors/${shop.id}/pause`, form({}));
      assert.equal(posted.status, 303);
      const location = posted.headers.get("location")!;
      assert.match(
        posted.headers.getSetCookie().join("\n"),
        /uptime_recent_write=\d+; .*Max-Age=5/,
      );
      const after = await page(location);
      assert.match(after, /Resume/, "paused, as the primary says");
      assert.match(after, /<h1[^>]*>[^<]*Shop</);
      // Later, with the cookie expired, the (lagging) replica still says active.
      me.jar.delete(RECENT_WRITE_COOKIE);
      const later = await page(location);
      assert.match(later, /Shop \(replica\)/);
      assert.match(later, />Pause</);
    });

    await t.step("once replication catches up, the replica shows the writes", async () => {
      await replica.copyFrom(server.services.sql);
      assert.deepEqual((await me.api.website.list.query()).map((w) => w.name), ["Shop", "Blog"]);
      assert.ok(!me.jar.has(RECENT_WRITE_COOKIE), "a query sets no cookie");
    });
  } finally {
    await server.close();
    await replica.admin.end({ timeout: 5 });
  }
});

/** A TCP relay to Postgres that the test opens and closes: the replica "going away". */
function relay(port: number, target: { hostname: string; port: number }) {
  let listener: Deno.Listener | null = null;
  const open = new Set<Deno.Conn>();
  const pipe = async (from: Deno.Conn, to: Deno.Conn) => {
    try {
      await from.readable.pipeTo(to.writable);
    } catch { /* either side closed */ }
  };
  return {
    start() {
      listener = Deno.listen({ hostname: "127.0.0.1", port });
      (async () => {
        for await (const conn of listener!) {
          const upstream = await Deno.connect(target).catch(() => null);
          if (!upstream) {
            conn.close();
            continue;
          }
          open.add(conn).add(upstream);
          Promise.all([pipe(conn, upstream), pipe(upstream, conn)]).finally(() => {
            for (const c of [conn, upstream]) {
              open.delete(c);
              try {
                c.close();
              } catch { /* closed already */ }
            }
          });
        }
      })().catch(() => {});
    },
    stop() {
      listener?.close();
      listener = null;
      for (const conn of open) {
        try {
          conn.close();
        } catch { /* closed already */ }
      }
      open.clear();
    },
  };
}

interface ReadyBody {
  failing: string[];
  degraded: string[];
  readsFrom: string;
  postgresReplica: boolean | null;
}

Deno.test("a replica that does not answer: reads go to the primary, /readyz and the log say so", async () => {
  const bed = await pipelineBed();
  const replica = await replicaDatabase();
  const relayPort = freePort();
  const replicaTarget = new URL(replica.url);
  const relayed = relay(relayPort, {
    hostname: replicaTarget.hostname,
    port: Number(replicaTarget.port || 5432),
  });
  const viaRelay = new URL(replica.url);
  viaRelay.port = String(relayPort);
  viaRelay.password = "hunter2";
  const port = freePort();
  const web = spawnProcess("web/main.ts", {
    ...bed.env,
    PORT: String(port),
    REGIONS: "local",
    DATABASE_REPLICA_URL: viaRelay.href,
  });
  const url = `http://127.0.0.1:${port}`;
  const metricsText = async () => await (await fetch(`${url}/metrics`)).text();
  const ready = async () => {
    const res = await fetch(`${url}/readyz`);
    return { status: res.status, body: await res.json() as ReadyBody };
  };
  try {
    const down = await web.waitFor("db.replica_unavailable", 60_000);
    assert.equal(down.readsFrom, "primary");
    assert.doesNotMatch(
      JSON.stringify(web.lines),
      /hunter2/,
      "the replica's password is never logged",
    );
    await web.waitFor("web.started", 60_000);
    const degraded = await ready();
    assert.equal(degraded.status, 200, "the machine serves: reads go to the primary");
    const { failing, readsFrom, postgresReplica } = degraded.body;
    assert.deepEqual({ failing, degraded: degraded.body.degraded, readsFrom, postgresReplica }, {
      failing: [],
      degraded: ["Postgres replica"],
      readsFrom: "primary",
      postgresReplica: false,
    });

    assert.match(await metricsText(), /^uptime_postgres_replica_available 0$/m);

    const me = jarClient(url);
    await me.api.user.signup.mutate({
      email: `down-${crypto.randomUUID()}@example.com`,
      password: "correct horse 1",
    });
    await me.api.website.create.mutate({
      url: "http://127.0.0.1:9999/",
      name: "Shop",
      regions: ["local"],
    });
    me.jar.delete(RECENT_WRITE_COOKIE);
    assert.deepEqual((await me.api.website.list.query()).map((w) => w.name), ["Shop"]);
    const dashboard = await me.fetch(`${url}/app`);
    assert.equal(dashboard.status, 200);
    assert.match(await dashboard.text(), /Shop/);

    // The replica comes up (caught up, with a mark of its own): reads move there.
    await replica.copyFrom(bed.pg.sql);
    await replica.admin`update websites set name = 'Shop (replica)'`;
    relayed.start();
    await web.waitFor("db.replica_available", 20_000);
    await eventually(
      async () => (await ready()).body.readsFrom === "replica",
      20_000,
      "reads from the replica",
    );
    assert.deepEqual((await me.api.website.list.query()).map((w) => w.name), ["Shop (replica)"]);
    assert.match(await metricsText(), /^uptime_postgres_replica_available 1$/m);

    // It goes away again: web notices by itself (a dropped connection is probed at once).
    relayed.stop();
    await eventually(
      () => web.lines.filter((line) => line.event === "db.replica_unavailable").length === 2,
      20_000,
      "the web process noticing by itself",
    );
    assert.deepEqual((await me.api.website.list.query()).map((w) => w.name), ["Shop"]);
    await eventually(
      async () => (await ready()).body.readsFrom === "primary",
      20_000,
      "back to the primary",
    );
    const again = await ready();
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.degraded, ["Postgres replica"]);
    assert.deepEqual((await me.api.website.list.query()).map((w) => w.name), ["Shop"]);
  } finally {
    relayed.stop();
    await web.stop();
    await replica.admin.end({ timeout: 5 });
    await bed.close();
  }
});
