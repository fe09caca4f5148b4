/**
 * `/app/api-tokens`: tokens for scripts and CI. A new token is shown once, on the page its
 * form leads to (a cookie that lives ten minutes carries it there: web/secret_flash.ts).
 */
import { type Context, HttpError, page } from "../../fresh/mod.ts";
import { defineApp, type SignedInState } from "../../web/define.ts";
import { type FieldErrors, fieldErrors, readForm, seeOther } from "../../web/forms.ts";
import { flashSecret, takeSecret } from "../../web/secret_flash.ts";
import { pageError } from "../../web/page_errors.ts";
import { DomainError } from "../../services/errors.ts";
import {
  apiTokenIdInput,
  type ApiTokenView,
  createApiTokenInput,
  EXPIRY_CHOICES,
} from "../../services/api_tokens/tokens.ts";
import { createApiToken } from "../../services/api_tokens/create.ts";
import { listApiTokens } from "../../services/api_tokens/list.ts";
import { revokeApiToken } from "../../services/api_tokens/revoke.ts";
import { Time } from "../../components/time.tsx";
import CopyButton from "../../islands/CopyButton.tsx";
import {
  Button,
  Card,
  describedBy,
  EmptyState,
  Field,
  inputClass,
  Notice,
  PageHeader,
} from "../../components/ui.tsx";
import { actorOf } from "../../services/context.ts";
import { teamName } from "../../services/teams/teams.ts";

const PATH = "/app/api-tokens";

interface Data {
  tokens: ApiTokenView[];
  /** A token just made: shown only now. */
  created: string | null;
  name: string;
  /** Days, as chosen in the form; "" for never. */
  expires: string;
  /** As chosen in the form: "write" (queries and changes) or "read" (queries alone). */
  access: string;
  errors: FieldErrors;
  notice: string | null;
  appUrl: string;
  /** The team's name when the session works in another's team; null in one's own. */
  team: string | null;
}

const NOTICES: Record<string, string> = {
  revoked: "The token was revoked. Calls that use it are refused from now on.",
  gone: "That token no longer exists.",
};

function teamOf({ user, teams }: SignedInState): string | null {
  const team = teams.find((t) => t.accountId === user.accountId);
  return team && user.accountId !== user.id ? teamName(team.ownerName) : null;
}

async function load(ctx: Context<SignedInState>, extra: Partial<Data> = {}): Promise<Data> {
  ctx.state.title = "API tokens";
  return {
    tokens: await listApiTokens(ctx.state.services, actorOf(ctx.state.user)),
    created: null,
    name: "",
    expires: "90",
    access: "write",
    errors: {},
    notice: NOTICES[ctx.url.searchParams.get("done") ?? ""] ?? null,
    appUrl: ctx.state.services.config.appUrl.replace(/\/+$/, ""),
    team: teamOf(ctx.state),
    ...extra,
  };
}

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    const flash = takeSecret(ctx.req, PATH);
    const data = await load(ctx, { created: flash?.secret ?? null });
    return page(data, flash ? { headers: { "set-cookie": flash.clear } } : undefined);
  },
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const actor = actorOf(ctx.state.user);
    const intent = form.get("intent");
    if (intent === "create") {
      const name = (form.get("name") ?? "").slice(0, 200);
      const expires = (form.get("expires") ?? "").slice(0, 10);
      const access = form.get("access") === "read" ? "read" : "write";
      try {
        const made = await createApiToken(
          ctx.state.services,
          actor,
          createApiTokenInput.parse({
            name,
            expiresInDays: expires ? Number(expires) : null,
            readOnly: access === "read",
          }),
        );
        return seeOther(`${PATH}#new-token`, {
          "set-cookie": flashSecret(ctx.req, PATH, made.token),
        });
      } catch (error) {
        const errors = fieldErrors(error);
        if (!errors) throw error;
        return page(await load(ctx, { name, expires, access, errors }), { status: 400 });
      }
    }
    if (intent !== "revoke") throw new HttpError(400, "Unknown action");
    const input = apiTokenIdInput.safeParse({ id: form.get("id") });
    if (!input.success) throw new HttpError(400, input.error.issues[0].message);
    try {
      await revokeApiToken(ctx.state.services, actor, input.data.id);
    } catch (error) {
      if (error instanceof DomainError && error.code === "NOT_FOUND") {
        return seeOther(`${PATH}?done=gone#notice`);
      }
      throw pageError(error);
    }
    return seeOther(`${PATH}?done=revoked#notice`);
  },
});

/** When a token stops working: never, on a day to come, or it has (and is refused). */
function Expiry({ at }: { at: number | null }) {
  if (at === null) return <>never expires</>;
  if (at <= Date.now()) {
    return (
      <span class="font-medium text-rose-700 dark:text-rose-400">
        expired <Time at={at} />: calls with it are refused
      </span>
    );
  }
  return (
    <>
      expires <Time at={at} />
    </>
  );
}

function TokenRow({ token }: { token: ApiTokenView }) {
  return (
    <li class="flex flex-col gap-x-6 gap-y-3 px-4 py-4 sm:flex-row sm:items-start sm:justify-between sm:px-6">
      <div class="min-w-0 flex-1">
        <p class="break-words text-base font-semibold text-slate-900 dark:text-white">
          {token.name}
        </p>
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
          <span class="font-mono">{token.prefix}…</span> · created <Time at={token.createdAt} />
          {" · "}
          {token.lastUsedAt === null ? "never used" : (
            <>
              last used <Time at={token.lastUsedAt} relative />
            </>
          )}
          {" · "}
          <Expiry at={token.expiresAt} />
          {" · "}
          {token.readOnly ? "read only" : "reads and changes"}
        </p>
      </div>
      <form method="post" action={PATH}>
        <input type="hidden" name="intent" value="revoke" />
        <input type="hidden" name="id" value={token.id} />
        <Button variant="secondary">
          Revoke<span class="sr-only">{` token ${token.name}`}</span>
        </Button>
      </form>
    </li>
  );
}

export default defineApp.page<typeof handler>(({ data }) => {
  const example =
    `curl -H "Authorization: Bearer $UPTIME_TOKEN" ${data.appUrl}/api/trpc/website.list`;
  return (
    <div class="max-w-3xl space-y-6">
      <PageHeader
        title="API tokens"
        description="For scripts, CI and dashboards: a token can do all you can through the API, except change your sign-in or its tokens. A read-only token can only read."
      />
      {data.team && (
        <Notice>
          You work in{" "}
          {data.team}: the tokens below, and those you create here, act in it. Your tokens for your
          own team are listed when you switch to it.
        </Notice>
      )}
      {data.notice && <Notice kind="success" id="notice">{data.notice}</Notice>}
      {data.created && (
        <div id="new-token">
          <Notice kind="warning">
            <p>Your new token, shown only now. Copy it and keep it secret:</p>
            <p class="mt-2 flex flex-wrap items-center gap-3">
              <code class="break-all font-mono" data-testid="new-token">{data.created}</code>
              <CopyButton text={data.created} label="API token" />
            </p>
          </Notice>
        </div>
      )}
      {data.tokens.length === 0
        ? (
          <EmptyState title="No API tokens">
            Make one for each script or CI job that calls the API, so that you can revoke one
            without the others.
          </EmptyState>
        )
        : (
          <Card title="Your API tokens">
            <ul class="divide-y divide-slate-200 dark:divide-slate-700">
              {data.tokens.map((token) => <TokenRow key={token.id} token={token} />)}
            </ul>
          </Card>
        )}

      <Card title="Create token" class="p-4 sm:p-6">
        <h2 class="text-lg font-semibold">Create a token</h2>
        <form method="post" action={`${PATH}#create`} class="mt-4 space-y-4" id="create">
          <input type="hidden" name="intent" value="create" />
          <Field
            id="name"
            label="Token name"
            error={data.errors.name}
            hint="What uses it, such as “Deploy script”."
          >
            <input
              {...describedBy("name", data.errors.name, true)}
              name="name"
              type="text"
              required
              maxLength={60}
              value={data.name}
              class={inputClass(data.errors.name)}
            />
          </Field>
          <Field
            id="expires"
            label="Expires"
            error={data.errors.expiresInDays}
            hint="After this, calls with the token are refused; make a new one then."
          >
            <select
              {...describedBy("expires", data.errors.expiresInDays, true)}
              name="expires"
              class={inputClass(data.errors.expiresInDays)}
            >
              {EXPIRY_CHOICES.map((days) => (
                <option key={days} value={String(days)} selected={data.expires === String(days)}>
                  {days === 365 ? "In a year" : `In ${days} days`}
                </option>
              ))}
              <option value="" selected={data.expires === ""}>Never</option>
            </select>
          </Field>
          <Field
            id="access"
            label="Access"
            hint="A read-only token calls queries, such as website.list, and is refused every change: for dashboards and reports."
          >
            <select {...describedBy("access", undefined, true)} name="access" class={inputClass()}>
              <option value="write" selected={data.access === "write"}>Read and change</option>
              <option value="read" selected={data.access === "read"}>Read only</option>
            </select>
          </Field>
          <Button>Create token</Button>
        </form>
      </Card>

      <Card title="Using a token" class="p-4 sm:p-6">
        <h2 class="text-lg font-semibold">Using a token</h2>
        <p class="mt-2 text-sm text-slate-700 dark:text-slate-300">
          Send it as a bearer token to the API at{" "}
          <code class="font-mono">/api/trpc</code>: queries are GET requests, changes are POST
          requests with a JSON body, for example to open a maintenance window from a deploy script
          with <code class="font-mono">maintenance.create</code>.
        </p>
        <pre class="mt-3 overflow-x-auto rounded-md bg-slate-100 p-3 text-xs dark:bg-slate-900"><code>{example}</code></pre>
      </Card>
    </div>
  );
});
