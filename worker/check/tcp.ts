/**
 * A TCP port check: up when a connection to `tcp://host:port` opens within the timeout.
 * It goes through the same SSRF guard as HTTP (DNS resolved once, every address vetted,
 * the socket opened only to a vetted address) and sends nothing: the connection is closed
 * as soon as it opens.
 */
import { connectTcp, raceAddresses } from "../../lib/http_client/connect.ts";
import { type CheckFailure, toFailure } from "../../lib/http_client/failures.ts";
import { checkDeadline } from "./deadline.ts";
import type { CheckOptions, CheckResult } from "./mod.ts";
import {
  defaultRule,
  parseTcpTarget,
  systemResolve,
  vetAddresses,
} from "../../lib/http_client/target_guard.ts";

export interface TcpCheckRequest {
  /** `tcp://host:port`. */
  url: string;
  timeoutMs: number;
}

/** Runs one TCP check. Never throws: every failure is a "down" result with a kind. */
export async function runTcpCheck(
  req: TcpCheckRequest,
  opts: CheckOptions,
): Promise<CheckResult> {
  const started = performance.now();
  const deadline = checkDeadline(req.timeoutMs, opts.signal);
  const timings = { dnsMs: 0, connectMs: 0, tlsMs: 0, ttfbMs: 0 };
  const result = (outcome: "up" | "down", failure?: CheckFailure): CheckResult => ({
    outcome,
    httpStatus: 0,
    responseMs: Math.round(performance.now() - started),
    errorKind: failure?.kind ?? "",
    errorMessage: failure?.message ?? "",
    degraded: false,
    timings,
    certDaysLeft: null,
  });
  try {
    const target = parseTcpTarget(req.url);
    const addresses = await vetAddresses(target, {
      resolve: opts.resolve ?? systemResolve,
      rule: opts.allowPrivateTargets ? null : opts.addressRule ?? defaultRule,
      signal: deadline.signal,
    });
    timings.dnsMs = Math.round(performance.now() - started);
    const connecting = performance.now();
    const conn = await raceAddresses(
      addresses,
      (address, signal) => connectTcp(address, target.port, signal),
      (conn) => conn.close(),
      deadline.signal,
    );
    timings.connectMs = Math.round(performance.now() - connecting);
    conn.close();
    return result("up");
  } catch (error) {
    return result("down", toFailure(deadline.signal.aborted ? deadline.signal.reason : error));
  } finally {
    deadline.end();
  }
}
