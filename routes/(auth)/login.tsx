import { page } from "../../fresh/mod.ts";
import { define } from "../../web/define.ts";
import { type AuthFormData, firstAuthForm, submitAuthForm } from "../../web/auth_pages.ts";
import { safeNext } from "../../web/forms.ts";
import AuthForm from "../../islands/AuthForm.tsx";
import { LINK } from "../../components/ui.tsx";

export const handler = define.handlers<AuthFormData>({
  async GET(ctx) {
    const next = safeNext(ctx.url.searchParams.get("next"));
    if (ctx.state.user) return ctx.redirect(next);
    ctx.state.title = "Log in";
    return page(await firstAuthForm(ctx.state.services, next));
  },
  async POST(ctx) {
    const outcome = await submitAuthForm(ctx, "login");
    if ("redirect" in outcome) return outcome.redirect;
    ctx.state.title = "Log in";
    return page(outcome.form, { status: outcome.status });
  },
});

export default define.page<typeof handler>(({ data }) => (
  <>
    <h1 class="text-2xl font-semibold tracking-tight">Log in</h1>
    {data.joining && (
      <p class="mt-1 break-words text-sm text-slate-700 dark:text-slate-300" data-joining>
        Next, you can accept the invitation to {data.joining}.
      </p>
    )}
    <p class="mt-1 mb-6 text-sm text-slate-600 dark:text-slate-400">
      Welcome back. New here?{" "}
      <a
        href={`/signup${data.next !== "/app" ? `?next=${encodeURIComponent(data.next)}` : ""}`}
        class={LINK}
      >
        Create an account
      </a>
    </p>
    <AuthForm
      mode="login"
      values={data.values}
      errors={data.errors}
      next={data.next !== "/app" ? data.next : undefined}
    />
    <p class="mt-4 text-center text-sm">
      <a href="/forgot-password" class={LINK}>Forgot your password?</a>
    </p>
  </>
));
