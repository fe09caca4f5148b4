/**
 * Local servers that behave like real-world ones for the curl-parity suite, and curl's
 * own verdict on them. Everything binds loopback (127.0.0.0/8, ::1); nothing else is
 * contacted.
 */

/**
 * A raw TCP server: reads each request's head and answers with `respond(head)`, then
 * closes the connection; for framing no ordinary server produces on demand.
 */
export function startScriptedServer(
  respond: (head: string) => string | Uint8Array,
  hostname = "127.0.0.1",
) {
  const listener = Deno.listen({ hostname, port: 0 });
  const serving = new Set<Promise<void>>();
  const serve = async (conn: Deno.Conn) => {
    try {
      let head = "";
      const buffer = new Uint8Array(16 * 1024);
      while (!/\r?\n\r?\n/.test(head)) {
        const count = await conn.read(buffer);
        if (count === null) return;
        // One character per byte (TextDecoder's "latin1" is windows-1252).
        head += String.fromCharCode(...buffer.subarray(0, count));
      }
      const answer = respond(head);
      const bytes = typeof answer === "string" ? latin1Bytes(answer) : answer;
      for (let offset = 0; offset < bytes.length;) {
        offset += await conn.write(bytes.subarray(offset));
      }
    } catch {
      // The client hung up first.
    } finally {
      conn.close();
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) {
      const running = serve(conn).finally(() => serving.delete(running));
      serving.add(running);
    }
  })().catch(() => {});
  return {
    port: listener.addr.port,
    async close() {
      listener.close();
      await accepting;
      await Promise.all(serving);
    },
  };
}

/** Bytes of a string whose characters are all below 256 (headers are bytes, not UTF-16). */
export function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
}

/** The UTF-8 bytes of `text` as latin1 characters, to put raw UTF-8 into a header. */
export function rawUtf8(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

/**
 * A listening socket on `hostname:port` whose accept queue is full, so the kernel drops
 * every further SYN: a connection there never completes, like an address of a
 * round-robin name whose server is gone (or firewalled to drop). Made with libc through
 * FFI because Deno's listeners have a backlog too large to fill in a test.
 */
export async function holdFullBacklog(hostname: string, port: number) {
  const libc = Deno.dlopen("libc.so.6", {
    socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
    bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
    listen: { parameters: ["i32", "i32"], result: "i32" },
    close: { parameters: ["i32"], result: "i32" },
  });
  const address = new Uint8Array(16);
  const view = new DataView(address.buffer);
  view.setUint16(0, 2, true); // AF_INET, host order
  view.setUint16(2, port, false); // network order
  hostname.split(".").forEach((part, index) => address[4 + index] = Number(part));
  const fd = libc.symbols.socket(2, 1, 0); // AF_INET, SOCK_STREAM
  if (fd < 0 || libc.symbols.bind(fd, address, 16) !== 0 || libc.symbols.listen(fd, 0) !== 0) {
    if (fd >= 0) libc.symbols.close(fd);
    libc.close();
    throw new Error(`cannot listen on ${hostname}:${port}`);
  }
  // A backlog of 0 holds one connection; this one fills it for good.
  const filler = await Deno.connect({ hostname, port });
  return {
    close() {
      filler.close();
      libc.symbols.close(fd);
      libc.close();
    },
  };
}

/** `openssl s_server -www` with extra arguments: a TLS server answering HTTP/1.0. */
export async function startOpensslServer(certPath: string, keyPath: string, extra: string[]) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const child = new Deno.Command("openssl", {
    args: [
      "s_server",
      "-accept",
      `127.0.0.1:${port}`,
      "-cert",
      certPath,
      "-key",
      keyPath,
      "-www",
      "-naccept",
      "1000",
      ...extra,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  // s_server prints ACCEPT once it listens.
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ACCEPT")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("openssl s_server did not start");
    seen += value;
  }
  const draining = (async () => {
    while (!(await reader.read()).done);
  })().catch(() => {});
  return {
    port,
    async close() {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await child.status;
      await draining;
    },
  };
}

export interface CurlOptions {
  /** host → addresses, as curl's --resolve. */
  resolve?: { host: string; port: number; addresses: string[] };
  /** A CA certificate file to trust. */
  caPath?: string;
  keyword?: string;
}

/**
 * curl's verdict under the checker's rule: up when the transfer succeeds (redirects
 * followed, at most 5) with a final 2xx or 3xx, and the body holds the keyword if any.
 */
export async function curlVerdict(url: string, options: CurlOptions = {}) {
  const args = [
    "--silent",
    "--show-error",
    "--location",
    "--max-redirs",
    "5",
    "--max-time",
    "10",
    "--connect-timeout",
    "4",
    "--noproxy",
    "*",
    "--proto",
    "=http,https",
    "--output",
    "-",
    "--write-out",
    "\n%{http_code}",
  ];
  if (options.resolve) {
    const { host, port, addresses } = options.resolve;
    const list = addresses.map((address) => address.includes(":") ? `[${address}]` : address);
    args.push("--resolve", `${host}:${port}:${list.join(",")}`);
  }
  if (options.caPath) args.push("--cacert", options.caPath);
  const { code, stdout, stderr } = await new Deno.Command("curl", {
    args: [...args, url],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  const status = Number(text.slice(text.lastIndexOf("\n") + 1));
  const body = text.slice(0, text.lastIndexOf("\n"));
  const up = code === 0 && status >= 200 && status < 400 &&
    (options.keyword === undefined || body.includes(options.keyword));
  return {
    outcome: up ? "up" : "down",
    status,
    exitCode: code,
    error: new TextDecoder().decode(stderr).trim(),
  };
}
