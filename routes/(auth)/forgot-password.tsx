import { page } from "../../fresh/mod.ts";
import { define } from "../../web/define.ts";
import { SECRET_PAGE } from "../../web/forms.ts";
import {
  forgotForm,
  type ForgotFormData,
  submitForgotForm,
} from "../../web/password_reset_pages.ts";
import { RESET_LINK_MINUTES } from "../../services/users/password_reset.ts";
import { Button, describedBy, Field, inputClass, LINK, Notice } from "../../components/ui.tsx";

export const handler = define.handlers<ForgotFormData>({
  GET(ctx) {
    ctx.state.title = "Reset your password";
    return page(forgotForm(ctx), { headers: SECRET_PAGE });
  },
  async POST(ctx) {
    const { form, status } = await submitForgotForm(ctx);
    ctx.state.title = form.sentTo ? "Check your email" : "Reset your password";
    return page(form, { status, headers: SECRET_PAGE });
  },
});

const BACK = (
  <p class="mt-6 text-sm">
    <a href="/login" class={LINK}>Back to log in</a>
  </p>
);

export default define.page<typeof handler>(({ data }) => {
  if (data.sentTo) {
    return (
      <>
        <h1 class="text-2xl font-semibold tracking-tight">Check your email</h1>
        <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
          If an account uses{" "}
          <strong class="break-words">{data.sentTo}</strong>, a link to choose a new password is on
          its way to it. The link works once, for {RESET_LINK_MINUTES} minutes.
        </p>
        <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
          No mail after a few minutes? Look in your spam folder, check the address, or{" "}
          <a href="/forgot-password" class={LINK}>ask again</a>.
        </p>
        {BACK}
      </>
    );
  }
  if (!data.byMail) {
    return (
      <>
        <h1 class="text-2xl font-semibold tracking-tight">Reset your password</h1>
        <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
          This instance of Uptime does not send email, so it cannot mail you a link. Ask whoever
          runs it to make one for you with:
        </p>
        <code class="mt-3 block rounded-md bg-slate-100 px-3 py-2 text-sm break-words dark:bg-slate-800">
          deno task user:reset-password you@example.com
        </code>
        <p class="mt-3 text-sm text-slate-700 dark:text-slate-300">
          The link it prints works once, for {RESET_LINK_MINUTES} minutes.
        </p>
        {BACK}
      </>
    );
  }
  const { errors } = data;
  return (
    <>
      <h1 class="text-2xl font-semibold tracking-tight">Reset your password</h1>
      <p class="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">
        Enter your account's email address, and we will mail you a link to choose a new password.
      </p>
      <form method="post" action="/forgot-password" class="space-y-5">
        {errors.form && <Notice kind="error">{errors.form}</Notice>}
        <Field id="email" label="Email" error={errors.email}>
          <input
            {...describedBy("email", errors.email)}
            name="email"
            type="email"
            autoComplete="email"
            required
            maxLength={254}
            value={data.email}
            class={inputClass(errors.email)}
          />
        </Field>
        <Button class="w-full">Email me a reset link</Button>
      </form>
      {BACK}
    </>
  );
});
