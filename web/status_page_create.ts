/** The server side of the "Create status page" form. */
import type { Context } from "../fresh/mod.ts";
import { createStatusPage } from "../services/status_pages/create.ts";
import { createStatusPageInput } from "../services/status_pages/input.ts";
import { DomainError } from "../services/errors.ts";
import type { State } from "./define.ts";
import { type FieldErrors, fieldErrors, type FormOutcome, seeOther } from "./forms.ts";
import { chosenMonitors } from "./status_page_editor.ts";
import { actorOf } from "../services/context.ts";

export interface CreateValues {
  title: string;
  slug: string;
  websiteIds: string[];
}

export type CreateOutcome = FormOutcome<{ values: CreateValues; errors: FieldErrors }>;

/** "Acme Inc. — API" → "acme-inc-api": what the slug is when the field is left empty. */
export function slugFromTitle(title: string): string {
  return title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48).replace(/-+$/, "");
}

export async function submitCreate(
  ctx: Context<State>,
  form: URLSearchParams,
): Promise<CreateOutcome> {
  const title = form.get("title") ?? "";
  const slug = (form.get("slug") ?? "").trim() || slugFromTitle(title);
  const { websiteIds } = chosenMonitors(form);
  try {
    const page = await createStatusPage(
      ctx.state.services,
      actorOf(ctx.state.user!),
      createStatusPageInput.parse({ title, slug, websiteIds }),
    );
    return { redirect: seeOther(`/app/status-pages/${page.id}?done=created`) };
  } catch (error) {
    let errors = fieldErrors(error);
    if (!errors && error instanceof DomainError && error.code === "NOT_FOUND") {
      errors = { websiteIds: "A monitor you chose no longer exists; choose again." };
    }
    if (!errors) throw error;
    return {
      values: { title: title.slice(0, 200), slug: slug.slice(0, 100), websiteIds },
      errors,
      status: error instanceof DomainError && error.code === "CONFLICT" ? 409 : 400,
    };
  }
}
