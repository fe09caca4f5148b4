/**
 * Live results for islands: connects to `/api/ws`, follows websites or a status page,
 * validates every message with the server's schemas, answers pings, and reconnects with
 * exponential backoff and jitter, subscribing again after each reconnect.
 *
 * ```ts
 * const live = connectLive({
 *   websiteIds: [website.id],
 *   onResult: (result) => (latest.value = result),
 * });
 * // later
 * live.subscribe({ websiteIds: [other.id] });
 * live.close();
 * ```
 */
import { backoffDelay } from "../../lib/backoff.ts";
import {
  type ClientMessage,
  type LiveResult,
  type PageResult,
  parseServerMessage,
  type ServerMessage,
} from "./messages.ts";

export type { LiveResult, PageResult };

export type LiveState = "connecting" | "open" | "closed";

export interface LiveClientOptions {
  /** Websites to follow (the signed-in user's own). */
  websiteIds?: string[];
  /** A status page to follow by slug (no sign-in needed). */
  statusPage?: string;
  /** A whole result of a website the signed-in user follows by id. */
  onResult?(result: LiveResult): void;
  /** What a followed status page shows of a result (all an anonymous visitor gets). */
  onPageResult?(result: PageResult): void;
  /** The followed status page changed other than by a result: it should be loaded again. */
  onPageChanged?(): void;
  /** The server's confirmation of what this socket follows, after every (re)subscribe. */
  onSubscribed?(subscription: { websiteIds: string[]; statusPage?: string }): void;
  /** Errors the server reported (refused ids, unknown page). */
  onError?(message: string): void;
  onStateChange?(state: LiveState): void;
  /** Where the app is; the page's own origin when omitted. */
  baseUrl?: string;
  /** Makes the socket; tests use it to send a cookie header (browsers send the cookie). */
  createSocket?(url: string): WebSocket;
  /** Backoff: first delay and cap, in ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** A connection silent this long is presumed dead (the server pings every 25 s). */
  silenceTimeoutMs?: number;
}

export interface LiveClient {
  readonly state: LiveState;
  /** Follows more websites and/or a (different) status page; kept across reconnects. */
  subscribe(subscription: { websiteIds?: string[]; statusPage?: string }): void;
  unsubscribe(subscription?: { websiteIds?: string[]; statusPage?: string }): void;
  close(): void;
}

export function connectLive(options: LiveClientOptions): LiveClient {
  const minDelay = options.minDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const silenceTimeout = options.silenceTimeoutMs ?? 60_000;
  const websiteIds = new Set(options.websiteIds ?? []);
  let statusPage = options.statusPage;
  let socket: WebSocket | null = null;
  let state: LiveState = "connecting";
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let silenceTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const setState = (next: LiveState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  };

  const send = (message: ClientMessage) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };

  const subscribeAll = () => {
    if (!websiteIds.size && !statusPage) return;
    send({
      type: "subscribe",
      ...(websiteIds.size ? { websiteIds: [...websiteIds] } : {}),
      ...(statusPage ? { statusPage } : {}),
    });
  };

  const heard = () => {
    clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => socket?.close(4000, "server silent"), silenceTimeout);
  };

  const handle = (message: ServerMessage) => {
    switch (message.type) {
      case "result":
        return options.onResult?.(message.result);
      case "page-result":
        return options.onPageResult?.(message.result);
      case "page-changed":
        return options.onPageChanged?.();
      case "subscribed":
        // A working subscription: the next outage starts its backoff from the beginning.
        attempt = 0;
        return options.onSubscribed?.({
          websiteIds: message.websiteIds,
          statusPage: message.statusPage,
        });
      case "error":
        return options.onError?.(message.message);
      case "ping":
        return send({ type: "pong" });
      case "pong":
        return;
    }
  };

  const connect = () => {
    if (stopped) return;
    setState("connecting");
    const url = liveUrl(options.baseUrl);
    const ws = options.createSocket ? options.createSocket(url) : new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      setState("open");
      heard();
      subscribeAll();
    };
    ws.onmessage = (event) => {
      heard();
      const message = parseServerMessage(event.data);
      if (message) handle(message);
      else options.onError?.("the server sent a message this client does not understand");
    };
    ws.onclose = () => {
      clearTimeout(silenceTimer);
      if (socket !== ws) return;
      socket = null;
      if (stopped) return setState("closed");
      setState("connecting");
      // Jittered, so that clients that lost the same server do not all return at once.
      retryTimer = setTimeout(
        connect,
        backoffDelay(++attempt, { baseMs: minDelay, maxMs: maxDelay }),
      );
    };
  };

  connect();

  return {
    get state() {
      return state;
    },
    subscribe(subscription) {
      for (const id of subscription.websiteIds ?? []) websiteIds.add(id);
      if (subscription.statusPage) statusPage = subscription.statusPage;
      send({ type: "subscribe", ...subscription });
    },
    unsubscribe(subscription = {}) {
      const all = !subscription.websiteIds && !subscription.statusPage;
      for (const id of subscription.websiteIds ?? []) websiteIds.delete(id);
      if (all) websiteIds.clear();
      if (all || subscription.statusPage === statusPage) statusPage = undefined;
      send({ type: "unsubscribe", ...subscription });
    },
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(silenceTimer);
      const ws = socket;
      socket = null;
      setState("closed");
      ws?.close(1000, "closed by the page");
    },
  };
}

function liveUrl(baseUrl: string | undefined): string {
  const base = new URL(baseUrl ?? globalThis.location.href);
  base.protocol = base.protocol === "https:" ? "wss:" : "ws:";
  base.pathname = "/api/ws";
  base.search = "";
  base.hash = "";
  return base.href;
}
