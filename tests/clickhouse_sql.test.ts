import assert from "node:assert/strict";
import { connectClickHouse } from "../db/clickhouse/client.ts";
import { identifier, literal } from "../db/clickhouse/sql.ts";
import { testConfig } from "./helpers/databases.ts";

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
      const [row] = await ch.rows<{ v: string }>(`SELECT ${literal.string(value)} AS v`);
      assert.equal(row.v, value);
    }
  } finally {
    await ch.close();
  }
});

Deno.test("values that cannot be rendered safely are refused", () => {
  assert.throws(() => literal.uuid("1' OR 1=1"), /not a UUID/);
  assert.throws(() => literal.int(1.5), /not a safe integer/);
  assert.throws(() => literal.int(Number.NaN), /not a safe integer/);
  assert.throws(() => literal.dateTime(new Date("nope")), /not a valid date/);
  assert.throws(() => identifier("checks; DROP"), /not a plain identifier/);
  assert.equal(literal.list([], literal.string), "(NULL)");
  assert.equal(literal.list(["a", "b"], literal.string), "('a', 'b')");
});
