import { type Context, HttpError, page } from "../../../fresh/mod.ts";
import { define, type State } from "../../../web/define.ts";
import { type FieldErrors, readForm } from "../../../web/forms.ts";
import { type CreateValues, submitCreate } from "../../../web/status_page_create.ts";
import { listStatusPages } from "../../../services/status_pages/list.ts";
import type { StatusPageView } from "../../../services/status_pages/pages.ts";
import { listWebsites } from "../../../services/websites/list.ts";
import type { Website } from "../../../services/websites/store.ts";
import { MonitorChecklist } from "../../../components/status_pages/monitor_choices.tsx";
import {
  Button,
  Card,
  describedBy,
  EmptyState,
  Field,
  inputClass,
  LINK,
  LinkButton,
  Notice,
  PageHeader,
} from "../../../components/ui.tsx";
import { actorOf } from "../../../services/context.ts";

interface Data {
  pages: StatusPageView[];
  websites: Website[];
  values: CreateValues;
  errors: FieldErrors;
  deleted: boolean;
}

async function load(ctx: Context<State>, extra: Partial<Data> = {}): Promise<Data> {
  const { services } = ctx.state;
  const actor = actorOf(ctx.state.user!);
  const [pages, websites] = await Promise.all([
    listStatusPages(services, actor),
    listWebsites(services, actor),
  ]);
  ctx.state.title = "Status pages";
  return {
    pages,
    websites,
    values: { title: "", slug: "", websiteIds: [] },
    errors: {},
    deleted: ctx.url.searchParams.get("done") === "deleted",
    ...extra,
  };
}

export const handler = define.handlers<Data>({
  async GET(ctx) {
    return page(await load(ctx));
  },
  async POST(ctx) {
    const form = await readForm(ctx.req);
    if (form.get("intent") !== "create") throw new HttpError(400, "Unknown action");
    const outcome = await submitCreate(ctx, form);
    if ("redirect" in outcome) return outcome.redirect;
    const data = await load(ctx, { values: outcome.values, errors: outcome.errors });
    return page(data, { status: outcome.status });
  },
});

/** One page; its title opens the editor, or for a viewer (who may not) the public page. */
function PageRow(props: { page: StatusPageView; viewOnly: boolean }) {
  const { page } = props;
  const count = page.websites.length;
  return (
    <li class="flex flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-4 sm:px-6">
      <div class="min-w-0">
        <a
          href={props.viewOnly ? `/status/${page.slug}` : `/app/status-pages/${page.id}`}
          class={`break-words text-base font-semibold text-slate-900 hover:underline dark:text-white rounded ${LINK}`}
        >
          {page.title}
        </a>
        <p class="mt-0.5 text-sm text-slate-600 dark:text-slate-400">
          <span class="break-all font-mono">{page.slug}</span> · {count}{" "}
          {count === 1 ? "monitor" : "monitors"}
          {page.private && " · private (password)"}
        </p>
      </div>
      <div class="flex flex-wrap gap-2">
        <a href={`/status/${page.slug}`} class={`text-sm ${LINK}`}>
          /status/{page.slug}
          <span class="sr-only">{` (public page of ${page.title})`}</span>
        </a>
      </div>
    </li>
  );
}

export default define.page<typeof handler>(({ data, state }) => {
  const { errors, values } = data;
  const viewer = state.user?.viewer === true;
  return (
    <div class="space-y-8">
      <PageHeader
        title="Status pages"
        description="Public pages that show how your monitors are doing, at /status/… or on your own domain."
        actions={data.pages.length > 0 && !viewer && (
          <LinkButton href="#create">Create status page</LinkButton>
        )}
      />
      {data.deleted && <Notice kind="success">The status page was deleted.</Notice>}
      {data.pages.length === 0
        ? (
          <EmptyState
            title="No status pages yet"
            action={!viewer && <LinkButton href="#create">Create status page</LinkButton>}
          >
            A status page tells your users whether your services are up, with 90 days of history.
          </EmptyState>
        )
        : (
          <Card title="Your status pages">
            <ul class="divide-y divide-slate-200 dark:divide-slate-700">
              {data.pages.map((p) => <PageRow key={p.id} page={p} viewOnly={viewer} />)}
            </ul>
          </Card>
        )}

      {!viewer && (
        <Card title="Create status page" class="p-4 sm:p-6">
          <h2 id="create" class="text-lg font-semibold">Create a status page</h2>
          <form method="post" action="/app/status-pages#create" class="mt-4 space-y-5">
            <input type="hidden" name="intent" value="create" />
            {errors.form && <Notice kind="error">{errors.form}</Notice>}
            <div class="grid gap-5 md:grid-cols-2">
              <Field id="title" label="Title" error={errors.title}>
                <input
                  {...describedBy("title", errors.title)}
                  name="title"
                  type="text"
                  required
                  maxLength={100}
                  placeholder="Acme status"
                  value={values.title}
                  class={inputClass(errors.title)}
                />
              </Field>
              <Field
                id="slug"
                label="Slug (address)"
                error={errors.slug}
                hint="The page's address: /status/<slug>. Leave empty to make one from the title."
              >
                <input
                  {...describedBy("slug", errors.slug, true)}
                  name="slug"
                  type="text"
                  autoCapitalize="none"
                  spellcheck={false}
                  maxLength={48}
                  placeholder="acme"
                  value={values.slug}
                  class={inputClass(errors.slug, "font-mono")}
                />
              </Field>
            </div>
            <MonitorChecklist
              websites={data.websites}
              selected={values.websiteIds}
              error={errors.websiteIds}
            />
            <Button>Create status page</Button>
          </form>
        </Card>
      )}
    </div>
  );
});
