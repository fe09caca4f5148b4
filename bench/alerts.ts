/**
 * `deno task bench alerts`: how fast an outage becomes an incident event, and what the
 * evaluation costs.
 *  1. detection: a target goes down at a random moment of its check interval; the time
 *     until the `opened` event is on the incident stream, and until the webhook of the
 *     notification dispatcher (in the publisher) arrives at a local receiver, with
 *     publisher and two region workers as real processes, confirmations 2, quorum half
 *     (target ≤ 2 intervals + 5 s; the bench uses a 5 s interval rather than 30 s and
 *     reports the ratio);
 *  2. CPU: per evaluated result (the worker's side and Postgres's side, in batches of the
 *     size the worker's own run stored) next to the worker's CPU per check in that run
 *     (target ≤ 10 %). `BENCH_ONLY=detection|cpu` runs one part.
 */
import process from "node:process";
import { connectPostgres } from "../db/postgres/client.ts";
import { setLogContext } from "../lib/logger.ts";
import { parseConfig } from "../lib/config.ts";
import { createChannel } from "../services/notifications/create.ts";
import { evaluateStoredResults } from "../services/incidents/evaluation/evaluate.ts";
import { relayIncidentEvents } from "../services/incidents/evaluation/event_relay.ts";
import type { CheckRow } from "../db/clickhouse/check_row.ts";
import { checkRow, parseEventEntry } from "../tests/helpers/incidents.ts";
import { type PipelineBed, pipelineBed, startTarget } from "../tests/helpers/pipeline.ts";
import { spawnProcess } from "../tests/helpers/processes.ts";
import { startTargetProcess } from "./support/processes.ts";
import { report, sleep } from "./support/report.ts";
import { benchTask, queueTasks, runWorkerThrough } from "./support/worker_run.ts";

setLogContext({ process: "bench" }, "warn");
const INTERVAL_SECONDS = 5;
const ROUNDS = 3;

const bed = await pipelineBed();
try {
  const only = Deno.env.get("BENCH_ONLY");
  if (!only || only === "detection") await detection(bed);
  if (!only || only === "cpu") await cpu(bed);
} finally {
  await bed.close();
}

async function detection(bed: PipelineBed) {
  let healthy = true;
  const target = startTarget(() => new Response("ok", { status: healthy ? 200 : 503 }));
  const env = { ...bed.env, PUBLISHER_TICK_MS: "200", LOG_LEVEL: "warn" };
  const processes = [
    spawnProcess("publisher/main.ts", env),
    spawnProcess("worker/main.ts", { ...env, REGION: "ams" }),
    spawnProcess("worker/main.ts", { ...env, REGION: "iad" }),
  ];
  const latencies: number[] = [];
  const webhookLatencies: number[] = [];
  const hooks: { type: string; at: number }[] = [];
  const receiver = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.json().catch(() => ({}));
    hooks.push({ type: String(body?.type ?? ""), at: Date.now() });
    return new Response("received");
  });
  try {
    const services = {
      config: parseConfig({ ...Deno.env.toObject(), ...bed.env }),
      db: bed.pg.db,
      sql: bed.pg.sql,
      readDb: bed.pg.db,
      readSql: bed.pg.sql,
      redis: bed.redis,
      ch: bed.ch,
      keys: bed.keys,
    };
    const [owner] = await bed.pg.sql`select id from users limit 1`;
    await createChannel(services, { userId: owner.id, accountId: owner.id }, {
      kind: "webhook",
      name: "bench",
      config: { url: `http://127.0.0.1:${receiver.addr.port}/hook` },
    });
    await bed.addWebsites(1, {
      url: target.url,
      regions: ["ams", "iad"],
      intervalSeconds: INTERVAL_SECONDS,
      confirmations: 2,
      quorum: "half",
    });
    let lastId = "0-0";
    const nextEvent = async (type: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const reply = await bed.redis.xread(
          "BLOCK",
          500,
          "STREAMS",
          bed.keys.incidentEvents,
          lastId,
        );
        for (const [entryId, fields] of reply?.[0][1] ?? []) {
          lastId = entryId;
          if (parseEventEntry(fields).type === type) return Date.now();
        }
      }
      throw new Error(`no ${type} event within ${timeoutMs} ms`);
    };
    // Let both regions report up first.
    await sleep(2 * INTERVAL_SECONDS * 1000);
    for (let round = 0; round < ROUNDS; round++) {
      await sleep(Math.random() * INTERVAL_SECONDS * 1000);
      healthy = false;
      const downAt = Date.now();
      latencies.push((await nextEvent("opened", 10 * INTERVAL_SECONDS * 1000)) - downAt);
      const hookDeadline = Date.now() + 30_000;
      let hook;
      while (!(hook = hooks.find((h) => h.type === "incident.opened" && h.at >= downAt))) {
        if (Date.now() > hookDeadline) throw new Error("no webhook within 30 s of the event");
        await sleep(20);
      }
      webhookLatencies.push(hook.at - downAt);
      healthy = true;
      await nextEvent("resolved", 10 * INTERVAL_SECONDS * 1000);
    }
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await target.close();
    await receiver.shutdown();
  }
  const worst = Math.max(...latencies);
  const worstHook = Math.max(...webhookLatencies);
  const goal = 2 * INTERVAL_SECONDS * 1000 + 5_000;
  report(
    `detection: target down → 'opened' on the stream → webhook (${ROUNDS} outages, interval ${INTERVAL_SECONDS} s, confirmations 2)`,
    [
      ["each", latencies.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ")],
      [
        "worst",
        `${(worst / 1000).toFixed(1)} s = ${
          (worst / INTERVAL_SECONDS / 1000).toFixed(2)
        } intervals`,
      ],
      [
        "webhook arrived, each",
        webhookLatencies.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", "),
      ],
      [
        "webhook, worst",
        `${(worstHook / 1000).toFixed(1)} s = ${
          (worstHook / INTERVAL_SECONDS / 1000).toFixed(2)
        } intervals`,
      ],
      [
        "target",
        `≤ 2 intervals + 5 s = ${goal / 1000} s (stream ${worst <= goal ? "met" : "NOT met"}, ` +
        `webhook ${worstHook <= goal ? "met" : "NOT met"})`,
      ],
    ],
  );
}

async function cpu(bed: PipelineBed) {
  const worker = await workerPerCheck(bed);
  // The evaluation's cost per result depends on the batch size: measured at the size the
  // worker's own run stored its results in.
  const batchSize = Math.max(1, Math.round(worker.checks / worker.batches));
  const evaluation = await evaluationPerResult(bed, batchSize);
  const total = evaluation.workerUs + evaluation.postgresUs;
  const ratio = total / worker.perCheckUs * 100;
  report(
    `CPU per evaluated result (${evaluation.results} results of 2 regions, in batches of ` +
      `${batchSize} as the worker stored them; ${evaluation.full} through the full evaluation, ` +
      `${evaluation.events} events)`,
    [
      ["worker side", `${evaluation.workerUs.toFixed(1)} µs`],
      ["Postgres side", `${evaluation.postgresUs.toFixed(1)} µs`],
      ["evaluation", `${total.toFixed(1)} µs`],
      ["wall time per batch", `${evaluation.batchMs.toFixed(1)} ms`],
      [
        "worker CPU per check",
        `${worker.perCheckUs.toFixed(1)} µs (${worker.checks} checks in ${worker.batches} ` +
        `batches; the worker's side of its evaluation included)`,
      ],
      [
        "ratio",
        `${ratio.toFixed(1)} % of a check (target ≤ 10 %: ${ratio <= 10 ? "met" : "NOT met"})`,
      ],
    ],
  );
}

/**
 * The worker's CPU per check: stream → check → ClickHouse → evaluation → ack, for checks
 * of many websites (each batch's evaluation touches many monitors). The target runs in a
 * process of its own.
 */
async function workerPerCheck(bed: PipelineBed) {
  const WEBSITES = 2_000;
  const SLOTS = 5;
  const target = await startTargetProcess();
  try {
    const ids = await bed.addWebsites(WEBSITES, { url: target.url, regions: ["cpu"] });
    const base = Math.floor(Date.now() / 1000) - 3_600;
    await queueTasks(
      bed,
      "cpu",
      Array.from(
        { length: SLOTS },
        (_, slot) => ids.map((id) => benchTask(id, target.url, base + slot)),
      )
        .flat(),
    );
    const checks = WEBSITES * SLOTS;
    const run = await runWorkerThrough(bed, "cpu", checks, { concurrency: 50 });
    await bed.pg.sql`update websites set active = false where id = any(${ids}::uuid[])`;
    return { checks, batches: run.batches, perCheckUs: run.cpuUs / checks };
  } finally {
    await target.stop();
  }
}

/**
 * The evaluation alone, as the worker runs it (relay of the events included), on a
 * connection of its own so that Postgres's CPU for it can be read. 2,000 monitors in two
 * regions; one in 20 fails two checks in a row in both regions, so its incident opens and
 * resolves; the others stay up, as most monitors do most of the time. Two first rounds, not
 * measured, settle every region (as a monitor is after its first two checks).
 */
async function evaluationPerResult(bed: PipelineBed, batchSize: number) {
  const WEBSITES = 2_000;
  const ROUNDS = 10;
  const ids = await bed.addWebsites(WEBSITES, { url: "https://example.com/", regions: ["a", "b"] });
  const batchesOf = (round: number) =>
    ["a", "b"].flatMap((region) => {
      const rows = ids.map((id, i) => {
        const outage = i % 20 === 0 && (round === 4 || round === 5);
        return checkRow(id, region, 1_000 + round, !outage);
      });
      return Array.from(
        { length: Math.ceil(rows.length / batchSize) },
        (_, k) => rows.slice(k * batchSize, (k + 1) * batchSize),
      );
    });
  const pg = connectPostgres(bed.env.DATABASE_URL, { max: 1 });
  try {
    const evaluate = async (batches: CheckRow[][]) => {
      let events = 0;
      let full = 0;
      for (const batch of batches) {
        const summary = await evaluateStoredResults(pg.sql, batch);
        if (summary.events) await relayIncidentEvents(pg.sql, bed.redis, bed.keys);
        events += summary.events;
        full += summary.results - summary.settled;
      }
      return { events, full };
    };
    await evaluate([...batchesOf(-2), ...batchesOf(-1)]);
    const batches = Array.from({ length: ROUNDS }, (_, round) => batchesOf(round)).flat();
    const [{ pid }] = await pg.sql`select pg_backend_pid() as pid`;
    const pgBefore = await backendCpuUs(pid);
    const before = process.cpuUsage();
    const started = performance.now();
    const { events, full } = await evaluate(batches);
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(before);
    const pgUsed = (await backendCpuUs(pid)) - pgBefore;
    const results = batches.reduce((sum, batch) => sum + batch.length, 0);
    return {
      results,
      events,
      full,
      workerUs: (used.user + used.system) / results,
      postgresUs: pgUsed / results,
      batchMs: wallMs / batches.length,
    };
  } finally {
    await pg.close();
  }
}

/** utime + stime of a Postgres backend, in µs (from /proc, in clock ticks of 10 ms). */
async function backendCpuUs(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
