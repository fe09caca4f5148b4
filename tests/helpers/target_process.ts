/**
 * A check target in a process of its own that answers 200 "ok" after `delayMs` (default at
 * once), so that holding up the test's event loop (and an in-process worker's) never holds
 * up the target.
 */
import { withTimeout } from "../../lib/async.ts";

const serve = `
const delayMs = Number(Deno.args[0]);
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(port) },
  async () => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return new Response("ok");
  },
);
await server.finished;`;

export async function startTargetProcess(
  delayMs = 0,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", serve, String(delayMs)],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await withTimeout(reader.read(), 20_000, "the target's port");
      if (done) throw new Error("the target process exited before listening");
      text += new TextDecoder().decode(value);
    }
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    throw error;
  } finally {
    reader.releaseLock();
  }
  return {
    url: `http://127.0.0.1:${Number(text.trim())}/`,
    async stop() {
      try {
        child.kill("SIGKILL");
      } catch { /* exited already */ }
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}
