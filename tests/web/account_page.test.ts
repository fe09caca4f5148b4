/**
 * The account page as plain forms: the profile changes the name at once and the email
 * only with the password, the password change keeps this session and ends the others, a
 * wrong current password is said at its field, and signing out everywhere (after a
 * confirmation step) ends this session too.
 */
import assert from "node:assert/strict";
import { apiServer } from "../helpers/api.ts";

const PASSWORD = "correct horse 1";

const form = (fields: Record<string, string>) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual" as const,
});

Deno.test("the account page changes the password and signs out everywhere", async (t) => {
  const server = await apiServer();
  try {
    const me = server.client();
    const email = `acct-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await me.api.user.signup.mutate({
      email,
      password: PASSWORD,
      name: "<img src=x onerror=alert(1)>",
    });
    const laptop = server.client();
    await laptop.api.user.login.mutate({ email, password: PASSWORD });
    const get = (path: string) => me.fetch(`${server.url}${path}`, { redirect: "manual" });
    const post = (fields: Record<string, string>) =>
      me.fetch(`${server.url}/app/account`, form(fields));

    await t.step("name and email are shown, the name as text", async () => {
      const res = await get("/app/account");
      const html = await res.text();
      assert.equal(res.status, 200);
      assert.match(html, /<title>Account · Uptime<\/title>/);
      assert.ok(html.includes('value="&lt;img src=x onerror=alert(1)>"'), "the name is escaped");
      assert.ok(!html.includes("<img src=x"), "no tag from the name");
      assert.ok(html.includes(email));
      assert.match(html, /<label for="currentPassword"[^>]*>Current password</);
      assert.match(html, /<button[^>]*>Change password<\/button>/);
    });

    await t.step("a wrong current password is said at that field", async () => {
      const res = await post({
        intent: "change-password",
        currentPassword: "not it at all",
        newPassword: "a new battery staple",
        newPasswordAgain: "a new battery staple",
      });
      assert.equal(res.status, 400);
      assert.match(
        await res.text(),
        /id="currentPassword-error"[^>]*>⚠ This is not your current password/,
      );
    });

    await t.step("a short or mistyped new password is said at its field", async () => {
      const short = await post({
        intent: "change-password",
        currentPassword: PASSWORD,
        newPassword: "short",
        newPasswordAgain: "short",
      });
      assert.equal(short.status, 400);
      assert.match(await short.text(), /id="newPassword-error"[^>]*>⚠ At least 8 characters/);
      const mistyped = await post({
        intent: "change-password",
        currentPassword: PASSWORD,
        newPassword: "a new battery staple",
        newPasswordAgain: "a new battery stapel",
      });
      assert.equal(mistyped.status, 400);
      assert.match(
        await mistyped.text(),
        /id="newPasswordAgain-error"[^>]*>⚠ Does not match the new password/,
      );
      // Both at once, and an empty current password: all three named in one post.
      const all = await post({
        intent: "change-password",
        currentPassword: "",
        newPassword: "short",
        newPasswordAgain: "shrot",
      });
      assert.equal(all.status, 400);
      const html = await all.text();
      assert.match(html, /id="currentPassword-error"[^>]*>⚠ Enter your current password/);
      assert.match(html, /id="newPassword-error"[^>]*>⚠ At least 8 characters/);
      assert.match(html, /id="newPasswordAgain-error"[^>]*>⚠ Does not match the new password/);
      assert.equal((await laptop.api.user.me.query()).email, email, "nothing changed yet");
    });

    await t.step(
      "the profile changes the name at once, the email only with the password",
      async () => {
        const profile = (fields: Record<string, string>) =>
          post({ intent: "profile", name: "Ada", email, ...fields });
        const named = await profile({ name: "  Ada Lovelace " });
        await named.body?.cancel();
        assert.equal(named.status, 303);
        assert.equal(named.headers.get("location"), "/app/account?saved=profile#profile");
        const saved = await (await get("/app/account?saved=profile")).text();
        assert.match(saved, /Profile saved\./);
        assert.match(saved, /name="name"[^>]*value="Ada Lovelace"/);

        const other = `other-${crypto.randomUUID().slice(0, 8)}@example.com`;
        await server.client().api.user.signup.mutate({ email: other, password: PASSWORD });
        const newEmail = `new-${crypto.randomUUID().slice(0, 8)}@example.com`;
        const refusals: [Record<string, string>, number, RegExp][] = [
          [
            { email: newEmail },
            400,
            /id="profilePassword-error"[^>]*>⚠ Enter your current password/,
          ],
          [
            { email: newEmail, profilePassword: "not it" },
            400,
            /id="profilePassword-error"[^>]*>⚠ This is not your current password/,
          ],
          [{ email: "not an address" }, 400, /id="email-error"[^>]*>⚠ Not a valid address/],
          [
            { email: other.toUpperCase(), profilePassword: PASSWORD },
            409,
            /id="email-error"[^>]*>⚠ An account with this email exists/,
          ],
          [{ name: "x".repeat(101) }, 400, /id="name-error"[^>]*>⚠ At most 100 characters/],
        ];
        for (const [fields, status, said] of refusals) {
          const res = await profile(fields);
          assert.equal(res.status, status, JSON.stringify(fields));
          const html = await res.text();
          assert.match(html, said);
          // What was typed stays in the form.
          assert.ok(html.includes(`value="${fields.email ?? email}"`), JSON.stringify(fields));
        }
        assert.equal((await me.api.user.me.query()).email, email, "nothing changed yet");

        const moved = await profile({
          email: ` ${newEmail.toUpperCase()} `,
          profilePassword: PASSWORD,
        });
        await moved.body?.cancel();
        assert.equal(moved.status, 303);
        const signIn = server.client();
        await signIn.api.user.login.mutate({ email: newEmail, password: PASSWORD });
        await signIn.api.user.logout.mutate();
        await assert.rejects(server.client().api.user.login.mutate({ email, password: PASSWORD }));
        assert.equal((await laptop.api.user.me.query()).email, newEmail, "sessions stay");
        // Back, through the API this time; an empty name is no name.
        const back = await me.api.account.updateProfile.mutate({
          name: "",
          email,
          currentPassword: PASSWORD,
        });
        assert.deepEqual({ email: back.email, name: back.name }, { email, name: null });
      },
    );

    await t.step("a form from another site is refused", async () => {
      const res = await me.fetch(`${server.url}/app/account`, {
        ...form({ intent: "sign-out-everywhere" }),
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://evil.example",
        },
      });
      await res.body?.cancel();
      assert.equal(res.status, 403);
      assert.equal((await me.api.user.me.query()).email, email);
    });

    await t.step("changing the password keeps this session and ends the other", async () => {
      const res = await post({
        intent: "change-password",
        currentPassword: PASSWORD,
        newPassword: "a new battery staple",
        newPasswordAgain: "a new battery staple",
      });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/app/account?changed=1#password");
      const after = await get("/app/account?changed=1");
      assert.equal(after.status, 200);
      assert.match(await after.text(), /Password changed\. 1 other session was signed out\./);
      const other = await laptop.fetch(`${server.url}/app/account`, { redirect: "manual" });
      await other.body?.cancel();
      assert.equal(other.status, 302, "the other browser is sent to the login");
    });

    await t.step("sign out everywhere asks first, then ends this session too", async () => {
      const asked = await get("/app/account?confirm=sign-out-everywhere");
      const html = await asked.text();
      assert.match(html, /<button[^>]*>Yes, sign out everywhere<\/button>/);
      assert.match(html, /href="\/app\/account"[^>]*>Cancel</);
      const res = await post({ intent: "sign-out-everywhere" });
      await res.body?.cancel();
      assert.equal(res.status, 303);
      assert.equal(res.headers.get("location"), "/login");
      assert.equal(me.jar.size, 0, "the cookie is cleared");
      const rows = await server.bed.pg.sql`
        select 1 from sessions join users on users.id = sessions.user_id
        where users.email = ${email}`;
      assert.equal(rows.length, 0);
    });
  } finally {
    await server.close();
  }
});
