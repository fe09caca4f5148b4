/**
 * POSTs a notification behind the same SSRF guard as monitor checks: the URL's host is
 * resolved once, every address is vetted (loopback, private, link-local and metadata
 * addresses are refused unless `ALLOW_PRIVATE_TARGETS=true`), and the request goes to a
 * vetted address only. Redirects are not followed: a receiver that answers 3xx has
 * moved, and following it could lead anywhere the guard never saw.
 *
 * Error messages name the host at most, never the URL: Telegram's path holds the bot
 * token, and Slack, Discord and Teams URLs are secrets in themselves.
 */
import { CheckFailure, toFailure } from "../../lib/http_client/failures.ts";
import { exchange } from "../../lib/http_client/http_exchange.ts";
import {
  defaultRule,
  parseTarget,
  type Resolver,
  systemResolve,
  type Target,
  vetAddresses,
} from "../../lib/http_client/target_guard.ts";

export interface OutgoingRequest {
  /** POST unless said (Matrix sends with PUT). */
  method?: "POST" | "PUT";
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The receiver's answer: status, headers (lowercase names) and the first 8 KiB of body. */
export interface HttpAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

export interface PostOptions {
  allowPrivateTargets: boolean;
  timeoutMs: number;
  resolve?: Resolver;
  /** Aborts the attempt early (shutdown). */
  signal?: AbortSignal;
}

/** Why an attempt failed before an answer arrived; `retry` says whether a later try may work. */
export class DeliveryError extends Error {
  constructor(message: string, readonly retry: boolean) {
    super(message);
    this.name = "DeliveryError";
  }
}

const MAX_ANSWER_BYTES = 8 * 1024;
// Refusals that trying again cannot fix.
const permanentKinds = new Set(["blocked", "invalid", "tls"]);

export const userAgent = "Uptime-Notifications/1.0";

export async function guardedPost(
  request: OutgoingRequest,
  options: PostOptions,
): Promise<HttpAnswer> {
  const deadline = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs),
    ...(options.signal ? [options.signal] : []),
  ]);
  let target: Target | undefined;
  try {
    target = parseTarget(request.url);
    const addresses = await vetAddresses(target, {
      resolve: options.resolve ?? systemResolve,
      rule: options.allowPrivateTargets ? null : defaultRule,
      signal: deadline,
    });
    const headers: Record<string, string> = { "user-agent": userAgent };
    for (const [name, value] of Object.entries(request.headers)) {
      headers[name.toLowerCase()] = value;
    }
    const { response } = await exchange(target, addresses, {
      method: request.method ?? "POST",
      headers,
      body: request.body,
    }, { signal: deadline });
    try {
      return {
        status: response.status,
        headers: response.headers,
        body: await readSome(response.body(), MAX_ANSWER_BYTES),
      };
    } finally {
      response.close();
    }
  } catch (error) {
    throw describe(error, deadline, target, options.timeoutMs);
  }
}

async function readSome(chunks: AsyncGenerator<Uint8Array>, maxBytes: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let received = 0;
  for await (const chunk of chunks) {
    const part = chunk.subarray(0, maxBytes - received);
    received += part.length;
    text += decoder.decode(part, { stream: true });
    if (received >= maxBytes) break;
  }
  return text + decoder.decode();
}

function describe(
  error: unknown,
  deadline: AbortSignal,
  target: Target | undefined,
  timeoutMs: number,
): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (deadline.aborted) return new DeliveryError(`timed out after ${timeoutMs} ms`, true);
  const failure = toFailure(error);
  const host = target?.hostname ?? "the receiver";
  if (failure.kind === "invalid" && !target) {
    return new DeliveryError("the channel's URL is not a valid http(s) URL", false);
  }
  // The check's messages never hold the URL's path or query, only host and cause.
  const message = (failure instanceof CheckFailure ? failure.message : "request failed")
    .replaceAll(target?.url.href ?? "\0", host);
  // "connection refused by 127.0.0.1:8080" names an IP host already.
  return new DeliveryError(
    message.includes(host) ? message : `${host}: ${message}`,
    !permanentKinds.has(failure.kind),
  );
}
