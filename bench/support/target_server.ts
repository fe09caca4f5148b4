/**
 * A check target in a process of its own, so that serving requests does not compete
 * with the worker under measurement for its event loop. Prints its port, then serves
 * "ok" after an optional delay: `deno run -A target_server.ts [delayMs]`.
 */
const delayMs = Number(Deno.args[0] ?? 0);
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, async () => {
  if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return new Response("ok");
});
await server.finished;
