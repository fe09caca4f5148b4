/**
 * `deno task secrets:seal`: seals every stored secret (alert channels' settings, monitors'
 * request headers and bodies, two-factor keys) under the first key of `SECRETS_KEY`: those
 * kept in plain before a key was set, and those sealed under an older key still listed.
 * `--unseal` writes them back in plain, for an instance that stops using a key. A value no
 * listed key opens is left as it is and counted. One transaction: a run that fails changes
 * nothing.
 */
import type postgres from "postgres";
import { isSealed, open, seal, sealedUnderCurrent, type SecretKey } from "../../lib/secret_box.ts";
import { SealedSecretError } from "../../lib/secret_box.ts";
import { openRecord, sealedText, sealRecord } from "../../lib/sealed_record.ts";

export interface ResealOutcome {
  /** Rows written. */
  channels: number;
  /** Monitors whose request headers or body were sealed or opened. */
  monitors: number;
  twoFactorKeys: number;
  /** Rows no listed key opens, left as they are. */
  unreadable: number;
}

export async function resealSecrets(
  sql: postgres.Sql,
  keys: readonly SecretKey[],
  mode: "seal" | "unseal",
): Promise<ResealOutcome> {
  if (mode === "seal" && !keys.length) {
    throw new Error("SECRETS_KEY is not set: there is no key to seal with");
  }
  const target = mode === "seal" ? keys : [];
  const done = (stored: string) =>
    mode === "seal" ? sealedUnderCurrent(keys, stored) : !isSealed(stored);
  return await sql.begin(async (tx) => {
    const outcome: ResealOutcome = { channels: 0, monitors: 0, twoFactorKeys: 0, unreadable: 0 };
    // A record with nothing in it stays plain: there is nothing to seal.
    const reseal = (stored: Record<string, unknown>) => {
      if (!Object.keys(stored).length || done(sealedText(stored) ?? "")) return null;
      const value = readable(() => openRecord(keys, stored));
      if (!value) outcome.unreadable++;
      return value && JSON.stringify(sealRecord(target, value));
    };
    for (const row of await tx`select id, config from notification_channels for update`) {
      const config = reseal(row.config);
      if (config === null) continue;
      await tx`update notification_channels set config = ${config}::jsonb where id = ${row.id}`;
      outcome.channels++;
    }
    const monitors = new Set<string>();
    for (
      const row of await tx`select id, headers from websites where headers <> '{}' for update`
    ) {
      const headers = reseal(row.headers);
      if (headers === null) continue;
      await tx`update websites set headers = ${headers}::jsonb where id = ${row.id}`;
      monitors.add(row.id);
    }
    for (const row of await tx`select id, body from websites where body <> '' for update`) {
      if (done(row.body)) continue;
      const body = readable(() => open(keys, row.body));
      if (body === null) {
        outcome.unreadable++;
        continue;
      }
      await tx`update websites set body = ${seal(target, body)} where id = ${row.id}`;
      monitors.add(row.id);
    }
    outcome.monitors = monitors.size;
    for (const row of await tx`select user_id, secret from two_factor for update`) {
      if (done(row.secret)) continue;
      const secret = readable(() => open(keys, row.secret));
      if (secret === null) {
        outcome.unreadable++;
        continue;
      }
      await tx`update two_factor set secret = ${
        seal(target, secret)
      } where user_id = ${row.user_id}`;
      outcome.twoFactorKeys++;
    }
    return outcome;
  });
}

function readable<T>(read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (error instanceof SealedSecretError) return null;
    throw error;
  }
}
