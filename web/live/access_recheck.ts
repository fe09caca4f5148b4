/**
 * Access re-checks for live sockets, batched: every few seconds one pass asks Postgres
 * four questions for all sockets at once (which sessions are still valid, which users are
 * still in which teams, who owns the followed websites, what each followed status page
 * shows), in chunks, instead of one query per socket. So a logout, a member removed from a
 * team (whose socket closes), a deleted website or a page change reaches every socket within
 * {@link RECHECK_EVERY_MS}, and 50,000 sockets cost a handful of queries.
 *
 * The session check does not touch the session: an open socket alone does not keep an
 * idle session alive (it ends after IDLE_TIMEOUT_MS without a request, socket or not).
 */
import { log } from "../../lib/logger.ts";
import type { Services } from "../../services/context.ts";
import { sha256, validSessionHashes } from "../../services/users/sessions.ts";
import { mayView, type PageAccess } from "../../services/status_pages/access.ts";

export const RECHECK_EVERY_MS = 4_000;
const CHUNK = 5_000;

export interface AccessQuestion {
  /** The session token, for signed-in sockets. */
  token?: string;
  userId?: string;
  /** The team the socket's session worked in when it subscribed. */
  accountId?: string;
  /** Websites followed as their team's. */
  own: readonly string[];
  /** The status page followed, if any. */
  slug?: string;
  /** The handshake's cookies: a private page's access among them. */
  cookies?: string | null;
}

export interface AccessAnswer {
  /** False when the socket's session ended (logout, expiry, idle, deleted account). */
  sessionValid: boolean;
  /** False when the socket's user is no longer in the team it subscribed in. */
  inTeam: boolean;
  /** The subset of `own` still in the team, while the user is still in it. */
  owned: Set<string>;
  /** The websites the followed page shows now; null when it is gone (or private to it). */
  pageWebsiteIds: string[] | null;
}

export interface Recheckable {
  accessQuestion(): AccessQuestion;
  applyAccess(answer: AccessAnswer): void;
}

const checkers = new WeakMap<Services, AccessRechecker>();

/** The rechecker of this app instance; `intervalMs` only shortens the default (tests). */
export function accessRechecker(services: Services, intervalMs = RECHECK_EVERY_MS) {
  let found = checkers.get(services);
  if (!found) checkers.set(services, found = new AccessRechecker(services, intervalMs));
  return found;
}

export class AccessRechecker {
  #services: Services;
  #intervalMs: number;
  #members = new Set<Recheckable>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running = false;
  #hashes = new Map<string, string>();

  constructor(services: Services, intervalMs: number) {
    this.#services = services;
    this.#intervalMs = Math.min(intervalMs, RECHECK_EVERY_MS);
  }

  add(member: Recheckable): void {
    this.#members.add(member);
    this.#timer ??= setInterval(() => this.#pass(), this.#intervalMs);
  }

  remove(member: Recheckable): void {
    this.#members.delete(member);
    if (!this.#members.size) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  async #pass(): Promise<void> {
    if (this.#running) return; // a slow pass is not stacked on
    this.#running = true;
    try {
      await this.recheckNow();
    } catch (error) {
      log.warn("live.recheck_failed", { error });
    } finally {
      this.#running = false;
    }
  }

  /** One pass over every socket. */
  async recheckNow(): Promise<void> {
    const members = [...this.#members];
    const questions = members.map((m) => m.accessQuestion());
    const tokens = [...new Set(questions.flatMap((q) => q.token ? [q.token] : []))];
    const hashOf = new Map<string, string>();
    for (const token of tokens) {
      let hash = this.#hashes.get(token);
      if (!hash) this.#hashes.set(token, hash = await sha256(token));
      hashOf.set(token, hash);
    }
    // Forget hashes of tokens no socket holds any more.
    for (const token of this.#hashes.keys()) if (!hashOf.has(token)) this.#hashes.delete(token);
    const [validRows, memberRows, ownerRows, pageRows] = await Promise.all([
      chunked([...hashOf.values()], (chunk) => validSessionHashes(this.#services, chunk)),
      chunked(
        [...new Set(questions.flatMap((q) => q.userId ? [q.userId] : []))],
        (chunk) => membershipsOf(this.#services, chunk),
      ),
      chunked(
        [...new Set(questions.flatMap((q) => q.own))],
        (chunk) => websiteOwners(this.#services, chunk),
      ),
      chunked(
        [...new Set(questions.flatMap((q) => q.slug ? [q.slug] : []))],
        (chunk) => pageWebsites(this.#services, chunk),
      ),
    ]);
    const valid = new Set(validRows);
    const memberships = new Set(memberRows.map((row) => `${row.account_id}:${row.user_id}`));
    const inTeam = (q: AccessQuestion) =>
      !q.userId || q.accountId === q.userId || memberships.has(`${q.accountId}:${q.userId}`);
    const owners = new Map(ownerRows.map((row) => [row.id, row.owner_id]));
    const pages = new Map<string, { access: PageAccess; websiteIds: string[] }>();
    for (const row of pageRows) {
      const page = pages.get(row.slug) ??
        { access: { id: row.id, passwordHash: row.password_hash }, websiteIds: [] };
      if (row.website_id) page.websiteIds.push(row.website_id);
      pages.set(row.slug, page);
    }
    // A page made private, or given a new password, stops for sockets without its cookie.
    const pageFor = (q: AccessQuestion) => {
      const page = q.slug ? pages.get(q.slug) : undefined;
      return page && mayView(q.cookies ?? null, page.access) ? page.websiteIds : null;
    };
    members.forEach((member, i) => {
      const q = questions[i];
      member.applyAccess({
        sessionValid: !q.token || valid.has(hashOf.get(q.token)!),
        inTeam: inTeam(q),
        owned: new Set(
          q.own.filter((id) => q.accountId && inTeam(q) && owners.get(id) === q.accountId),
        ),
        pageWebsiteIds: pageFor(q),
      });
    });
  }
}

async function chunked<K, R>(keys: K[], query: (chunk: K[]) => Promise<R[]>): Promise<R[]> {
  const all: R[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) all.push(...await query(keys.slice(i, i + CHUNK)));
  return all;
}

function websiteOwners(services: Services, ids: string[]) {
  return services.sql<{ id: string; owner_id: string }[]>`
    select id, owner_id from websites where id = any(${ids}::uuid[])`;
}

function membershipsOf(services: Services, userIds: string[]) {
  return services.sql<{ account_id: string; user_id: string }[]>`
    select account_id, user_id from account_members where user_id = any(${userIds}::uuid[])`;
}

function pageWebsites(services: Services, slugs: string[]) {
  return services.sql<
    { slug: string; id: string; password_hash: string | null; website_id: string | null }[]
  >`
    select sp.slug, sp.id, sp.password_hash, spw.website_id from status_pages sp
    left join status_page_websites spw on spw.status_page_id = sp.id
    where sp.slug = any(${slugs}::text[])`;
}
