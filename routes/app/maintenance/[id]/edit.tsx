/**
 * `/app/maintenance/:id/edit`: change a window that has not ended. A scheduled one in
 * every field; one in progress in all but its start.
 */
import { type Context, HttpError, page } from "../../../../fresh/mod.ts";
import { defineApp, type SignedInState } from "../../../../web/define.ts";
import { type FieldErrors, readForm, seeOther } from "../../../../web/forms.ts";
import { pageError } from "../../../../web/page_errors.ts";
import {
  type MaintenanceValues,
  submitMaintenance,
  valuesOf,
} from "../../../../web/maintenance_form.ts";
import { getMaintenance } from "../../../../services/maintenance/list.ts";
import { maintenanceIdInput } from "../../../../services/maintenance/input.ts";
import type { MaintenanceView } from "../../../../services/maintenance/windows.ts";
import { listWebsites } from "../../../../services/websites/list.ts";
import type { Website } from "../../../../services/websites/store.ts";
import { MaintenanceFields } from "../../../../components/maintenance/fields.tsx";
import { Button, Card, LinkButton, PageHeader } from "../../../../components/ui.tsx";
import { actorOf } from "../../../../services/context.ts";

interface Data {
  window: MaintenanceView;
  websites: Website[];
  values: MaintenanceValues;
  errors: FieldErrors;
}

/** The window, or a way out: 404 for none of the actor's, the list for one that ended. */
async function load(ctx: Context<SignedInState>): Promise<Data | Response> {
  const input = maintenanceIdInput.safeParse({ id: ctx.params.id });
  if (!input.success) throw new HttpError(404, "Maintenance window not found");
  const actor = actorOf(ctx.state.user);
  const [window, websites] = await Promise.all([
    getMaintenance(ctx.state.services, actor, input.data.id),
    listWebsites(ctx.state.services, actor),
  ]).catch((error) => {
    throw pageError(error);
  });
  if (window.state === "completed") return seeOther("/app/maintenance?done=already-ended#notice");
  ctx.state.title = `Edit ${window.title}`;
  return { window, websites, values: valuesOf(window), errors: {} };
}

export const handler = defineApp.handlers<Data>({
  async GET(ctx) {
    const data = await load(ctx);
    return data instanceof Response ? data : page(data);
  },
  async POST(ctx) {
    const data = await load(ctx);
    if (data instanceof Response) return data;
    const outcome = await submitMaintenance(ctx, await readForm(ctx.req), data.window);
    if ("redirect" in outcome) return outcome.redirect;
    return page({ ...data, values: outcome.values, errors: outcome.errors }, {
      status: outcome.status,
    });
  },
});

export default defineApp.page<typeof handler>(({ data }) => {
  const { window } = data;
  const inProgress = window.state === "in-progress";
  return (
    <div class="space-y-8">
      <PageHeader
        title="Edit maintenance"
        description={inProgress
          ? "This window is in progress: change what it says, when it ends and which monitors it covers."
          : "Change this scheduled window before it starts."}
      />
      <Card class="p-4 sm:p-6">
        <form method="post" class="space-y-5">
          <MaintenanceFields
            values={data.values}
            errors={data.errors}
            websites={data.websites}
            startedAt={inProgress ? window.startsAt : undefined}
            convert={["startsAt", "endsAt"]}
          />
          <div class="flex flex-wrap gap-3">
            <Button>Save maintenance</Button>
            <LinkButton variant="ghost" href="/app/maintenance">Back to maintenance</LinkButton>
          </div>
        </form>
      </Card>
    </div>
  );
});
