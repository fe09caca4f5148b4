/**
 * A GET to the test server as if it came for another host: `fetch` always sends the URL's
 * own Host header, so this writes the HTTP/1.1 request itself over a socket.
 *
 * ```ts
 * const page = await getWithHost(server.url, "status.acme.com", "/");
 * ```
 */
export async function getWithHost(
  serverUrl: string,
  host: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: string }> {
  const { hostname, port } = new URL(serverUrl);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    const lines = [
      `GET ${path} HTTP/1.1`,
      `Host: ${host}`,
      "Connection: close",
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
    const chunks: Uint8Array[] = [];
    for await (const chunk of conn.readable) chunks.push(chunk);
    const raw = new TextDecoder().decode(concat(chunks));
    const split = raw.indexOf("\r\n\r\n");
    const [statusLine, ...headerLines] = raw.slice(0, split).split("\r\n");
    const parsed = new Headers(headerLines.map((line) => {
      const at = line.indexOf(":");
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()] as [string, string];
    }));
    let body = raw.slice(split + 4);
    if (parsed.get("transfer-encoding")?.includes("chunked")) body = dechunk(body);
    return { status: Number(statusLine.split(" ")[1]), headers: parsed, body };
  } finally {
    try {
      conn.close();
    } catch {
      // Closed by the server already.
    }
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) out.set(chunk, (at += chunk.length) - chunk.length);
  return out;
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  while (rest.length) {
    const lineEnd = rest.indexOf("\r\n");
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) break;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
  return out;
}
