/**
 * DNS monitors: the check against a local DNS server that answers from a zone the test
 * sets (UDP, RFC 1035), and a monitor added through the API, checked by a real publisher
 * and worker.
 */
import assert from "node:assert/strict";
import { blockReason } from "../../lib/address_policy.ts";
import { parseDnsTarget } from "../../lib/dns_target.ts";
import { runDnsCheck } from "../../worker/check/dns.ts";
import { startDnsServer } from "../helpers/dns_server.ts";
import { apiServer, errorMessage } from "../helpers/api.ts";
import { eventually, publisherFor, startWorker } from "../helpers/pipeline.ts";

const open = { allowPrivateTargets: true };

Deno.test("a DNS check is up when the server answers, and holds the expected answer when one is set", async () => {
  const dns = await startDnsServer();
  const at = (name: string, type: string) => `dns://127.0.0.1:${dns.port}/${name}?type=${type}`;
  const check = (url: string, expected: string | null = null) =>
    runDnsCheck({ url, expected, timeoutMs: 3_000 }, open);
  try {
    dns.zone.set("example.com", {
      A: ["93.184.216.34", "93.184.216.35"],
      AAAA: ["2001:db8::1"],
      MX: ["10 mail.example.com", "20 backup.example.com"],
      NS: ["ns1.example.net"],
      TXT: ["v=spf1 include:_spf.example.com ~all"],
      CAA: ["0 issue letsencrypt.org"],
    });
    dns.zone.set("www.example.com", { CNAME: "shop.example.net." });

    const up = await check(at("example.com", "A"));
    assert.equal(up.outcome, "up", up.errorMessage);
    assert.equal(up.httpStatus, 0);
    assert.equal(up.timings.dnsMs, up.responseMs);
    assert.deepEqual(dns.queries.at(-1), "example.com A");

    // The expected answer: an address among the A/AAAA answers, however it is spelt.
    assert.equal((await check(at("example.com", "A"), "93.184.216.35")).outcome, "up");
    assert.equal((await check(at("example.com", "AAAA"), "2001:DB8:0::1")).outcome, "up");
    const moved = await check(at("example.com", "A"), "93.184.216.3");
    assert.equal(moved.outcome, "down");
    assert.equal(moved.errorKind, "answer");
    assert.equal(
      moved.errorMessage,
      'no answer holds "93.184.216.3"; the answers: 93.184.216.34, 93.184.216.35',
    );
    // Other types: text within an answer as dig +short prints it, any case, final dot or not.
    for (
      const [type, expected] of [
        ["MX", "10 Mail.Example.com."],
        ["NS", "ns1.example.net"],
        ["TXT", "v=spf1"],
        ["CAA", 'issue "letsencrypt.org"'],
      ]
    ) {
      const result = await check(at("example.com", type), expected);
      assert.equal(result.outcome, "up", `${type}: ${result.errorMessage}`);
    }
    const cname = await check(at("www.example.com", "CNAME"), "shop.example.org");
    assert.equal(
      cname.errorMessage,
      'no answer holds "shop.example.org"; the answers: shop.example.net',
    );
    const noMx = await check(at("example.com", "MX"), "mx.example.org");
    assert.match(noMx.errorMessage, /the answers: 10 mail\.example\.com, 20 backup\.example\.com$/);
    // Whole words: a name is not found inside a longer one.
    assert.equal((await check(at("example.com", "MX"), "il.example.com")).outcome, "down");
    assert.equal((await check(at("example.com", "MX"), "mail.example.com.")).outcome, "up");
    // TXT as dig prints it, quotes and all; its case counts (verification tokens).
    assert.equal(
      (await check(at("example.com", "TXT"), '"v=spf1 include:_spf.example.com ~all"')).outcome,
      "up",
    );
    assert.equal((await check(at("example.com", "TXT"), "V=SPF1")).outcome, "down");

    // A name that does not exist, and one that has no record of the type.
    const missing = await check(at("gone.example.com", "A"));
    assert.equal(missing.outcome, "down");
    assert.equal(missing.errorKind, "dns");
    assert.match(missing.errorMessage, /^no A record for gone\.example\.com/);
    assert.equal((await check(at("www.example.com", "MX"))).errorKind, "dns");

    // A server that never answers: down at the monitor's timeout, neither sooner (Deno's
    // resolver gives up after about 2 s of its own) nor later.
    dns.zone.set("slow.example.com", { silent: true });
    const started = performance.now();
    const silent = await runDnsCheck(
      { url: at("slow.example.com", "A"), expected: null, timeoutMs: 3_500 },
      open,
    );
    assert.equal(silent.errorKind, "timeout");
    assert.equal(silent.errorMessage, "timed out after 3500 ms");
    const took = performance.now() - started;
    assert.ok(took >= 3_400 && took < 5_500, `ended at its timeout, after ${took} ms`);

    // Slower than the degraded threshold: up, marked degraded.
    const degraded = await runDnsCheck(
      { url: at("example.com", "A"), expected: null, timeoutMs: 3_000, degradedMs: -1 },
      open,
    );
    assert.equal(degraded.outcome, "up");
    assert.equal(degraded.degraded, true);
  } finally {
    await dns.close();
  }
});

Deno.test("a DNS check asks only a public server when the guard is on", async () => {
  const dns = await startDnsServer();
  dns.zone.set("example.com", { A: ["93.184.216.34"] });
  try {
    const url = `dns://127.0.0.1:${dns.port}/example.com?type=A`;
    const blocked = await runDnsCheck({ url, expected: null, timeoutMs: 2_000 }, {
      allowPrivateTargets: false,
    });
    assert.equal(blocked.outcome, "down");
    assert.equal(blocked.errorKind, "blocked");
    assert.equal(blocked.errorMessage, "the DNS server 127.0.0.1 is a loopback address");
    assert.deepEqual(dns.queries, [], "no query was sent");

    // A rule that takes 127.0.0.1 for public lets the same check through.
    const asked = await runDnsCheck({ url, expected: null, timeoutMs: 2_000 }, {
      allowPrivateTargets: false,
      addressRule: (ip) => ip === "127.0.0.1" ? null : blockReason(ip),
    });
    assert.equal(asked.outcome, "up", asked.errorMessage);
  } finally {
    await dns.close();
  }
});

Deno.test("DNS targets: one spelling of a question, and a refusal naming the part that is wrong", () => {
  assert.deepEqual(parseDnsTarget("dns://[2606:4700:4700:0::1111]:5353/Example.COM.?type=mx"), {
    server: "2606:4700:4700::1111",
    port: 5353,
    name: "example.com",
    recordType: "MX",
  });
  assert.deepEqual(parseDnsTarget("dns:bücher.example"), {
    server: "1.1.1.1",
    port: 53,
    name: "xn--bcher-kva.example",
    recordType: "A",
  });
  // RFC 4501's own example: class and type separated by ";", keys in any case.
  assert.equal(parseDnsTarget("dns://1.1.1.1/example.com?tYpE=mx").recordType, "MX");
  assert.equal(parseDnsTarget("dns://8.8.8.8:5353/example.com").port, 5353);
  assert.equal(
    parseDnsTarget("dns://192.168.1.1/ftp.example.org?class=IN;type=AAAA").recordType,
    "AAAA",
  );
  assert.equal(
    parseDnsTarget("dns://9.9.9.9/_dmarc.example.com?type=TXT").name,
    "_dmarc.example.com",
  );
  for (
    const [uri, message] of [
      ["dns://dns.google/example.com", /: DNS server: dns\.google is not an IP address/],
      ["dns://1.1.1.1:70000/example.com", /: DNS server: port 70000 is out of range/],
      ["dns://1.1.1.1:25/example.com", /: DNS server: port 25 is not allowed; DNS is port 53/],
      ["dns://1.1.1.1:6666/example.com", /: DNS server: port 6666 is not allowed/],
      ["dns://[fe80::1%25eth0]/example.com", /: DNS server: \[fe80::1%eth0\] is not an IP/],
      ["dns://1.1.1.1%25eth0/example.com", /: DNS server: 1\.1\.1\.1%eth0 is not an IP/],
      ["dns://08.8.8.8/example.com", /: DNS server: 08\.8\.8\.8 is not an IP address/],
      ["dns://%5B1.1.1.1/example.com", /: DNS server: \[1\.1\.1\.1 is not an IP address/],
      ["dns://1.1.1.1/exa mple.com", /: domain name: exa mple\.com is not one/],
      ["dns://1.1.1.1/ü@evil.com", /: domain name: ü@evil\.com is not one/],
      ["dns://1.1.1.1/", /: domain name: enter the name to look up/],
      ["dns://1.1.1.1/example.com?type=ANY", /: record type: expected one of A, AAAA/],
      ["dns://1.1.1.1/example.com?class=CH;type=TXT", /: record type: only the IN class/],
      ["dns://1.1.1.1/example.com?typo=MX", /: record type: unknown query part "typo"/],
      ["https://example.com", /: expected dns:\/\/<server>\/<name>\?type=<record type>/],
    ] as const
  ) {
    assert.throws(() => parseDnsTarget(uri), message, uri);
  }
});

Deno.test("a DNS monitor added through the API is checked by the worker, and alerts when the answer changes", async () => {
  const dns = await startDnsServer();
  dns.zone.set("shop.example.com", { A: ["93.184.216.34"] });
  const server = await apiServer({ REGIONS: "ams" });
  const worker = startWorker(server.bed, "ams");
  try {
    const { api } = await server.user();
    const monitor = await api.website.create.mutate({
      type: "dns",
      url: `dns://127.0.0.1:${dns.port}/Shop.Example.com?type=A`,
      keyword: "93.184.216.34",
      intervalSeconds: 60,
      confirmations: 1,
    });
    assert.equal(monitor.type, "dns");
    assert.equal(monitor.url, `dns://127.0.0.1:${dns.port}/shop.example.com?type=A`);
    assert.equal(monitor.name, null, "unnamed: the pages call it by the name it looks up");
    assert.equal(monitor.keyword, "93.184.216.34");

    const publisher = publisherFor(server.bed);
    const checks = async () => (await api.website.checks.query({ id: monitor.id })).checks;
    assert.equal((await publisher.runCycle()).tasks, 1);
    await eventually(async () => (await checks()).length === 1, 20_000, "the first check");
    const [first] = await checks();
    assert.equal(first.outcome, "up", first.errorMessage);

    // The record moves: the next check is down and opens an incident that says why.
    dns.zone.set("shop.example.com", { A: ["203.0.113.9"] });
    await publisher.runCycle(new Date(Date.now() + 60_000));
    await eventually(async () => (await checks()).length === 2, 20_000, "the second check");
    const [second] = await checks();
    assert.equal(second.outcome, "down");
    assert.equal(second.errorKind, "answer");
    assert.equal(second.errorMessage, 'no answer holds "93.184.216.34"; the answers: 203.0.113.9');
    const { incidents } = await api.incident.list.query({ websiteId: monitor.id });
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0].cause.errorMessage, second.errorMessage);

    // An update re-reads the question and judges the expected answer against its type.
    const moved = await api.website.update.mutate({
      id: monitor.id,
      url: `dns://127.0.0.1:${dns.port}/shop.example.com?type=AAAA`,
      keyword: null,
    });
    assert.equal(moved.url.endsWith("?type=AAAA"), true);
    assert.match(
      await errorMessage(api.website.update.mutate({ id: monitor.id, keyword: "203.0.113.9" })),
      /keyword: an AAAA record's expected answer is an IPv6 address/,
    );
  } finally {
    await worker.stop();
    await server.close();
    await dns.close();
  }
});

Deno.test("the API refuses a DNS monitor that asks a private server, is malformed, or uses HTTP settings", async () => {
  const server = await apiServer({ ALLOW_PRIVATE_TARGETS: "false" });
  try {
    const { api } = await server.user();
    const plain = await api.website.create.mutate({ type: "dns", url: "dns:example.com" });
    assert.equal(plain.url, "dns://1.1.1.1/example.com?type=A");
    const named = await api.website.create.mutate({
      type: "dns",
      url: "dns://[2606:4700:4700::1111]/example.com?type=MX",
      name: "Mail",
      keyword: "mx.example.com",
    });
    assert.equal(named.name, "Mail");
    assert.equal((await api.website.update.mutate({ id: named.id, name: null })).name, null);

    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { url: "dns://10.0.0.53/example.com" },
        /url: DNS server: 10\.0\.0\.53 is a private address/,
      ],
      [{ url: "dns://127.0.0.1:5353/example.com" }, /url: DNS server: 127\.0\.0\.1 is a loopback/],
      [{ url: "dns://1.1.1.1/example.com?type=PTR" }, /url: record type: expected one of/],
      [{ url: "dns://1.1.1.1/-" }, /url: domain name: - is not one/],
      [
        { url: "dns:example.com?type=AAAA", keyword: "[2001:db8::1]" },
        /keyword: an AAAA record's expected answer is an IPv6 address/,
      ],
      [
        { url: "dns:example.com", keyword: "010.1.1.1" },
        /keyword: an A record's expected answer is an IPv4 address/,
      ],
      [{ url: "example.com" }, /url: expected dns:\/\/<server>\/<name>\?type=<record type>/],
      [
        { url: "dns:example.com", keyword: "example.org" },
        /keyword: an A record's expected answer is an IPv4 address/,
      ],
      [
        { url: "dns:example.com", forbiddenKeyword: "x" },
        /forbiddenKeyword: only http monitors use it, not dns/,
      ],
      [{ url: "dns:example.com", method: "POST" }, /method: only http monitors use it, not dns/],
      [{}, /url: required/],
    ];
    for (const [input, message] of cases) {
      // deno-lint-ignore no-explicit-any
      const call = api.website.create.mutate({ type: "dns", ...input } as any);
      assert.match(await errorMessage(call), message, JSON.stringify(input));
    }
  } finally {
    await server.close();
  }
});
