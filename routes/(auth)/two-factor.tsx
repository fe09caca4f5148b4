/**
 * `/two-factor`: the second step of a login (or of a password reset) with two-factor on.
 * The challenge travels in a cookie that reaches only this page (web/trpc/cookies.ts).
 */
import { page } from "../../fresh/mod.ts";
import { define } from "../../web/define.ts";
import {
  type FieldErrors,
  fieldErrors,
  formStatus,
  readForm,
  safeNext,
  seeOther,
} from "../../web/forms.ts";
import { clientIp } from "../../web/client_ip.ts";
import {
  clearedChallengeCookie,
  isSecureRequest,
  readChallengeCookie,
  readSessionCookie,
  sessionCookie,
} from "../../web/trpc/cookies.ts";
import { logout } from "../../services/users/accounts.ts";
import {
  CHALLENGE_MINUTES,
  challengeUser,
  completeChallenge,
} from "../../services/users/login_challenge.ts";
import { Button, LINK, Notice } from "../../components/ui.tsx";
import { CodeField } from "../../components/auth/code_field.tsx";

interface Data {
  /** Whose login this is; null when the challenge is over (expired, used, too many tries). */
  email: string | null;
  next: string;
  errors: FieldErrors;
}

const NO_STORE = { "cache-control": "no-store" };

export const handler = define.handlers<Data>({
  async GET(ctx) {
    const user = await challengeUser(ctx.state.services, readChallengeCookie(ctx.req));
    ctx.state.title = "Two-factor authentication";
    const next = safeNext(ctx.url.searchParams.get("next"));
    return page({ email: user?.email ?? null, next, errors: {} }, { headers: NO_STORE });
  },
  async POST(ctx) {
    const { services } = ctx.state;
    const form = await readForm(ctx.req);
    const next = safeNext(ctx.url.searchParams.get("next"));
    const challenge = readChallengeCookie(ctx.req);
    const secure = isSecureRequest(ctx.req);
    ctx.state.title = "Two-factor authentication";
    try {
      const { token } = await completeChallenge(
        services,
        challenge,
        { code: form.get("code") ?? "" },
        clientIp(ctx.req, ctx.info, services.config.trustedProxies),
      );
      await logout(services, readSessionCookie(ctx.req));
      const headers = new Headers({ location: next });
      headers.append("set-cookie", sessionCookie(token, secure));
      headers.append("set-cookie", clearedChallengeCookie(secure));
      return new Response(null, { status: 303, headers });
    } catch (error) {
      const errors = fieldErrors(error);
      if (!errors) throw error;
      const user = await challengeUser(services, challenge);
      if (!user) return seeOther(`/two-factor?next=${encodeURIComponent(next)}`);
      return page({ email: user.email, next, errors }, {
        status: formStatus(error),
        headers: NO_STORE,
      });
    }
  },
});

export default define.page<typeof handler>(({ data }) => {
  if (!data.email) {
    return (
      <>
        <h1 class="text-2xl font-semibold tracking-tight">Log in again</h1>
        <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
          A sign-in waits {CHALLENGE_MINUTES}{" "}
          minutes for its code and takes five wrong codes; this one is over.
        </p>
        <p class="mt-6 text-sm">
          <a href={`/login?next=${encodeURIComponent(data.next)}`} class={LINK}>Log in</a>
        </p>
      </>
    );
  }
  const { errors } = data;
  return (
    <>
      <h1 class="text-2xl font-semibold tracking-tight">Two-factor authentication</h1>
      <p class="mt-1 mb-6 break-words text-sm text-slate-600 dark:text-slate-400">
        Enter the 6-digit code from your authenticator app for <strong>{data.email}</strong>.
      </p>
      <form
        method="post"
        action={`/two-factor?next=${encodeURIComponent(data.next)}`}
        class="space-y-5"
      >
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <CodeField
          error={errors.code}
          hint="Lost your phone? Enter one of your recovery codes instead."
          autoFocus
        />
        <Button class="w-full">Verify</Button>
      </form>
    </>
  );
});
