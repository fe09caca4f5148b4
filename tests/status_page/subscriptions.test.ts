/**
 * Email subscriptions of a status page, as visitors and owners use them: subscribe on the
 * public page (without JavaScript), confirm from the mail, get mails about incidents and
 * updates, unsubscribe with one click; the owner turns it on and sees and removes
 * subscribers. Mail goes to a local SMTP server; screenshots go to .data/screenshots/.
 */
import assert from "node:assert/strict";
import { notificationBed } from "../helpers/notifications.ts";
import { type Mail, startSmtp } from "../helpers/notification_stand_ins.ts";
import { closeBrowser, launchChromium, screenshots, signedInContext } from "../helpers/browser.ts";
import { errorCode, errorMessage } from "../helpers/api.ts";
import { getWithHost } from "../helpers/host_request.ts";
import { eventually } from "../helpers/pipeline.ts";

/** A mail's body as text: quoted-printable undone (long lines, such as links, are split). */
function bodyOf(mail: Mail): string {
  const split = mail.raw.indexOf("\r\n\r\n");
  const head = mail.raw.slice(0, split);
  const body = mail.raw.slice(split + 4);
  if (!/content-transfer-encoding: quoted-printable/i.test(head)) return body;
  const bytes = body.replace(/=\r?\n/g, "").replace(
    /=([0-9A-F]{2})/g,
    (_, hex) => String.fromCharCode(parseInt(hex, 16)),
  );
  return new TextDecoder().decode(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
}

/** The header's value, unfolded (nodemailer folds long ones onto the next line). */
function headerOf(mail: Mail, name: string): string | undefined {
  const match = new RegExp(`^${name}:(.*(?:\\r\\n[ \\t].*)*)`, "mi").exec(mail.raw);
  return match?.[1].replace(/\r\n[ \t]+/g, " ").trim();
}

/** The path and query of the subscription link in a mail. */
function linkIn(mail: Mail): string {
  const match = /https?:\/\/[^\s/]+(\/[^\s]*subscription\?token=[\w-]+)/.exec(bodyOf(mail));
  assert.ok(match, `no subscription link in:\n${bodyOf(mail)}`);
  return match[1];
}

async function subscriptionBed(smtpOptions: Parameters<typeof startSmtp>[0] = {}) {
  const smtp = await startSmtp(smtpOptions);
  const bed = await notificationBed({ SMTP_URL: smtp.url });
  const { api } = bed.owner;
  await api.statusPage.create.mutate({ slug: "acme", title: "Acme", websiteIds: [bed.website.id] });
  const { sql } = bed.services;
  return {
    bed,
    smtp,
    /** Every queued mail sent or given up: nothing more can arrive. */
    async settled() {
      const [{ pending }] = await sql`
        select count(*)::int as pending from subscriber_mails where status = 'pending'`;
      if (pending > 0) return false;
      // With no event published yet there is no stream to have read.
      return await bed.services.redis.xlen(bed.services.keys.incidentEvents) === 0 ||
        await bed.settled();
    },
    mailsTo: (address: string) => smtp.mails.filter((m) => m.to.includes(address)),
    /** A new incident of the monitor (the one before it ended: one is open at a time). */
    async incident() {
      await sql`update incidents set resolved_at = now()
                where website_id = ${bed.website.id} and resolved_at is null`;
      const [row] = await sql`
        insert into incidents (website_id, started_at, cause_error_kind, cause_error_message,
          cause_http_status, regions, total_regions)
        values (${bed.website.id}, now() - interval '5 minutes', 'http_status', '', 503,
                ${["ams"]}, 1)
        returning id`;
      return row.id as string;
    },
    async close() {
      await bed.close();
      await smtp.close();
    },
  };
}

/** A form post; fields as pairs where a name repeats (checkboxes). */
const form = (fields: Record<string, string> | [string, string][]) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
});

Deno.test({
  name:
    "a visitor subscribes without JavaScript, confirms, hears of an incident and its update, and unsubscribes in one click",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await subscriptionBed();
    const { bed } = t;
    const browser = await launchChromium();
    try {
      bed.startDispatcher();
      const pageId = (await bed.owner.api.statusPage.list.query())[0].id;
      // The owner turns subscriptions on in the editor.
      const owner = await signedInContext(browser, bed.server.url, bed.owner.jar);
      const editor = await owner.newPage();
      await editor.goto(`${bed.server.url}/app/status-pages/${pageId}`);
      await editor.getByLabel("Let visitors subscribe by email").check();
      await editor.getByRole("button", { name: "Save subscriptions" }).click();
      await editor.getByText("Visitors can now subscribe by email").waitFor();

      // A visitor, JavaScript off: the page's form posts.
      const visitor = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 1280, height: 900 },
      });
      visitor.setDefaultTimeout(90_000);
      const page = await visitor.newPage();
      await page.goto(`${bed.server.url}/status/acme`);
      await page.getByRole("heading", { name: "Get updates by email" }).waitFor();
      await screenshots(page, "status-page-subscribe");
      // The header's link leads to the form.
      await page.getByRole("link", { name: "Subscribe to updates" }).click();
      assert.ok(page.url().endsWith("#subscribe-heading"));
      await page.getByLabel("Email address").fill("ada@example.com");
      await page.getByRole("button", { name: "Subscribe" }).click();
      await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
      await screenshots(page, "status-page-subscribe-sent");

      await eventually(() => t.mailsTo("ada@example.com").length >= 1, 30_000, "confirmation");
      const [confirmation] = t.mailsTo("ada@example.com");
      assert.equal(confirmation.subject, "Confirm your subscription to Acme status");
      const link = linkIn(confirmation);
      assert.ok(link.startsWith("/status/acme/subscription?token="), link);

      // Not confirmed: an incident mails nobody.
      const first = await t.incident();
      await bed.publish(bed.event(first, "opened"));
      await eventually(() => t.settled(), 30_000, "the first incident handled");
      assert.equal(t.mailsTo("ada@example.com").length, 1);

      await page.goto(`${bed.server.url}${link}`);
      await page.getByRole("heading", { name: "Confirm your subscription" }).waitFor();
      await screenshots(page, "status-page-subscription-confirm");
      await page.getByRole("button", { name: "Confirm subscription" }).click();
      await page.getByRole("heading", { name: "You are subscribed" }).waitFor();

      // The owner sees the subscriber.
      await editor.reload();
      await editor.getByText("ada@example.com").waitFor();
      assert.match(await editor.locator("body").innerText(), /1 subscribed\./);
      await editor.locator("#subscribers").scrollIntoViewIfNeeded();
      await screenshots(editor, "status-page-editor-subscribers");

      // A new incident and an update about it reach the subscriber.
      const second = await t.incident();
      await bed.publish(bed.event(second, "opened"));
      await eventually(() => t.mailsTo("ada@example.com").length >= 2, 30_000, "the down mail");
      const down = t.mailsTo("ada@example.com")[1];
      assert.equal(down.subject, "[Acme] Shop is down");
      assert.match(bodyOf(down), /Shop is down since 2026-12-01 20:00 UTC/);
      // The page's words only: not the cause or the monitor's URL.
      assert.doesNotMatch(bodyOf(down), /503|shop\.example\.com/);

      // The incident's page tells the owner that an update goes out by email.
      await editor.goto(`${bed.server.url}/app/incidents/${second}`);
      await editor.getByText("Posting one also emails it to 1 subscriber of the page.").waitFor();
      await bed.owner.api.incident.postUpdate.mutate({
        incidentId: second,
        status: "identified",
        message: "A bad deploy; rolling back.",
      });
      await eventually(() => t.mailsTo("ada@example.com").length >= 3, 30_000, "the update mail");
      const update = t.mailsTo("ada@example.com")[2];
      assert.equal(update.subject, "[Acme] Identified: Shop");
      assert.match(bodyOf(update), /A bad deploy; rolling back\./);
      assert.equal(headerOf(update, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
      const unsubscribe = /<https?:\/\/[^/]+([^>]+)>/.exec(headerOf(update, "List-Unsubscribe")!);
      assert.ok(unsubscribe);

      // The same event again (redelivered) mails nobody twice.
      await bed.publish(bed.event(second, "opened"));
      await eventually(() => t.settled(), 30_000, "the repeated event handled");
      assert.equal(t.mailsTo("ada@example.com").length, 3);

      // One click in the mail client (RFC 8058): no Origin, no cookie, multipart as the RFC
      // prefers.
      const body = new FormData();
      body.set("List-Unsubscribe", "One-Click");
      const oneClick = await fetch(`${bed.server.url}${unsubscribe[1]}`, { method: "POST", body });
      assert.equal(oneClick.status, 200);
      await oneClick.body?.cancel();
      const left = await bed.owner.api.statusPage.subscribers.query({ id: pageId });
      assert.deepEqual([left.confirmed, left.waiting, left.subscribers.length], [0, 0, 0]);
      const resolved = bed.event(second, "resolved");
      await bed.publish(resolved);
      await eventually(() => t.settled(), 30_000, "the recovery handled");
      assert.equal(t.mailsTo("ada@example.com").length, 3);

      // The link now says it does not work, rather than failing.
      await page.goto(`${bed.server.url}${link}`);
      await page.getByRole("heading", { name: "This link does not work any more" }).waitFor();
      // What a refused address looks like: the browser's own check would stop most, so the
      // post is changed on its way.
      await page.route("**/subscribe", (route) => route.continue({ postData: "email=x%40y%3Bz" }));
      await page.goto(`${bed.server.url}/status/acme`);
      await page.getByLabel("Email address").fill("cy@example.com");
      await page.getByRole("button", { name: "Subscribe" }).click();
      await page.getByRole("heading", { name: "Could not subscribe" }).waitFor();
      await screenshots(page, "status-page-subscribe-error");
      await visitor.close();
      await owner.close();
    } finally {
      await closeBrowser(browser);
      await t.close();
    }
  },
});

Deno.test({
  name:
    "subscribing: a bad address is named and escaped, repeats mail once, pages without it refuse, floods are limited",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await subscriptionBed();
    const { bed } = t;
    const { api } = bed.owner;
    const url = bed.server.url;
    try {
      bed.startDispatcher();
      const pageId = (await api.statusPage.list.query())[0].id;

      // Off by default: the page has no form, and a post is refused.
      let html = await fetch(`${url}/status/acme`).then((r) => r.text());
      assert.doesNotMatch(html, /Get updates by email/);
      let response = await fetch(`${url}/status/acme/subscribe`, form({ email: "a@example.com" }));
      assert.equal(response.status, 400);
      assert.match(await response.text(), /does not send updates by email/);

      await api.statusPage.update.mutate({ id: pageId, subscriptions: true });
      html = await fetch(`${url}/status/acme`).then((r) => r.text());
      assert.match(html, /Get updates by email/);

      for (const payload of ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>@x.io"]) {
        response = await fetch(`${url}/status/acme/subscribe`, form({ email: payload }));
        assert.equal(response.status, 400);
        const body = await response.text();
        assert.match(body, /Not an email address/);
        assert.ok(!body.includes(payload), "the typed value is escaped");
        assert.ok(body.includes("&lt;"), "the typed value is shown again");
      }
      response = await fetch(`${url}/status/nope/subscribe`, form({ email: "a@example.com" }));
      assert.equal(response.status, 404);
      await response.body?.cancel();

      // Asked twice: one confirmation; the address is stored lower-case.
      for (const email of ["Bob@Example.com", "bob@example.com"]) {
        response = await fetch(`${url}/status/acme/subscribe`, form({ email }));
        assert.equal(response.status, 200);
        assert.match(await response.text(), /Check your inbox/);
      }
      await eventually(() => t.settled(), 30_000, "the confirmation sent");
      assert.equal(t.mailsTo("bob@example.com").length, 1);
      const list = await api.statusPage.subscribers.query({ id: pageId });
      assert.deepEqual(list.subscribers.map((s) => [s.email, s.confirmedAt]), [[
        "bob@example.com",
        null,
      ]]);

      // A link that is not one, and a GET of the real one, change nothing.
      const link = linkIn(t.mailsTo("bob@example.com")[0]);
      response = await fetch(`${url}/status/acme/subscription?token=${"x".repeat(32)}`);
      assert.equal(response.status, 404);
      assert.match(await response.text(), /does not work any more/);
      await fetch(`${url}${link}`).then((r) => r.text());
      assert.equal((await api.statusPage.subscribers.query({ id: pageId })).waiting, 1);

      // Another account can neither list nor remove them.
      const mallory = await bed.server.user("mallory");
      assert.equal(
        await errorCode(mallory.api.statusPage.subscribers.query({ id: pageId })),
        "NOT_FOUND",
      );
      assert.equal(
        await errorCode(
          mallory.api.statusPage.removeSubscriber.mutate({ id: list.subscribers[0].id }),
        ),
        "NOT_FOUND",
      );
      // A misspelt field is named, not ignored (and nothing is removed).
      assert.match(
        await errorMessage(
          api.statusPage.removeSubscriber.mutate(
            // deno-lint-ignore no-explicit-any
            { id: list.subscribers[0].id, everywhere: true } as any,
          ),
        ),
        /^BAD_REQUEST: .*Unrecognized key: "everywhere"/,
      );
      await api.statusPage.removeSubscriber.mutate({ id: list.subscribers[0].id });
      assert.equal((await api.statusPage.subscribers.query({ id: pageId })).subscribers.length, 0);

      // A page on its own domain: the links lead there, and work there.
      await bed.services.sql`
        insert into status_domains (status_page_id, hostname, verified_at)
        values (${pageId}, 'status.acme.test', now())`;
      response = await fetch(`${url}/status/acme/subscribe`, form({ email: "cy@example.com" }));
      await response.body?.cancel();
      await eventually(() => t.mailsTo("cy@example.com").length === 1, 30_000, "cy's mail");
      assert.match(
        bodyOf(t.mailsTo("cy@example.com")[0]),
        /https:\/\/status\.acme\.test\/subscription\?token=/,
      );
      const onDomain = await getWithHost(
        url,
        "status.acme.test",
        linkIn(t.mailsTo("cy@example.com")[0]),
      );
      assert.equal(onDomain.status, 200);
      assert.match(onDomain.body, /Confirm your subscription/);

      // One address (an IP here) cannot flood inboxes: 10 an hour.
      let limited = 0;
      for (let i = 0; i < 12; i++) {
        response = await fetch(
          `${url}/status/acme/subscribe`,
          form({ email: `n${i}@example.com` }),
        );
        if (response.status === 429) limited++;
        await response.body?.cancel();
      }
      // Three counted before (bob twice, cy), so 7 of these 12 pass.
      assert.equal(limited, 5);

      // The page renamed: links in mails already sent still work, and lead to it.
      await api.statusPage.update.mutate({ id: pageId, slug: "acme-co" });
      const cyToken = /token=([\w-]+)/.exec(linkIn(t.mailsTo("cy@example.com")[0]))![1];
      response = await fetch(`${url}/status/acme/subscription?token=${cyToken}`);
      assert.equal(response.status, 200);
      const renamed = await response.text();
      assert.match(renamed, /Confirm your subscription/);
      assert.match(renamed, /href="\/status\/acme-co"/);
    } finally {
      await t.close();
    }
  },
});

Deno.test("a deployment without SMTP_URL cannot turn subscriptions on, and says why", async () => {
  const bed = await notificationBed();
  try {
    const { api } = bed.owner;
    const page = await api.statusPage.create.mutate({
      slug: "acme",
      title: "Acme",
      websiteIds: [bed.website.id],
    });
    assert.equal(
      await errorCode(api.statusPage.update.mutate({ id: page.id, subscriptions: true })),
      "BAD_REQUEST",
    );
    const editor = await bed.owner.fetch(`${bed.server.url}/app/status-pages/${page.id}`);
    assert.match(await editor.text(), /This deployment cannot send email/);
  } finally {
    await bed.close();
  }
});

Deno.test("subscribers hear of maintenance: scheduled, moved and cancelled, a series once", async () => {
  const t = await subscriptionBed();
  const { bed } = t;
  const { api } = bed.owner;
  try {
    bed.startDispatcher();
    const pageId = (await api.statusPage.list.query())[0].id;
    await api.statusPage.update.mutate({ id: pageId, subscriptions: true });
    await bed.services.sql`
      insert into status_page_subscribers (status_page_id, email, token, confirmed_at)
      values (${pageId}, 'ada@example.com', ${"a".repeat(32)}, now()),
             (${pageId}, 'eve@example.com', ${"e".repeat(32)}, null)`;
    const hidden = await api.website.create.mutate({ url: "https://internal.example.com/" });
    const mails = () => t.mailsTo("ada@example.com");
    const hour = 3_600_000;
    const start = Math.ceil(Date.now() / hour) * hour + 24 * hour;

    const window = await api.maintenance.create.mutate({
      title: "Database upgrade",
      message: "Checkout may be slow.",
      startsAt: start,
      endsAt: start + 2 * hour,
      websiteIds: [bed.website.id, hidden.id],
    });
    await eventually(() => mails().length === 1, 30_000, "the scheduled mail");
    assert.equal(mails()[0].subject, "[Acme] Scheduled maintenance: Database upgrade");
    const scheduled = bodyOf(mails()[0]);
    // Only what the page shows: Shop, not the monitor that is on no page.
    assert.match(scheduled, /Affects: Shop\./);
    assert.doesNotMatch(scheduled, /internal/);
    assert.match(scheduled, /\(2 h\)\./);
    assert.match(scheduled, /Checkout may be slow\./);

    // A new title alone is no news; new times are.
    const edit = {
      id: window.id,
      title: "DB upgrade",
      message: "",
      endsAt: start + 2 * hour,
      websiteIds: [bed.website.id],
    };
    await api.maintenance.update.mutate(edit);
    await api.maintenance.update.mutate({ ...edit, endsAt: start + 3 * hour });
    await eventually(() => mails().length === 2, 30_000, "the rescheduled mail");
    assert.equal(mails()[1].subject, "[Acme] Maintenance rescheduled: DB upgrade");
    assert.match(bodyOf(mails()[1]), /Now from .* \(3 h\)\./);

    await api.maintenance.delete.mutate({ id: window.id });
    await eventually(() => mails().length === 3, 30_000, "the cancelled mail");
    assert.equal(mails()[2].subject, "[Acme] Maintenance cancelled: DB upgrade");

    // A weekly series is announced once; cancelling all of it says so.
    await api.maintenance.create.mutate({
      title: "Patching",
      startsAt: start,
      endsAt: start + hour,
      websiteIds: [bed.website.id],
      repeat: { every: "week", times: 3 },
    });
    await eventually(() => mails().length === 4, 30_000, "the series mail");
    assert.match(bodyOf(mails()[3]), /It repeats every week, 3 times in all\./);
    const series = (await api.maintenance.list.query()).filter((w) => w.title === "Patching")
      .sort((a, b) => a.startsAt - b.startsAt);
    const statusPage = () => fetch(`${bed.server.url}/status/acme`).then((r) => r.text());
    assert.match(await statusPage(), /Patching/);
    await api.maintenance.cancelRest.mutate({ id: series[0].id });
    // The page shows the change at once (it lists only the next window of a series).
    assert.doesNotMatch(await statusPage(), /Patching/);
    await eventually(() => mails().length === 5, 30_000, "the series cancelled");
    assert.match(mails()[4].subject, /Maintenance cancelled: Patching/);
    assert.match(bodyOf(mails()[4]), /and its later repeats, is cancelled/);

    // A window of monitors on no subscribed page, and the unconfirmed address: no mail.
    await api.maintenance.create.mutate({
      title: "Internal",
      startsAt: start,
      endsAt: start + hour,
      websiteIds: [hidden.id],
    });
    await eventually(() => t.settled(), 30_000, "everything sent");
    assert.equal(mails().length, 5);
    assert.equal(t.mailsTo("eve@example.com").length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("a subscriber never hears a monitor is back up before hearing it went down", async () => {
  // The mail server turns the first two "down" mails away for now (451), as a busy one does.
  let refused = 0;
  const t = await subscriptionBed({
    refuse: (subject) => subject.endsWith("is down") && refused++ < 2,
  });
  const { bed } = t;
  try {
    const pageId = (await bed.owner.api.statusPage.list.query())[0].id;
    await bed.owner.api.statusPage.update.mutate({ id: pageId, subscriptions: true });
    await bed.services.sql`
      insert into status_page_subscribers (status_page_id, email, token, confirmed_at)
      values (${pageId}, 'ada@example.com', ${"a".repeat(32)}, now())`;
    const incident = await t.incident();
    await bed.publish(bed.event(incident, "opened"));
    await bed.publish(bed.event(incident, "resolved"));
    bed.startDispatcher();
    await eventually(() => t.mailsTo("ada@example.com").length === 2, 30_000, "both mails");
    assert.equal(refused, 3);
    assert.deepEqual(t.mailsTo("ada@example.com").map((m) => m.subject), [
      "[Acme] Shop is down",
      "[Acme] Shop is back up",
    ]);
    assert.match(bodyOf(t.mailsTo("ada@example.com")[1]), /after 12 min 5 s down/);
  } finally {
    await t.close();
  }
});

Deno.test({
  name:
    "subscribers choose monitors: on the form and from their link, mailed only about those, and nobody else can change it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await subscriptionBed();
    const { bed } = t;
    const { api } = bed.owner;
    const url = bed.server.url;
    const browser = await launchChromium();
    try {
      bed.startDispatcher();
      const pageId = (await api.statusPage.list.query())[0].id;
      const blogName = "Blog <img src=x onerror=alert(1)>";
      const blog = await api.website.create.mutate({
        url: "https://blog.example.com/",
        name: blogName,
      });
      await api.statusPage.update.mutate({
        id: pageId,
        subscriptions: true,
        websiteIds: [bed.website.id, blog.id],
      });
      const shop = bed.website.id;
      // As the page's form posts it: the monitors it offered, and those ticked.
      const offered: [string, string][] = [["offered", shop], ["offered", blog.id]];
      const subscribe = (fields: [string, string][]) =>
        fetch(`${url}/status/acme/subscribe`, form(fields));

      // The page offers the choice, every monitor ticked; a name is text, never markup.
      const html = await fetch(`${url}/status/acme`).then((r) => r.text());
      assert.match(html, /Choose monitors \(all by default\)/);
      assert.ok(!html.includes(blogName) && html.includes("Blog &lt;img"));

      // Nothing ticked is refused, naming the field, with the address kept.
      let response = await subscribe([["email", "ada@example.com"], ["choosing", "1"], ...offered]);
      assert.equal(response.status, 400);
      const refused = await response.text();
      assert.match(refused, /Tick at least one monitor/);
      assert.match(refused, /value="ada@example\.com"/);

      // Ada wants the blog only.
      response = await subscribe([
        ["email", "ada@example.com"],
        ["choosing", "1"],
        ...offered,
        ["monitors", blog.id],
      ]);
      assert.equal(response.status, 200);
      await response.body?.cancel();
      await eventually(() => t.mailsTo("ada@example.com").length === 1, 30_000, "confirmation");
      const link = linkIn(t.mailsTo("ada@example.com")[0]);
      const visitor = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const dialogs: string[] = [];
      const page = await visitor.newPage();
      page.on("dialog", (d) => dialogs.push(d.message()));
      await page.goto(`${url}/status/acme`);
      await page.getByText("Choose monitors (all by default)").click();
      await page.getByRole("checkbox", { name: "Shop" }).waitFor();
      await screenshots(page, "status-page-subscribe-monitors");
      await page.goto(`${url}${link}`);
      assert.match(
        await page.locator("main").innerText(),
        /when Blog <img[^>]*> on Acme status goes down/,
      );
      await page.getByRole("button", { name: "Confirm subscription" }).click();
      await page.getByRole("heading", { name: "You are subscribed" }).waitFor();
      assert.equal(await page.getByRole("checkbox", { name: "Shop" }).isChecked(), false);
      assert.equal(await page.getByRole("checkbox", { name: /^Blog/ }).isChecked(), true);
      await screenshots(page, "status-page-subscription-monitors");
      let listed = await api.statusPage.subscribers.query({ id: pageId });
      assert.deepEqual(listed.subscribers.map((s) => s.monitors), [[blogName]]);

      // The shop goes down: not her concern. The blog: a mail. Maintenance of both names
      // only the blog to her.
      await bed.publish(bed.event(crypto.randomUUID(), "opened"));
      await eventually(() => t.settled(), 30_000, "the shop's incident handled");
      assert.equal(t.mailsTo("ada@example.com").length, 1);
      await bed.publish(
        bed.event(crypto.randomUUID(), "opened", { websiteId: blog.id, websiteName: blogName }),
      );
      await eventually(() => t.mailsTo("ada@example.com").length === 2, 30_000, "blog down");
      assert.equal(t.mailsTo("ada@example.com")[1].subject, `[Acme] ${blogName} is down`);
      const hour = 3_600_000;
      const start = Math.ceil(Date.now() / hour) * hour + 24 * hour;
      await api.maintenance.create.mutate({
        title: "Moving hosts",
        startsAt: start,
        endsAt: start + hour,
        websiteIds: [shop, blog.id],
      });
      await eventually(() => t.mailsTo("ada@example.com").length === 3, 30_000, "maintenance");
      assert.match(bodyOf(t.mailsTo("ada@example.com")[2]), /Affects: Blog <img[^>]*>\./);

      // Someone typing her address in again, with other ticks, changes nothing.
      response = await subscribe([
        ["email", "ada@example.com"],
        ["choosing", "1"],
        ...offered,
        ["monitors", shop],
      ]);
      assert.equal(response.status, 200);
      await response.body?.cancel();
      listed = await api.statusPage.subscribers.query({ id: pageId });
      assert.deepEqual(listed.subscribers.map((s) => s.monitors), [[blogName]]);

      // From her link: nothing ticked is refused; everything ticked is all of them.
      await page.getByRole("checkbox", { name: /^Blog/ }).uncheck();
      await page.getByRole("button", { name: "Save monitors" }).click();
      await page.getByText("Tick at least one monitor").waitFor();
      assert.equal(await page.getByRole("alert").innerText(), "Tick at least one monitor");
      await screenshots(page, "status-page-subscription-monitors-error");
      await page.getByRole("checkbox", { name: "Shop" }).check();
      await page.getByRole("checkbox", { name: /^Blog/ }).check();
      await page.getByRole("button", { name: "Save monitors" }).click();
      await page.getByRole("heading", { name: "Your choice is saved" }).waitFor();
      assert.match(
        await page.locator("main").innerText(),
        /gets an email when a monitor on Acme status goes down/,
      );
      listed = await api.statusPage.subscribers.query({ id: pageId });
      assert.deepEqual(listed.subscribers.map((s) => s.monitors), [null]);
      await bed.publish(bed.event(crypto.randomUUID(), "opened"));
      await eventually(() => t.mailsTo("ada@example.com").length === 4, 30_000, "shop down");
      assert.equal(t.mailsTo("ada@example.com")[3].subject, "[Acme] Shop is down");
      assert.match(bodyOf(t.mailsTo("ada@example.com")[3]), /Manage or end your subscription: /);

      // A form drawn before the page gained the blog, every box ticked: all monitors.
      response = await subscribe([
        ["email", "bob@example.com"],
        ["choosing", "1"],
        ["offered", shop],
        ["monitors", shop],
      ]);
      assert.equal(response.status, 200);
      await response.body?.cancel();
      listed = await api.statusPage.subscribers.query({ id: pageId });
      assert.deepEqual(
        listed.subscribers.map((s) => [s.email, s.monitors]),
        [["bob@example.com", null], ["ada@example.com", null]],
      );

      // Carol follows the blog only, and the owner takes it off the page: her link says so
      // and lets her choose again.
      await bed.services.sql`
        insert into status_page_subscribers (status_page_id, email, token, confirmed_at,
          website_ids)
        values (${pageId}, 'carol@example.com', ${"c".repeat(32)}, now(), ${[blog.id]}::uuid[])`;
      await api.statusPage.update.mutate({ id: pageId, websiteIds: [shop] });
      const carol = await fetch(`${url}/status/acme/subscription?token=${"c".repeat(32)}`)
        .then((r) => r.text());
      assert.match(
        carol,
        /None of the monitors <strong>carol@example.com<\/strong> chose is on Acme status/,
      );
      assert.match(carol, /name="monitors" value="[^"]+"/);
      assert.match(carol, /Save monitors/);

      // The owner's list says what each subscriber gets.
      const owner = await signedInContext(browser, url, bed.owner.jar);
      const editor = await owner.newPage();
      await editor.goto(`${url}/app/status-pages/${pageId}`);
      await editor.getByText(/Subscribed .* · all monitors/).first().waitFor();
      await editor.getByText("none of the monitors it chose is on the page now").waitFor();

      // All of them as CSV, for the owner only; a cell a spreadsheet would run is defused.
      await bed.services.sql`
        insert into status_page_subscribers (status_page_id, email, token)
        values (${pageId}, '=cmd@example.com', ${"f".repeat(32)})`;
      const csvHref = await editor.getByRole("link", { name: "Download all as CSV" })
        .getAttribute("href");
      const csv = await bed.owner.fetch(`${url}${csvHref}`);
      assert.equal(csv.status, 200);
      assert.equal(csv.headers.get("content-type"), "text/csv; charset=utf-8");
      assert.equal(
        csv.headers.get("content-disposition"),
        'attachment; filename="acme-subscribers.csv"',
      );
      const rows = (await csv.text()).trim().split("\n");
      const at = "\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z";
      assert.equal(rows[0], "email,status,asked_at,confirmed_at,monitors");
      assert.match(rows[1], new RegExp(`^ada@example\\.com,confirmed,${at},${at},all$`));
      assert.match(rows[2], new RegExp(`^bob@example\\.com,not confirmed,${at},,all$`));
      assert.match(rows[3], new RegExp(`^carol@example\\.com,confirmed,${at},${at},$`));
      assert.match(rows[4], /^'=cmd@example\.com,not confirmed,/);
      assert.equal(rows.length, 5);
      const eve = await bed.server.user("eve");
      const forEve = await eve.fetch(`${url}${csvHref}`);
      assert.equal(forEve.status, 404);
      await forEve.body?.cancel();
      const anonymous = await fetch(`${url}${csvHref}`, { redirect: "manual" });
      assert.match(anonymous.headers.get("location") ?? "", /^\/login\?next=/);
      await anonymous.body?.cancel();
      assert.deepEqual(dialogs, []);
      await visitor.close();
      await owner.close();
    } finally {
      await closeBrowser(browser);
      await t.close();
    }
  },
});
