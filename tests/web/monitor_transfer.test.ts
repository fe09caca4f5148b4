/**
 * Monitors as a file: exported with their settings from one account, imported into
 * another (as a plain upload, and in real Chromium), with what could not be added said by
 * its place in the file.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { withTimeout } from "../../lib/async.ts";
import { importMonitors } from "../../services/websites/transfer.ts";
import type { Resolver } from "../../services/websites/url_policy.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";

Deno.test("a team's monitors are exported as a file and imported into another account; what is refused is said", async () => {
  const server = await apiServer({ REGIONS: "ams,fra", MIN_INTERVAL_SECONDS: "30" });
  try {
    const ada = await server.user("ada");
    await ada.api.website.create.mutate({
      url: "https://shop.example.com/health",
      name: "Shop",
      keyword: "healthy",
      headers: { Authorization: "Bearer s3cret" },
      tags: ["production"],
      intervalSeconds: 30,
      regions: ["fra"],
      remindEveryMinutes: 30,
    });
    const db = await ada.api.website.create.mutate({ type: "tcp", url: "db.example.com:5432" });
    await ada.api.website.setActive.mutate({ id: db.id, active: false });
    await ada.api.website.create.mutate({
      type: "heartbeat",
      name: "Backup",
      intervalSeconds: 86_400,
      heartbeatGraceSeconds: 600,
    });
    const res = await ada.fetch(`${server.url}/app/monitors/export`);
    assert.equal(res.status, 200);
    assert.match(
      res.headers.get("content-disposition") ?? "",
      /^attachment; filename="uptime-monitors-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const file = await res.json();
    assert.equal(file.format, "uptime-monitors/1");
    assert.deepEqual(file.monitors[0], {
      type: "http",
      url: "https://shop.example.com/health",
      name: "Shop",
      tags: ["production"],
      intervalSeconds: 30,
      regions: ["fra"],
      method: "GET",
      headers: { Authorization: "Bearer s3cret" },
      keyword: "healthy",
      confirmations: 2,
      quorum: "half",
      remindEveryMinutes: 30,
    }, "what it was given, not the deployment's defaults (timeout, certificate warning)");
    assert.deepEqual(
      [file.monitors[1].url, file.monitors[1].active],
      ["tcp://db.example.com:5432", false],
    );
    assert.deepEqual(
      [file.monitors[2].type, file.monitors[2].url, file.monitors[2].heartbeatGraceSeconds],
      ["heartbeat", undefined, 600],
    );
    assert.ok(!JSON.stringify(file).includes("/api/heartbeat/"), "no heartbeat address");

    // Into another account, with a region this deployment lacks and a monitor it refuses.
    file.monitors[0].regions = ["fra", "syd"];
    file.monitors.push({ url: "ftp://files.example.com/", name: "<b>FTP</b>" });
    const bob = await server.user("bob");
    const upload = (text: string) => {
      const form = new FormData();
      form.append("file", new Blob([text], { type: "application/json" }), "monitors.json");
      return bob.fetch(`${server.url}/app/monitors/import`, {
        method: "POST",
        headers: { origin: server.url },
        body: form,
      });
    };
    const imported = await upload(JSON.stringify(file));
    assert.equal(imported.status, 200);
    const page = await imported.text();
    assert.match(page, /Added 3 monitors; 1 could not be added, as listed below\./);
    assert.match(page, /Monitor 4 \(&lt;b>FTP&lt;\/b>\)<\/span>: url: /);
    const bobs = await bob.api.website.list.query();
    // Paused stays paused; a heartbeat waits for its job to call its new address.
    assert.deepEqual(bobs.map((w) => [w.type, w.name, w.regions, w.active]), [
      ["http", "Shop", ["fra"], true],
      ["tcp", null, ["ams", "fra"], false],
      ["heartbeat", "Backup", ["ams"], false],
    ]);
    const shop = await bob.api.website.get.query({ id: bobs[0].id });
    assert.deepEqual(
      [shop.keyword, shop.headers, shop.tags, shop.remindEveryMinutes, shop.notificationIds],
      ["healthy", { Authorization: "Bearer s3cret" }, ["production"], 30, null],
    );
    const [adaBackup, bobBackup] = [
      (await ada.api.website.list.query())[2],
      bobs[2],
    ];
    assert.notEqual(bobBackup.heartbeat!.pingUrl, adaBackup.heartbeat!.pingUrl);

    // The same file again, with a string where a monitor should be: nothing is doubled.
    file.monitors.push("https://example.com/");
    const again = await (await upload(JSON.stringify(file))).text();
    assert.match(
      again,
      /Added 0 monitors; 3 were already here; 2 could not be added, as listed below\./,
    );
    assert.match(again, /Monitor 1 \(Shop\)<\/span>: already here, left as it is/);
    assert.match(
      again,
      /Monitor 5 \(https:\/\/example.com\/\)<\/span>: not a monitor: expected its settings/,
    );

    for (
      const [text, said] of [
        ["not json", /Not JSON; choose a file exported from Uptime/],
        [`{"monitors": []}`, /Not a file of monitors exported from Uptime/],
        ["", /The file is empty: choose one made by Export monitors\./],
      ] as const
    ) {
      const refused = await upload(text);
      assert.equal(refused.status, 400);
      assert.match(await refused.text(), said);
    }
    const none = await (await upload(`{"format": "uptime-monitors/1", "monitors": []}`)).text();
    assert.match(none, /The file holds no monitors: nothing was added\./);
    assert.match(again, /<h2[^>]*>Already here<\/h2>/);
    assert.match(again, /<h2[^>]*>Not added<\/h2>/);
    // A file input left empty sends a part with no name and nothing in it.
    const unnamed = new FormData();
    unnamed.append("file", new Blob([]), "");
    const unchosen = await bob.fetch(`${server.url}/app/monitors/import`, {
      method: "POST",
      headers: { origin: server.url },
      body: unnamed,
    });
    assert.equal(unchosen.status, 400);
    assert.match(await unchosen.text(), /Choose the file to import\./);
    assert.equal((await bob.api.website.list.query()).length, 3, "nothing more was added");
  } finally {
    await server.close();
  }
});

Deno.test("an import looks its hosts up together, each once, and adds the monitors in the file's order", async () => {
  const server = await apiServer({ ALLOW_PRIVATE_TARGETS: "false" });
  try {
    const ada = await server.user("ada");
    const actor = { userId: ada.user.id, accountId: ada.user.id };
    const monitors = [
      ...Array.from({ length: 10 }, (_, i) => ({
        url: `https://site${i}.example.com/`,
        name: `Site ${i}`,
      })),
      { type: "tcp", url: "site3.example.com:5432", name: "Site 3 database" },
      { url: "https://inside.example.com/", name: "Inside" },
    ];
    const hosts = new Set(monitors.map(({ url }) => url.replace(/^\w+:\/\//, "").split(/[:/]/)[0]));
    // A DNS that answers nobody until every host is being looked up: a file of monitors
    // looked up one at a time would wait here, and each would be refused as unresolvable.
    const asked: string[] = [];
    let allAsked!: () => void;
    const everyHostAsked = new Promise<void>((resolve) => allAsked = resolve);
    const dns: Resolver = async (hostname) => {
      asked.push(hostname);
      if (asked.length === hosts.size) allAsked();
      await withTimeout(everyHostAsked, 2_000, "waiting for the other lookups");
      return hostname === "inside.example.com" ? ["10.0.0.7"] : ["93.184.215.14"];
    };
    const file = JSON.stringify({
      format: "uptime-monitors/1",
      exportedAt: new Date().toISOString(),
      monitors,
    });
    const outcome = await importMonitors(server.services, actor, file, dns);
    assert.deepEqual(
      outcome.added.map((monitor) => monitor.name),
      monitors.slice(0, 11).map((monitor) => monitor.name),
    );
    assert.deepEqual(outcome.refused, [{
      index: 12,
      name: "Inside",
      error:
        "url: inside.example.com resolves to a private address (only public addresses are allowed; a self-hosted installation allows private ones with ALLOW_PRIVATE_TARGETS=true)",
    }]);
    assert.equal(hosts.size, 11);
    assert.deepEqual(asked.toSorted(), [...hosts].sort(), "each host looked up once");
    assert.equal((await ada.api.website.list.query()).length, 11);
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "in Chromium: export from the Monitors page, import into an empty account",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const ada = await server.user("ada");
      await ada.api.website.create.mutate({ url: "https://a.example.com/", name: "Alpha" });
      await ada.api.website.create.mutate({ url: "https://b.example.com/", name: "Beta" });
      const adaTab = await (await signedInContext(browser, server.url, ada.jar)).newPage();
      await adaTab.goto(`${server.url}/app`);
      const [download] = await Promise.all([
        adaTab.waitForEvent("download"),
        adaTab.getByRole("link", { name: "Export monitors" }).click(),
      ]);
      const saved = await download.path();

      const bob = await server.user("bob");
      const context = await signedInContext(browser, server.url, bob.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app`);
      await page.getByRole("link", { name: "Import monitors" }).click();
      await page.getByLabel("File of monitors").setInputFiles(saved!);
      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("button", { name: "Import monitors" }).click(),
      ]);
      await page.getByText("Added 2 monitors.").waitFor();
      await screenshots(page, "monitors-imported");
      // The same file again adds nothing, and says so.
      await page.getByLabel("File of monitors").setInputFiles(saved!);
      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("button", { name: "Import monitors" }).click(),
      ]);
      await page.getByText("Added 0 monitors; 2 were already here, as listed below.").waitFor();
      await page.getByText("Monitor 2 (Beta): already here, left as it is").waitFor();
      await screenshots(page, "monitors-imported-again");
      await page.getByRole("link", { name: "See your monitors" }).click();
      await page.getByRole("link", { name: "Beta" }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
