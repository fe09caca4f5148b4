/**
 * A team's viewers: invited with "Viewer" access, they see everything of the team in the
 * dashboard and the API and change none of it (a clear 403 in a form, FORBIDDEN in the
 * API, their tokens read-only), while their account, tokens and leaving stay theirs. The
 * owner turns a viewer into a member and back. Then the same in Chromium, with screenshots.
 */
import assert from "node:assert/strict";
import { apiServer, errorMessage } from "../helpers/api.ts";
import { form } from "../helpers/forms.ts";
import { appRouter } from "../../web/trpc/router.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";

const REFUSAL = "You can view this team but not change it; its owner can give you member access";

Deno.test("a viewer sees the team's monitors and changes nothing of them; the owner changes their role", async () => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const site = await owner.api.website.create.mutate({
      url: "https://shop.example.com",
      name: "Shop",
      method: "POST",
      headers: { Authorization: "Bearer s3cret-token" },
      body: '{"key":"s3cret-body"}',
    });
    const page = await owner.api.statusPage.create.mutate({
      slug: `shop-${crypto.randomUUID().slice(0, 8)}`,
      title: "Shop status",
      websiteIds: [site.id],
    });
    const viewer = await server.user("viewer");
    const invited = await owner.api.team.invite.mutate({ email: viewer.email, role: "viewer" });
    assert.equal(invited.role, "viewer");
    const token = new URL(invited.link).searchParams.get("token")!;
    const invitePage = await (await viewer.fetch(`${server.url}/invite?token=${token}`)).text();
    assert.match(invitePage, /you will see, but not change, its monitors/);
    const joined = await viewer.fetch(`${server.url}/invite`, form({ token }));
    await joined.body?.cancel();
    assert.equal(joined.status, 303);

    // Sees: the API's reads, the pages, with the owner's actions left out, and the
    // monitor's credentials by name only.
    assert.deepEqual((await viewer.api.website.list.query()).map((w) => w.name), ["Shop"]);
    const seen = await viewer.api.website.get.query({ id: site.id });
    assert.deepEqual([seen.headers, seen.body], [
      { Authorization: "(hidden from viewers)" },
      "(hidden from viewers)",
    ]);
    assert.ok(!JSON.stringify(await viewer.api.website.list.query()).includes("s3cret"));
    // A heartbeat's address reports beats: a viewer does not get it.
    const beat = await owner.api.website.create.mutate({ type: "heartbeat", name: "Backup" });
    const hidden = await viewer.api.website.get.query({ id: beat.id });
    assert.equal(hidden.heartbeat?.pingUrl, "(hidden from viewers)");
    const beatPage = await (await viewer.fetch(`${server.url}/app/monitors/${beat.id}`)).text();
    assert.ok(!beatPage.includes(beat.heartbeat!.pingUrl));
    await owner.api.website.delete.mutate({ id: beat.id });
    assert.equal(
      await errorMessage(viewer.api.statusPage.subscribers.query({ id: page.id })),
      `FORBIDDEN: ${REFUSAL}`,
    );
    const csv = await viewer.fetch(`${server.url}/app/status-pages/${page.id}/subscribers.csv`);
    assert.equal(csv.status, 403);
    await csv.body?.cancel();
    for (
      const path of [
        `/app/monitors/${site.id}/edit`,
        `/app/monitors/new?copy=${site.id}`,
        "/app/monitors/export",
        `/app/status-pages/${page.id}`,
      ]
    ) {
      const res = await viewer.fetch(`${server.url}${path}`);
      assert.equal(res.status, 403, path);
      assert.ok(!(await res.text()).includes("s3cret"), path);
    }
    const list = await (await viewer.fetch(`${server.url}/app`)).text();
    assert.match(list, /You can view this team but not change it\./);
    assert.ok(!list.includes(">Add monitor<") && !list.includes(">Import monitors<"));
    const detail = await (await viewer.fetch(`${server.url}/app/monitors/${site.id}`)).text();
    assert.ok(!detail.includes("s3cret"), "no credential on the monitor's page");
    const pages = await (await viewer.fetch(`${server.url}/app/status-pages`)).text();
    assert.ok(pages.includes(`href="/status/${page.slug}"`) && !pages.includes(page.id));
    assert.ok(!detail.includes(`/app/monitors/${site.id}/pause"`), "no Pause button");
    const [incident] = await server.bed.pg.sql`
      insert into incidents (website_id, started_at, cause_error_kind, cause_error_message,
        cause_http_status, regions, total_regions)
      values (${site.id}, now() - interval '5 minutes', 'status', 'expected 2xx or 3xx, got 503',
        503, ${["local"]}, 1)
      returning id`;
    const incidents = await (await viewer.fetch(`${server.url}/app/incidents`)).text();
    assert.match(incidents, />Not acknowledged</);
    for (
      const [path, action] of [
        ["/app/incidents", `/app/incidents/${incident.id}/acknowledge"`],
        ["/app/incidents", `/app/incidents/${incident.id}/resolve"`],
        [`/app/incidents/${incident.id}`, ">Post update</button>"],
        [`/app/incidents/${incident.id}`, `/app/incidents/${incident.id}/resolve"`],
        [`/app/monitors/${site.id}`, `/app/incidents/${incident.id}/acknowledge"`],
        ["/app/maintenance", ">Schedule maintenance</button>"],
        ["/app/status-pages", ">Create status page</button>"],
        ["/app/notifications", ">Add a channel</h2>"],
      ]
    ) {
      const html = await (await viewer.fetch(`${server.url}${path}`)).text();
      assert.ok(!html.includes(action), `${path} ${action}`);
      const ownerHtml = await (await owner.fetch(`${server.url}${path}`)).text();
      assert.ok(ownerHtml.includes(action), `the owner's ${path} has ${action}`);
    }
    const team = await (await viewer.fetch(`${server.url}/app/team`)).text();
    assert.match(team, /You can view owner-[\w-]+@example\.com(&#39;|')s team: you see all/);

    // Changes nothing of the team, through a form or the API.
    for (
      const [path, fields] of [
        ["/app/monitors/new", { url: "https://evil.example.com", method: "GET" }],
        [`/app/monitors/${site.id}/pause`, {}],
        ["/app/monitors/bulk", { action: "delete", id: site.id }],
        ["/app/status-pages", { intent: "create", title: "Ours" }],
      ] as const
    ) {
      const res = await viewer.fetch(`${server.url}${path}`, form(fields));
      assert.equal(res.status, 403, path);
      assert.ok((await res.text()).includes(`${REFUSAL}.`), path);
    }
    for (
      const call of [
        viewer.api.website.create.mutate({ url: "https://evil.example.com" }),
        viewer.api.website.setActive.mutate({ id: site.id, active: false }),
        viewer.api.website.bulk.mutate({ action: "delete", ids: [site.id] }),
        viewer.api.maintenance.create.mutate({
          title: "Sneaky",
          startsAt: Date.now(),
          endsAt: Date.now() + 60_000,
          websiteIds: [site.id],
        }),
      ]
    ) {
      assert.equal(await errorMessage(call), `FORBIDDEN: ${REFUSAL}`);
    }
    assert.equal((await owner.api.website.get.query({ id: site.id })).active, true);
    // Every mutation of the team's things, a new one too, before its input is read; what is
    // the viewer's own (account, tokens, their place in teams, signing out) is left out.
    const own = /^(account|apiToken|team|user)\./;
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string } }
    >;
    const cookie = [...viewer.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    for (const [path, procedure] of Object.entries(procedures)) {
      if (procedure._def.type !== "mutation" || own.test(path)) continue;
      const res = await fetch(`${server.url}/api/trpc/${path}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", origin: server.url },
        body: "{}",
      });
      assert.equal(`${path} ${(await res.json()).error?.message}`, `${path} ${REFUSAL}`);
    }

    // Their own things stay theirs: the name, a token (which only reads), leaving.
    await viewer.api.account.updateProfile.mutate({ name: "Vera", email: viewer.email });
    const made = await viewer.api.apiToken.create.mutate({ name: "Dashboard", readOnly: false });
    assert.equal(made.readOnly, true, "a viewer's token reads only");
    const withToken = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}/api/trpc/${path}`, {
        ...init,
        headers: { authorization: `Bearer ${made.token}`, "content-type": "application/json" },
      });
    assert.equal((await withToken("website.list")).status, 200);
    const refused = await withToken("website.create", {
      method: "POST",
      body: JSON.stringify({ url: "https://evil.example.com" }),
    });
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).error.message, REFUSAL);

    // The owner sees the role, and makes them a member: from their next request, they change.
    const members = (await owner.api.team.get.query()).members;
    assert.deepEqual(members.map((m) => [m.email, m.role]), [[viewer.email, "viewer"]]);
    const roster = await (await owner.fetch(`${server.url}/app/team`)).text();
    assert.match(roster, />Viewer<\/span>/);
    assert.match(roster, /Let change things<span class="sr-only"> for Vera<\/span>/);
    const promoted = await owner.fetch(
      `${server.url}/app/team`,
      form({ intent: "role", userId: viewer.user.id, role: "member" }),
    );
    await promoted.body?.cancel();
    assert.equal(promoted.headers.get("location"), "/app/team?done=role-changed#notice");
    await viewer.api.website.setActive.mutate({ id: site.id, active: false });
    assert.ok(!(await (await viewer.fetch(`${server.url}/app`)).text()).includes("You can view"));
    assert.equal(
      (await withToken("website.create", {
        method: "POST",
        body: JSON.stringify({ url: "https://evil.example.com" }),
      })).status,
      403,
      "a token made as a viewer stays read-only",
    );

    assert.equal(
      await errorMessage(
        viewer.api.team.setRole.mutate({ userId: viewer.user.id, role: "member" }),
      ),
      "FORBIDDEN: Only the team's owner can change what people may do",
    );
    assert.equal(
      await errorMessage(
        owner.api.team.invite.mutate({ email: "x@example.com", role: "admin" as "viewer" }),
      ),
      'BAD_REQUEST: role: expected "member" or "viewer"',
    );
    await owner.api.team.setRole.mutate({ userId: viewer.user.id, role: "viewer" });
    const left = await viewer.fetch(`${server.url}/app/team`, form({ intent: "leave" }));
    await left.body?.cancel();
    assert.equal(left.headers.get("location"), "/app/team?done=left#notice");
    assert.deepEqual(await viewer.api.website.list.query(), [], "back in their own team");
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "in Chromium: the owner invites a viewer, who sees the monitors without their actions",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await apiServer();
    const browser = await launchChromium();
    try {
      const owner = await server.user("owner");
      await owner.api.website.create.mutate({ url: "https://shop.example.com", name: "Shop" });
      const ownerPage = await (await signedInContext(browser, server.url, owner.jar)).newPage();
      await ownerPage.goto(`${server.url}/app/team`);
      const viewer = await server.user("viewer");
      await ownerPage.getByLabel("Email").fill(viewer.email);
      await ownerPage.getByLabel("Access").selectOption("viewer");
      await ownerPage.getByRole("button", { name: "Send invitation" }).click();
      const link = new URL((await ownerPage.getByTestId("invitation-link").textContent())!.trim());
      await ownerPage.getByText("as a viewer ·").waitFor();

      const page = await (await signedInContext(browser, server.url, viewer.jar)).newPage();
      const problems = watchProblems(page);
      await page.goto(`${server.url}${link.pathname}${link.search}`);
      await page.getByRole("button", { name: "Join team" }).click();
      await page.getByText("Welcome to the team.").waitFor();
      await page.getByRole("link", { name: "Monitors" }).click();
      await page.getByRole("link", { name: "Shop" }).first().waitFor();
      await page.locator("#view-only").waitFor();
      assert.equal(await page.getByRole("link", { name: "Add monitor" }).count(), 0);
      assert.equal(await page.getByRole("button", { name: "Delete selected" }).count(), 0);
      assert.equal(await page.getByRole("checkbox").count(), 0, "nothing to tick");
      await screenshots(page, "team-viewer-monitors");
      assert.deepEqual(problems, []);

      await ownerPage.goto(`${server.url}/app/team`);
      await ownerPage.getByText("Viewer", { exact: true }).waitFor();
      await screenshots(ownerPage, "team-with-viewer");
      await ownerPage.getByRole("button", { name: /^Let change things for / }).click();
      await ownerPage.getByText("Their access changed.").waitFor();
      await ownerPage.getByRole("button", { name: /^Make view-only for / }).waitFor();
    } finally {
      await closeBrowser(browser);
      await server.close();
    }
  },
});
