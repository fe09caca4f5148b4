import { HttpError, page } from "../../fresh/mod.ts";
import { define } from "../../web/define.ts";
import { type FieldErrors, readForm } from "../../web/forms.ts";
import {
  submitPasswordChange,
  submitProfile,
  submitSignOutEverywhere,
} from "../../web/account_form.ts";
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
import { type TwoFactorStatus, twoFactorStatus } from "../../services/users/two_factor.ts";

interface Data {
  errors: FieldErrors;
  /** The form the errors belong to. */
  errorAt: "profile" | "password" | null;
  /** The profile as last posted (on an error), so nothing typed is lost. */
  values: { name?: string; email?: string };
  profileSaved: boolean;
  /** Sessions ended by a password change just made, or null. */
  changed: number | null;
  confirmSignOut: boolean;
  twoFactor: TwoFactorStatus;
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    ctx.state.title = "Account";
    const changed = ctx.url.searchParams.get("changed");
    return page({
      twoFactor: await twoFactorStatus(ctx.state.services.sql, ctx.state.user!.id),
      errors: {},
      errorAt: null,
      values: {},
      profileSaved: ctx.url.searchParams.get("saved") === "profile",
      changed: changed !== null && /^\d{1,6}$/.test(changed) ? Number(changed) : null,
      confirmSignOut: ctx.url.searchParams.get("confirm") === "sign-out-everywhere",
    });
  },
  async POST(ctx) {
    ctx.state.title = "Account";
    const form = await readForm(ctx.req);
    const intent = form.get("intent");
    if (intent === "sign-out-everywhere") return await submitSignOutEverywhere(ctx);
    if (intent !== "change-password" && intent !== "profile") {
      throw new HttpError(400, "Unknown action");
    }
    const outcome = intent === "profile"
      ? await submitProfile(ctx, form)
      : await submitPasswordChange(ctx, form);
    if ("redirect" in outcome) return outcome.redirect;
    return page({
      twoFactor: await twoFactorStatus(ctx.state.services.sql, ctx.state.user!.id),
      errors: outcome.errors,
      errorAt: intent === "profile" ? "profile" : "password",
      values: outcome.values ?? {},
      profileSaved: false,
      changed: null,
      confirmSignOut: false,
    }, { status: outcome.status });
  },
});

export default define.page<typeof handler>(({ data, state }) => {
  const user = state.user!;
  const errors = data.errorAt === "password" ? data.errors : {};
  const profileErrors = data.errorAt === "profile" ? data.errors : {};
  return (
    <div class="max-w-2xl space-y-6">
      <PageHeader title="Account" description="Your sign-in details and sessions." />

      <Card title="Profile" class="p-6">
        <h2 id="profile" class="text-lg font-semibold">Profile</h2>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Your name is shown on incidents you acknowledge; your email is how you sign in.
        </p>
        {data.profileSaved && <Notice kind="success" class="mt-4">Profile saved.</Notice>}
        <form method="post" action="/app/account#profile" class="mt-4 space-y-4">
          <input type="hidden" name="intent" value="profile" />
          {profileErrors.form && <Notice kind="error">{profileErrors.form}</Notice>}
          <Field
            id="name"
            label="Name"
            error={profileErrors.name}
            hint="Optional. Without one, incidents you acknowledge show your email."
          >
            <input
              {...describedBy("name", profileErrors.name, true)}
              name="name"
              autoComplete="name"
              maxLength={100}
              value={data.values.name ?? user.name ?? ""}
              class={inputClass(profileErrors.name)}
            />
          </Field>
          <Field id="email" label="Email" error={profileErrors.email}>
            <input
              {...describedBy("email", profileErrors.email)}
              name="email"
              type="email"
              autoComplete="email"
              required
              value={data.values.email ?? user.email}
              class={inputClass(profileErrors.email)}
            />
          </Field>
          <Field
            id="profilePassword"
            label="Your password"
            error={profileErrors.profilePassword}
            hint="Needed only to change the email above."
          >
            <input
              {...describedBy("profilePassword", profileErrors.profilePassword, true)}
              name="profilePassword"
              type="password"
              autoComplete="current-password"
              class={inputClass(profileErrors.profilePassword)}
            />
          </Field>
          <Button>Save profile</Button>
        </form>
      </Card>

      <Card title="Change password" class="p-6">
        <h2 id="password" class="text-lg font-semibold">Change password</h2>
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
        <form method="post" action="/app/account#password" class="mt-4 space-y-4">
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

      <Card title="Two-factor authentication" class="p-6">
        <h2 class="text-lg font-semibold">Two-factor authentication</h2>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {data.twoFactor.enabled
            ? `On: signing in asks for a code from your authenticator app. ${data.twoFactor.recoveryCodesLeft} recovery ${
              data.twoFactor.recoveryCodesLeft === 1 ? "code" : "codes"
            } left.`
            : "Off: your password alone signs you in. Turn it on so that a stolen password is not enough."}
        </p>
        <div class="mt-4">
          <LinkButton href="/app/two-factor" variant="secondary">
            {data.twoFactor.enabled
              ? "Manage two-factor authentication"
              : "Set up two-factor authentication"}
          </LinkButton>
        </div>
      </Card>

      <Card title="Sessions" class="p-6">
        <h2 class="text-lg font-semibold">Sign out everywhere</h2>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Ends every session of this account, on every browser and device, this one included, and
          revokes every API token. Use it if you lost a device, signed in on a computer that is not
          yours, or think someone else used your account.
        </p>
        {data.confirmSignOut
          ? (
            <div
              id="confirm-sign-out"
              class="mt-4 rounded-md border border-rose-300 p-4 dark:border-rose-800"
            >
              <p class="text-sm font-medium">
                Sign out of every session, including this one, and revoke every API token? You will
                need your password to sign in again.
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

      <Card title="API tokens" class="p-6">
        <h2 class="text-lg font-semibold">API tokens</h2>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Tokens let scripts and CI call the API as you, without your password.
        </p>
        <div class="mt-4">
          <LinkButton href="/app/api-tokens" variant="secondary">Manage API tokens</LinkButton>
        </div>
      </Card>
    </div>
  );
});
