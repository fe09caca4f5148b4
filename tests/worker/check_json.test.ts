/**
 * An HTTP check's JSON assertion against a local server: a value at a path, as text or as
 * JSON; what is not there, not JSON or too big is down with a message that says so and
 * keeps the answer; keywords still apply; a path cannot reach past the body's own data.
 */
import assert from "node:assert/strict";
import { runCheck } from "../../worker/check/mod.ts";
import { judgeJson, parseJsonPath } from "../../lib/json_assertion.ts";
import { checkRequest, startServer } from "./check_servers.ts";

const open = { allowPrivateTargets: true };

const HEALTH = {
  status: "ok",
  version: 12,
  ready: true,
  maintenance: false,
  db: null,
  "queue depth": 3,
  checks: [{ name: "db", ok: true }, { name: "cache", ok: false }],
};

Deno.test("a JSON path's value decides the check: as text, as JSON, or just there", async () => {
  const server = startServer((_req, url) =>
    url.pathname === "/html"
      ? new Response("<html>ok</html>")
      : url.pathname === "/big"
      ? new Response(`{"pad":"${"x".repeat(2 * 1024 * 1024)}"}`)
      : Response.json(url.pathname === "/degraded" ? { ...HEALTH, status: "degraded" } : HEALTH)
  );
  const check = (path: string, jsonPath: string, jsonExpected: string | null = null, more = {}) =>
    runCheck(checkRequest(`${server.origin}${path}`, { jsonPath, jsonExpected, ...more }), open);
  try {
    const holds: [string, string | null][] = [
      ["$.status", "ok"],
      ["$.version", "12"],
      ["$.ready", "true"],
      ["$.ready", null],
      ['$["queue depth"]', "3"],
      ["$.checks[1].name", "cache"],
      ["$.checks[0]", '{"name":"db","ok":true}'],
      // The same value however it is written: quoted, with spaces, keys in another order.
      ["$.status", '"ok"'],
      ["$.version", "12.0"],
      ["$.checks[0]", '{ "ok": true, "name": "db" }'],
    ];
    for (const [path, expected] of holds) {
      const result = await check("/", path, expected);
      assert.equal(result.outcome, "up", `${path} = ${expected}: ${result.errorMessage}`);
    }

    const fails: [string, string, string | null, string][] = [
      ["/degraded", "$.status", "ok", '$.status is "degraded", expected "ok"'],
      ["/", "$.version", "13", "$.version is 12, expected 13"],
      ["/", "$.checks[1].ok", "true", "$.checks[1].ok is false, expected true"],
      ["/", "$.checks[5].ok", "true", "$.checks[5].ok is not in the response"],
      ["/", "$.uptime", null, "$.uptime is not in the response"],
      ["/", "$.maintenance", null, "$.maintenance is false"],
      ["/", "$.db", null, "$.db is null"],
      // A string is not an object: its length is no step into the answer.
      ["/", "$.status.length", null, "$.status.length is not in the response"],
      // Nor is what every object inherits.
      ["/", "$.constructor", null, "$.constructor is not in the response"],
      ["/html", "$.status", "ok", "the response body is not JSON"],
      ["/big", "$.pad", null, "the response body is over 1 MiB"],
    ];
    for (const [path, jsonPath, expected, message] of fails) {
      const result = await check(path, jsonPath, expected);
      assert.deepEqual(
        [result.outcome, result.errorKind, result.errorMessage, result.httpStatus],
        ["down", "json", message, 200],
        `${path} ${jsonPath}`,
      );
    }
    // What failed it is kept, to see why.
    const degraded = await check("/degraded", "$.status", "ok");
    assert.match(degraded.response ?? "", /^HTTP 200\n[\s\S]*\n\n\{"status":"degraded"/);

    // The keywords still apply beside it, and name themselves.
    const both = await check("/", "$.status", "ok", { keyword: '"ready":true' });
    assert.equal(both.outcome, "up", both.errorMessage);
    const forbidden = await check("/", "$.status", "ok", { forbiddenKeyword: "cache" });
    assert.deepEqual(
      [forbidden.errorKind, forbidden.errorMessage],
      ["keyword", "forbidden keyword found in response body"],
    );
  } finally {
    await server.close();
  }
});

Deno.test('a JSON path is $ and steps of .name, ["name"] or [index], and nothing else', () => {
  assert.deepEqual(parseJsonPath("$"), []);
  assert.deepEqual(parseJsonPath(' $.a["b c"][2].d_e-f '), ["a", "b c", 2, "d_e-f"]);
  assert.deepEqual(parseJsonPath('$["say \\"hi\\""]'), ['say "hi"']);
  for (
    const [path, error] of [
      ["status", "start with $, as in $.status"],
      ["$.a[?(@.x)]", '"[?(@.x)]" is not a step: use .name, ["name"] or [0]'],
      ["$..a", '"..a" is not a step: use .name, ["name"] or [0]'],
      ["$.a[-1]", '"[-1]" is not a step: use .name, ["name"] or [0]'],
      ['$["a\\q"]', '"a\\q" has an escape JSON does not know'],
      ['$["a\tb"]', "one line, without control characters"],
      [`$.${"a".repeat(200)}`, "at most 200 characters"],
    ]
  ) {
    assert.deepEqual(parseJsonPath(path), { error }, path);
  }
  // The whole answer, compared as JSON.
  assert.equal(judgeJson("[1,2]", "$", "[1,2]"), null);
  assert.equal(judgeJson('"ok"', "$", "ok"), null);
});
