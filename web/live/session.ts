/**
 * One browser socket on `/api/ws`: its messages (validated, handled one at a time), what
 * it may follow, and the limits that keep a bad or slow client from costing the others.
 */
import { log } from "../../lib/logger.ts";
import type { Services } from "../../services/context.ts";
import type { SessionUser } from "../../services/users/sessions.ts";
import { ownedWebsites, statusPageWebsiteIds } from "./access.ts";
import type { LiveHub, LiveSubscriber } from "./hub.ts";
import { type AccessAnswer, type AccessQuestion, accessRechecker } from "./access_recheck.ts";
import { parseLiveJson } from "../../lib/live_result.ts";
import { storedLiveStatuses } from "../../services/live_status/read.ts";
import {
  type ClientMessage,
  liveResultSchema,
  MAX_WEBSITE_IDS,
  parseClientMessage,
  type ServerMessage,
} from "./messages.ts";

/** Invalid messages after which the socket is closed with 1008 (policy violation). */
export const MAX_INVALID_MESSAGES = 10;
/** Messages waiting to be handled; more are refused (each subscribe is a query). */
const MAX_QUEUED_MESSAGES = 16;
const SHOWN_IDS = 5;

type Subscription = ClientMessage & { type: "subscribe" | "unsubscribe" };

export class LiveSession implements LiveSubscriber {
  #socket: WebSocket;
  #hub: LiveHub;
  #services: Services;
  #user: SessionUser | null;
  /** Websites followed by id (owned by the user). */
  #own = new Set<string>();
  #page: { slug: string; websiteIds: string[] } | null = null;
  /** What the hub indexes: owned websites (whole results) and the page's (what it shows). */
  #following = { owner: new Set<string>(), page: new Set<string>() };
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #invalid = 0;
  #lastHeard = Date.now();
  #closed = false;
  #token: string | undefined;
  #cookies: string | null;

  constructor(
    socket: WebSocket,
    hub: LiveHub,
    services: Services,
    user: SessionUser | null,
    token?: string,
    /** The handshake's cookies: a private status page's access among them. */
    handshake: { cookies: string | null } = { cookies: null },
  ) {
    this.#cookies = handshake.cookies;
    this.#socket = socket;
    this.#hub = hub;
    this.#services = services;
    this.#user = user;
    this.#token = token;
    hub.attach(this);
    accessRechecker(services, hub.options.pingIntervalMs).add(this);
  }

  /** A frame from the browser. Never throws: bad input gets an `error` reply. */
  receive(data: unknown): void {
    if (this.#closed) return;
    this.#lastHeard = Date.now();
    const parsed = parseClientMessage(data);
    if (!parsed.ok) return this.#refuse(`invalid message: ${parsed.error}`);
    const { message } = parsed;
    if (message.type === "ping") return this.#send({ type: "pong" });
    if (message.type === "pong") return;
    if (this.#queued >= MAX_QUEUED_MESSAGES) {
      return this.#refuse("too many messages in flight; wait for the replies");
    }
    this.#queued++;
    this.#queue = this.#queue
      .then(() => this.#closed ? undefined : this.#handle(message))
      .catch((error) => {
        log.error("live.message_failed", { type: message.type, error });
        this.#send({ type: "error", message: "could not handle the message; try again" });
      })
      .finally(() => this.#queued--);
  }

  deliver(frame: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    if (this.#socket.bufferedAmount > this.#hub.options.maxBufferedBytes) {
      // A client that does not read would otherwise hold our memory without limit.
      return this.close(1013, "client too slow; reconnect");
    }
    this.#socket.send(frame);
  }

  keepalive(now: number): void {
    if (now - this.#lastHeard > 2 * this.#hub.options.pingIntervalMs) {
      return this.close(1001, "no answer to ping");
    }
    this.#send({ type: "ping" });
  }

  /** What the batched access re-check (access_recheck.ts) asks about this socket. */
  accessQuestion(): AccessQuestion {
    return {
      token: this.#user ? this.#token : undefined,
      userId: this.#user?.id,
      accountId: this.#user?.accountId,
      own: [...this.#own],
      slug: this.#page?.slug,
      cookies: this.#cookies,
    };
  }

  /** Access was granted at subscribe time; this applies the latest re-check of it. */
  applyAccess(answer: AccessAnswer): void {
    if (this.#closed) return;
    if (this.#user && !answer.sessionValid) {
      return this.close(1008, "session ended; sign in again");
    }
    // Its user left the team it works in: a new socket starts in the team they are in now.
    if (this.#user && !answer.inTeam) return this.close(1008, "no longer in this team");
    for (const id of this.#own) if (!answer.owned.has(id)) this.#own.delete(id);
    if (this.#page) {
      this.#page = answer.pageWebsiteIds
        ? { slug: this.#page.slug, websiteIds: answer.pageWebsiteIds }
        : null;
    }
    const before = this.#followedIds().sort().join();
    this.#update();
    if (this.#followedIds().sort().join() !== before) this.#sendSubscribed();
  }

  close(code: number, reason: string): void {
    if (!this.#closed) {
      try {
        this.#socket.close(code, reason);
      } catch {
        // Already closing.
      }
    }
    this.closed();
  }

  /** The socket closed (either side): forget it. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    accessRechecker(this.#services).remove(this);
    this.#hub.detach(this, this.#following);
    this.#following = { owner: new Set(), page: new Set() };
    this.#own.clear();
    this.#page = null;
  }

  async #handle(message: Subscription): Promise<void> {
    const { errors, added } = message.type === "subscribe"
      ? await this.#subscribe(message)
      : { errors: this.#unsubscribe(message), added: new Map<string, string[]>() };
    if (this.#closed) return;
    this.#update();
    if (errors.length) this.#send({ type: "error", message: errors.join("; ") });
    try {
      // Results published after `subscribed` must arrive, so the Redis side must be live.
      await this.#hub.ready();
      await this.#catchUp(added);
    } catch {
      this.#send({ type: "error", message: "live updates are unavailable right now" });
    }
    if (this.#closed) return;
    this.#sendSubscribed();
  }

  /**
   * The latest result of each region of websites just followed. A result published before
   * the subscription was live (between a page's render and its socket's subscribe, or
   * while a socket reconnected) would otherwise be missed until the next check, an
   * interval later; one published since may arrive twice, and pages keep one of each slot.
   */
  async #catchUp(regionsById: Map<string, string[]>): Promise<void> {
    const ids = [...regionsById.keys()];
    const hashes = await storedLiveStatuses(this.#services.redis, this.#services.keys, ids);
    hashes.forEach((hash, i) => {
      // The hash keeps the last result of a region the website no longer uses.
      for (const region of regionsById.get(ids[i])!) {
        const result = parseLiveJson(hash?.[region], liveResultSchema);
        if (result) this.#send({ type: "result", result });
      }
    });
  }

  #sendSubscribed(): void {
    this.#send({
      type: "subscribed",
      websiteIds: this.#followedIds(),
      ...(this.#page ? { statusPage: this.#page.slug } : {}),
    });
  }

  /** Follows what it may; returns what it refused and the websites it added, with regions. */
  async #subscribe(
    { websiteIds = [], statusPage }: Subscription,
  ): Promise<{ errors: string[]; added: Map<string, string[]> }> {
    const errors: string[] = [];
    const added = new Map<string, string[]>();
    const wanted = [...new Set(websiteIds)].filter((id) => !this.#own.has(id));
    if (wanted.length && !this.#user) {
      errors.push(
        `sign in to follow websites by id (refused: ${shown(wanted)}); ` +
          "without signing in, subscribe to a status page by its slug",
      );
    } else if (wanted.length) {
      const owned = await ownedWebsites(this.#services, this.#user!, wanted);
      const refused = wanted.filter((id) => !owned.has(id));
      if (refused.length) errors.push(`no website of yours with id ${shown(refused)}`);
      const room = MAX_WEBSITE_IDS - this.#own.size;
      const accepted = wanted.filter((id) => owned.has(id));
      if (accepted.length > room) {
        errors.push(`a socket follows at most ${MAX_WEBSITE_IDS} websites by id`);
      }
      for (const id of accepted.slice(0, Math.max(0, room))) {
        this.#own.add(id);
        added.set(id, owned.get(id)!);
      }
    }
    if (statusPage !== undefined && statusPage !== this.#page?.slug) {
      const ids = await statusPageWebsiteIds(this.#services, statusPage, this.#cookies);
      if (ids) this.#page = { slug: statusPage, websiteIds: ids };
      else errors.push(`no status page "${statusPage}"`);
    }
    return { errors, added };
  }

  #unsubscribe({ websiteIds, statusPage }: Subscription): string[] {
    if (websiteIds === undefined && statusPage === undefined) {
      this.#own.clear();
      this.#page = null;
      return [];
    }
    for (const id of websiteIds ?? []) this.#own.delete(id);
    if (statusPage !== undefined && statusPage === this.#page?.slug) this.#page = null;
    return [];
  }

  #update(): void {
    const next = { owner: new Set(this.#own), page: new Set(this.#page?.websiteIds ?? []) };
    this.#hub.follow(this, "owner", this.#following.owner, next.owner);
    this.#hub.follow(this, "page", this.#following.page, next.page);
    this.#following = next;
  }

  #followedIds(): string[] {
    return [...new Set([...this.#following.owner, ...this.#following.page])];
  }

  #refuse(message: string): void {
    this.#send({ type: "error", message });
    if (++this.#invalid >= MAX_INVALID_MESSAGES) {
      this.close(1008, "too many invalid messages");
    }
  }

  #send(message: ServerMessage): void {
    this.deliver(JSON.stringify(message));
  }
}

function shown(ids: string[]): string {
  const more = ids.length - SHOWN_IDS;
  return ids.slice(0, SHOWN_IDS).join(", ") + (more > 0 ? ` and ${more} more` : "");
}
