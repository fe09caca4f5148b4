/**
 * `/app/two-factor`: turning two-factor authentication on (scan the QR code, enter the first
 * code), and, once on, new recovery codes or turning it off (each asks for the password).
 * Recovery codes are shown once, on the page the form leads to (web/secret_flash.ts).
 */
import { type Context, HttpError, page } from "../../fresh/mod.ts";
import { defineApp, type SignedInState } from "../../web/define.ts";
import { type FieldErrors, fieldErrors, formStatus, readForm, seeOther } from "../../web/forms.ts";
import { flashSecret, takeSecret } from "../../web/secret_flash.ts";
import { actorOf } from "../../services/context.ts";
import {
  confirmSetup,
  disableTwoFactor,
  renewRecoveryCodes,
  type Setup,
  startSetup,
  type TwoFactorStatus,
  twoFactorStatus,
} from "../../services/users/two_factor.ts";
import CopyButton from "../../islands/CopyButton.tsx";
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

const PATH = "/app/two-factor";

interface Data {
  status: TwoFactorStatus;
  /** While off: what the app scans. */
  setup: Setup | null;
  /** Recovery codes just made: shown only now. */
  codes: string[] | null;
  errors: FieldErrors;
  /** The form the errors belong to. */
  errorAt: "enable" | "renew" | "disable" | null;
  notice: string | null;
}

async function load(ctx: Context<SignedInState>, extra: Partial<Data> = {}): Promise<Data> {
  const { services, user } = ctx.state;
  ctx.state.title = "Two-factor authentication";
  let status = await twoFactorStatus(services.sql, user.id);
  // Turned on meanwhile (from another tab): then there is nothing to set up.
  const setup = status.enabled ? null : await startSetup(services, actorOf(user)).catch(() => null);
  if (!setup) status = await twoFactorStatus(services.sql, user.id);
  return {
    status,
    setup,
    codes: null,
    errors: {},
    errorAt: null,
    notice: ctx.url.searchParams.get("done") === "off"
      ? "Two-factor authentication is off. Your password alone signs you in."
      : null,
    ...extra,
  };
}

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    const flash = takeSecret(ctx.req, PATH);
    const codes = flash?.secret.split(" ").filter((c) => /^[a-z0-9]{5}-[a-z0-9]{5}$/.test(c));
    const data = await load(ctx, { codes: codes?.length ? codes : null });
    return page(data, flash ? { headers: { "set-cookie": flash.clear } } : undefined);
  },
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const { services, user } = ctx.state;
    const actor = actorOf(user);
    const intent = form.get("intent");
    if (intent !== "enable" && intent !== "renew" && intent !== "disable") {
      throw new HttpError(400, "Unknown action");
    }
    try {
      if (intent === "disable") {
        await disableTwoFactor(services, actor, { currentPassword: form.get("currentPassword") });
        return seeOther(`${PATH}?done=off#notice`);
      }
      const codes = intent === "enable"
        ? await confirmSetup(services, actor, {
          code: form.get("code") ?? "",
          currentPassword: form.get("currentPassword"),
        })
        : await renewRecoveryCodes(services, actor, {
          currentPassword: form.get("currentPassword"),
        });
      return seeOther(`${PATH}#recovery-codes`, {
        "set-cookie": flashSecret(ctx.req, PATH, codes.join(" ")),
      });
    } catch (error) {
      const errors = fieldErrors(error);
      if (!errors) throw error;
      return page(await load(ctx, { errors, errorAt: intent }), { status: formStatus(error) });
    }
  },
});

/** Every change here asks for the password; `id` tells the forms' fields apart. */
function PasswordField(props: { id: string; error?: string; class?: string }) {
  return (
    <Field id={props.id} label="Current password" error={props.error}>
      <input
        {...describedBy(props.id, props.error)}
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        class={inputClass(props.error, props.class)}
      />
    </Field>
  );
}

function PasswordForm(
  props: { intent: "renew" | "disable"; label: string; data: Data; danger?: boolean },
) {
  const errors = props.data.errorAt === props.intent ? props.data.errors : {};
  return (
    <form method="post" action={`${PATH}#${props.intent}`} class="mt-4 space-y-4" id={props.intent}>
      <input type="hidden" name="intent" value={props.intent} />
      <PasswordField id={`${props.intent}-password`} error={errors.currentPassword} />
      <Button variant={props.danger ? "danger" : "secondary"}>{props.label}</Button>
    </form>
  );
}

export default defineApp.page<typeof handler>(({ data }) => {
  const errors = data.errorAt === "enable" ? data.errors : {};
  return (
    <div class="max-w-2xl space-y-6">
      <PageHeader
        title="Two-factor authentication"
        description="With it on, signing in takes your password and a code from an authenticator app on your phone, so a stolen password alone is not enough."
      />
      {data.notice && <Notice kind="success" id="notice">{data.notice}</Notice>}
      {data.errors.form && <Notice kind="error">{data.errors.form}</Notice>}
      {data.codes && (
        <div id="recovery-codes">
          <Notice kind="warning">
            <p class="font-medium">
              Your recovery codes, shown only now. Keep them somewhere safe, apart from your phone:
              each signs you in once without the app.
            </p>
            <ul class="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm sm:w-max">
              {data.codes.map((code) => <li key={code} data-testid="recovery-code">{code}</li>)}
            </ul>
            <p class="mt-3 flex flex-wrap items-center gap-3">
              <CopyButton text={data.codes.join("\n")} label="recovery codes" />
              <LinkButton href="/app/account" variant="secondary">I have saved them</LinkButton>
            </p>
          </Notice>
        </div>
      )}

      {data.setup
        ? (
          <Card title="Set up" class="p-6">
            <h2 class="text-lg font-semibold">Set up your authenticator app</h2>
            <ol class="mt-3 list-decimal space-y-2 pl-5 text-sm text-slate-700 dark:text-slate-300">
              <li>
                Open an authenticator app (Google Authenticator, 1Password, Bitwarden, Authy, …) and
                scan this QR code.
              </li>
              <li>
                Enter the 6-digit code it shows, to check that it works, and your password.
              </li>
            </ol>
            <div class="mt-4 flex flex-col gap-4 sm:flex-row sm:items-start">
              <div
                class="h-44 w-44 shrink-0 rounded-md bg-white p-1"
                role="img"
                aria-label="QR code of your two-factor secret"
                // Made here by npm qrcode from the secret: paths only, no user text.
                dangerouslySetInnerHTML={{ __html: data.setup.qrSvg }}
              />
              <div class="min-w-0 text-sm text-slate-700 dark:text-slate-300">
                <p>Cannot scan it? Type this key into the app instead:</p>
                <p class="mt-2 flex flex-wrap items-center gap-3">
                  <code class="break-words font-mono" data-testid="two-factor-secret">
                    {data.setup.secret}
                  </code>
                  <CopyButton text={data.setup.secret.replace(/ /g, "")} label="key" />
                </p>
              </div>
            </div>
            <form method="post" action={`${PATH}#enable`} class="mt-6 space-y-4" id="enable">
              <input type="hidden" name="intent" value="enable" />
              <Field id="code" label="Authentication code" error={errors.code}>
                <input
                  {...describedBy("code", errors.code)}
                  name="code"
                  type="text"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  required
                  maxLength={10}
                  class={inputClass(errors.code, "sm:max-w-[12rem]")}
                />
              </Field>
              <PasswordField
                id="enable-password"
                error={errors.currentPassword}
                class="sm:max-w-xs"
              />
              <Button>Turn on two-factor authentication</Button>
            </form>
          </Card>
        )
        : (
          <>
            <Card title="Status" class="p-6">
              <h2 class="text-lg font-semibold">Two-factor authentication is on</h2>
              <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                {data.status.recoveryCodesLeft}{" "}
                {data.status.recoveryCodesLeft === 1 ? "recovery code" : "recovery codes"}{" "}
                left. Make new ones when you run low, or if someone may have seen them: the old ones
                stop working.
              </p>
              <PasswordForm intent="renew" label="Make new recovery codes" data={data} />
            </Card>
            <Card title="Turn off" class="p-6">
              <h2 class="text-lg font-semibold">Turn off two-factor authentication</h2>
              <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
                Your password alone will sign you in again.
              </p>
              <PasswordForm
                intent="disable"
                label="Turn off two-factor authentication"
                data={data}
                danger
              />
            </Card>
          </>
        )}
    </div>
  );
});
