/**
 * The live hub of one web process: a single Redis SUBSCRIBE to the results channel,
 * fanned out in memory to the sockets that follow each website. Created lazily per
 * {@link Services} (the first socket subscribes) and stopped with {@link closeLiveHub}.
 *
 * ```ts
 * const hub = liveHub(services);
 * // at shutdown, before server.shutdown() (open sockets would keep it waiting):
 * await closeLiveHub(services);
 * ```
 */
import { connectRedis, type Redis } from "../../lib/redis.ts";
import { log } from "../../lib/logger.ts";
import type { Services } from "../../services/context.ts";
import { liveResultSchema, toPageResult } from "./messages.ts";

/**
 * `owner`: the signed-in owner follows a website by id and gets every field of a result.
 * `page`: anyone following a status page gets only what the page shows of it.
 */
export type FollowKind = "owner" | "page";

export interface LiveHubOptions {
  /** How often the server pings each socket; one that stays silent for two is dropped. */
  pingIntervalMs?: number;
  /** A socket with more unsent bytes than this is closed with 1013 (try again later). */
  maxBufferedBytes?: number;
  /** Upgrades beyond this many open sockets are refused with a 503. */
  maxSockets?: number;
}

/** What the hub needs from a socket's session (see `session.ts`). */
export interface LiveSubscriber {
  /** Sends an already serialised frame, or closes a socket that cannot keep up. */
  deliver(frame: string): void;
  /** Called every ping interval: ping, or drop a socket that stopped answering. */
  keepalive(now: number): void;
  close(code: number, reason: string): void;
}

const DEFAULTS: Required<LiveHubOptions> = {
  pingIntervalMs: 25_000,
  maxBufferedBytes: 1024 * 1024,
  maxSockets: 50_000,
};

export class LiveHub {
  readonly options: Required<LiveHubOptions>;
  #services: Services;
  #subscribers = new Set<LiveSubscriber>();
  #followers: Record<FollowKind, Map<string, Set<LiveSubscriber>>> = {
    owner: new Map(),
    page: new Map(),
  };
  #redis: Redis | null = null;
  #subscribed: Promise<void> | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(services: Services, options: LiveHubOptions = {}) {
    this.#services = services;
    this.options = { ...DEFAULTS, ...options };
  }

  /** Open sockets. */
  get size(): number {
    return this.#subscribers.size;
  }

  /** Websites at least one socket follows (for tests: it returns to 0 when all close). */
  get followedWebsites(): number {
    return new Set([...this.#followers.owner.keys(), ...this.#followers.page.keys()]).size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  attach(subscriber: LiveSubscriber): void {
    if (this.#closed) {
      subscriber.close(1001, "server shutting down");
      return;
    }
    this.#subscribers.add(subscriber);
    this.ready().catch(() => {});
    if (this.#timer === undefined) {
      const timer = setInterval(() => this.#keepalive(), this.options.pingIntervalMs);
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  detach(subscriber: LiveSubscriber, following: Record<FollowKind, Iterable<string>>): void {
    this.#subscribers.delete(subscriber);
    this.follow(subscriber, "owner", following.owner, []);
    this.follow(subscriber, "page", following.page, []);
    if (!this.#subscribers.size && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Moves a subscriber's interest of one kind from the websites `before` to `after`. */
  follow(
    subscriber: LiveSubscriber,
    kind: FollowKind,
    before: Iterable<string>,
    after: Iterable<string>,
  ): void {
    const followers = this.#followers[kind];
    const next = new Set(after);
    for (const id of before) {
      if (next.has(id)) continue;
      const set = followers.get(id);
      set?.delete(subscriber);
      if (set?.size === 0) followers.delete(id);
    }
    if (!this.#subscribers.has(subscriber)) return;
    for (const id of next) {
      let set = followers.get(id);
      if (!set) followers.set(id, set = new Set());
      set.add(subscriber);
    }
  }

  /** Resolves once the Redis subscription is active, so nothing published after is missed. */
  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the live hub is closed"));
    if (!this.#subscribed) {
      const redis = this.#redis ??= this.#connect();
      this.#subscribed = redis.subscribe(this.#services.keys.resultsChannel).then(() => {});
      this.#subscribed.catch((error) => {
        // The next socket or subscribe tries again; ioredis keeps reconnecting meanwhile.
        this.#subscribed = null;
        if (!this.#closed) log.warn("live.subscribe_failed", { error });
      });
    }
    return this.#subscribed;
  }

  /** Closes every socket (1001) and the Redis subscription. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const subscriber of [...this.#subscribers]) {
      subscriber.close(1001, "server shutting down");
    }
    this.#subscribers.clear();
    this.#followers.owner.clear();
    this.#followers.page.clear();
    this.#redis?.disconnect();
    this.#redis = null;
  }

  #connect(): Redis {
    // SUBSCRIBE puts a connection into a mode where it takes no other commands.
    const redis = connectRedis(this.#services.config.redisUrl, { name: "web-live" });
    redis.on("message", (_channel: string, message: string) => this.relay(message));
    return redis;
  }

  /**
   * Relays one published result to the sockets following its website: owners get all of
   * it, page followers only what the page shows. A socket following both ways gets both.
   */
  relay(message: string): void {
    let json: unknown;
    try {
      json = JSON.parse(message);
    } catch {
      log.warn("live.bad_result", { reason: "not JSON" });
      return;
    }
    if ((json as { type?: unknown })?.type === "page-changed") return this.#pageChanged(json);
    const websiteId = (json as { websiteId?: unknown })?.websiteId;
    if (typeof websiteId !== "string") return;
    const owners = this.#followers.owner.get(websiteId);
    const readers = this.#followers.page.get(websiteId);
    if (!owners?.size && !readers?.size) return;
    const parsed = liveResultSchema.safeParse(json);
    if (!parsed.success) {
      log.warn("live.bad_result", { websiteId, reason: parsed.error.issues[0]?.message });
      return;
    }
    // Serialised once for every socket.
    if (owners?.size) {
      const frame = JSON.stringify({ type: "result", result: parsed.data });
      for (const subscriber of owners) subscriber.deliver(frame);
    }
    if (readers?.size) {
      const frame = JSON.stringify({ type: "page-result", result: toPageResult(parsed.data) });
      for (const subscriber of readers) subscriber.deliver(frame);
    }
  }

  /** Tells each socket following a page that shows one of these websites, once. */
  #pageChanged(json: unknown): void {
    const ids = (json as { websiteIds?: unknown }).websiteIds;
    if (!Array.isArray(ids)) return;
    const readers = new Set(ids.flatMap((id) => [...this.#followers.page.get(id) ?? []]));
    const frame = JSON.stringify({ type: "page-changed" });
    for (const subscriber of readers) subscriber.deliver(frame);
  }

  #keepalive(): void {
    const now = Date.now();
    for (const subscriber of [...this.#subscribers]) subscriber.keepalive(now);
  }
}

const hubs = new WeakMap<Services, LiveHub>();

/**
 * The hub of these services, created on first use. `options` apply only when this call
 * creates it (tests set short intervals before the first socket connects).
 */
export function liveHub(services: Services, options?: LiveHubOptions): LiveHub {
  let hub = hubs.get(services);
  if (!hub || hub.closed) hubs.set(services, hub = new LiveHub(services, options));
  return hub;
}

/** Sockets connected to the hub of these services (0 before the first one). */
export function liveHubSize(services: Services): number {
  const hub = hubs.get(services);
  return hub && !hub.closed ? hub.size : 0;
}

/** Closes the hub of these services, if there is one: every socket and its Redis connection. */
export function closeLiveHub(services: Services): Promise<void> {
  hubs.get(services)?.close();
  hubs.delete(services);
  return Promise.resolve();
}
