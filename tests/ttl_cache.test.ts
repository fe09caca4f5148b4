/**
 * The cache in front of public status pages: one computation per period, and with
 * `staleMs` nobody waits for the next one while the last is recent enough.
 */
import assert from "node:assert/strict";
import { TtlCache } from "../lib/ttl_cache.ts";

/** A load the test finishes when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

Deno.test("an expired value is answered at once while its replacement is computed, once", async () => {
  let now = 0;
  const cache = new TtlCache<string, string>({ ttlMs: 1_000, staleMs: 1_000, now: () => now });
  assert.equal(await cache.get("acme", () => Promise.resolve("first")), "first");

  now = 1_500; // expired, within the stale window
  const next = deferred<string>();
  const answers = await Promise.all([
    cache.get("acme", () => next.promise),
    cache.get("acme", () => Promise.resolve("not asked")),
  ]);
  assert.deepEqual(answers, ["first", "first"]);
  assert.equal(cache.loads, 2, "one recomputation, not one per caller");

  next.resolve("second");
  await next.promise;
  assert.equal(await cache.get("acme", () => Promise.resolve("not asked")), "second");
});

Deno.test("a value older than the stale window is waited for, and a failed refresh keeps the last one", async () => {
  let now = 0;
  const cache = new TtlCache<string, string>({ ttlMs: 1_000, staleMs: 1_000, now: () => now });
  await cache.get("acme", () => Promise.resolve("first"));

  now = 1_200;
  const failing = deferred<string>();
  assert.equal(await cache.get("acme", () => failing.promise), "first");
  failing.reject(new Error("ClickHouse is down"));
  await failing.promise.catch(() => {});
  assert.equal(await cache.get("acme", () => Promise.resolve("second")), "first");
  await Promise.resolve();

  now = 5_000; // long past: the caller waits for fresh figures
  const fresh = deferred<string>();
  const waiting = cache.get("acme", () => fresh.promise);
  fresh.resolve("third");
  assert.equal(await waiting, "third");
});

Deno.test("without staleMs every caller after expiry waits for the new value", async () => {
  let now = 0;
  const cache = new TtlCache<string, string>({ ttlMs: 1_000, now: () => now });
  await cache.get("acme", () => Promise.resolve("first"));
  now = 1_001;
  assert.equal(await cache.get("acme", () => Promise.resolve("second")), "second");
});
