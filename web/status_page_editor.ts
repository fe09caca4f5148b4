/**
 * What the status-page editor shows, and the server side of its forms: details, the logo,
 * the monitors and their order, custom domains, email subscribers, delete. Each form posts an `intent`; success
 * is a 303 back to the editor (with what was done in `?done=`), failure re-renders it
 * with the error at the field the service names.
 */
import type { Context } from "../fresh/mod.ts";
import { HttpError } from "../fresh/mod.ts";
import { actorOf, type Services } from "../services/context.ts";
import { DomainError } from "../services/errors.ts";
import { getStatusPage } from "../services/status_pages/get.ts";
import { updateStatusPageInput } from "../services/status_pages/input.ts";
import type { StatusPageView } from "../services/status_pages/pages.ts";
import { updateStatusPage } from "../services/status_pages/update.ts";
import { ownerAccessCookie } from "../services/status_pages/access.ts";
import { isSecureRequest } from "./trpc/cookies.ts";
import { deleteStatusPage } from "../services/status_pages/delete.ts";
import { logoVersion, removeLogo, setLogo } from "../services/status_pages/logo.ts";
import { addStatusDomain } from "../services/status_domains/add.ts";
import { listStatusDomains } from "../services/status_domains/list.ts";
import { verifyStatusDomain } from "../services/status_domains/verify.ts";
import { removeStatusDomain } from "../services/status_domains/remove.ts";
import { addStatusDomainInput, domainIdInput } from "../services/status_domains/input.ts";
import type { StatusDomainView } from "../services/status_domains/domains.ts";
import {
  type DnsInstructions,
  flyDnsInstructions,
  manualDnsInstructions,
} from "../services/status_domains/dns.ts";
import { listWebsites } from "../services/websites/list.ts";
import {
  listSubscribers,
  removeSubscriber,
  type Subscribers,
} from "../services/subscribers/list.ts";
import { subscriberIdInput } from "../services/subscribers/input.ts";
import type { Website } from "../services/websites/store.ts";
import type { State } from "./define.ts";
import { type FieldErrors, fieldErrors, type FormOutcome, formStatus, seeOther } from "./forms.ts";

export type EditorSection =
  | "details"
  | "logo"
  | "monitors"
  | "domains"
  | "subscribers"
  | "access"
  | "delete";

export interface EditorDomain extends StatusDomainView {
  dns: DnsInstructions;
  /** Whether the DNS proves the domain is this page's; null where the service does not say. */
  verified: boolean | null;
  problems: string[];
}

export interface EditorData {
  page: StatusPageView;
  websites: Website[];
  domains: EditorDomain[];
  subscribers: Subscribers;
  /** The logo's version, for its address; null without one. */
  logo: string | null;
  /** Whether this deployment can send email (SMTP_URL). */
  canMail: boolean;
  /** What the form last posted (on an error), so nothing typed is lost. */
  values: {
    title?: string;
    slug?: string;
    description?: string;
    homepageUrl?: string;
    hostname?: string;
  };
  errors: FieldErrors;
  /** The form the errors belong to; a domain's own errors carry its id. */
  errorAt: EditorSection | `domain:${string}` | null;
  /** What the last successful form did, from `?done=`. */
  done: string | null;
  /** The move an Up or Down button just made (`down:<monitor id>`), from `?moved=`. */
  moved: string | null;
  /** `delete`, or `remove:<domain id>`: the confirmation step to show. */
  confirm: string | null;
  /** The domain "Verify domain" just found wanting, and what stands in its way. */
  unverified: { id: string; problems: string[] } | null;
}

export async function loadEditor(
  ctx: Context<State>,
  extra: Partial<EditorData> = {},
): Promise<EditorData> {
  const { services } = ctx.state;
  const actor = actorOf(ctx.state.user!);
  const id = ctx.params.id;
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new HttpError(404, "No such status page");
  const page = await notFoundAs404(getStatusPage(services, actor, id));
  const [websites, domains, subscribers, logo] = await Promise.all([
    listWebsites(services, actor),
    listStatusDomains(services, actor, page.id),
    listSubscribers(services, actor, page.id),
    logoVersion(services, page.id),
  ]);
  return {
    page,
    websites,
    subscribers,
    logo,
    canMail: services.config.notifications.smtpUrl !== null,
    domains: domains.map((domain) => {
      const shown = withDns(services, domain);
      const unverified = extra.unverified?.id === domain.id ? extra.unverified : null;
      return unverified ? { ...shown, problems: unverified.problems } : shown;
    }),
    values: {},
    errors: {},
    errorAt: null,
    done: ctx.url.searchParams.get("done")?.slice(0, 40) ?? null,
    moved: ctx.url.searchParams.get("moved")?.slice(0, 45) ?? null,
    confirm: ctx.url.searchParams.get("confirm")?.slice(0, 60) ?? null,
    unverified: null,
    ...extra,
  };
}

/** The records to show: the service's, where it gives them; else what dns.ts says for the setup. */
function withDns(services: Services, domain: StatusDomainView): EditorDomain {
  const given = domain as StatusDomainView & {
    dns?: DnsInstructions;
    verified?: boolean;
    problems?: string[];
  };
  const fly = services.config.fly;
  return {
    ...domain,
    dns: given.dns ??
      (fly
        ? flyDnsInstructions(domain.hostname, fly.appName, null)
        : manualDnsInstructions(domain.hostname, services.config.appUrl)),
    verified: given.verified ?? null,
    problems: given.problems ?? [],
  };
}

async function notFoundAs404<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof DomainError && error.code === "NOT_FOUND") {
      throw new HttpError(404, "No such status page");
    }
    throw error;
  }
}

/**
 * The monitors a form chose, in the order the form lists them, whose URL is shown, and
 * the section each is under (`section:<id>`).
 */
export function chosenMonitors(
  form: URLSearchParams,
): { websiteIds: string[]; showUrls: string[]; sections: Record<string, string> } {
  const websiteIds = [...new Set(form.getAll("websiteIds"))];
  const chosen = new Set(websiteIds);
  return {
    websiteIds,
    showUrls: form.getAll("showUrls").filter((id) => chosen.has(id)),
    sections: Object.fromEntries(websiteIds.map((id) => [id, form.get(`section:${id}`) ?? ""])),
  };
}

/**
 * `up:<id>` or `down:<id>` moves one monitor a place; anything else leaves the order.
 * Returns the order and the monitor moved, if one was.
 */
export function applyMove(
  ids: string[],
  move: string | null,
): { ids: string[]; moved: string | null } {
  const match = /^(up|down):(.+)$/.exec(move ?? "");
  const from = match ? ids.indexOf(match[2]) : -1;
  const to = from + (match?.[1] === "up" ? -1 : 1);
  if (from < 0 || to < 0 || to >= ids.length) return { ids, moved: null };
  const next = [...ids];
  [next[from], next[to]] = [next[to], next[from]];
  return { ids: next, moved: ids[from] };
}

export type EditorOutcome = FormOutcome<{ error: Partial<EditorData> }>;

/** Handles one posted form of the editor; `files`: what a logo upload sent. */
export async function submitEditor(
  ctx: Context<State>,
  form: URLSearchParams,
  files: Map<string, Uint8Array<ArrayBuffer>> = new Map(),
): Promise<EditorOutcome> {
  const { services } = ctx.state;
  const actor = actorOf(ctx.state.user!);
  const id = ctx.params.id;
  const back = (done: string, anchor: string | null) => ({
    redirect: seeOther(`/app/status-pages/${id}?done=${done}${anchor ? `#${anchor}` : ""}`),
  });
  const intent = form.get("intent");
  const domainId = form.get("domainId") ?? "";
  let section: EditorData["errorAt"] = null;
  try {
    switch (intent) {
      case "details": {
        section = "details";
        await updateStatusPage(
          services,
          actor,
          updateStatusPageInput.parse({
            id,
            title: form.get("title") ?? "",
            slug: form.get("slug") ?? "",
            description: form.get("description") ?? "",
            homepageUrl: form.get("homepageUrl") ?? "",
          }),
        );
        return back("details", "details");
      }
      case "logo": {
        section = "logo";
        await setLogo(services, actor, id, files.get("logo") ?? new Uint8Array());
        return back("logo", "logo");
      }
      case "remove-logo": {
        section = "logo";
        await removeLogo(services, actor, id);
        return back("logo-removed", "logo");
      }
      case "monitors": {
        section = "monitors";
        const { websiteIds, showUrls, sections } = chosenMonitors(form);
        const move = form.get("move");
        const order = applyMove(websiteIds, move);
        await updateStatusPage(
          services,
          actor,
          updateStatusPageInput.parse({ id, websiteIds: order.ids, showUrls, sections }),
        );
        if (!move) return back("monitors", "monitors");
        // Back to the row moved, focus on the button pressed (its autofocus), so the next
        // Up or Down is where the last one was.
        return order.moved
          ? back(`moved&moved=${encodeURIComponent(move)}`, null)
          : back("moved", "monitors");
      }
      case "add-domain": {
        section = "domains";
        const input = addStatusDomainInput.parse({
          statusPageId: id,
          hostname: form.get("hostname") ?? "",
        });
        await addStatusDomain(services, actor, input);
        return back("domain-added", "domains");
      }
      case "verify-domain": {
        section = `domain:${domainId}`;
        const checked = await verifyStatusDomain(
          services,
          actor,
          domainIdInput.parse({ id: domainId }).id,
        );
        // Not verified (or no certificate yet): the page again, saying what stands in the way.
        if (checked.problems.length) {
          return {
            error: { unverified: { id: domainId, problems: checked.problems } },
            status: 200,
          };
        }
        return back("domain-verified", `domain-${domainId}`);
      }
      case "remove-domain": {
        section = `domain:${domainId}`;
        await removeStatusDomain(services, actor, domainIdInput.parse({ id: domainId }).id);
        return back("domain-removed", "domains");
      }
      case "subscriptions": {
        section = "subscribers";
        const subscriptions = form.get("subscriptions") === "on";
        await updateStatusPage(services, actor, updateStatusPageInput.parse({ id, subscriptions }));
        return back(subscriptions ? "subscriptions-on" : "subscriptions-off", "subscribers");
      }
      case "set-password": {
        section = "access";
        const wasPrivate = (await getStatusPage(services, actor, id)).private;
        const input = updateStatusPageInput.parse({ id, password: form.get("password") ?? "" });
        await updateStatusPage(services, actor, input);
        // Whoever set it knows it: this browser sees the page without asking.
        const cookie = await ownerAccessCookie(services, id, isSecureRequest(ctx.req));
        const done = back(wasPrivate ? "password-changed" : "private-on", "access");
        if (cookie) done.redirect.headers.append("set-cookie", cookie);
        return done;
      }
      case "remove-password": {
        section = "access";
        await updateStatusPage(
          services,
          actor,
          updateStatusPageInput.parse({ id, password: null }),
        );
        return back("private-off", "access");
      }
      case "remove-subscriber": {
        section = "subscribers";
        const input = subscriberIdInput.parse({ id: form.get("subscriberId") ?? "" });
        await removeSubscriber(services, actor, input.id);
        return back("subscriber-removed", "subscribers");
      }
      case "delete": {
        section = "delete";
        await deleteStatusPage(services, actor, id);
        return { redirect: seeOther("/app/status-pages?done=deleted") };
      }
      default:
        throw new HttpError(400, "Unknown action");
    }
  } catch (error) {
    if (error instanceof DomainError && error.code === "NOT_FOUND") {
      // Something the form named went away meanwhile (another tab): say so at the form.
      if (section === "subscribers" && error.message.startsWith("Subscriber")) {
        return gone("subscribers", { form: "This subscriber is gone already; reload." });
      }
      if (section?.startsWith("domain:")) {
        return gone("domains", { form: "This domain is no longer on the page; reload." });
      }
      if (section === "monitors" && error.message.startsWith("website")) {
        return gone("monitors", { websiteIds: "A monitor you chose no longer exists; reload." });
      }
      throw new HttpError(404, "No such status page");
    }
    const errors = fieldErrors(error);
    if (!errors) throw error;
    return {
      error: {
        errors,
        errorAt: section,
        values: {
          title: form.get("title")?.slice(0, 200),
          slug: form.get("slug")?.slice(0, 100),
          description: form.get("description")?.slice(0, 2_000),
          homepageUrl: form.get("homepageUrl")?.slice(0, 1_000),
          hostname: form.get("hostname")?.slice(0, 300),
        },
      },
      status: formStatus(error),
    };
  }
}

const gone = (errorAt: EditorSection, errors: FieldErrors): EditorOutcome => ({
  error: { errors, errorAt },
  status: 409,
});
