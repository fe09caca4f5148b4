/**
 * Password hashing with scrypt at OWASP's parameters (N=2^17, r=8, p=1), compared in
 * constant time. The stored form names its parameters, so they can be raised later
 * without breaking existing hashes.
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { DomainError } from "../errors.ts";

const N = 2 ** 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
// scrypt needs 128 × N × r bytes; Node's default cap (32 MiB) is below that.
const MAX_MEMORY = 256 * 1024 * 1024;

// Each derivation holds 128 MiB; two at a time keep a burst of logins from exhausting
// memory. A few more wait their turn; beyond that a request is refused at once (503 with
// Retry-After) rather than queued for minutes while it holds a connection.
const MAX_PARALLEL = 2;
export const MAX_WAITING_HASHES = 16;
const RETRY_AFTER_SECONDS = 2;
let active = 0;
const waiting: (() => void)[] = [];

async function derive(password: string, salt: Buffer, n: number, r: number, p: number) {
  if (active >= MAX_PARALLEL) {
    if (waiting.length >= MAX_WAITING_HASHES) {
      throw new DomainError(
        "SERVICE_UNAVAILABLE",
        `The server is busy checking passwords; try again in ${RETRY_AFTER_SECONDS} s`,
        { retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  active++;
  try {
    return await deriveNow(password, salt, n, r, p);
  } finally {
    active--;
    waiting.shift()?.();
  }
}

function deriveNow(password: string, salt: Buffer, n: number, r: number, p: number) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (
      error,
      key,
    ) => error ? reject(error) : resolve(key));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await derive(password, Buffer.from(salt, "base64"), +n, +r, +p);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;

/** A hash to verify against when the account does not exist, so timing does not tell. */
export function dummyHash(): Promise<string> {
  // A refusal (queue full) must not be remembered as the dummy.
  return dummy ??= hashPassword(crypto.randomUUID()).catch((error) => {
    dummy = undefined;
    throw error;
  });
}
