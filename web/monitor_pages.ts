/**
 * The server side of the add/edit monitor form: posted fields to `createWebsite` /
 * `updateWebsite`, with errors put back at their field, and the "Add header" / "Remove"
 * buttons that post the form back with one row more or less when JavaScript is off.
 */
import type { Context } from "../fresh/mod.ts";
import { createInput, updateInput } from "../services/websites/schemas.ts";
import { createWebsite } from "../services/websites/create.ts";
import { updateWebsite } from "../services/websites/update.ts";
import type { SignedInState } from "./define.ts";
import { type FieldErrors, fieldErrors, readForm, seeOther } from "./forms.ts";
import {
  monitorFormErrors,
  type MonitorFormValues,
  monitorInput,
  readMonitorForm,
} from "./monitor_form.ts";

export type MonitorFormOutcome =
  | { redirect: Response }
  | { values: MonitorFormValues; errors: FieldErrors; status: number };

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
  const actor = { userId: ctx.state.user.id };
  try {
    const input = monitorInput(values, target.mode);
    const website = target.mode === "create"
      ? await createWebsite(services, actor, createInput.parse(stripUndefined(input)))
      : await updateWebsite(services, actor, updateInput.parse({ ...input, id: target.id }));
    return { redirect: seeOther(`/app/monitors/${website.id}`) };
  } catch (error) {
    const errors = fieldErrors(error);
    if (!errors) throw error;
    return { values, errors: monitorFormErrors(errors), status: 400 };
  }
}

function stripUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
