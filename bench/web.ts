/**
 * Requests per second for a page route without islands that renders 200 table rows,
 * through the web layer and from a bare `Deno.serve` handler returning the same HTML.
 * The load comes from a Worker (its own thread and event loop), over 127.0.0.1, with the
 * same number of connections for both. Both servers run side by side and are measured
 * in short alternating slices (the order flips each round), so load from elsewhere on a
 * shared 2-core machine hits both alike; the medians of the rounds are reported.
 *
 *   deno run -A bench/web.ts
 *   BENCH_SECONDS=2 BENCH_ROUNDS=5 BENCH_CONCURRENCY=32 deno run -A bench/web.ts
 */
import { fileURLToPath } from "node:url";
import { createFreshProject } from "../fresh/mod.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 2);
const CONCURRENCY = Number(Deno.env.get("BENCH_CONCURRENCY") ?? 32);
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 5);
const TARGET = 0.5;

const fixtures = fileURLToPath(new URL("../tests/fresh/fixtures", import.meta.url));
const project = await createFreshProject({ root: fixtures, dev: false, watch: false });
const html = await (await project.handler(new Request("http://127.0.0.1/table"))).text();
const rows = html.match(/<tr\b/g)?.length ?? 0;
if (rows !== 200) throw new Error(`the table page rendered ${rows} rows, expected 200`);

const bare = (_req: Request) =>
  new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });

// Each fetch loop keeps one request in flight; the worker reports completed requests.
const LOAD = `
self.onmessage = async ({ data: { url, seconds, concurrency } }) => {
  const until = performance.now() + seconds * 1000;
  let done = 0, failed = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) done++; else failed++;
    }
  }));
  self.postMessage({ done, failed });
};`;
const workerUrl = URL.createObjectURL(new Blob([LOAD], { type: "text/javascript" }));

type Handler = (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>;

/** One server under test; `run` loads it from a fresh worker and returns requests/second. */
function serve(name: string, handler: Handler) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const url = `http://127.0.0.1:${server.addr.port}/table`;
  const run = async (seconds: number): Promise<number> => {
    const { done, failed } = await new Promise<{ done: number; failed: number }>((resolve) => {
      const worker = new Worker(workerUrl, { type: "module" });
      worker.onmessage = (e) => {
        worker.terminate();
        resolve(e.data);
      };
      worker.postMessage({ url, seconds, concurrency: CONCURRENCY });
    });
    if (failed > 0) throw new Error(`${name}: ${failed} requests failed`);
    return done / seconds;
  };
  return { name, run, close: () => server.shutdown() };
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[values.length >> 1];

console.log(
  `GET /table (200 rows, ${html.length} bytes), ${CONCURRENCY} connections, ` +
    `${ROUNDS} rounds of ${SECONDS} s per side`,
);
const framework = serve("web layer (fresh/)", project.handler);
const baseline = serve("bare Deno.serve", bare);
// Warm up JIT and connections on both sides.
await framework.run(1);
await baseline.run(1);
const rates = { framework: [] as number[], baseline: [] as number[], ratio: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  const first = round % 2 === 0 ? framework : baseline;
  const second = first === framework ? baseline : framework;
  const a = await first.run(SECONDS);
  const b = await second.run(SECONDS);
  const [fw, base] = first === framework ? [a, b] : [b, a];
  rates.framework.push(fw);
  rates.baseline.push(base);
  rates.ratio.push(fw / base);
  console.log(
    `  round ${round + 1}: ${fw.toFixed(0)} vs ${base.toFixed(0)} req/s, ratio ${
      (fw / base).toFixed(2)
    }`,
  );
}
await framework.close();
await baseline.close();

const row = (name: string, rps: number) =>
  console.log(`${name.padEnd(28)} ${rps.toFixed(0).padStart(8)} req/s (median)`);
row(framework.name, median(rates.framework));
row(baseline.name, median(rates.baseline));
const ratio = median(rates.ratio);
console.log(
  `ratio ${ratio.toFixed(2)} (median of rounds; target >= ${TARGET}): ${
    ratio >= TARGET ? "met" : "NOT met"
  }`,
);
await project.close();
