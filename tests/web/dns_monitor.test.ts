/**
 * A DNS monitor from the dashboard: added with the plain form (no JavaScript) and in real
 * Chromium, checked by a real publisher and worker against a local DNS server, down on the
 * monitor's page without a reload when the record changes.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { spawnProcess } from "../helpers/processes.ts";
import { startDnsServer } from "../helpers/dns_server.ts";
import { form } from "../helpers/forms.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";

const XSS = "<img src=x onerror=alert(1)>";

Deno.test("a DNS monitor is added with the plain form; its fields say what is wrong", async () => {
  const server = await apiServer({ REGIONS: "local", ALLOW_PRIVATE_TARGETS: "false" });
  try {
    const { fetch: browser } = await server.user();
    const fields = (over: Record<string, string>) => ({
      type: "dns",
      url: "",
      name: "",
      dns_name: "example.com",
      dns_type: "MX",
      dns_server: "9.9.9.9",
      dns_expected: "",
      interval: "60",
      timeout: "10",
      regions: "local",
      ...over,
    });
    const add = (over: Record<string, string>) =>
      browser(`${server.url}/app/monitors/new`, form(fields(over)));

    // Each part's problem is shown at its own field, escaped.
    const refused = await add({ dns_name: XSS });
    assert.equal(refused.status, 400);
    const page = await refused.text();
    assert.match(
      page,
      /id="dns_name-error"[^>]*>⚠ Domain name: &lt;img src=x onerror=alert\(1\)> is not one/,
    );
    assert.doesNotMatch(page, /<img src=x/);
    const namedServer = await add({ dns_server: "dns.google" });
    assert.match(
      await namedServer.text(),
      /id="dns_server-error"[^>]*>⚠ DNS server: dns\.google is not an IP address/,
    );
    const privateServer = await add({ dns_server: "10.0.0.53" });
    assert.match(
      await privateServer.text(),
      /id="dns_server-error"[^>]*>⚠ DNS server: 10\.0\.0\.53 is a private address/,
    );
    const badAnswer = await add({ dns_type: "A", dns_expected: "mail.example.com" });
    assert.match(
      await badAnswer.text(),
      /id="dns_expected-error"[^>]*>⚠ An A record.s expected answer is an IPv4 address/,
    );

    const added = await add({ dns_expected: "10 mx.example.com" });
    await added.body?.cancel();
    assert.equal(added.status, 303);
    const [row] = await server.services.sql`
      select id, name, url, keyword from websites where type = 'dns'`;
    assert.equal(row.url, "dns://9.9.9.9/example.com?type=MX");
    assert.equal(row.name, null);
    assert.equal(row.keyword, "10 mx.example.com");

    // The monitors list and the edit form read the question back in parts.
    const list = await (await browser(`${server.url}/app`)).text();
    assert.match(list, />DNS MX example\.com via 9\.9\.9\.9<\/span>/);
    // Unnamed, it goes by the name it looks up.
    const detail = await (await browser(`${server.url}/app/monitors/${row.id}`)).text();
    assert.match(detail, /<h1[^>]*>example\.com<\/h1>/);
    const edit = await (await browser(`${server.url}/app/monitors/${row.id}/edit`)).text();
    assert.match(edit, /name="dns_name"[^>]*value="example\.com"/);
    assert.match(edit, /<option\s+value="MX" selected>/);
    assert.match(edit, /name="dns_server"[^>]*value="9\.9\.9\.9"/);
    assert.match(edit, /name="dns_expected"[^>]*value="10 mx\.example\.com"/);
    const changed = await browser(
      `${server.url}/app/monitors/${row.id}/edit`,
      form(fields({ dns_type: "NS", dns_server: "[2620:fe::fe]:5353", dns_expected: "" })),
    );
    await changed.body?.cancel();
    assert.equal(changed.status, 303);
    const [after] = await server.services
      .sql`select url, keyword from websites where id = ${row.id}`;
    assert.equal(after.url, "dns://[2620:fe::fe]:5353/example.com?type=NS");
    assert.equal(after.keyword, null);
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "in Chromium: add a DNS monitor, see it up, and down live when the record changes",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dns = await startDnsServer();
    dns.zone.set("shop.example.com", { A: ["93.184.216.34"] });
    const env = { REGIONS: "local", MIN_INTERVAL_SECONDS: "1", PUBLISHER_TICK_MS: "500" };
    const server = await apiServer(env);
    const processEnv = { ...server.bed.env, ...env, LOG_LEVEL: "warn" };
    const publisher = spawnProcess("publisher/main.ts", processEnv);
    const worker = spawnProcess("worker/main.ts", processEnv);
    const browser = await launchChromium();
    try {
      const { jar } = await server.user();
      const context = await signedInContext(browser, server.url, jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app/monitors/new`);
      // Until its script runs the form shows every type's fields; then an HTTP form's.
      await page.getByLabel("Name to look up").waitFor({ state: "detached" });
      const shown = (label: string) => page.getByLabel(label, { exact: true }).isVisible();
      await page.getByLabel("Monitor type").selectOption("dns");
      // The form shows what a DNS monitor uses, and nothing of HTTP's.
      assert.deepEqual(
        await Promise.all(
          ["URL", "Method", "Keyword", "Name to look up", "Record type", "DNS server"].map(shown),
        ),
        [false, false, false, true, true, true],
      );
      assert.equal(await page.getByLabel("DNS server").inputValue(), "1.1.1.1");
      await page.getByLabel("Record type").selectOption("MX");
      await page.getByText("Optional: down unless an answer contains this text").waitFor();
      await page.getByLabel("Record type").selectOption("A");
      await page.getByText("Optional: down unless one of the addresses is this one.").waitFor();

      await page.getByLabel("Name to look up").fill("shop.example.com");
      await page.getByLabel("DNS server").fill(`127.0.0.1:${dns.port}`);
      await page.getByLabel("Expected answer").fill("93.184.216.34");
      await page.getByLabel("Name", { exact: true }).fill(XSS);
      await page.getByLabel("Check interval").selectOption("custom");
      await page.getByLabel("Custom interval (seconds)").fill("2");
      await page.getByLabel("Confirmations").fill("1");
      // Nothing is wrong with the form: the URL the HTTP type needed is not asked for.
      assert.equal(await page.getByText("before this can be saved").count(), 0);
      await screenshots(page, "dns-monitor-new");
      await page.getByRole("button", { name: "Add monitor" }).click();
      await page.waitForURL(/\/app\/monitors\/[0-9a-f-]{36}\?notice=created$/);
      await page.getByText(`DNS A shop.example.com via 127.0.0.1:${dns.port}`).waitFor();
      // The name is text: nothing ran.
      assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), XSS);

      const region = (words: string) =>
        page.locator("[data-region=local]").getByLabel(`local: ${words}`, { exact: true });
      await region("up").waitFor({ timeout: 30_000 });
      await page.evaluate(() => (globalThis as { stayed?: boolean }).stayed = true);
      dns.zone.set("shop.example.com", { A: ["203.0.113.9"] });
      await region("down").waitFor({ timeout: 30_000 });
      assert.equal(await page.evaluate(() => (globalThis as { stayed?: boolean }).stayed), true);
      await page.getByText('no answer holds "93.184.216.34"; the answers: 203.0.113.9')
        .filter({ visible: true }).first().waitFor();
      await screenshots(page, "dns-monitor-down");

      // Today's bar opens the day's card, which links the incident the change opened.
      await page.reload();
      const today = new Date().toISOString().slice(0, 10);
      await page.getByRole("group", { name: "Daily uptime, last 90 days" })
        .locator(`button[data-day="${today}"]`).click();
      const card = page.locator(`[data-day-card="${today}"]`);
      const down = card.getByRole("link", { name: /^Down since \d\d:\d\d UTC \(ongoing, / });
      assert.match(await down.getAttribute("href") ?? "", /^\/app\/incidents\/[0-9a-f-]{36}$/);
      await screenshots(page, "dns-monitor-day-card");
      assert.deepEqual(problems.filter((p) => !p.includes("favicon")), []);
      await context.close();
    } finally {
      await closeBrowser(browser);
      await worker.stop();
      await publisher.stop();
      await server.close();
      await dns.close();
    }
  },
});
