/**
 * The floor under the system bench: the cheapest HTTP check Deno can make, `rate` times a
 * second against the target, each second's checks started together as the worker starts
 * them: connect, send a GET, read to the end, close. No parsing, no timeouts, no result
 * stored. `deno run -A bare_checks.ts <url> <rate>`; prints "ready", runs until SIGTERM.
 */
const [url, rateText] = Deno.args;
const target = new URL(url);
const rate = Number(rateText);
const request = new TextEncoder().encode(
  `GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`,
);
const buffer = new Uint8Array(4096);

async function check(): Promise<void> {
  const conn = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
  try {
    await conn.write(request);
    while (await conn.read(buffer) !== null) { /* to the end */ }
  } finally {
    conn.close();
  }
}

const timer = setInterval(() => {
  for (let i = 0; i < rate; i++) check().catch(() => {});
}, 1_000);
Deno.addSignalListener("SIGTERM", () => {
  clearInterval(timer);
  Deno.exit(0);
});
console.log("ready");
