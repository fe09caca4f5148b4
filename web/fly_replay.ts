/**
 * Edge-first writes. Web machines run in several regions; Postgres takes writes in one,
 * `PRIMARY_REGION`. A request that writes and lands elsewhere is answered with Fly's
 * `fly-replay: region=<primary>` header, and Fly's proxy replays it there (the approach
 * OpenStatus uses). Reads stay in the region that received them.
 *
 * Writing means any method but GET, HEAD and OPTIONS: tRPC mutations and form posts are
 * POSTs, tRPC queries and the WebSocket upgrade are GETs. A request that already carries
 * `fly-replay-src` was replayed by Fly once and is served where it is, never replayed again.
 *
 * ```ts
 * const replay = flyReplay(req, { region: "iad", primaryRegion: "ams", onFly: true });
 * if (replay) return replay;
 * ```
 */

const READING_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface ReplaySettings {
  /** The region this machine runs in (Fly sets `FLY_REGION`). */
  region: string;
  /** Where writes go (Fly sets `PRIMARY_REGION` from `primary_region` in fly.toml). */
  primaryRegion: string | null;
  /** Behind Fly's proxy: elsewhere nobody would act on the header. */
  onFly: boolean;
}

/** The replay response for a write outside the primary region, or null to serve it here. */
export function flyReplay(req: Request, settings: ReplaySettings): Response | null {
  if (!settings.onFly || !settings.primaryRegion) return null;
  if (settings.region === settings.primaryRegion) return null;
  if (READING_METHODS.has(req.method.toUpperCase())) return null;
  // Replayed already (Fly adds this header to the replayed request): never loop.
  if (req.headers.has("fly-replay-src")) return null;
  return new Response(`Replaying in ${settings.primaryRegion}\n`, {
    // Fly acts on the header whatever the status; 409 keeps a misrouted client honest.
    status: 409,
    headers: { "fly-replay": `region=${settings.primaryRegion}` },
  });
}
