/**
 * The server side of the add/edit monitor pages: what the form is drawn with, and the
 * posted fields to `createWebsite` / `updateWebsite`, with errors put back at their field,
 * and the "Add header" / "Remove" buttons that post the form back with one row more or less
 * when JavaScript is off.
 */
import { type Context, page } from "../fresh/mod.ts";
import { listChannels } from "../services/notifications/list.ts";
import { displayName, type Website } from "../services/websites/store.ts";
import { loadMonitor } from "./monitor_loader.ts";
import { createInput, updateInput } from "../services/websites/schemas.ts";
import { createWebsite } from "../services/websites/create.ts";
import { updateWebsite } from "../services/websites/update.ts";
import { acceptMonitorTarget } from "../services/websites/monitor_target.ts";
import { checkInterval } from "../services/websites/rules.ts";
import { z } from "zod";
import type { SignedInState } from "./define.ts";
import { type FieldErrors, fieldErrors, type FormOutcome, readForm, seeOther } from "./forms.ts";
import {
  blankMonitorForm,
  monitorFormErrors,
  monitorFormFrom,
  type MonitorFormValues,
  monitorInput,
  readMonitorForm,
} from "./monitor_form.ts";
import { actorOf } from "../services/context.ts";

/** What the add and edit pages draw the form with; `website` is null when adding. */
export interface MonitorFormPageData {
  website: { id: string; name: string } | null;
  /** Adding a copy of this monitor ("Duplicate" on its page): the form starts as it is. */
  copyOf: { id: string; name: string } | null;
  /** Why the monitor's stored request headers cannot be shown (store.ts), or null. */
  headersProblem: string | null;
  /** The same of its request body. */
  bodyProblem: string | null;
  values: MonitorFormValues;
  errors: FieldErrors;
  regions: string[];
  minIntervalSeconds: number;
  channels: { id: string; name: string; kind: string }[];
}

/**
 * GET draws the form (blank, filled from the route's monitor when `editing`, or from the
 * monitor in `?copy=` when adding a copy); POST saves it and goes to the monitor's page, or
 * draws it again with the errors at their fields.
 */
export function monitorFormHandlers(editing: boolean) {
  return {
    async GET(ctx: Context<SignedInState>) {
      const website = editing ? await loadMonitor(ctx) : null;
      const copy = ctx.url.searchParams.get("copy");
      if (editing || copy === null) return page(await formData(ctx, website));
      const original = await loadMonitor(ctx, copy);
      const values = monitorFormFrom(original);
      return page({
        ...await formData(ctx, null, {
          ...values,
          name: values.name && `Copy of ${values.name}`.slice(0, 100),
        }),
        copyOf: { id: original.id, name: displayName(original) },
      });
    },
    async POST(ctx: Context<SignedInState>) {
      const website = editing ? await loadMonitor(ctx) : null;
      const outcome = await submitMonitorForm(
        ctx,
        website ? { mode: "update", id: website.id } : { mode: "create" },
      );
      if ("redirect" in outcome) return outcome.redirect;
      const data = await formData(ctx, website, outcome.values, outcome.errors);
      return page(data, { status: outcome.status });
    },
  };
}

async function formData(
  ctx: Context<SignedInState>,
  website: Website | null,
  values?: MonitorFormValues,
  errors: FieldErrors = {},
): Promise<MonitorFormPageData> {
  const { config } = ctx.state.services;
  const name = website ? displayName(website) : null;
  ctx.state.title = website ? `Edit ${name}` : "Add monitor";
  const channels = await listChannels(ctx.state.services, actorOf(ctx.state.user));
  return {
    website: website && { id: website.id, name: name! },
    copyOf: null,
    values: values ?? (website ? monitorFormFrom(website) : blankMonitorForm(
      config.regions,
      Math.max(60, config.minIntervalSeconds),
      config.checkTimeoutMs,
    )),
    errors,
    // Headers no key opens are set again here: the form cannot show them.
    headersProblem: website?.headersProblem ?? null,
    bodyProblem: website?.bodyProblem ?? null,
    regions: [...new Set([...config.regions, ...(website?.regions ?? [])])],
    minIntervalSeconds: config.minIntervalSeconds,
    channels: channels.map(({ id, name, kind }) => ({ id, name, kind })),
  };
}

export type MonitorFormOutcome = FormOutcome<
  { values: MonitorFormValues; errors: FieldErrors }
>;

export async function submitMonitorForm(
  ctx: Context<SignedInState>,
  target: { mode: "create" } | { mode: "update"; id: string },
): Promise<MonitorFormOutcome> {
  const form = await readForm(ctx.req);
  const values = readMonitorForm(form);
  if (form.has("add_header")) {
    return {
      values: { ...values, headers: [...values.headers, { name: "", value: "" }] },
      errors: {},
      status: 200,
    };
  }
  if (form.has("remove_header")) {
    const index = Number(form.get("remove_header"));
    return {
      values: { ...values, headers: values.headers.filter((_, i) => i !== index) },
      errors: {},
      status: 200,
    };
  }
  const { services } = ctx.state;
  const actor = actorOf(ctx.state.user);
  const input = monitorInput(values, target.mode);
  try {
    const website = target.mode === "create"
      ? await createWebsite(services, actor, createInput.parse(stripUndefined(input)))
      : await updateWebsite(services, actor, updateInput.parse({ ...input, id: target.id }));
    const notice = target.mode === "create" ? "created" : "saved";
    return { redirect: seeOther(`/app/monitors/${website.id}?notice=${notice}`) };
  } catch (error) {
    const errors = fieldErrors(error);
    if (!errors) throw error;
    // The schema names every field it refuses at once, but the target is judged only once
    // the rest passed: without this a form without JavaScript shows one mistake a post.
    if (
      error instanceof z.ZodError && !errors.url &&
      (values.type === "http" || values.type === "tcp" || values.type === "dns")
    ) {
      await acceptMonitorTarget(values.type, input.url, services.config).catch((refused) => {
        Object.assign(errors, fieldErrors(refused) ?? {});
      });
    }
    // Likewise the shortest interval the deployment allows, judged after the schema and
    // the target: whatever was refused, a too short interval is named too.
    if (!errors.intervalSeconds) {
      try {
        checkInterval(
          services.config,
          Number.isFinite(input.intervalSeconds) ? input.intervalSeconds : null,
        );
      } catch (refused) {
        Object.assign(errors, fieldErrors(refused) ?? {});
      }
    }
    return { values, errors: monitorFormErrors(errors, values), status: 400 };
  }
}

function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
