/**
 * Secrets kept in Postgres (alert channels' settings, two-factor keys) sealed with
 * AES-256-GCM under `SECRETS_KEY`, so a copy of the database (a backup, a replica, a
 * dump handed to support) holds no usable token, webhook URL or authenticator key. The
 * first key seals; every key listed opens, so a key is replaced by putting the new one
 * first, running `deno task secrets:seal`, then dropping the old one. Without a key,
 * values are kept as given (and a plain value always opens as itself), so an instance
 * can start sealing at any time.
 *
 * ```ts
 * const keys = parseSecretKeys(Deno.env.get("SECRETS_KEY"));
 * const stored = seal(keys, "xoxb-…"); // "sealed:v1:1a2b3c4d:<iv>:<ciphertext>"
 * open(keys, stored); // "xoxb-…"
 * ```
 */
import { Buffer } from "node:buffer";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "sealed:v1:";
const TAG_BYTES = 16;

export interface SecretKey {
  /** The first 8 hex digits of the key's SHA-256: which key sealed a value. */
  id: string;
  key: Uint8Array;
}

/** A value that cannot be opened: no listed key sealed it, or it was altered. */
export class SealedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealedSecretError";
  }
}

/**
 * The keys of `SECRETS_KEY`: comma-separated, each 32 random bytes in base64
 * (`openssl rand -base64 32`). Throws a message naming what is wrong, never the value.
 */
export function parseSecretKeys(value: string | undefined): SecretKey[] {
  if (!value) return [];
  return value.split(",").map((text, i) => {
    const key = Buffer.from(text.trim(), "base64");
    if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text.trim())) {
      throw new Error(
        `key ${i + 1} is not 32 bytes in base64 (make one with openssl rand -base64 32)`,
      );
    }
    return { id: createHash("sha256").update(key).digest("hex").slice(0, 8), key };
  });
}

export function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

/** `plain` sealed under the first key; as it is without keys. */
export function seal(keys: readonly SecretKey[], plain: string): string {
  const [current] = keys;
  if (!current) return plain;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", current.key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${current.id}:${iv.toString("base64url")}:${body.toString("base64url")}`;
}

/** The plain value of what {@link seal} stored; a value never sealed is returned as it is. */
export function open(keys: readonly SecretKey[], stored: string): string {
  if (!isSealed(stored)) return stored;
  const [id, iv, body] = stored.slice(PREFIX.length).split(":");
  const found = keys.find((key) => key.id === id);
  if (!found) {
    throw new SealedSecretError(`sealed under a key SECRETS_KEY does not hold (key ${id})`);
  }
  try {
    const data = Buffer.from(body ?? "", "base64url");
    const decipher = createDecipheriv("aes-256-gcm", found.key, Buffer.from(iv ?? "", "base64url"));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(data.subarray(0, data.length - TAG_BYTES)),
      decipher.final(),
    ])
      .toString("utf8");
  } catch {
    throw new SealedSecretError(`sealed under key ${id}, but altered or cut short`);
  }
}

/** Whether `stored` is sealed under the first key already (`secrets:seal` leaves it). */
export function sealedUnderCurrent(keys: readonly SecretKey[], stored: string): boolean {
  return keys.length > 0 && stored.startsWith(`${PREFIX}${keys[0].id}:`);
}
