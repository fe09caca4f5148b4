/**
 * CPU time (utime + stime) and resident memory of processes, read from /proc (Linux), and
 * a sampler that measures groups of processes over a span.
 */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface Usage {
  cpuMs: number;
  rssMb: number;
  /** The highest RSS since {@link resetPeak} (or since the process started). */
  peakMb: number;
}

/** utime + stime in ms, RSS and peak RSS in MB of a process; zeros when it is gone. */
export function usage(pid: number): Usage {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuMs = (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS_PER_SECOND;
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const mb = (field: string) =>
      Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
    return { cpuMs, rssMb: mb("VmRSS"), peakMb: mb("VmHWM") };
  } catch {
    return { cpuMs: 0, rssMb: 0, peakMb: 0 };
  }
}

/**
 * Starts a process's peak RSS afresh (Linux: "5" to /proc/<pid>/clear_refs, for our own
 * children or as root); where that is refused the peak stays the one since its start.
 */
function resetPeak(pid: number): void {
  try {
    Deno.writeTextFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch { /* gone, or not ours to reset */ }
}

const PAGE = 4096;

/** The groups that are servers, not our processes. */
const SERVERS = ["redis", "clickhouse", "postgres"];
/**
 * The check target: it stands in for the monitored sites, which run elsewhere in
 * production, so it counts in neither total; its row shows what it takes of the cores.
 */
export const TARGET = "target";

/** Whether a group is one of our processes (web, publisher, workers, standalone). */
export function isOurs(name: string): boolean {
  return !SERVERS.includes(name) && name !== TARGET;
}

/**
 * Memory that `pids` take together, in MB, with the pages they share counted once: their
 * anonymous memory (private to each) plus the distinct physical pages of their mapped
 * files. RSS counts the deno binary's code once per process (about 45 MB each); the
 * machine holds it once. Null when the page frames cannot be read (not root).
 */
export function memoryOnceMb(pids: number[]): number | null {
  let anonymousKb = 0;
  const frames = new Set<number>();
  for (const pid of pids) {
    try {
      const rollup = Deno.readTextFileSync(`/proc/${pid}/smaps_rollup`);
      anonymousKb += Number(/^Anonymous:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      const pagemap = Deno.openSync(`/proc/${pid}/pagemap`);
      try {
        for (const line of Deno.readTextFileSync(`/proc/${pid}/maps`).split("\n")) {
          const [range, , , , , path] = line.split(/\s+/);
          if (!path?.startsWith("/")) continue;
          const [start, end] = range.split("-").map((hex) => parseInt(hex, 16));
          const entries = new Uint8Array((end - start) / PAGE * 8);
          pagemap.seekSync(start / PAGE * 8, Deno.SeekMode.Start);
          for (let read = 0; read < entries.length;) {
            const n = pagemap.readSync(entries.subarray(read));
            if (!n) break;
            read += n;
          }
          const view = new DataView(entries.buffer);
          for (let i = 0; i < entries.length; i += 8) {
            const entry = view.getBigUint64(i, true);
            if (!(entry >> 63n)) continue; // not resident
            const frame = Number(entry & ((1n << 55n) - 1n));
            if (frame === 0) return null; // frames hidden from non-root readers
            frames.add(frame);
          }
        }
      } finally {
        pagemap.close();
      }
    } catch {
      continue; // the process is gone
    }
  }
  return (anonymousKb * 1024 + frames.size * PAGE) / 1048576;
}

/** The pids of the three servers, by process name (every user's: they are shared). */
export function serverPids(): Map<string, number[]> {
  const names: [string, RegExp][] = [
    ["redis", /^redis-server/],
    ["clickhouse", /^clickhouse/],
    ["postgres", /^postgres/],
  ];
  const pids = new Map<string, number[]>(names.map(([name]) => [name, []]));
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let comm = "";
    try {
      comm = Deno.readTextFileSync(`/proc/${entry.name}/comm`).trim();
    } catch {
      continue;
    }
    for (const [name, pattern] of names) {
      if (pattern.test(comm)) pids.get(name)!.push(Number(entry.name));
    }
  }
  return pids;
}

/** Whole-machine CPU time (all cores, busy = everything but idle and iowait) in ms. */
export function machineBusyMs(): number {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = ticks[3] + (ticks[4] ?? 0);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - idle) * 1000 / TICKS_PER_SECOND;
}

export interface Sample {
  /** CPU ms used in the span, RSS at its end and peak RSS in it, per group. */
  figures: Map<string, Usage>;
  elapsedMs: number;
  /** How far `counter` moved in the span. */
  counted: number;
  /** CPU ms the whole machine (every core, every user) used in the span. */
  machineMs: number;
  /** {@link memoryOnceMb} of our groups ({@link isOurs}), at the end of the span. */
  oursOnceMb: number | null;
}

/**
 * CPU and RSS of each group of processes over `ms`. Groups are looked up at both ends: a
 * server process that started meanwhile (a Postgres backend) counts in full, one that
 * ended counts nothing, so no figure is ever negative.
 */
export async function sample(
  groups: () => Map<string, number[]>,
  ms: number,
  counter: () => Promise<number> = () => Promise.resolve(0),
): Promise<Sample> {
  const before = new Map<number, number>();
  for (const pids of groups().values()) {
    for (const pid of pids) (resetPeak(pid), before.set(pid, usage(pid).cpuMs));
  }
  const machineBefore = machineBusyMs();
  const count = await counter();
  const began = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const elapsedMs = performance.now() - began;
  const counted = (await counter()) - count;
  const machineMs = machineBusyMs() - machineBefore;
  const figures = new Map<string, Usage>();
  const ours: number[] = [];
  for (const [name, pids] of groups()) {
    if (isOurs(name)) ours.push(...pids);
    let cpuMs = 0;
    let rssMb = 0;
    let peakMb = 0;
    for (const pid of pids) {
      const now = usage(pid);
      cpuMs += Math.max(0, now.cpuMs - (before.get(pid) ?? 0));
      rssMb += now.rssMb;
      peakMb += now.peakMb;
    }
    figures.set(name, { cpuMs, rssMb, peakMb });
  }
  return { figures, elapsedMs, counted, machineMs, oursOnceMb: memoryOnceMb(ours) };
}
