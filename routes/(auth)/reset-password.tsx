import { page } from "../../fresh/mod.ts";
import { define } from "../../web/define.ts";
import { SECRET_PAGE } from "../../web/forms.ts";
import { resetForm, type ResetFormData, submitResetForm } from "../../web/password_reset_pages.ts";
import { RESET_LINK_MINUTES } from "../../services/users/password_reset.ts";
import { Button, describedBy, Field, inputClass, LINK, Notice } from "../../components/ui.tsx";
import { CodeField } from "../../components/auth/code_field.tsx";

export const handler = define.handlers<ResetFormData>({
  async GET(ctx) {
    const form = await resetForm(ctx);
    ctx.state.title = form.account ? "Choose a new password" : "This link no longer works";
    return page(form, { status: form.account ? 200 : 400, headers: SECRET_PAGE });
  },
  async POST(ctx) {
    const outcome = await submitResetForm(ctx);
    if ("redirect" in outcome) return outcome.redirect;
    ctx.state.title = outcome.form.account ? "Choose a new password" : "This link no longer works";
    return page(outcome.form, { status: outcome.status, headers: SECRET_PAGE });
  },
});

export default define.page<typeof handler>(({ data }) => {
  const { account } = data;
  if (!account) {
    return (
      <>
        <h1 class="text-2xl font-semibold tracking-tight">This link no longer works</h1>
        <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
          A link to reset a password works once, for {RESET_LINK_MINUTES}{" "}
          minutes, and not after the password has been changed.
        </p>
        <p class="mt-6 text-sm">
          <a href="/forgot-password" class={LINK}>Ask for a new link</a>
        </p>
      </>
    );
  }
  const { errors } = data;
  return (
    <>
      <h1 class="text-2xl font-semibold tracking-tight">Choose a new password</h1>
      <p class="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">
        For{" "}
        <strong class="break-words">{account.email}</strong>. Every device signed in to this account
        will be signed out, and its API tokens revoked.
      </p>
      <form method="post" action="/reset-password" class="space-y-5">
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <input type="hidden" name="token" value={data.token} />
        {/* Tells a password manager whose password this is. */}
        <input
          type="text"
          name="username"
          autoComplete="username"
          value={account.email}
          hidden
          readOnly
        />
        <Field
          id="password"
          label="New password"
          error={errors.password}
          hint="At least 8 characters."
        >
          <input
            {...describedBy("password", errors.password, true)}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            maxLength={256}
            class={inputClass(errors.password)}
          />
        </Field>
        {account.twoFactor && (
          <CodeField
            error={errors.code}
            hint="Two-factor authentication is on: the code from your app, or a recovery code."
          />
        )}
        <Button class="w-full">Set new password</Button>
      </form>
    </>
  );
});
