/**
 * `/app/monitors/import`: adds the monitors of a file exported from Uptime (here or on
 * another instance) to the account, as a plain file upload; says which were added and why
 * any were not (services/websites/transfer.ts).
 */
import { HttpError, page } from "../../../fresh/mod.ts";
import { defineApp as define } from "../../../web/define.ts";
import { capitalise, readUpload } from "../../../web/forms.ts";
import { actorOf } from "../../../services/context.ts";
import { DomainError } from "../../../services/errors.ts";
import { importMonitors, type ImportOutcome } from "../../../services/websites/transfer.ts";
import { Button, Card, Field, LINK, Notice, PageHeader } from "../../../components/ui.tsx";

/**
 * Below the 1 MB a Fly.io replay carries (the logo's bound too): a file of a thousand
 * monitors with short request bodies fits; a larger one goes in parts.
 */
const MAX_FILE_BYTES = 960 * 1024;

interface Data {
  outcome: ImportOutcome | null;
  error: string | null;
}

export const handler = define.handlers<Data>({
  GET(ctx) {
    ctx.state.title = "Import monitors";
    return page({ outcome: null, error: null });
  },
  async POST(ctx) {
    ctx.state.title = "Import monitors";
    let file: Uint8Array | undefined;
    try {
      file = (await readUpload(ctx.req, MAX_FILE_BYTES)).files.get("file");
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 413) throw error;
      return page(
        { outcome: null, error: "The file is larger than 960 KB: import it in parts." },
        { status: 413 },
      );
    }
    if (!file?.length) {
      const error = file
        ? "The file is empty: choose one made by Export monitors."
        : "Choose the file to import.";
      return page({ outcome: null, error }, { status: 400 });
    }
    try {
      const outcome = await importMonitors(
        ctx.state.services,
        actorOf(ctx.state.user),
        new TextDecoder().decode(file),
      );
      return page({ outcome, error: null });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // "file: format: not a file of monitors…" → "Not a file of monitors…": this form has
      // one field.
      const message = capitalise(error.message.replace(/^(file: )?(\w+: )?/, ""));
      return page({ outcome: null, error: message }, { status: 400 });
    }
  },
});

export default define.page<typeof handler>(({ data }) => {
  const { outcome } = data;
  return (
    <div class="max-w-3xl">
      <p class="mb-2 text-sm">
        <a href="/app" class={LINK}>← Monitors</a>
      </p>
      <PageHeader
        title="Import monitors"
        description="Adds the monitors of a file exported from Uptime, this instance or another, with their settings. They alert every alert channel of this account. Heartbeat monitors come in paused, with new addresses: point their jobs there, then resume them. A monitor you already have, with the same type, name and address, is skipped, so importing a file again adds only what is new."
      />
      {outcome && (
        <div class="mb-6 space-y-3" role="status">
          <Notice kind={outcome.refused.length || !imported(outcome) ? "warning" : "success"}>
            {outcomeWords(outcome)} <a href="/app" class={LINK}>See your monitors</a>
          </Notice>
          {outcome.refused.length > 0 && (
            <Card class="p-4 sm:p-6" title="Not added">
              <h2 class="mb-2 font-semibold">Not added</h2>
              <ul class="space-y-2 text-sm">
                {outcome.refused.map((item) => (
                  <li key={item.index} class="break-words">
                    <span class="font-medium">
                      {`Monitor ${item.index}`}
                      {item.name && ` (${item.name})`}
                    </span>: {item.error}
                  </li>
                ))}
              </ul>
            </Card>
          )}
          {outcome.skipped.length > 0 && (
            <Card class="p-4 sm:p-6" title="Already here">
              <h2 class="mb-2 font-semibold">Already here</h2>
              <ul class="space-y-2 text-sm">
                {outcome.skipped.map((item) => (
                  <li key={item.index} class="break-words">
                    <span class="font-medium">
                      {`Monitor ${item.index}`}
                      {item.name && ` (${item.name})`}
                    </span>: already here, left as it is
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </div>
      )}
      <Card class="p-4 sm:p-6">
        <form
          method="post"
          action="/app/monitors/import"
          encType="multipart/form-data"
          class="space-y-4"
        >
          {data.error && <Notice kind="error">{data.error}</Notice>}
          <Field
            id="file"
            label="File of monitors"
            hint="A .json file made by Export monitors on the Monitors page."
          >
            <input
              id="file"
              name="file"
              type="file"
              accept="application/json,.json"
              required
              class="block w-full text-sm"
            />
          </Field>
          <Button>Import monitors</Button>
        </form>
      </Card>
    </div>
  );
});

/** "Added 2 monitors; 3 were already here; 1 could not be added, as listed below." */
function outcomeWords(outcome: ImportOutcome): string {
  if (!imported(outcome)) return "The file holds no monitors: nothing was added.";
  const { added, skipped, refused } = outcome;
  const parts = [`Added ${added.length} monitor${added.length === 1 ? "" : "s"}`];
  if (skipped.length) {
    parts.push(`${skipped.length} ${skipped.length === 1 ? "was" : "were"} already here`);
  }
  if (refused.length) parts.push(`${refused.length} could not be added`);
  return `${parts.join("; ")}${skipped.length || refused.length ? ", as listed below." : "."}`;
}

/** Whether the file held any monitor at all. */
function imported({ added, skipped, refused }: ImportOutcome): boolean {
  return added.length + skipped.length + refused.length > 0;
}
