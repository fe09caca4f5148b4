/**
 * Teams, as their people use them: the owner invites a teammate by email (plain forms),
 * the teammate joins from the mailed link and works on the team's monitors in the
 * dashboard, the API and the live socket, switches between teams, and loses all of it the
 * moment the owner removes them. Then the same in Chromium without mail (the owner passes
 * the link on), with screenshots in .data/screenshots/.
 */
import assert from "node:assert/strict";
import { notificationBed } from "../helpers/notifications.ts";
import { type Mail, startSmtp } from "../helpers/notification_stand_ins.ts";
import { apiServer, errorCode } from "../helpers/api.ts";
import { eventually } from "../helpers/pipeline.ts";
import { form, linkInMail } from "../helpers/forms.ts";
import {
  closeBrowser,
  launchChromium,
  screenshots,
  signedInContext,
  watchProblems,
} from "../helpers/browser.ts";
import { accessRechecker } from "../../web/live/access_recheck.ts";

const linkIn = (mail: Mail) => linkInMail(mail, "/invite");

const DenoWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;

/** A live socket with the client's cookie; `next(type)` waits for the next such message. */
async function liveSocket(url: string, jar: Map<string, string>) {
  const socket = new DenoWebSocket(`${url.replace(/^http/, "ws")}/api/ws`, {
    headers: { cookie: `uptime_session=${jar.get("uptime_session")}`, origin: url },
  });
  const inbox: Record<string, unknown>[] = [];
  let wake = () => {};
  const closed = new Promise<CloseEvent>((resolve) => socket.onclose = resolve);
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "ping") return socket.send(JSON.stringify({ type: "pong" }));
    inbox.push(message);
    wake();
  };
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error("the socket did not open"));
  });
  return {
    send: (message: unknown) => socket.send(JSON.stringify(message)),
    async next(type: string): Promise<Record<string, unknown>> {
      for (;;) {
        const index = inbox.findIndex((m) => m.type === type);
        if (index >= 0) return inbox.splice(index, 1)[0];
        await new Promise<void>((resolve) => wake = resolve);
      }
    },
    closed,
    close: () => socket.close(),
  };
}

Deno.test("a team: invite by mail, join, work together, switch, remove", async (t) => {
  const smtp = await startSmtp();
  const bed = await notificationBed({ SMTP_URL: smtp.url });
  bed.startDispatcher();
  const { server, owner, website } = bed;
  try {
    const post = (client: { fetch: typeof fetch }, path: string, fields: Record<string, string>) =>
      client.fetch(`${server.url}${path}`, form(fields));
    const get = (client: { fetch: typeof fetch }, path: string) =>
      client.fetch(`${server.url}${path}`, { redirect: "manual" });
    const mate = await server.user("mate");
    let link = "";

    await t.step("a new team has only its owner, and a form to invite", async () => {
      const html = await (await get(owner, "/app/team")).text();
      assert.match(html, /<h1[^>]*>Your team<\/h1>/);
      assert.match(html, /No one else yet/);
      assert.match(html, /<label for="email"[^>]*>Email<\/label>/);
      assert.match(html, /<button[^>]*>Send invitation<\/button>/);
      assert.match(html, /<a href="\/app\/team"[^>]*>Team<\/a>/);
      // One team only: no switcher.
      assert.ok(!html.includes('id="team-switch"'));
    });

    await t.step("what cannot be invited is said at the field, escaped", async () => {
      const own = await post(owner, "/app/team", { intent: "invite", email: owner.email });
      assert.equal(own.status, 400);
      assert.match(await own.text(), /id="email-error"[^>]*>⚠ That is you; you own this team/);
      const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
      const bad = await post(owner, "/app/team", { intent: "invite", email: payload });
      const html = await bad.text();
      assert.equal(bad.status, 400);
      assert.match(html, /id="email-error"[^>]*>⚠ Not a valid address/);
      assert.ok(!html.includes("<script>alert(1)") && !html.includes("<img src=x"));
    });

    await t.step("inviting mails a link, shown to the owner once", async () => {
      const res = await post(owner, "/app/team", { intent: "invite", email: mate.email });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      const html = await (await get(owner, "/app/team")).text();
      assert.ok(html.includes(`We mailed an invitation to <strong>${mate.email}</strong>`));
      assert.match(html, /<button[^>]*>Cancel invitation<span class="sr-only"> for /);
      await eventually(() => smtp.mails.some((m) => m.to.includes(mate.email)), 20_000, "mail");
      const mail = smtp.mails.find((m) => m.to.includes(mate.email))!;
      assert.match(mail.subject, /invites you to their team on Uptime$/);
      link = linkIn(mail);
      assert.ok(html.includes(link), "the page shows the mailed link");
      const again = await (await get(owner, "/app/team")).text();
      assert.ok(!again.includes(link), "the link is shown once");
      const soon = await post(owner, "/app/team", { intent: "invite", email: mate.email });
      assert.equal(soon.status, 400);
      assert.match(await soon.text(), /⚠ Invited a moment ago; wait a minute to send again/);
    });

    await t.step("signed out, the link leads to sign-up or log-in and back", async () => {
      const res = await get(server.client(), link);
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("referrer-policy"), "strict-origin");
      assert.match(html, /<h1[^>]*>Join owner-[\w-]+@example\.com's team<\/h1>/);
      const back = encodeURIComponent(link);
      assert.ok(html.includes(`href="/signup?next=${back}"`), html);
      assert.ok(html.includes(`href="/login?next=${back}"`));
      // Either way the form has the address invited, and says which team waits.
      for (const path of ["/signup", "/login"]) {
        const form = await (await get(server.client(), `${path}?next=${back}`)).text();
        assert.match(
          form,
          /data-joining>Next, you can accept the invitation to owner-[\w-]+@example\.com(&#39;|')s team\./,
          path,
        );
        assert.ok(form.includes(`value="${mate.email}"`), path);
      }
    });

    await t.step("joining makes the teammate see and change the team's monitors", async () => {
      const page = await (await get(mate, link)).text();
      assert.match(page, /<button[^>]*>Join team<\/button>/);
      const token = new URL(link, server.url).searchParams.get("token")!;
      const res = await post(mate, "/invite", { token });
      await res.body?.cancel();
      assert.equal(res.headers.get("location"), "/app/team?done=joined#notice");
      const team = await (await get(mate, "/app/team?done=joined")).text();
      assert.match(team, /Welcome to the team/);
      assert.match(team, /You are a member of owner-/);
      assert.ok(!team.includes("Send invitation"), "members do not invite");
      assert.match(team, /id="team-switch"/);
      const dashboard = await (await get(mate, "/app")).text();
      assert.match(dashboard, />Shop</);
      const list = await mate.api.website.list.query();
      assert.deepEqual(list.map((w) => w.id), [website.id]);
      // What the teammate adds is the team's.
      const added = await mate.api.website.create.mutate({ url: "https://api.example.com" });
      const ownerList = await owner.api.website.list.query();
      assert.ok(ownerList.some((w) => w.id === added.id));
      // The link worked once.
      assert.equal((await get(mate, link)).status, 400);
    });

    await t.step("the API tells who is in the team, and the teams one is in", async () => {
      const team = await mate.api.team.get.query();
      assert.equal(team.accountId, owner.user.id);
      assert.equal(team.youOwn, false);
      assert.deepEqual(team.members.map((m) => m.email), [mate.email]);
      assert.deepEqual(team.invitations, [], "members do not see invitations");
      const teams = await mate.api.team.list.query();
      assert.deepEqual(teams.map((t) => t.accountId), [mate.user.id, owner.user.id]);
      assert.equal(
        await errorCode(mate.api.team.invite.mutate({ email: "x@example.com" })),
        "FORBIDDEN",
      );
      assert.equal(
        await errorCode(owner.api.team.removeMember.mutate({ userId: crypto.randomUUID() })),
        "NOT_FOUND",
      );
    });

    await t.step("a teammate cannot manage the team", async () => {
      const invite = await post(mate, "/app/team", { intent: "invite", email: "x@example.com" });
      assert.equal(invite.status, 403);
      assert.match(
        await invite.text(),
        /role="alert"[^>]*>Only the team's owner can invite people/,
      );
      const remove = await post(mate, "/app/team", { intent: "remove", userId: owner.user.id });
      await remove.body?.cancel();
      assert.equal(remove.status, 403);
    });

    let teamToken = "";
    await t.step("a token made in the team acts in it", async () => {
      teamToken = (await mate.api.apiToken.create.mutate({ name: "CI" })).token;
      const tokens = await (await get(mate, "/app/api-tokens")).text();
      assert.match(tokens, /You work in owner-[\w-]+@example\.com's team: the tokens below/);
      const res = await fetch(`${server.url}/api/trpc/website.list`, {
        headers: { authorization: `Bearer ${teamToken}` },
      });
      const body = await res.json();
      assert.equal(res.status, 200);
      assert.equal(body.result.data.length, 2);
    });

    await t.step("the switcher moves between one's own team and the team", async () => {
      const own = mate.user.id;
      const html = await (await get(mate, "/app")).text();
      assert.match(html, /<label for="team-switch"[^>]*>Team<\/label>/);
      assert.match(html, /<option value="[^"]+"[^>]*>Your own<\/option>/);
      const res = await post(mate, "/app/switch-team", { account: own });
      await res.body?.cancel();
      assert.equal(res.headers.get("location"), "/app");
      assert.deepEqual(await mate.api.website.list.query(), []);
      // Nobody switches into a team they are not in.
      const stranger = await server.user("stranger");
      const refused = await post(stranger, "/app/switch-team", { account: owner.user.id });
      await refused.body?.cancel();
      assert.equal(refused.status, 400);
      assert.deepEqual(await stranger.api.website.list.query(), []);
      await (await post(mate, "/app/switch-team", { account: owner.user.id })).body?.cancel();
      assert.equal((await mate.api.website.list.query()).length, 2);
    });

    await t.step("removing a teammate ends their access everywhere at once", async () => {
      const live = await liveSocket(server.url, mate.jar);
      live.send({ type: "subscribe", websiteIds: [website.id] });
      assert.deepEqual((await live.next("subscribed")).websiteIds, [website.id]);

      const confirm = await (await get(owner, `/app/team?remove=${mate.user.id}`)).text();
      assert.match(confirm, /Remove mate-[\w-]+@example\.com from the team\?/);
      assert.match(confirm, /<button[^>]*>Yes, remove mate-/);
      const res = await post(owner, "/app/team", { intent: "remove", userId: mate.user.id });
      await res.body?.cancel();
      assert.equal(res.headers.get("location"), "/app/team?done=removed#notice");

      assert.deepEqual(await mate.api.website.list.query(), []);
      assert.equal(
        await errorCode(mate.api.website.get.query({ id: website.id })),
        "NOT_FOUND",
      );
      const token = await fetch(`${server.url}/api/trpc/website.list`, {
        headers: { authorization: `Bearer ${teamToken}` },
      });
      await token.body?.cancel();
      assert.equal(token.status, 401);
      // The open socket closes; a new one starts in the member's own team.
      await accessRechecker(server.services).recheckNow();
      const closed = await live.closed;
      assert.equal(closed.code, 1008);
      assert.equal(closed.reason, "no longer in this team");
      const again = await liveSocket(server.url, mate.jar);
      again.send({ type: "subscribe", websiteIds: [website.id] });
      assert.match(String((await again.next("error")).message), /no website of yours/);
      assert.deepEqual((await again.next("subscribed")).websiteIds, []);
      again.close();
      await again.closed;
      const twice = await post(owner, "/app/team", { intent: "remove", userId: mate.user.id });
      await twice.body?.cancel();
      assert.equal(twice.headers.get("location"), "/app/team?done=not-member#notice");
      const html = await (await get(mate, "/app")).text();
      assert.ok(!html.includes('id="team-switch"'));
    });

    await t.step("a member may leave, and the owner may cancel an invitation", async () => {
      const other = await server.user("other");
      await (await post(owner, "/app/team", { intent: "invite", email: other.email })).body
        ?.cancel();
      await eventually(
        () => smtp.mails.some((m) => m.to.includes(other.email)),
        20_000,
        "the second invitation",
      );
      const otherLink = linkIn(smtp.mails.find((m) => m.to.includes(other.email))!);
      await (await post(other, "/invite", {
        token: new URL(otherLink, server.url).searchParams.get("token")!,
      })).body?.cancel();
      assert.equal((await other.api.website.list.query()).length, 2);
      const ask = await (await get(other, "/app/team?confirm=leave")).text();
      assert.match(ask, /<button[^>]*>Yes, leave the team<\/button>/);
      await (await post(other, "/app/team", { intent: "leave" })).body?.cancel();
      assert.deepEqual(await other.api.website.list.query(), []);

      await (await post(owner, "/app/team", { intent: "invite", email: "late@example.com" }))
        .body?.cancel();
      await eventually(
        () => smtp.mails.some((m) => m.to.includes("late@example.com")),
        20_000,
        "the third invitation",
      );
      const lateLink = linkIn(smtp.mails.find((m) => m.to.includes("late@example.com"))!);
      const cancelled = await post(owner, "/app/team", {
        intent: "cancel",
        email: "late@example.com",
      });
      await cancelled.body?.cancel();
      assert.equal(cancelled.headers.get("location"), "/app/team?done=cancelled#notice");
      assert.equal((await get(other, lateLink)).status, 400);
    });
  } finally {
    await bed.close();
    await smtp.close();
  }
});

Deno.test("in Chromium: invite without mail, sign up from the link, join", async () => {
  const server = await apiServer();
  const browser = await launchChromium();
  try {
    const owner = await server.user("owner");
    // The owner's name names the team wherever it is shown: it must stay text.
    const name = `<img src=x onerror=alert(1)>Ada`;
    await owner.api.account.updateProfile.mutate({ name, email: owner.email });
    await owner.api.website.create.mutate({ url: "https://shop.example.com", name: "Shop" });
    const ownerContext = await signedInContext(browser, server.url, owner.jar);
    const ownerPage = await ownerContext.newPage();
    await ownerPage.goto(`${server.url}/app/team`);
    await ownerPage.getByLabel("Email").fill("grace@example.com");
    await ownerPage.getByRole("button", { name: "Send invitation" }).click();
    const link = await ownerPage.getByTestId("invitation-link").textContent();
    assert.match(link ?? "", /\/invite\?token=/);
    await ownerPage.getByText("This instance sends no email").waitFor();
    await screenshots(ownerPage, "team-invited");

    const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    visitor.setDefaultTimeout(90_000);
    const page = await visitor.newPage();
    const problems = watchProblems(page);
    // The link names the app's configured address (APP_URL); the test server is elsewhere.
    const invitation = new URL(link!.trim());
    await page.goto(`${server.url}${invitation.pathname}${invitation.search}`);
    await page.getByRole("heading", { name: `Join ${name}'s team` }).waitFor();
    await screenshots(page, "team-invitation");
    await page.getByRole("link", { name: "Sign up to join" }).click();
    await page.getByLabel("Email").fill("grace@example.com");
    await page.getByLabel("Password").fill("correct horse 1");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByRole("button", { name: "Join team" }).click();
    await page.getByText("Welcome to the team.").waitFor();
    await screenshots(page, "team-member");
    await page.getByRole("link", { name: "Monitors" }).click();
    await page.getByRole("link", { name: "Shop" }).first().waitFor();
    assert.equal(
      await page.getByLabel("Team").locator("option:checked").textContent(),
      `${name}'s team`,
    );
    await page.getByLabel("Team").selectOption({ label: "Your own" });
    await page.getByRole("button", { name: "Switch" }).click();
    await page.getByText("Add your first monitor").waitFor();
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshots(page, "team-switcher");

    assert.deepEqual(problems, []);
    await ownerPage.goto(`${server.url}/app/team`);
    await ownerPage.getByRole("link", { name: "Remove grace@example.com from the team" }).click();
    await ownerPage.getByRole("button", { name: "Yes, remove grace@example.com" }).waitFor();
    await screenshots(ownerPage, "team-remove");
    await visitor.close();
    await ownerContext.close();
  } finally {
    await closeBrowser(browser);
    await server.close();
  }
});
