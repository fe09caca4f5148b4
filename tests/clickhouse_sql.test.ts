import assert from "node:assert/strict";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { chunkQueries, rowsInChunks } from "../db/clickhouse/chunks.ts";
import { migrateClickHouse } from "../db/clickhouse/migrations.ts";
import { rollUpHours } from "../db/clickhouse/rollup.ts";
import { identifier, literal, Sql, sql } from "../db/clickhouse/sql.ts";
import { type DailyCountRow, dailyCountsQuery } from "../services/uptime/daily_uptime.ts";
import { newClickHouseUrl, testConfig } from "./helpers/databases.ts";
import { checkRow } from "./helpers/incidents.ts";

const tricky = [
  "plain",
  "it's",
  "back\\slash",
  "\\'; DROP TABLE checks; --",
  "line\nbreak\r\ttab",
  "nul\0byte",
  "ünïcødé ✓ 🚀",
  "",
];

Deno.test("string literals come back from ClickHouse unchanged", async () => {
  const ch = connectClickHouse(testConfig().clickhouseUrl, { database: "default" });
  try {
    for (const value of tricky) {
      const [row] = await ch.rows<{ v: string }>(sql`SELECT ${literal.string(value)} AS v`);
      assert.equal(row.v, value);
    }
  } finally {
    await ch.close();
  }
});

Deno.test("values that cannot be rendered safely are refused", () => {
  assert.throws(() => literal.uuid("1' OR 1=1"), /not a UUID/);
  assert.throws(() => literal.uuidList([crypto.randomUUID(), "1' OR 1=1"]), /not a UUID/);
  assert.throws(() => literal.int(1.5), /not a safe integer/);
  assert.throws(() => literal.int(Number.NaN), /not a safe integer/);
  assert.throws(() => literal.dateTime(new Date("nope")), /not a valid date/);
  assert.throws(() => identifier("checks; DROP"), /not a plain identifier/);
});

Deno.test("fragments compose into one query text", () => {
  const id = "0F8FAD5B-D9CB-469F-A165-70867728950E";
  const where = sql`website_id = ${literal.uuid(id)} AND hour >= ${literal.dateTime(new Date(0))}`;
  const query = sql`SELECT ${identifier("n")} FROM checks WHERE ${where} LIMIT ${literal.int(3)}`;
  assert.equal(
    query.text,
    "SELECT n FROM checks WHERE website_id = toUUID('0f8fad5b-d9cb-469f-a165-70867728950e')" +
      " AND hour >= toDateTime(0) LIMIT 3",
  );
  assert.equal(sql.join([sql`a = 1`, sql`b = 2`], sql` OR `).text, "a = 1 OR b = 2");
  // Plain strings, which ClickHouse converts to the UUID column's type once.
  assert.equal(literal.uuidList([id, id]).text, `('${id.toLowerCase()}', '${id.toLowerCase()}')`);
  assert.equal(literal.uuidList([]).text, "(NULL)");
  assert.equal(literal.list([], literal.string).text, "(NULL)");
  assert.equal(literal.list(["a", "b"], literal.string).text, "('a', 'b')");
});

Deno.test("a raw string or number in a query is a type error and refused at run time", async () => {
  const name = "x'; DROP TABLE checks; --";
  // @ts-expect-error: a string is not SQL; render it with literal.string
  assert.throws(() => sql`SELECT * FROM checks WHERE region_id = ${name}`, /is a string, not SQL/);
  // @ts-expect-error: nor is a number
  assert.throws(() => sql`SELECT * FROM checks LIMIT ${10}`, /is a number, not SQL/);
  // @ts-expect-error: a separator is SQL too
  assert.throws(() => sql.join([sql`a`], " OR "), /not SQL/);
  // @ts-expect-error: only this module mints fragments
  assert.throws(() => new Sql(Symbol("Sql"), "DROP TABLE checks"), /build SQL with sql/);
  // A fragment pasted into a plain template string would be a raw interpolation again.
  assert.throws(() => `SELECT ${literal.int(1)}`, /not into a plain template string/);
  assert.throws(() => (sql as (s: unknown) => Sql)(["DROP TABLE checks"]), /template tag/);

  const ch = connectClickHouse(testConfig().clickhouseUrl, { database: "default" });
  try {
    // @ts-expect-error: the client takes fragments, not strings
    await assert.rejects(ch.rows("SELECT 1"), /not SQL/);
    // @ts-expect-error: statements too
    await assert.rejects(ch.command("DROP TABLE checks"), /not SQL/);
    // @ts-expect-error: and table names
    await assert.rejects(ch.insert("checks", []), /not SQL/);
  } finally {
    await ch.close();
  }
});

Deno.test("chunks stay within the budget and cover every item once, in order", () => {
  const ids = Array.from({ length: 1_000 }, () => crypto.randomUUID());
  const query = (chunk: readonly string[]) =>
    sql`SELECT website_id FROM checks WHERE website_id IN ${literal.uuidList(chunk)}
        OR website_id IN ${literal.uuidList(chunk)}`;
  assert.equal(chunkQueries(ids, query, 1_000_000).length, 1);
  const budget = 8_192;
  const queries = chunkQueries(ids, query, budget);
  assert.ok(queries.length > 1);
  for (const q of queries) assert.ok(new TextEncoder().encode(q.text).length <= budget);
  const listed = queries.flatMap((q) =>
    [...q.text.matchAll(/'([0-9a-f-]{36})'/g)].map((m) => m[1]).filter((_, i, all) =>
      i < all.length / 2
    )
  );
  assert.deepEqual(listed, ids);
  assert.equal(queries.length, Math.ceil((ids.length * 80) / budget), "no more chunks than needed");

  // Items of uneven size (two short ones first, then multibyte ones): chunks are re-cut.
  const names = ["a", "b", ...Array.from({ length: 300 }, (_, i) => `région ✓ ${i} `.repeat(8))];
  const byName = (chunk: readonly string[]) =>
    sql`SELECT 1 WHERE region_id IN ${literal.list(chunk, literal.string)}`;
  const cut = chunkQueries(names, byName, 4_096);
  for (const q of cut) assert.ok(new TextEncoder().encode(q.text).length <= 4_096);
  assert.equal(cut.map((q) => q.text).join("").split("'région").length - 1, 300);
});

Deno.test("20,000 websites, too many for one query, are answered in chunks below max_query_size", async () => {
  const ch = await migratedClickHouse();
  try {
    const now = new Date();
    const hour = Math.floor(now.getTime() / 3_600_000) * 3_600;
    const ids = Array.from({ length: 20_000 }, () => crypto.randomUUID());
    // Websites at the start, the middle and the end of the list, in different chunks.
    const measured = [ids[0], ids[10_001], ids[19_999]];
    const row = (websiteId: string, minute: number, up: boolean) => ({
      website_id: websiteId,
      region_id: "ams",
      scheduled_at: hour - 7_200 + minute * 60,
      checked_at: hour - 7_200 + minute * 60,
      outcome: up ? "up" : "down",
      http_status: up ? 200 : 503,
      response_ms: 10,
      error_kind: up ? "" : "status",
      error_message: "",
    });
    await ch.insert(sql`checks`, [
      ...measured.flatMap((id, i) => [row(id, 0, true), row(id, 1, true), row(id, 2, i !== 1)]),
      row(crypto.randomUUID(), 0, true), // not in the list
    ]);
    await rollUpHours(ch, hour - 7_200, hour + 3_600);

    const maxQuerySize = await ch.maxQuerySize();
    const whole = dailyCountsQuery(literal.uuidList(ids), now);
    assert.ok(whole.text.length > maxQuerySize, "one query would be too long");
    await assert.rejects(ch.rows(whole), /Max query size exceeded/);

    // The status page's daily bars ask this query for every website they show.
    const rows = await rowsInChunks<DailyCountRow, string>(
      ch,
      ids,
      (chunk) => dailyCountsQuery(literal.uuidList(chunk), now),
    );
    const totals = new Map<string, string>();
    for (const row of rows) {
      const [n, up] = (totals.get(row.website_id) ?? "0/0").split("/").map(Number);
      totals.set(row.website_id, `${n + Number(row.n)}/${up + Number(row.up)}`);
    }
    assert.deepEqual(
      totals,
      new Map([[ids[0], "3/3"], [ids[10_001], "3/2"], [ids[19_999], "3/3"]]),
    );
  } finally {
    await ch.close();
  }
});

Deno.test("the daily bars count the hour under way from the checks, before and after its rollup, once", async () => {
  const ch = await migratedClickHouse();
  try {
    const now = new Date();
    const hour = Math.floor(now.getTime() / 3_600_000) * 3_600;
    const websiteId = crypto.randomUUID();
    // Two days when the hour under way is the first of a UTC day: the bars hold both.
    const totals = async () => {
      const rows = await ch.rows<DailyCountRow>(
        dailyCountsQuery(literal.uuidList([websiteId]), now),
      );
      const n = rows.reduce((sum, r) => sum + Number(r.n), 0);
      const up = rows.reduce((sum, r) => sum + Number(r.up), 0);
      return `${n}/${up}`;
    };
    await ch.insert(sql`checks`, [
      checkRow(websiteId, "ams", hour - 3_540, true),
      checkRow(websiteId, "ams", hour, false),
    ]);
    // Nothing rolled up yet: a monitor added a minute ago shows its first check today.
    assert.equal(await totals(), "1/0");

    await rollUpHours(ch, hour - 3_600, hour + 3_600);
    // The last hour from the rollup; this one still from the checks, not counted twice.
    assert.equal(await totals(), "2/1");

    // The same slot stored twice (a redelivered task) is one check.
    await ch.insert(sql`checks`, [
      checkRow(websiteId, "ams", hour, false, { checked_at: hour + 1 }),
    ]);
    assert.equal(await totals(), "2/1");
  } finally {
    await ch.close();
  }
});

/** A database of its own with the project's tables. */
async function migratedClickHouse() {
  const url = newClickHouseUrl();
  await migrateClickHouse(url, { retentionDays: 90 });
  return connectClickHouse(url);
}
