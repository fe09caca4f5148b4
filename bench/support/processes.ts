/** Starts the target server of `target_server.ts` and returns its URL and a stop function. */
export async function startTargetProcess(delayMs = 0) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./target_server.ts", import.meta.url).pathname, String(delayMs)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("target server exited before listening");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const url = `http://127.0.0.1:${Number(text.trim())}/`;
  return {
    url,
    pid: child.pid,
    /** Requests served so far (checks that reached it). */
    async requests(): Promise<number> {
      const response = await fetch(`${url}__requests`, { signal: AbortSignal.timeout(10_000) });
      return Number(await response.text());
    },
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

/** Starts `bare_checks.ts`: `rate` bare checks a second against `url`, until stopped. */
export async function startBareChecks(url: string, rate: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./bare_checks.ts", import.meta.url).pathname, url, String(rate)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { done } = await reader.read();
  if (done) throw new Error("bare checks exited before starting");
  reader.releaseLock();
  return {
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}
