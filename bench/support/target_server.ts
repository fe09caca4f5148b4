/**
 * A check target in a process of its own, so that serving requests does not compete
 * with the processes under measurement for their event loops. Prints its port, then
 * serves "ok" after an optional delay: `deno run -A target_server.ts [delayMs]`.
 * `GET /__requests` answers how many other requests it has served.
 */
const delayMs = Number(Deno.args[0] ?? 0);
let served = 0;
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, async (request) => {
  if (new URL(request.url).pathname === "/__requests") return new Response(String(served));
  served++;
  if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return new Response("ok");
});
await server.finished;
