/**
 * A forgotten password, as its owner gets past it: ask for a link on a plain form (the
 * answer tells nobody who has an account), get it by mail from a local SMTP server, choose
 * a new password with it once; every session and every other link of the account ends.
 * Where the instance sends no mail, its operator prints the link with a task. Then the same
 * in Chromium, with screenshots in .data/screenshots/.
 */
import assert from "node:assert/strict";
import { notificationBed } from "../helpers/notifications.ts";
import { type Mail, startSmtp } from "../helpers/notification_stand_ins.ts";
import { apiServer, errorCode } from "../helpers/api.ts";
import { eventually } from "../helpers/pipeline.ts";
import { form, linkInMail } from "../helpers/forms.ts";
import { closeBrowser, launchChromium, screenshots } from "../helpers/browser.ts";

const linkIn = (mail: Mail) => linkInMail(mail, "/reset-password");

async function resetBed() {
  const smtp = await startSmtp();
  const bed = await notificationBed({ SMTP_URL: smtp.url });
  bed.startDispatcher();
  const { sql } = bed.services;
  return {
    bed,
    smtp,
    mailsTo: (address: string) => smtp.mails.filter((m) => m.to.includes(address)),
    /** Every queued account mail sent or given up. */
    async settled() {
      const [{ pending }] = await sql`
        select count(*)::int as pending from account_mails where status = 'pending'`;
      return pending === 0;
    },
    async close() {
      await bed.close();
      await smtp.close();
    },
  };
}

Deno.test("a forgotten password is reset by a mailed link, on plain forms", async (t) => {
  const { bed, smtp, mailsTo, settled, close } = await resetBed();
  const { server, owner } = bed;
  const { sql } = bed.services;
  try {
    const visitor = server.client();
    const get = (path: string) => visitor.fetch(`${server.url}${path}`, { redirect: "manual" });
    const post = (path: string, fields: Record<string, string>) =>
      visitor.fetch(`${server.url}${path}`, form(fields));
    let link = "";

    await t.step("the login page leads to the form", async () => {
      const login = await (await get("/login")).text();
      assert.match(login, /<a href="\/forgot-password"[^>]*>Forgot your password\?<\/a>/);
      const res = await get("/forgot-password");
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.match(html, /<label for="email"[^>]*>Email<\/label>/);
      assert.match(html, /<button[^>]*>Email me a reset link<\/button>/);
    });

    await t.step("asking mails the account a link, and says so", async () => {
      const res = await post("/forgot-password", { email: ` ${owner.email.toUpperCase()} ` });
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.match(html, /Check your email/);
      assert.ok(html.includes(`If an account uses <strong class="break-words">${owner.email}</`));
      await eventually(() => mailsTo(owner.email).length === 1, 20_000, "the reset mail");
      const [mail] = mailsTo(owner.email);
      assert.match(mail.subject, /^Reset your Uptime password$/);
      assert.match(mail.raw, /works once, for 60 minutes/);
      link = linkIn(mail);
      // Once sent, the secret is not kept.
      await eventually(settled, 20_000, "the mail queue");
      const [row] = await sql`select status, body from account_mails`;
      assert.deepEqual({ ...row }, { status: "sent", body: "" });
    });

    await t.step("an address without an account gets the same answer and no mail", async () => {
      const stranger = `nobody-${crypto.randomUUID().slice(0, 8)}@example.com`;
      const res = await post("/forgot-password", { email: stranger });
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.match(html, /Check your email/);
      assert.ok(html.includes(`If an account uses <strong class="break-words">${stranger}</`));
      // Asking again at once mails the account nothing more.
      await (await post("/forgot-password", { email: owner.email })).body?.cancel();
      await eventually(settled, 20_000, "the mail queue");
      assert.equal(smtp.mails.length, 1);
      const [{ links }] = await sql`select count(*)::int as links from password_resets`;
      assert.equal(links, 1);
    });

    await t.step("what is not an address is said at the field, escaped", async () => {
      const payload = `<script>alert(1)</script><img src=x onerror=alert(2)>`;
      const res = await post("/forgot-password", { email: payload });
      const html = await res.text();
      assert.equal(res.status, 400);
      assert.match(html, /id="email-error"[^>]*>⚠ Not a valid address/);
      assert.ok(!html.includes("<script>alert(1)"));
      assert.ok(!html.includes("<img src=x"));
      // Quotes and "<" escaped: nothing in the value can open a tag or leave the attribute.
      assert.ok(
        html.includes(`value="&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>"`),
      );
    });

    await t.step("the link opens a form for that account", async () => {
      const res = await get(link);
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.equal(res.headers.get("referrer-policy"), "strict-origin");
      assert.match(html, /Choose a new password/);
      assert.ok(html.includes(`For <strong class="break-words">${owner.email}</strong>`));
      assert.match(html, /<label for="password"[^>]*>New password<\/label>/);
      assert.match(html, /<button[^>]*>Set new password<\/button>/);
    });

    const token = new URL(link, server.url).searchParams.get("token")!;

    await t.step("a short password is refused at the field, and the link still works", async () => {
      const res = await post("/reset-password", { token, password: "short" });
      const html = await res.text();
      assert.equal(res.status, 400);
      assert.match(html, /id="password-error"[^>]*>⚠ At least 8 characters/);
      assert.ok(html.includes(`value="${token}"`));
    });

    await t.step("a new password ends every session and signs this browser in", async () => {
      const before = await owner.api.user.me.query();
      assert.equal(before.email, owner.email);
      const { token: apiToken } = await owner.api.apiToken.create.mutate({ name: "CI" });
      const res = await post("/reset-password", { token, password: "new battery staple 2" });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/app/account?changed=1");
      const account = await (await get("/app/account?changed=1")).text();
      assert.match(account, /Password changed\. 1 other session was signed out/);
      // The owner's other session (the API client's) ended, and so did their token.
      assert.equal(await errorCode(owner.api.user.me.query()), "UNAUTHORIZED");
      const byToken = await fetch(`${server.url}/api/trpc/user.me`, {
        headers: { authorization: `Bearer ${apiToken}` },
      });
      await byToken.body?.cancel();
      assert.equal(byToken.status, 401);
      const fresh = server.client();
      assert.equal(
        await errorCode(fresh.api.user.login.mutate({
          email: owner.email,
          password: "correct horse 1",
        })),
        "UNAUTHORIZED",
      );
      await fresh.api.user.login.mutate({ email: owner.email, password: "new battery staple 2" });
    });

    await t.step("a used link no longer works", async () => {
      for (
        const res of [
          await get(link),
          await post("/reset-password", { token, password: "another password 3" }),
        ]
      ) {
        const html = await res.text();
        assert.equal(res.status, 400);
        assert.match(html, /This link no longer works/);
        assert.match(html, /<a href="\/forgot-password"[^>]*>Ask for a new link<\/a>/);
        assert.ok(!html.includes('name="password"'));
      }
    });

    await t.step("a link ends when it expires, and when the password changes", async () => {
      const other = await server.user("other");
      await sql`delete from password_resets`;
      await (await post("/forgot-password", { email: other.email })).body?.cancel();
      await eventually(() => mailsTo(other.email).length === 1, 20_000, "the first mail");
      const first = linkIn(mailsTo(other.email)[0]);
      await sql`update password_resets set expires_at = now() - interval '1 second'`;
      assert.equal((await get(first)).status, 400);

      await sql`delete from password_resets`;
      await (await post("/forgot-password", { email: other.email })).body?.cancel();
      await eventually(() => mailsTo(other.email).length === 2, 20_000, "the second mail");
      const second = linkIn(mailsTo(other.email)[1]);
      assert.equal((await get(second)).status, 200);
      await other.api.account.changePassword.mutate({
        currentPassword: "correct horse 1",
        newPassword: "changed it myself 4",
      });
      assert.equal((await get(second)).status, 400);
    });
  } finally {
    await close();
  }
});

Deno.test("without mail, the operator prints the link with a task", async (t) => {
  const server = await apiServer();
  try {
    const owner = await server.user("owner");
    const visitor = server.client();

    await t.step("the form says who can reset the password", async () => {
      const res = await visitor.fetch(`${server.url}/forgot-password`);
      const html = await res.text();
      assert.match(html, /does not send email/);
      assert.match(html, /deno task user:reset-password you@example\.com/);
      assert.ok(!html.includes("Email me a reset link"));
      const posted = await visitor.fetch(
        `${server.url}/forgot-password`,
        form({ email: owner.email }),
      );
      assert.equal(posted.status, 503);
      assert.match(await posted.text(), /does not send email/);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${server.url}/forgot-password`);
        await screenshots(page, "password-forgot-no-mail");
      } finally {
        await closeBrowser(browser);
      }
    });

    const run = (...args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "scripts/user_reset_password.ts", ...args],
        env: { ...server.bed.env, APP_URL: "https://uptime.example.com" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

    await t.step("deno task user:reset-password prints a link that works", async () => {
      const out = await run(owner.email.toUpperCase());
      assert.equal(out.code, 0, text(out.stderr));
      const match = /^https:\/\/uptime\.example\.com(\/reset-password\?token=[\w-]+)$/m.exec(
        text(out.stdout),
      );
      assert.ok(match, text(out.stdout));
      assert.match(text(out.stdout), new RegExp(`owner of ${owner.email}\\. It works once`));
      const page = await visitor.fetch(`${server.url}${match[1]}`);
      assert.equal(page.status, 200);
      assert.ok((await page.text()).includes(owner.email));
    });

    await t.step("it names what is wrong with its argument", async () => {
      const unknown = await run("nobody@example.com");
      assert.equal(unknown.code, 1);
      assert.match(text(unknown.stderr), /no account has the email nobody@example\.com/);
      const invalid = await run("not-an-address");
      assert.equal(invalid.code, 2);
      assert.match(text(invalid.stderr), /email: not a valid address/);
    });
  } finally {
    await server.close();
  }
});

Deno.test("in Chromium: from the login page to a new password", async () => {
  const { bed, mailsTo, close } = await resetBed();
  const browser = await launchChromium();
  try {
    const { server, owner } = bed;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await screenshots(page, "password-login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Reset your password" }).waitFor();
    await screenshots(page, "password-forgot");
    await page.getByLabel("Email").fill(owner.email);
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await screenshots(page, "password-forgot-sent");

    await eventually(() => mailsTo(owner.email).length === 1, 20_000, "the reset mail");
    const link = linkIn(mailsTo(owner.email)[0]);
    await page.goto(`${server.url}${link}`);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    await page.getByRole("button", { name: "Set new password" }).click();
    // The browser's own check: a new password is required.
    assert.equal(
      await page.getByLabel("New password").evaluate((input: HTMLInputElement) =>
        input.validity.valueMissing
      ),
      true,
    );
    await page.getByLabel("New password").fill("new battery staple 2");
    await screenshots(page, "password-reset");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByText("Password changed.").waitFor();
    assert.equal(new URL(page.url()).pathname, "/app/account");

    await page.goto(`${server.url}${link}`);
    await page.getByRole("heading", { name: "This link no longer works" }).waitFor();
    await screenshots(page, "password-reset-expired");
    await context.close();
  } finally {
    await closeBrowser(browser);
    await close();
  }
});
