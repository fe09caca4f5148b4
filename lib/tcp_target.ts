/**
 * A TCP monitor's target, `host:port` or `tcp://host:port`: one reading of it for the form
 * (as you type), the API and the check. The host goes through the WHATWG parser, borrowed
 * from http://, which normalises every IP spelling; the port is read from the text, since
 * that parser drops http's default port (`db:80` has a port all the same).
 *
 * ```ts
 * readTcpTarget("tcp://[::1]:5432"); // { hostname: "::1", port: 5432, host: "[::1]:5432" }
 * readTcpTarget("db.example.com"); // null: no port
 * ```
 */
export interface TcpTarget {
  /** Without IPv6 brackets: what DNS and the address rules see. */
  hostname: string;
  port: number;
  /** `host:port`, IPv6 in brackets: the stored target after `tcp://`. */
  host: string;
}

/** The target, or null when the text is not a host and a port with nothing after it. */
export function readTcpTarget(raw: string): TcpTarget | null {
  const match = /^(.+):(\d{1,5})$/.exec(raw.trim().replace(/^tcp:\/\//i, ""));
  if (!match) return null;
  let url: URL;
  try {
    url = new URL(`http://${match[1]}`);
  } catch {
    return null;
  }
  if (url.port || url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    return null;
  }
  const port = Number(match[2]);
  if (port > 65_535) return null;
  return { hostname: url.hostname.replace(/^\[|\]$/g, ""), port, host: `${url.hostname}:${port}` };
}
