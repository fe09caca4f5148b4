/**
 * Requests per second for a page route without islands that renders 200 table rows,
 * through the web layer and from a bare `Deno.serve` handler returning the same HTML.
 * The load comes from a Worker (its own thread and event loop), over 127.0.0.1.
 *
 *   deno run -A bench/web.ts
 */
import { fileURLToPath } from "node:url";
import { createFreshProject } from "../fresh/mod.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 5);
const CONCURRENCY = Number(Deno.env.get("BENCH_CONCURRENCY") ?? 32);
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

async function measure(
  name: string,
  handler: (req: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
): Promise<number> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const url = `http://127.0.0.1:${server.addr.port}/table`;
  const run = (seconds: number) =>
    new Promise<{ done: number; failed: number }>((resolve) => {
      const worker = new Worker(workerUrl, { type: "module" });
      worker.onmessage = (e) => {
        worker.terminate();
        resolve(e.data);
      };
      worker.postMessage({ url, seconds, concurrency: CONCURRENCY });
    });
  await run(1); // warm up JIT and connections
  const { done, failed } = await run(SECONDS);
  await server.shutdown();
  if (failed > 0) throw new Error(`${name}: ${failed} requests failed`);
  const rps = done / SECONDS;
  console.log(`${name.padEnd(28)} ${rps.toFixed(0).padStart(8)} req/s`);
  return rps;
}

console.log(
  `GET /table (200 rows, ${html.length} bytes), ${CONCURRENCY} connections, ${SECONDS} s each`,
);
const framework = await measure("web layer (fresh/)", project.handler);
const baseline = await measure("bare Deno.serve", bare);
const ratio = framework / baseline;
console.log(
  `ratio ${ratio.toFixed(2)} (target >= ${TARGET}): ${ratio >= TARGET ? "met" : "NOT met"}`,
);
await project.close();
