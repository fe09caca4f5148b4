/**
 * Two-factor authentication as its user meets it: set up on plain forms with the first code
 * of an authenticator app (codes made here by npm otpauth from the key the page shows,
 * RFC 6238), recovery codes shown once, a login that asks for the code next (each code
 * once, five wrong ones end it), the API's one-call login, a password reset that still asks
 * for the code, new recovery codes and turning it off with the password. Then the same in
 * Chromium, with screenshots in .data/screenshots/.
 */
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import { apiServer, errorCode } from "../helpers/api.ts";
import { form } from "../helpers/forms.ts";
import { closeBrowser, launchChromium, screenshots, signedInContext } from "../helpers/browser.ts";
import { operatorResetLink } from "../../services/users/password_reset.ts";

/** The app's code for `key` at `offsetSteps` time steps from now. */
function codeOf(key: string, offsetSteps = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key.replace(/\s+/g, "")) });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** A six-digit code that none of the steps around now accepts. */
function wrongCode(key: string): string {
  const near = new Set([-1, 0, 1].map((step) => codeOf(key, step)));
  let code = 123456;
  while (near.has(String(code))) code++;
  return String(code);
}

const between = (html: string, testId: string) =>
  [...html.matchAll(new RegExp(`data-testid="${testId}"[^>]*>([^<]+)<`, "g"))].map((m) =>
    m[1].trim()
  );

Deno.test("two-factor authentication on plain forms", async (t) => {
  const server = await apiServer();
  try {
    const ada = await server.user("ada");
    const get = (client: { fetch: typeof fetch }, path: string) =>
      client.fetch(`${server.url}${path}`, { redirect: "manual" });
    const post = (client: { fetch: typeof fetch }, path: string, fields: Record<string, string>) =>
      client.fetch(`${server.url}${path}`, form(fields));
    let key = "";
    let recovery: string[] = [];
    let enabledWith = "";

    await t.step("the account page offers it; the setup shows a QR code and a key", async () => {
      const account = await (await get(ada, "/app/account")).text();
      assert.match(account, /Off: your password alone signs you in/);
      assert.match(account, /<a [^>]*href="\/app\/two-factor"[^>]*>Set up two-factor/);
      const html = await (await get(ada, "/app/two-factor")).text();
      assert.match(html, /aria-label="QR code of your two-factor secret"[^>]*><svg /);
      assert.match(html, /<label for="code"[^>]*>Authentication code<\/label>/);
      assert.match(html, /<button[^>]*>Turn on two-factor authentication<\/button>/);
      [key] = between(html, "two-factor-secret");
      assert.match(key, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
      // A reload shows the same key: the app scanned it already.
      const again = await (await get(ada, "/app/two-factor")).text();
      assert.deepEqual(between(again, "two-factor-secret"), [key]);
    });

    await t.step("a wrong code is said at the field, and changes nothing", async () => {
      const res = await post(ada, "/app/two-factor", {
        intent: "enable",
        code: wrongCode(key),
        currentPassword: "correct horse 1",
      });
      const html = await res.text();
      assert.equal(res.status, 400);
      assert.match(html, /id="code-error"[^>]*>⚠ That is not the app's current code/);
      // The password too: a session alone does not turn it on.
      const noPassword = await post(ada, "/app/two-factor", {
        intent: "enable",
        code: codeOf(key),
        currentPassword: "not it",
      });
      assert.equal(noPassword.status, 400);
      assert.match(
        await noPassword.text(),
        /id="enable-password-error"[^>]*>⚠ This is not your current password/,
      );
      const account = await (await get(ada, "/app/account")).text();
      assert.match(account, /Off: your password alone signs you in/);
    });

    await t.step("the right code turns it on and shows 10 recovery codes once", async () => {
      enabledWith = codeOf(key);
      const res = await post(ada, "/app/two-factor", {
        intent: "enable",
        code: enabledWith,
        currentPassword: "correct horse 1",
      });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      const html = await (await get(ada, "/app/two-factor")).text();
      recovery = between(html, "recovery-code");
      assert.equal(recovery.length, 10);
      assert.match(recovery[0], /^[a-z0-9]{5}-[a-z0-9]{5}$/);
      const again = await (await get(ada, "/app/two-factor")).text();
      assert.equal(between(again, "recovery-code").length, 0);
      assert.match(again, /10 recovery codes\s*left/);
      const account = await (await get(ada, "/app/account")).text();
      assert.match(account, /On: signing in asks for a code[^<]*10 recovery codes left/);
    });

    await t.step("a login asks for the code next; each code works once", async () => {
      const browser = server.client();
      const res = await post(browser, "/login?next=%2Fapp%2Fincidents", {
        email: ada.email,
        password: "correct horse 1",
      });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/two-factor?next=%2Fapp%2Fincidents");
      assert.match(
        res.headers.get("set-cookie") ?? "",
        /uptime_login_challenge=[\w-]+; Path=\/two-factor; HttpOnly/,
      );
      assert.ok(!browser.jar.has("uptime_session"), "no session before the code");
      const page = await (await get(browser, "/two-factor?next=%2Fapp%2Fincidents")).text();
      assert.ok(page.includes(`for <strong>${ada.email}</strong>`));
      assert.match(page, /<label for="code"[^>]*>Authentication code<\/label>/);

      // The code that turned it on was used: it does not sign in again (that very code, not
      // the current one: a 30 s step may have passed since).
      const replay = await post(browser, "/two-factor?next=%2Fapp%2Fincidents", {
        code: enabledWith,
      });
      assert.equal(replay.status, 400);
      assert.match(await replay.text(), /id="code-error"[^>]*>⚠ That code is not right/);
      const next = await post(browser, "/two-factor?next=%2Fapp%2Fincidents", {
        code: codeOf(key, 1),
      });
      await next.body?.cancel();
      assert.equal(next.status, 303);
      assert.equal(next.headers.get("location"), "/app/incidents");
      assert.equal((await get(browser, "/app/incidents")).status, 200);
    });

    await t.step("a recovery code signs in once", async () => {
      for (const expected of [303, 400]) {
        const browser = server.client();
        await (await post(browser, "/login", { email: ada.email, password: "correct horse 1" }))
          .body?.cancel();
        const res = await post(browser, "/two-factor?next=%2Fapp", {
          code: ` ${recovery[0].toUpperCase()} `,
        });
        await res.body?.cancel();
        assert.equal(res.status, expected);
      }
    });

    await t.step("five wrong codes end the sign-in", async () => {
      const browser = server.client();
      await (await post(browser, "/login", { email: ada.email, password: "correct horse 1" }))
        .body?.cancel();
      for (let i = 0; i < 4; i++) {
        const res = await post(browser, "/two-factor?next=%2Fapp", { code: wrongCode(key) });
        await res.body?.cancel();
        assert.equal(res.status, 400);
      }
      const last = await post(browser, "/two-factor?next=%2Fapp", { code: wrongCode(key) });
      await last.body?.cancel();
      assert.equal(last.headers.get("location"), "/two-factor?next=%2Fapp");
      const html = await (await get(browser, "/two-factor?next=%2Fapp")).text();
      assert.match(html, /<h1[^>]*>Log in again<\/h1>/);
      const right = await post(browser, "/two-factor?next=%2Fapp", { code: recovery[1] });
      await right.body?.cancel();
      assert.ok(!browser.jar.has("uptime_session"), "an ended sign-in takes no code");
    });

    await t.step("the API's login takes the code with the password", async () => {
      const client = server.client();
      const without = client.api.user.login.mutate({
        email: ada.email,
        password: "correct horse 1",
      });
      assert.equal(await errorCode(without), "BAD_REQUEST");
      await client.api.user.login.mutate({
        email: ada.email,
        password: "correct horse 1",
        code: recovery[2],
      });
      assert.equal((await client.api.user.me.query()).email, ada.email);
    });

    await t.step("codes sent at once to one sign-in count each", async () => {
      await server.services.sql`delete from login_challenges where user_id = ${ada.user.id}`;
      const browser = server.client();
      await (await post(browser, "/login", { email: ada.email, password: "correct horse 1" }))
        .body?.cancel();
      const answers = await Promise.all(
        Array.from(
          { length: 8 },
          () =>
            post(browser, "/two-factor?next=%2Fapp", { code: wrongCode(key) }).then(async (r) => {
              await r.body?.cancel();
              return r.status;
            }),
        ),
      );
      // Each is a wrong code (400) or finds the sign-in over (303, to "Log in again").
      assert.ok(answers.every((status) => status === 400 || status === 303), String(answers));
      // Five attempts were spent, however many were sent: the sign-in is over.
      const [{ attempts }] = await server.services.sql`
        select attempts from login_challenges where user_id = ${ada.user.id}`;
      assert.equal(attempts, 5);
      const html = await (await get(browser, "/two-factor?next=%2Fapp")).text();
      assert.match(html, /<h1[^>]*>Log in again<\/h1>/);
    });

    await t.step("a password reset link asks for the code before it changes anything", async () => {
      const link = await operatorResetLink(server.services, ada.email);
      const token = new URL(link!).searchParams.get("token")!;
      const browser = server.client();
      const page = await (await get(browser, `/reset-password?token=${token}`)).text();
      assert.match(page, /<label for="code"[^>]*>Authentication code<\/label>/);
      const without = await post(browser, "/reset-password", { token, password: "new battery 2" });
      assert.equal(without.status, 400);
      assert.match(await without.text(), /id="code-error"[^>]*>⚠ Enter the code from your/);
      const wrong = await post(browser, "/reset-password", {
        token,
        password: "new battery 2",
        code: wrongCode(key),
      });
      assert.equal(wrong.status, 400);
      await wrong.body?.cancel();
      // Nothing changed: the old password still signs in, the owner's session still works.
      assert.equal((await ada.api.user.me.query()).email, ada.email);
      const res = await post(browser, "/reset-password", {
        token,
        password: "new battery 2",
        code: recovery[3],
      });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.match(res.headers.get("location")!, /^\/app\/account\?changed=\d+$/);
      assert.ok(browser.jar.has("uptime_session"));
    });

    await t.step("new recovery codes and turning it off ask for the password", async () => {
      const me = server.client();
      await me.api.user.login.mutate({
        email: ada.email,
        password: "new battery 2",
        code: recovery[4],
      });
      const wrong = await post(me, "/app/two-factor", { intent: "renew", currentPassword: "nope" });
      assert.equal(wrong.status, 400);
      assert.match(
        await wrong.text(),
        /id="renew-password-error"[^>]*>⚠ This is not your current password/,
      );
      await (await post(me, "/app/two-factor", {
        intent: "renew",
        currentPassword: "new battery 2",
      }))
        .body?.cancel();
      const fresh = between(await (await get(me, "/app/two-factor")).text(), "recovery-code");
      assert.equal(fresh.length, 10);
      const old = server.client();
      await (await post(old, "/login", { email: ada.email, password: "new battery 2" })).body
        ?.cancel();
      const refused = await post(old, "/two-factor?next=%2Fapp", { code: recovery[5] });
      await refused.body?.cancel();
      assert.equal(refused.status, 400, "the old codes stopped working");

      const off = await post(me, "/app/two-factor", {
        intent: "disable",
        currentPassword: "new battery 2",
      });
      await off.body?.cancel();
      assert.equal(off.headers.get("location"), "/app/two-factor?done=off#notice");
      const plain = server.client();
      const login = await post(plain, "/login", { email: ada.email, password: "new battery 2" });
      await login.body?.cancel();
      assert.equal(login.headers.get("location"), "/app");
      assert.ok(plain.jar.has("uptime_session"));
    });
  } finally {
    await server.close();
  }
});

Deno.test("wrong codes are limited per account, across sign-ins and addresses", async () => {
  // X-Forwarded-For believed from the test's own address, as behind a proxy.
  const server = await apiServer({ TRUSTED_PROXIES: "loopback" });
  try {
    const bob = await server.user("bob");
    const get = (path: string) => bob.fetch(`${server.url}${path}`, { redirect: "manual" });
    const [key] = between(await (await get("/app/two-factor")).text(), "two-factor-secret");
    const on = await bob.fetch(
      `${server.url}/app/two-factor`,
      form({ intent: "enable", code: codeOf(key), currentPassword: "correct horse 1" }),
    );
    await on.body?.cancel();
    const statuses: number[] = [];
    for (let signIn = 0; signIn < 3; signIn++) {
      const browser = server.client();
      // Each sign-in from another address, as a thief would spread them.
      const from = { "x-forwarded-for": `198.51.100.${signIn + 1}` };
      await (await browser.fetch(`${server.url}/login`, {
        ...form({ email: bob.email, password: "correct horse 1" }),
        headers: { ...form({}).headers, ...from },
      })).body?.cancel();
      for (let i = 0; i < 4; i++) {
        const res = await browser.fetch(`${server.url}/two-factor?next=%2Fapp`, {
          ...form({ code: wrongCode(key) }),
          headers: { ...form({}).headers, ...from },
        });
        const html = await res.text();
        statuses.push(res.status);
        if (res.status === 429) assert.match(html, /Too many attempts/);
      }
    }
    // Ten wrong codes, then the account's codes wait, whatever the sign-in.
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(400));
    assert.deepEqual(statuses.slice(10), [429, 429]);

    // The owner lost the phone and the codes: the operator turns it off.
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/user_disable_two_factor.ts", bob.email.toUpperCase()],
      env: server.bed.env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.match(new TextDecoder().decode(run.stdout), /two-factor authentication is off for bob-/);
    const plain = server.client();
    await plain.api.user.login.mutate({ email: bob.email, password: "correct horse 1" });
    assert.equal((await plain.api.user.me.query()).email, bob.email);
  } finally {
    await server.close();
  }
});

Deno.test("in Chromium: turn on two-factor, then sign in with a code", async () => {
  const server = await apiServer();
  const browser = await launchChromium();
  try {
    const ada = await server.user("ada");
    const context = await signedInContext(browser, server.url, ada.jar);
    const page = await context.newPage();
    await page.goto(`${server.url}/app/account`);
    await page.getByRole("link", { name: "Set up two-factor authentication" }).click();
    await page.getByRole("img", { name: "QR code of your two-factor secret" }).waitFor();
    await screenshots(page, "two-factor-setup");
    const key = (await page.getByTestId("two-factor-secret").textContent())!.trim();
    await page.getByLabel("Authentication code").fill(codeOf(key));
    await page.getByLabel("Current password").fill("correct horse 1");
    await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
    await page.getByText("Your recovery codes, shown only now.").waitFor();
    assert.equal(await page.getByTestId("recovery-code").count(), 10);
    await screenshots(page, "two-factor-recovery-codes");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.goto(`${server.url}/login`);
    await page.getByLabel("Email").fill(ada.email);
    await page.getByLabel("Password").fill("correct horse 1");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
    await screenshots(page, "two-factor-login");
    await page.getByLabel("Authentication code").fill(codeOf(key, 1));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("heading", { name: "Monitors", exact: true }).waitFor();
    await context.close();
  } finally {
    await closeBrowser(browser);
    await server.close();
  }
});
