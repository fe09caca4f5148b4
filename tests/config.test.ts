import assert from "node:assert/strict";
import { ConfigError, parseConfig } from "../lib/config.ts";

Deno.test("an empty environment gives the documented defaults", () => {
  const config = parseConfig({});
  assert.equal(config.databaseUrl, "postgres://postgres@127.0.0.1:5432/uptime");
  assert.equal(config.redisUrl, "redis://127.0.0.1:6379");
  assert.equal(config.clickhouseUrl, "http://127.0.0.1:8123/uptime");
  assert.equal(config.port, 8000);
  assert.equal(config.region, "local");
  assert.deepEqual(config.regions, ["local"]);
  assert.equal(config.publishIntervalMs, 180_000);
  assert.equal(config.checkTimeoutMs, 10_000);
  assert.equal(config.reclaimIdleMs, 300_000);
  assert.equal(config.allowPrivateTargets, false);
  assert.equal(config.fly, null);
  assert.equal(config.retentionDays, 90);
});

Deno.test("FLY_REGION wins over REGION, and REGIONS defaults to the region", () => {
  assert.equal(parseConfig({ REGION: "fra" }).region, "fra");
  const config = parseConfig({ REGION: "fra", FLY_REGION: "ams" });
  assert.equal(config.region, "ams");
  assert.deepEqual(config.regions, ["ams"]);
  assert.deepEqual(parseConfig({ REGIONS: "ams, iad,syd" }).regions, ["ams", "iad", "syd"]);
});

Deno.test("HEALTH_PORT and PRIMARY_REGION are off unless set", () => {
  assert.equal(parseConfig({}).healthPort, null);
  assert.equal(parseConfig({}).primaryRegion, null);
  assert.equal(parseConfig({ HEALTH_PORT: "9091" }).healthPort, 9091);
  assert.equal(parseConfig({ PRIMARY_REGION: "ams" }).primaryRegion, "ams");
});

Deno.test("Fly settings apply only when both token and app name are set", () => {
  assert.equal(parseConfig({ FLY_API_TOKEN: "t" }).fly, null);
  assert.deepEqual(parseConfig({ FLY_API_TOKEN: "t", FLY_APP_NAME: "uptime" }).fly, {
    apiToken: "t",
    appName: "uptime",
    apiUrl: "https://api.machines.dev",
  });
});

Deno.test("a tick shorter than the shortest interval is accepted", () => {
  assert.equal(parseConfig({}).publisherTickMs, 1_000);
  const config = parseConfig({ PUBLISHER_TICK_MS: "500", MIN_INTERVAL_SECONDS: "1" });
  assert.equal(config.publisherTickMs, 500);
  assert.equal(config.minIntervalSeconds, 1);
});

Deno.test("an empty variable counts as unset", () => {
  assert.equal(parseConfig({ PORT: "" }).port, 8000);
});

const invalid: [Record<string, string>, string, RegExp][] = [
  [{ DATABASE_URL: "nonsense" }, "DATABASE_URL", /postgres:\/\//],
  [{ DATABASE_URL: "mysql://x/y" }, "DATABASE_URL", /postgres:\/\//],
  [{ REDIS_URL: "http://x" }, "REDIS_URL", /redis:\/\//],
  [{ CLICKHOUSE_URL: "ftp://x" }, "CLICKHOUSE_URL", /http:\/\//],
  [{ PORT: "eighty" }, "PORT", /whole number/],
  [{ PORT: "70000" }, "PORT", /at most 65535/],
  [{ CHECK_TIMEOUT_MS: "-5" }, "CHECK_TIMEOUT_MS", /whole number/],
  [{ ALLOW_PRIVATE_TARGETS: "yes" }, "ALLOW_PRIVATE_TARGETS", /true or false/],
  [{ REGION: "Not A Region" }, "REGION", /region id/],
  [{ REGIONS: "ams,,iad" }, "REGIONS", /region id/],
  [{ LOG_LEVEL: "loud" }, "LOG_LEVEL", /debug, info, warn or error/],
  [{ HEALTH_PORT: "health" }, "HEALTH_PORT", /whole number/],
  [{ PRIMARY_REGION: "Amsterdam" }, "PRIMARY_REGION", /region id/],
  [{ DATABASE_REPLICA_URL: "mysql://x/y" }, "DATABASE_REPLICA_URL", /postgres:\/\//],
  [{ READ_YOUR_WRITES_SECONDS: "0" }, "READ_YOUR_WRITES_SECONDS", /at least 1/],
  [{ RECLAIM_IDLE_MS: "60000" }, "RECLAIM_IDLE_MS", /longest check timeout \(60000 ms\)/],
  [
    { PUBLISHER_TICK_MS: "30000" },
    "PUBLISHER_TICK_MS",
    /less than MIN_INTERVAL_SECONDS × 1000 \(30000 ms\)/,
  ],
  [
    { PUBLISHER_TICK_MS: "5000", MIN_INTERVAL_SECONDS: "5" },
    "PUBLISHER_TICK_MS",
    /MIN_INTERVAL_SECONDS/,
  ],
  [
    { PUBLISHER_TICK_MS: "2000", PUBLISH_INTERVAL_MS: "2000", MIN_INTERVAL_SECONDS: "60" },
    "PUBLISHER_TICK_MS",
    /less than PUBLISH_INTERVAL_MS \(2000 ms\)/,
  ],
  [
    { RECLAIM_IDLE_MS: "150000", CHECK_TIMEOUT_MS: "120000" },
    "RECLAIM_IDLE_MS",
    /longest check timeout \(120000 ms\) plus 30000 ms/,
  ],
];

for (const [env, variable, expected] of invalid) {
  Deno.test(`${variable}=${Object.values(env)[0]} is refused with a message naming it`, () => {
    assert.throws(() => parseConfig(env), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.variable, variable);
      assert.match(error.message, new RegExp(`^Invalid configuration: ${variable} `));
      assert.match(error.message, expected);
      return true;
    });
  });
}

Deno.test("a bad secret-bearing URL is not echoed back", () => {
  assert.throws(
    () => parseConfig({ REDIS_URL: "http://user:hunter2@x" }),
    (error: Error) => !error.message.includes("hunter2"),
  );
  assert.throws(
    () => parseConfig({ DATABASE_REPLICA_URL: "https://reader:hunter2@replica.internal/db" }),
    (error: Error) => /DATABASE_REPLICA_URL/.test(error.message) && !/hunter2/.test(error.message),
  );
});

Deno.test("a read replica is off unless DATABASE_REPLICA_URL is set; reads follow a write for 5 s", () => {
  assert.equal(parseConfig({}).databaseReplicaUrl, null);
  assert.equal(parseConfig({}).readYourWritesSeconds, 5);
  const config = parseConfig({
    DATABASE_REPLICA_URL: "postgres://reader:pw@iad.replica.internal:5432/uptime",
    READ_YOUR_WRITES_SECONDS: "10",
  });
  assert.equal(config.databaseReplicaUrl, "postgres://reader:pw@iad.replica.internal:5432/uptime");
  assert.equal(config.readYourWritesSeconds, 10);
});

Deno.test("each region's replica comes from DATABASE_REPLICA_URL_<REGION>", () => {
  const secrets = {
    DATABASE_REPLICA_URL_SIN: "postgres://reader:pw@sin.replica.internal/uptime",
    DATABASE_REPLICA_URL_US_WEST: "postgres://reader:pw@usw.replica.internal/uptime",
  };
  const sin = parseConfig({ ...secrets, FLY_REGION: "sin" });
  assert.equal(sin.databaseReplicaUrl, "postgres://reader:pw@sin.replica.internal/uptime");
  assert.equal(
    parseConfig({ ...secrets, REGION: "us-west" }).databaseReplicaUrl,
    "postgres://reader:pw@usw.replica.internal/uptime",
  );
  assert.equal(parseConfig({ ...secrets, FLY_REGION: "ams" }).databaseReplicaUrl, null);
  assert.equal(
    parseConfig({ ...secrets, FLY_REGION: "ams", DATABASE_REPLICA_URL: "postgres://r@any/u" })
      .databaseReplicaUrl,
    "postgres://r@any/u",
  );
  // Another region's bad value stops this one too: a typo fails the deploy, not one region.
  assert.throws(
    () =>
      parseConfig({ FLY_REGION: "ams", DATABASE_REPLICA_URL_SIN: "https://reader:hunter2@x/y" }),
    (error: Error) =>
      error instanceof ConfigError && error.variable === "DATABASE_REPLICA_URL_SIN" &&
      /postgres:\/\//.test(error.message) && !/hunter2/.test(error.message),
  );
});

Deno.test("APP_HOSTS, the Fly app's own host and DNS_NAMESERVER are read and checked", () => {
  const config = parseConfig({ APP_HOSTS: " Status-App.example.net., other.example.org" });
  assert.deepEqual(config.appHosts, ["status-app.example.net", "other.example.org"]);
  assert.deepEqual(parseConfig({ FLY_APP_NAME: "uptime" }).appHosts, ["uptime.fly.dev"]);
  assert.equal(config.dnsNameServer, null);
  assert.deepEqual(parseConfig({ DNS_NAMESERVER: "127.0.0.1:5353" }).dnsNameServer, {
    ipAddr: "127.0.0.1",
    port: 5353,
  });
  assert.throws(() => parseConfig({ DNS_NAMESERVER: "dns.example" }), /DNS_NAMESERVER/);
  assert.throws(() => parseConfig({ APP_HOSTS: "a b" }), /APP_HOSTS/);
});

Deno.test("without APP_URL, links and mail name the web's own port", () => {
  const config = parseConfig({ PORT: "8300" });
  assert.equal(config.appUrl, "http://localhost:8300");
  assert.equal(config.notifications.mailFrom, "Uptime <alerts@localhost>");
  assert.equal(parseConfig({}).appUrl, "http://localhost:8000");
  assert.equal(parseConfig({ PORT: "0" }).appUrl, "http://localhost:8000", "a free port");
  assert.equal(
    parseConfig({ PORT: "8300", APP_URL: "https://up.example.com" }).appUrl,
    "https://up.example.com",
  );
});
