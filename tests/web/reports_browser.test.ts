/**
 * The Reports page in real Chromium: reached from the header, the last 30 days unless
 * chosen, one-click periods, a custom period and a tag from its GET form (with JavaScript
 * off too), a refused period named at its field, the CSV it downloads, an account with no
 * monitors, and a monitor's name that is markup staying text.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";
import { insertRows } from "../helpers/seed_checks.ts";
import { checkRow } from "../helpers/incidents.ts";
import type { CheckRow } from "../../db/clickhouse/check_row.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const XSS = `<img src=x onerror=alert(1)> API <script>alert(2)</script>`;
const day = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);

Deno.test({
  name: "a person reads how every monitor did last month and downloads it as CSV",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer({ REGIONS: "ams,iad" });
    const browser = await launchChromium();
    try {
      const owner = await server.user("owner");
      const create = (name: string, tags: string[]) =>
        owner.api.website.create.mutate({ url: "https://example.com/", name, tags });
      const shop = await create("Shop", ["production"]);
      const api = await create(XSS, ["production"]);
      const blog = await create("Blog", ["marketing"]);
      await server.bed.pg.sql`update websites set created_at = now() - interval '40 days'`;
      const today = Math.floor(Date.now() / DAY);
      const rows: CheckRow[] = [];
      // Every 6 hours for 20 days, both regions; the API failed one afternoon in ams.
      for (let d = 1; d <= 20; d++) {
        for (let h = 0; h < 24; h += 6) {
          const slot = ((today - d) * DAY + h * HOUR) / 1000;
          for (const region of ["ams", "iad"]) {
            rows.push(checkRow(shop.id, region, slot, true, { response_ms: 80 + h }));
            rows.push(checkRow(blog.id, region, slot, true, { response_ms: 200 + h }));
            const down = d === 4 && h === 12 && region === "ams";
            rows.push(checkRow(api.id, region, slot, !down, { response_ms: 120 + d }));
          }
        }
      }
      await insertRows(server, rows);
      const started = (today - 4) * DAY + 12 * HOUR;
      await server.bed.pg.sql`
        insert into incidents (website_id, started_at, resolved_at, acknowledged_at,
          cause_error_kind, cause_error_message, cause_http_status, regions, total_regions)
        values (${api.id}, ${new Date(started).toISOString()},
          ${new Date(started + 25 * 60_000).toISOString()},
          ${new Date(started + 4 * 60_000).toISOString()}, 'status',
          'expected 2xx or 3xx, got 503', 503, ${["ams"]}, 2)`;

      const context = await signedInContext(browser, server.url, owner.jar);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}/app`);
      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("link", { name: "Reports" }).click(),
      ]);
      assert.equal(new URL(page.url()).pathname, "/app/reports");
      await page.getByRole("heading", { name: "Reports" }).waitFor();
      const periods = page.getByRole("navigation", { name: "Periods" });
      assert.equal(
        await periods.getByRole("link", { name: "Last 30 days" }).getAttribute("aria-current"),
        "page",
        "the last 30 days, unless chosen",
      );
      assert.equal(await page.getByLabel("From", { exact: true }).inputValue(), day(today - 29));
      assert.equal(await page.getByLabel("To", { exact: true }).inputValue(), day(today));
      const table = page.getByRole("table", { name: "Availability of each monitor in the period" });
      const row = (name: string) => table.getByRole("row").filter({ hasText: name });
      // 80 checks each; the API's one failure of 160 is 99.375 %, shown as 99.37 %.
      assert.match(
        await row("Shop").innerText(),
        /^Shop\s+100%\s+0 s\s+none\s+—\s+—\s+—\s+\d+ ms$/,
      );
      assert.match(
        await row("API").innerText(),
        /99\.37%\s+25 min\s+1\s+incident of .*\s+25 min\s+4 min\s+25 min\s+1\d\d ms$/,
      );
      assert.equal(await page.locator("img[src=x]").count(), 0, "a name stays text");
      assert.equal(
        await table.getByRole("link", { name: XSS, exact: true }).getAttribute("href"),
        `/app/monitors/${api.id}`,
      );
      const tiles = page.locator("[data-tile]");
      assert.deepEqual(
        (await tiles.allInnerTexts()).map((text) => text.replace(/\s+/g, " ").trim()),
        [
          "UPTIME 99.79% 480 checks of 3 monitors",
          "INCIDENTS 1 25 min of downtime",
          "MEAN TIME TO ACKNOWLEDGE 4 min of those acknowledged",
          "MEAN TIME TO RESOLVE 25 min of those that ended",
        ],
      );
      assert.equal(await page.getByText("are no longer kept").count(), 0, "30 days are kept");
      await screenshots(page, "reports");

      // A period of one click, then a period and a tag of one's own.
      await Promise.all([
        page.waitForEvent("load"),
        periods.getByRole("link", { name: "Last 7 days" }).click(),
      ]);
      assert.equal(await page.getByLabel("From", { exact: true }).inputValue(), day(today - 6));
      await page.getByLabel("From", { exact: true }).fill(day(today - 5));
      await page.getByLabel("To", { exact: true }).fill(day(today - 3));
      await page.getByLabel("Tag").selectOption({ label: "production" });
      // Tokyo's days begin at 15:00 UTC: the same 24 checks, one slot earlier.
      await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("button", { name: "Show report" }).click(),
      ]);
      const search = new URL(page.url()).searchParams;
      assert.deepEqual(
        [search.get("from"), search.get("to"), search.get("timeZone"), search.get("tag")],
        [day(today - 5), day(today - 3), "Asia/Tokyo", "production"],
      );
      await page.getByRole("heading", { name: /\(Asia\/Tokyo\), tagged “production”$/ }).waitFor();
      assert.equal(await table.getByRole("row").count(), 3, "a header and the two tagged");
      assert.match(await row("API").innerText(), /95\.83%/, "23 of 24 checks in those 3 days");
      await screenshots(page, "reports-time-zone");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "Download CSV" }).click(),
      ]);
      assert.equal(
        download.suggestedFilename(),
        `uptime-availability-${day(today - 5)}-to-${day(today - 3)}-Asia_Tokyo-production.csv`,
      );
      const csv = await Deno.readTextFile(await download.path());
      assert.deepEqual(csv.trim().split("\n").map((line) => line.split(",").slice(0, 5)), [
        ["monitor", "type", "tags", "uptime_percent", "checks"],
        [XSS, "http", "production", "95.833", "24"],
        ["Shop", "http", "production", "100", "24"],
      ]);

      // A period that ends before it starts is refused at its field.
      await page.getByLabel("To", { exact: true }).fill(day(today - 9));
      await Promise.all([
        page.waitForEvent("load"),
        page.getByRole("button", { name: "Show report" }).click(),
      ]);
      await page.locator("#report-to-error").getByText("The period ends before it starts")
        .waitFor();
      assert.equal(
        await page.getByLabel("To", { exact: true }).getAttribute("aria-invalid"),
        "true",
      );
      assert.equal(await page.getByRole("link", { name: "Download CSV" }).count(), 0);
      await screenshots(page, "reports-refused");
      assert.deepEqual(problems.filter((p) => !/status of 400 .*\/app\/reports/.test(p)), []);

      // Without JavaScript the form works the same.
      const plain = await signedInContext(browser, server.url, owner.jar, {
        javaScriptEnabled: false,
      });
      const noScript = await plain.newPage();
      await noScript.goto(`${server.url}/app/reports`);
      await noScript.getByLabel("Tag").selectOption({ label: "marketing" });
      await Promise.all([
        noScript.waitForEvent("load"),
        noScript.getByRole("button", { name: "Show report" }).click(),
      ]);
      assert.deepEqual(
        await noScript.getByRole("table").getByRole("rowheader").allInnerTexts(),
        ["Blog"],
      );

      // Further back than checks are kept (RETENTION_DAYS, 90 by default), the page says so.
      await noScript.goto(`${server.url}/app/reports?from=${day(today - 120)}&to=${day(today)}`);
      await noScript.getByText(
        `Checks from before ${
          new Date(Date.now() - 90 * DAY).toLocaleDateString("en-GB", {
            day: "numeric",
            month: "short",
            year: "numeric",
            timeZone: "UTC",
          })
        } are no longer kept`,
      ).waitFor();

      // An account with nothing to report on says what to do.
      const newcomer = await server.user("newcomer");
      const fresh = await (await signedInContext(browser, server.url, newcomer.jar)).newPage();
      await fresh.goto(`${server.url}/app/reports`);
      await fresh.getByRole("heading", { name: "No monitors in this period" }).waitFor();
      await fresh.getByRole("link", { name: "Add monitor" }).waitFor();
      await screenshots(fresh, "reports-empty");
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
