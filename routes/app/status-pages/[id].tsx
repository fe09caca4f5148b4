import { HttpError, page } from "../../../fresh/mod.ts";
import { define } from "../../../web/define.ts";
import { readForm, readUpload } from "../../../web/forms.ts";
import { type EditorData, loadEditor, submitEditor } from "../../../web/status_page_editor.ts";
import { MonitorOrder } from "../../../components/status_pages/monitor_choices.tsx";
import { AddDomainForm, DomainItem } from "../../../components/status_pages/domains.tsx";
import {
  SubscriberList,
  SubscriptionsForm,
} from "../../../components/status_pages/subscribers.tsx";
import { LOGO_TOO_LARGE } from "../../../services/status_pages/logo.ts";
import {
  Button,
  Card,
  describedBy,
  Field,
  inputClass,
  LINK,
  LinkButton,
  Notice,
  PageHeader,
} from "../../../components/ui.tsx";

export const handler = define.handlers<EditorData>({
  async GET(ctx) {
    const data = await loadEditor(ctx);
    ctx.state.title = `${data.page.title} · Status pages`;
    return page(data);
  },
  async POST(ctx) {
    // The logo's form uploads a file; the others are plain forms.
    const uploading = (ctx.req.headers.get("content-type") ?? "").startsWith("multipart/form-data");
    let upload;
    try {
      upload = uploading
        ? await readUpload(ctx.req, MAX_UPLOAD_BYTES)
        : { fields: await readForm(ctx.req), files: undefined };
    } catch (error) {
      if (!uploading || !(error instanceof HttpError) || error.status !== 413) throw error;
      // A file far larger than a logo may be: said at the field, as a smaller one is.
      const errors = { logo: LOGO_TOO_LARGE };
      const data = await loadEditor(ctx, { errors, errorAt: "logo", done: null, confirm: null });
      ctx.state.title = `${data.page.title} · Status pages`;
      return page(data, { status: 413 });
    }
    const outcome = await submitEditor(ctx, upload.fields, upload.files);
    if ("redirect" in outcome) return outcome.redirect;
    const data = await loadEditor(ctx, { ...outcome.error, done: null, confirm: null });
    ctx.state.title = `${data.page.title} · Status pages`;
    return page(data, { status: outcome.status });
  },
});

/**
 * An upload larger than a logo may be is still read, to be refused at its field; under
 * the 1 MB a Fly replay carries.
 */
const MAX_UPLOAD_BYTES = 960 * 1024;

/**
 * What the last form did, and the section it is said in: the redirect jumps to that
 * section, so a notice at the top of the page would be out of sight.
 */
const DONE: Record<string, { text: string; section: string }> = {
  created: {
    text: "Status page created. Choose the order of its monitors and add a domain below.",
    section: "top",
  },
  details: { text: "Details saved.", section: "details" },
  logo: { text: "Logo saved: the public page shows it.", section: "logo" },
  "logo-removed": { text: "Logo removed.", section: "logo" },
  monitors: { text: "Monitors saved.", section: "monitors" },
  moved: { text: "Order saved.", section: "monitors" },
  "domain-added": {
    text: "Domain added. Create the DNS records below, then verify the domain.",
    section: "domains",
  },
  "domain-verified": { text: "Domain verified.", section: "domains" },
  "domain-removed": { text: "Domain removed.", section: "domains" },
  "subscriptions-on": {
    text: "Visitors can now subscribe by email on the public page.",
    section: "subscribers",
  },
  "subscriptions-off": {
    text: "Subscribing is off: the public page no longer offers it, and no email is sent.",
    section: "subscribers",
  },
  "subscriber-removed": { text: "Subscriber removed.", section: "subscribers" },
  "private-on": {
    text:
      "The page is private: visitors give its password to see it. This browser sees it already.",
    section: "access",
  },
  "password-changed": {
    text: "Password changed: visitors who gave the old one give the new one.",
    section: "access",
  },
  "private-off": {
    text: "The page is public again: anyone with its address sees it.",
    section: "access",
  },
};

function SectionHeading(props: { id: string; title: string; description?: string }) {
  return (
    <div class="mb-4">
      <h2 id={props.id} class="text-lg font-semibold">{props.title}</h2>
      {props.description && (
        <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">{props.description}</p>
      )}
    </div>
  );
}

export default define.page<typeof handler>(({ data }) => {
  const { page: statusPage, errors, errorAt, values } = data;
  const action = `/app/status-pages/${statusPage.id}`;
  const at = (section: EditorData["errorAt"]) => errorAt === section ? errors : {};
  const detailErrors = at("details");
  const done = data.done ? DONE[data.done] : undefined;
  // A move is confirmed in the row moved, where the page comes back to.
  const [, by, movedId] = /^(up|down):(.+)$/.exec(data.moved ?? "") ?? [];
  const moved = data.done === "moved" &&
      statusPage.websites.some((entry) => entry.websiteId === movedId)
    ? { id: movedId, by: by as "up" | "down" }
    : null;
  const doneIn = (section: string) =>
    !moved &&
    done?.section === section && (
      <Notice kind="success" class={section === "top" ? "" : "mb-4"}>{done.text}</Notice>
    );
  return (
    <div class="max-w-4xl space-y-6">
      <p class="text-sm">
        <a href="/app/status-pages" class={LINK}>← Status pages</a>
      </p>
      <PageHeader
        title={statusPage.title}
        description={<span class="break-all font-mono">/status/{statusPage.slug}</span>}
        actions={
          <LinkButton href={`/status/${statusPage.slug}`} variant="secondary">
            View public page
          </LinkButton>
        }
      />
      {doneIn("top")}

      <Card title="Details" class="p-4 sm:p-6">
        <SectionHeading id="details" title="Details" />
        {doneIn("details")}
        <form method="post" action={`${action}#details`} class="space-y-5">
          <input type="hidden" name="intent" value="details" />
          {detailErrors.form && <Notice kind="error">{detailErrors.form}</Notice>}
          <div class="grid gap-5 md:grid-cols-2">
            <Field id="title" label="Title" error={detailErrors.title}>
              <input
                {...describedBy("title", detailErrors.title)}
                name="title"
                type="text"
                required
                maxLength={100}
                value={errorAt === "details" ? values.title : statusPage.title}
                class={inputClass(detailErrors.title)}
              />
            </Field>
            <Field
              id="slug"
              label="Slug (address)"
              error={detailErrors.slug}
              hint="Changing it moves the page; the old address stops working."
            >
              <input
                {...describedBy("slug", detailErrors.slug, true)}
                name="slug"
                type="text"
                required
                autoCapitalize="none"
                spellcheck={false}
                maxLength={48}
                value={errorAt === "details" ? values.slug : statusPage.slug}
                class={inputClass(detailErrors.slug, "font-mono")}
              />
            </Field>
          </div>
          <Field
            id="description"
            label="Description"
            error={detailErrors.description}
            hint="Under the title on the public page: what the page covers, where to ask for help. Plain text, up to 1,000 characters."
          >
            <textarea
              {...describedBy("description", detailErrors.description, true)}
              name="description"
              rows={3}
              maxLength={1_000}
              class={inputClass(detailErrors.description)}
            >
              {errorAt === "details" ? values.description : statusPage.description}
            </textarea>
          </Field>
          <Field
            id="homepageUrl"
            label="Your website (optional)"
            error={detailErrors.homepageUrl}
            hint="The page's header links to it, as “Visit example.com”."
          >
            <input
              {...describedBy("homepageUrl", detailErrors.homepageUrl, true)}
              name="homepageUrl"
              type="url"
              maxLength={500}
              placeholder="https://example.com"
              value={errorAt === "details" ? values.homepageUrl : statusPage.homepageUrl ?? ""}
              class={inputClass(detailErrors.homepageUrl)}
            />
          </Field>
          <Button>Save details</Button>
        </form>
      </Card>

      <Card title="Logo" class="p-4 sm:p-6">
        <SectionHeading
          id="logo"
          title="Logo"
          description="Shown above the title on the public page, 48 px high. A PNG, JPEG, GIF or WebP image of at most 256 KB."
        />
        {doneIn("logo")}
        {data.logo
          ? (
            <div class="mb-4 flex flex-wrap items-center gap-4">
              <img
                src={`/status/${statusPage.slug}/logo?v=${data.logo}`}
                alt="The page's logo"
                class="h-12 w-auto max-w-[14rem] rounded border border-slate-200 object-contain p-1 dark:border-slate-700"
              />
              <form method="post" action={`${action}#logo`}>
                <input type="hidden" name="intent" value="remove-logo" />
                <Button variant="secondary">Remove logo</Button>
              </form>
            </div>
          )
          : (
            <p class="mb-4 text-sm text-slate-600 dark:text-slate-400">
              No logo: the page shows its title alone.
            </p>
          )}
        <form
          method="post"
          action={`${action}#logo`}
          enctype="multipart/form-data"
          class="flex flex-wrap items-end gap-3"
        >
          <input type="hidden" name="intent" value="logo" />
          <Field
            id="logo-file"
            label="Logo image"
            error={at("logo").logo ?? at("logo").form}
            hint="PNG, JPEG, GIF or WebP, at most 256 KB."
          >
            <input
              {...describedBy("logo-file", at("logo").logo ?? at("logo").form, true)}
              name="logo"
              type="file"
              required
              accept="image/png,image/jpeg,image/gif,image/webp"
              class="block text-sm file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium dark:file:bg-slate-700 dark:file:text-slate-100"
            />
          </Field>
          <Button>{data.logo ? "Replace logo" : "Upload logo"}</Button>
        </form>
      </Card>

      <Card title="Monitors" class="p-4 sm:p-6">
        <SectionHeading
          id="monitors"
          title="Monitors"
          description="Tick the monitors the page shows, in the order listed; Up and Down save the order at once. Show URL puts the monitor's address on the public page. A section (API, Website) puts a heading above its monitors: keep them next to each other."
        />
        {doneIn("monitors")}
        <form method="post" action={`${action}#monitors`} class="space-y-4">
          <input type="hidden" name="intent" value="monitors" />
          {at("monitors").form && <Notice kind="error">{at("monitors").form}</Notice>}
          <MonitorOrder
            websites={data.websites}
            onPage={statusPage.websites}
            moved={moved}
            moveAction={action}
            errors={at("monitors")}
          />
          {data.websites.length > 0 && <Button>Save monitors</Button>}
        </form>
      </Card>

      <Card title="Custom domains" class="p-4 sm:p-6">
        <SectionHeading
          id="domains"
          title="Custom domains"
          description="Serve this page at a hostname of your own. Add it, create the DNS records shown, then verify."
        />
        {doneIn("domains")}
        {at("domains").form && <Notice kind="error" class="mb-4">{at("domains").form}</Notice>}
        <AddDomainForm
          pageId={statusPage.id}
          hostname={errorAt === "domains" ? values.hostname : ""}
          error={at("domains").hostname}
        />
        {data.domains.length === 0
          ? (
            <p class="mt-4 text-sm text-slate-600 dark:text-slate-400">
              No custom domain yet: the page is at /status/{statusPage.slug} only.
            </p>
          )
          : (
            <ul class="mt-6 space-y-4">
              {data.domains.map((domain) => {
                const own = at(`domain:${domain.id}`);
                return (
                  <DomainItem
                    key={domain.id}
                    domain={domain}
                    pageId={statusPage.id}
                    confirmRemove={data.confirm === `remove:${domain.id}`}
                    error={own.form ?? own.id ?? Object.values(own)[0]}
                  />
                );
              })}
            </ul>
          )}
      </Card>

      <Card title="Who can see it" class="p-4 sm:p-6">
        <SectionHeading
          id="access"
          title="Who can see it"
          description={statusPage.private
            ? "Private: visitors give a password to see the page, its badge, feed and live updates. People subscribed by email keep getting its mails: remove them below if they should not."
            : "Public: anyone with the page's address sees it. Set a password to make it private, for your team or your customers only."}
        />
        {doneIn("access")}
        <form method="post" action={`${action}#access`} class="flex flex-wrap items-end gap-3">
          <input type="hidden" name="intent" value="set-password" />
          <Field
            id="page-password"
            label={statusPage.private ? "New visitor password" : "Visitor password"}
            error={at("access").password ?? at("access").form}
            hint="At least 8 characters. Share it with the people who may see the page."
          >
            <input
              {...describedBy("page-password", at("access").password ?? at("access").form, true)}
              name="password"
              type="password"
              required
              minLength={8}
              maxLength={200}
              autoComplete="new-password"
              class={inputClass(at("access").password)}
            />
          </Field>
          <Button>{statusPage.private ? "Change password" : "Make page private"}</Button>
        </form>
        {statusPage.private && (
          <form method="post" action={`${action}#access`} class="mt-4">
            <input type="hidden" name="intent" value="remove-password" />
            <Button variant="secondary">Make page public</Button>
          </form>
        )}
      </Card>

      <Card title="Email subscribers" class="p-4 sm:p-6">
        <SectionHeading
          id="subscribers"
          title="Email subscribers"
          description="People who asked the public page to email them about incidents and maintenance."
        />
        {doneIn("subscribers")}
        <SubscriptionsForm
          pageId={statusPage.id}
          enabled={statusPage.subscriptions}
          canMail={data.canMail}
          error={at("subscribers").subscriptions ?? at("subscribers").form}
        />
        <div class="mt-6">
          <SubscriberList pageId={statusPage.id} list={data.subscribers} />
        </div>
      </Card>

      <Card title="Delete status page" class="border-rose-200 p-4 dark:border-rose-900 sm:p-6">
        <SectionHeading
          id="delete"
          title="Delete status page"
          description="The public page and its custom domains stop working. Your monitors stay."
        />
        {at("delete").form && <Notice kind="error" class="mb-4">{at("delete").form}</Notice>}
        {data.confirm === "delete"
          ? (
            <div class="rounded-md border border-rose-300 p-4 dark:border-rose-800">
              <p class="text-sm font-medium">
                Delete “<span class="break-words">{statusPage.title}</span>” for good?
              </p>
              <form method="post" action={action} class="mt-3 flex flex-wrap gap-2">
                <input type="hidden" name="intent" value="delete" />
                <Button variant="danger">Yes, delete status page</Button>
                <LinkButton href={`${action}#delete`} variant="secondary">Cancel</LinkButton>
              </form>
            </div>
          )
          : (
            <LinkButton href={`${action}?confirm=delete#delete`} variant="danger">
              Delete status page
            </LinkButton>
          )}
      </Card>
    </div>
  );
});
