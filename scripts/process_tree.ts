/**
 * A child process and everything it started, for the runners (`deno task test`, `deno task
 * bench`): a SIGTERM or Ctrl-C that reaches the runner ends the whole tree before the
 * runner cleans up, so no server or test process outlives it.
 */

export interface TreeProcess {
  pid: number;
  ppid: number;
  /** How long it has run, as ps prints it. */
  etime: string;
  args: string;
}

/** `root` and every process below it. */
export async function processTree(root: number): Promise<TreeProcess[]> {
  const ps = await new Deno.Command("ps", { args: ["-e", "-o", "pid=,ppid=,etime=,args="] })
    .output();
  const rows = new TextDecoder().decode(ps.stdout).trim().split("\n").map((line) => {
    const [pid, ppid, etime, ...args] = line.trim().split(/\s+/);
    return { pid: Number(pid), ppid: Number(ppid), etime, args: args.join(" ") };
  });
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (tree.has(row.ppid) && !tree.has(row.pid)) {
        tree.add(row.pid);
        grew = true;
      }
    }
  }
  return rows.filter((row) => tree.has(row.pid));
}

/** Sends `signal` to every process of the tree. */
export async function signalTree(root: number, signal: Deno.Signal): Promise<void> {
  for (const { pid } of await processTree(root)) {
    try {
      Deno.kill(pid, signal);
    } catch { /* gone already */ }
  }
}

/**
 * Until the returned function is called, a SIGTERM or SIGINT to this process is passed to
 * `child` and everything it started (as SIGTERM) instead of ending this process, which
 * then goes on to wait for the child and clean up.
 */
export function endTreeOnSignal(child: Deno.ChildProcess): () => void {
  const end = () => void signalTree(child.pid, "SIGTERM");
  const signals: Deno.Signal[] = ["SIGTERM", "SIGINT"];
  for (const signal of signals) Deno.addSignalListener(signal, end);
  return () => {
    for (const signal of signals) Deno.removeSignalListener(signal, end);
  };
}
