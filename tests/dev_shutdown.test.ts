/**
 * `deno task dev` as a user runs it: in a process group of its own (as a terminal or a
 * process manager starts it), then stopped by a signal to the group or by the death of
 * its supervisor. Every test kills the whole group at the end, so none leaves a process.
 */
import assert from "node:assert/strict";
import { newClickHouseUrl, newPostgresUrl } from "./helpers/databases.ts";
import { freePortRun } from "./helpers/processes.ts";
import { eventually } from "./helpers/pipeline.ts";

const root = new URL("../", import.meta.url).pathname;

interface DevRun {
  group: number;
  /** Resolves once web, publisher and worker have each said they started. */
  started: Promise<void>;
  output: string[];
}

function startDev(): DevRun {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "dev"],
    cwd: root,
    env: {
      DATABASE_URL: newPostgresUrl(),
      CLICKHOUSE_URL: newClickHouseUrl(),
      REDIS_KEY_PREFIX: `devtest:${crypto.randomUUID().slice(0, 8)}:`,
      // Publisher and worker listen on PORT + 1 and PORT + 2.
      PORT: String(freePortRun(3)),
      REGION: "local",
      LOG_LEVEL: "info",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    // setsid: the run gets a process group of its own, numbered by its pid.
    detached: true,
  }).spawn();
  const output: string[] = [];
  const waiting = new Set(["web.started", "publisher.started", "worker.started"]);
  let resolveStarted!: () => void;
  const started = new Promise<void>((resolve) => resolveStarted = resolve);
  const read = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of stream) {
      const lines = (buffer + decoder.decode(chunk, { stream: true })).split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        for (const event of waiting) if (line.includes(`"event":"${event}"`)) waiting.delete(event);
        if (!waiting.size) resolveStarted();
      }
    }
  };
  read(child.stdout);
  read(child.stderr);
  child.status.then(() => {}); // reaped whenever it ends
  return { group: child.pid, started, output };
}

/** Live (not zombie) processes of a process group, from /proc. */
async function processesOf(group: number): Promise<{ pid: number; command: string }[]> {
  const found = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`);
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) !== group || state === "Z") continue;
      const command = (await Deno.readTextFile(`/proc/${entry.name}/cmdline`))
        .replaceAll("\0", " ").trim();
      found.push({ pid: Number(entry.name), command });
    } catch { /* ended while we looked */ }
  }
  return found;
}

/** Waits up to `ms` for the group to empty; returns what is left then. */
async function remainingAfter(group: number, ms: number) {
  const deadline = Date.now() + ms;
  while (true) {
    const left = await processesOf(group);
    if (!left.length || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function withDev(test: (run: DevRun) => Promise<void>): Promise<void> {
  const run = startDev();
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      run.started,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`dev did not start:\n${run.output.join("\n")}`)),
          90_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    await test(run);
  } finally {
    try {
      Deno.kill(-run.group, "SIGKILL");
    } catch { /* the group is already empty */ }
  }
}

Deno.test({
  name:
    "`deno task dev` catches mail (logged with its links, kept in .data/mail/); SIGTERM to its process group stops all of it within 5 s",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withDev(async (run) => {
      assert.equal(
        (await processesOf(run.group)).length >= 4,
        true,
        "task, supervisor, 3 children",
      );
      // No SMTP_URL was given: the children send to the catcher, which a mail client reaches.
      const said = run.output.find((line) => line.includes('"event":"dev.mailbox"'));
      assert.ok(said, run.output.join("\n"));
      const smtpUrl: string = JSON.parse(said).smtpUrl;
      assert.match(smtpUrl, /^smtp:\/\/127\.0\.0\.1:\d+$/);
      // Long and not ASCII: the mail carries it folded over encoded lines.
      const subject = `Confirm your subscription to “Acme” … ${crypto.randomUUID()} (status)`;
      // @ts-types="@types/nodemailer"
      const { default: mailer } = await import("nodemailer");
      const link = `http://localhost:8000/status/acme/subscription?token=${"t".repeat(80)}`;
      await mailer.createTransport(smtpUrl).sendMail({
        from: "uptime@example.com",
        to: "ada@example.com",
        subject,
        text: `Confirm the subscription: ${link}\n`,
      });
      await eventually(
        () => run.output.some((line) => line.includes(subject)),
        10_000,
        "the catcher logs the mail",
      );
      const entry = JSON.parse(run.output.find((line) => line.includes(subject))!);
      assert.equal(entry.event, "dev.mail");
      assert.deepEqual(entry.to, ["ada@example.com"]);
      assert.equal(entry.subject, subject);
      assert.deepEqual(entry.links, [link], "a link split by quoted-printable is whole");
      assert.match(await Deno.readTextFile(`${root}${entry.file}`), /Confirm the subscription/);
      await Deno.remove(`${root}${entry.file}`);
      Deno.kill(-run.group, "SIGTERM");
      const left = await remainingAfter(run.group, 5_000);
      assert.deepEqual(left, [], `still running after 5 s:\n${run.output.slice(-20).join("\n")}`);
    }),
});

Deno.test({
  name: "after a kill -9 of the dev supervisor, its children end within 30 s",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withDev(async (run) => {
      const supervisor = (await processesOf(run.group)).find((p) =>
        p.command.includes("scripts/dev.ts")
      );
      assert.ok(supervisor, "the supervisor runs scripts/dev.ts");
      Deno.kill(supervisor.pid, "SIGKILL");
      const left = await remainingAfter(run.group, 30_000);
      assert.deepEqual(left, [], "orphans of the dead supervisor");
    }),
});
