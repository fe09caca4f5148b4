/**
 * The typed API client, for islands (and tests): `api.website.list.query()`.
 *
 * ```ts
 * const api = createApiClient();
 * const websites = await api.website.list.query();
 * ```
 */
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter } from "./router.ts";
import { MAX_BATCH_CALLS } from "./limits.ts";

export interface ApiClientOptions {
  /** Origin of the app; the page's own when omitted (browsers). */
  baseUrl?: string;
  /** A fetch that carries cookies, for use outside a browser. */
  fetch?: typeof fetch;
}

export function createApiClient(options: ApiClientOptions = {}) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({
      url: `${options.baseUrl ?? ""}/api/trpc`,
      fetch: options.fetch,
      maxItems: MAX_BATCH_CALLS,
    })],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
