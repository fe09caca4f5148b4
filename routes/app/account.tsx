import { HttpError, page } from "../../fresh/mod.ts";
import { define } from "../../web/define.ts";
import { type FieldErrors, readForm } from "../../web/forms.ts";
import { submitPasswordChange, submitSignOutEverywhere } from "../../web/account_form.ts";
import {
  Button,
  Card,
  describedBy,
  Field,
  inputClass,
  LinkButton,
  Notice,
  PageHeader,
} from "../../components/ui.tsx";

interface Data {
  errors: FieldErrors;
  /** Sessions ended by a password change just made, or null. */
  changed: number | null;
  confirmSignOut: boolean;
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    ctx.state.title = "Account";
    const changed = ctx.url.searchParams.get("changed");
    return page({
      errors: {},
      changed: changed !== null && /^\d{1,6}$/.test(changed) ? Number(changed) : null,
      confirmSignOut: ctx.url.searchParams.get("confirm") === "sign-out-everywhere",
    });
  },
  async POST(ctx) {
    ctx.state.title = "Account";
    const form = await readForm(ctx.req);
    const intent = form.get("intent");
    if (intent === "sign-out-everywhere") return await submitSignOutEverywhere(ctx);
    if (intent !== "change-password") throw new HttpError(400, "Unknown action");
    const outcome = await submitPasswordChange(ctx, form);
    if ("redirect" in outcome) return outcome.redirect;
    return page({ errors: outcome.errors, changed: null, confirmSignOut: false }, {
      status: outcome.status,
    });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const { errors } = data;
  const user = state.user!;
  return (
    <div class="max-w-2xl space-y-6">
      <PageHeader title="Account" description="Your sign-in details and sessions." />

      <Card title="Profile" class="p-6">
        <h2 class="text-lg font-semibold">Profile</h2>
        <dl class="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[8rem_1fr]">
          {/* Given at sign-up through the API only: no row to say it is missing. */}
          {user.name && (
            <>
              <dt class="font-medium text-slate-600 dark:text-slate-400">Name</dt>
              <dd class="break-words" data-testid="account-name">{user.name}</dd>
            </>
          )}
          <dt class="font-medium text-slate-600 dark:text-slate-400">Email</dt>
          <dd class="break-all" data-testid="account-email">{user.email}</dd>
        </dl>
      </Card>

      <Card title="Change password" class="p-6">
        <h2 class="text-lg font-semibold">Change password</h2>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Every other browser and device signed in to this account is signed out; this one stays.
        </p>
        {data.changed !== null && (
          <Notice kind="success" class="mt-4">
            Password changed. {data.changed === 0
              ? "No other session was signed in."
              : `${data.changed} other ${
                data.changed === 1 ? "session was" : "sessions were"
              } signed out.`}
          </Notice>
        )}
        <form method="post" action="/app/account" class="mt-4 space-y-4">
          <input type="hidden" name="intent" value="change-password" />
          {errors.form && <Notice kind="error">{errors.form}</Notice>}
          {/* For password managers: whose password this is. */}
          <input
            type="text"
            name="username"
            autoComplete="username"
            value={user.email}
            readOnly
            hidden
          />
          <Field id="currentPassword" label="Current password" error={errors.currentPassword}>
            <input
              {...describedBy("currentPassword", errors.currentPassword)}
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              required
              class={inputClass(errors.currentPassword)}
            />
          </Field>
          <Field
            id="newPassword"
            label="New password"
            error={errors.newPassword}
            hint="At least 8 characters."
          >
            <input
              {...describedBy("newPassword", errors.newPassword, true)}
              name="newPassword"
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              class={inputClass(errors.newPassword)}
            />
          </Field>
          <Field id="newPasswordAgain" label="New password, again" error={errors.newPasswordAgain}>
            <input
              {...describedBy("newPasswordAgain", errors.newPasswordAgain)}
              name="newPasswordAgain"
              type="password"
              autoComplete="new-password"
              required
              class={inputClass(errors.newPasswordAgain)}
            />
          </Field>
          <Button>Change password</Button>
        </form>
      </Card>

      <Card title="Sessions" class="p-6">
        <h2 class="text-lg font-semibold">Sign out everywhere</h2>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Ends every session of this account, on every browser and device, this one included. Use it
          if you lost a device or signed in on a computer that is not yours.
        </p>
        {data.confirmSignOut
          ? (
            <div
              id="confirm-sign-out"
              class="mt-4 rounded-md border border-rose-300 p-4 dark:border-rose-800"
            >
              <p class="text-sm font-medium">
                Sign out of every session, including this one? You will need your password to sign
                in again.
              </p>
              <form method="post" action="/app/account" class="mt-3 flex flex-wrap gap-2">
                <input type="hidden" name="intent" value="sign-out-everywhere" />
                <Button variant="danger">Yes, sign out everywhere</Button>
                <LinkButton href="/app/account" variant="secondary">Cancel</LinkButton>
              </form>
            </div>
          )
          : (
            <LinkButton
              href="/app/account?confirm=sign-out-everywhere#confirm-sign-out"
              variant="secondary"
              class="mt-4"
            >
              Sign out everywhere
            </LinkButton>
          )}
      </Card>
    </div>
  );
});
