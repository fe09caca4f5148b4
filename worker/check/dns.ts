/**
 * A DNS check: asks the monitor's DNS server for one record type of a name. Up when the
 * server answers with at least one record and, when an expected answer is set, one of the
 * answers holds it (`holds`: the same address for A and AAAA, text within a TXT record,
 * whole words of the others as `dig +short` prints them). The server's address passes the
 * same SSRF guard as every connection a check makes.
 */
import {
  canonicalIp,
  type DnsRecordType,
  type DnsTarget,
  parseDnsTarget,
} from "../../lib/dns_target.ts";
import { CheckFailure, shortMessage } from "../../lib/http_client/failures.ts";
import { defaultRule, raceAbort } from "../../lib/http_client/target_guard.ts";
import { checkDeadline } from "./deadline.ts";
import type { CheckOptions, CheckResult } from "./mod.ts";

export interface DnsCheckRequest {
  /** `dns://server[:port]/name?type=T` (lib/dns_target.ts). */
  url: string;
  /** What one of the answers must hold; null: any answer is up. */
  expected: string | null;
  timeoutMs: number;
  degradedMs?: number | null;
}

/** Runs one DNS check. Never throws: every failure is a "down" result with a kind. */
export async function runDnsCheck(req: DnsCheckRequest, opts: CheckOptions): Promise<CheckResult> {
  const started = performance.now();
  const deadline = checkDeadline(req.timeoutMs, opts.signal);
  const result = (outcome: "up" | "down", failure?: CheckFailure): CheckResult => {
    const ms = Math.round(performance.now() - started);
    return {
      outcome,
      httpStatus: 0,
      responseMs: ms,
      errorKind: failure?.kind ?? "",
      errorMessage: failure?.message ?? "",
      degraded: outcome === "up" && req.degradedMs != null && ms > req.degradedMs,
      timings: { dnsMs: ms, connectMs: 0, tlsMs: 0, ttfbMs: 0 },
      certDaysLeft: null,
    };
  };
  try {
    const target = parseDnsTarget(req.url);
    const rule = opts.allowPrivateTargets ? null : opts.addressRule ?? defaultRule;
    const refused = rule?.(target.server);
    if (refused) {
      throw new CheckFailure("blocked", `the DNS server ${target.server} is ${refused}`);
    }
    const answers = await raceAbort(ask(target, deadline.signal), deadline.signal)
      .then((records) => records.map((record) => answerText(target.recordType, record)))
      .catch((error) => {
        if (deadline.signal.aborted) throw deadline.signal.reason;
        // Deno reports NXDOMAIN, an empty answer, SERVFAIL and REFUSED alike.
        if (error instanceof Deno.errors.NotFound) {
          throw new CheckFailure(
            "dns",
            `no ${target.recordType} record for ${target.name} (the name may not exist, or the server refused or failed)`,
          );
        }
        throw new CheckFailure("dns", `DNS query failed: ${(error as Error).message}`);
      });
    if (!answers.length) {
      throw new CheckFailure("dns", `no ${target.recordType} record for ${target.name}`);
    }
    if (req.expected !== null && !answers.some((a) => holds(target.recordType, a, req.expected!))) {
      throw new CheckFailure(
        "answer",
        shortMessage(`no answer holds "${req.expected}"; the answers: ${answers.join(", ")}`),
      );
    }
    return result("up");
  } catch (error) {
    const failure = error instanceof CheckFailure
      ? error
      : new CheckFailure("dns", `DNS query failed: ${String(error)}`);
    return result("down", deadline.signal.aborted ? deadline.signal.reason : failure);
  } finally {
    deadline.end();
  }
}

type DnsRecord = Awaited<ReturnType<typeof Deno.resolveDns>>[number];

/**
 * Asks until an answer or the check's deadline: Deno's resolver gives up on a silent server
 * after about 2 s of its own, and the monitor's timeout is what decides.
 */
async function ask(target: DnsTarget, signal: AbortSignal): Promise<DnsRecord[]> {
  for (;;) {
    try {
      return await Deno.resolveDns(target.name, target.recordType, {
        nameServer: { ipAddr: target.server, port: target.port },
        signal,
      });
    } catch (error) {
      if (signal.aborted || !(error instanceof Deno.errors.TimedOut)) throw error;
    }
  }
}

/** A record as `dig +short` prints it, without names' final dots. */
export function answerText(type: DnsRecordType, record: DnsRecord): string {
  const name = (value: string) => value.replace(/\.$/, "");
  if (typeof record === "string") return type === "A" || type === "AAAA" ? record : name(record);
  if (Array.isArray(record)) return record.join("");
  if ("exchange" in record) return `${record.preference} ${name(record.exchange)}`;
  if ("tag" in record) return `${record.critical ? 128 : 0} ${record.tag} "${record.value}"`;
  if ("target" in record && "weight" in record) {
    return `${record.priority} ${record.weight} ${record.port} ${name(record.target)}`;
  }
  if ("mname" in record) {
    return [
      name(record.mname),
      name(record.rname),
      record.serial,
      record.refresh,
      record.retry,
      record.expire,
      record.minimum,
    ].join(" ");
  }
  return JSON.stringify(record);
}

/**
 * Whether an answer holds the expected text: for A and AAAA the same address; for TXT the
 * text within the record, case and all (dig's quotes around it are dropped); for the others
 * whole words of the answer in order, ignoring case, quotes and final dots, so
 * `mail.example.com` holds for `10 mail.example.com` but not for `10 gmail.example.com`.
 */
export function holds(type: DnsRecordType, answer: string, expected: string): boolean {
  const want = expected.trim();
  if (type === "A" || type === "AAAA") {
    return canonicalIp(answer) === canonicalIp(want.toLowerCase());
  }
  if (type === "TXT") return answer.includes(unquoted(want));
  const words = (text: string) =>
    text.toLowerCase().split(/\s+/).filter(Boolean).map((word) =>
      word.replace(/^"(.*)"$/, "$1").replace(/\.$/, "")
    );
  const have = words(answer);
  const need = words(want);
  for (let i = 0; need.length && i + need.length <= have.length; i++) {
    if (need.every((word, j) => have[i + j] === word)) return true;
  }
  return false;
}

/** `"v=spf1 -all"` or `"part one" "part two"` as dig prints TXT, back to the record's text. */
function unquoted(text: string): string {
  if (!/^("(?:[^"\\]|\\.)*"\s*)+$/.test(text)) return text;
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, "$1"))
    .join("");
}
