/**
 * The checker reaches curl's verdict on local servers that behave like real ones. Each
 * case names the server behaviour it imitates, runs curl against the same server, and
 * asserts both verdicts: a case where curl and the checker disagree fails, whichever of
 * them changed.
 */
import assert from "node:assert/strict";
import { type CheckOptions, runCheck } from "../../worker/check/mod.ts";
import { createAuthority, type IssuedCertificate, type TestAuthority } from "./certificates.ts";
import { checkRequest, startServer } from "./check_servers.ts";
import {
  curlVerdict,
  holdFullBacklog,
  latin1Bytes,
  rawUtf8,
  startOpensslServer,
  startScriptedServer,
} from "./parity_servers.ts";

/** What a case serves and how to reach it. */
interface Stand {
  url: string;
  /** Hostname → addresses for both clients (curl's --resolve); default: the URL's IP. */
  addresses?: string[];
  /** Trust the test CA. */
  tls?: boolean;
  close(): Promise<void> | void;
}

interface ParityCase {
  behaviour: string;
  verdict: "up" | "down";
  keyword?: string;
  /** The checker's message when down. */
  message?: RegExp;
  start(pki: Pki): Promise<Stand> | Stand;
}

interface Pki {
  authority: TestAuthority;
  valid: IssuedCertificate;
  expired: IssuedCertificate;
}

const raw = (response: string) => {
  const server = startScriptedServer(() => response);
  return { url: `http://127.0.0.1:${server.port}/`, close: server.close };
};

const cases: ParityCase[] = [
  {
    behaviour: "HTTP/2-only server that answers any HTTP/1.1 request with a canned 403",
    verdict: "up",
    keyword: "served over HTTP/2",
    start({ valid }) {
      // Deno.serve speaks h2 through ALPN; an HTTP/2 request carries no Host header.
      const server = startServer(
        (request) =>
          request.headers.has("host")
            ? new Response("HTTP/2 required", { status: 403 })
            : new Response("served over HTTP/2"),
        { cert: valid.cert, key: valid.key },
      );
      return {
        url: `https://parity.test:${server.port}/`,
        addresses: ["127.0.0.1"],
        tls: true,
        close: server.close,
      };
    },
  },
  {
    behaviour: "DNS round-robin whose first address never completes the TCP handshake",
    verdict: "up",
    keyword: "second address",
    async start() {
      const server = startServer(() => new Response("second address"));
      const dead = await holdFullBacklog("127.0.0.2", server.port);
      return {
        url: `http://rr.test:${server.port}/`,
        addresses: ["127.0.0.2", "127.0.0.1"],
        async close() {
          dead.close();
          await server.close();
        },
      };
    },
  },
  {
    behaviour: "Location header holding raw UTF-8 bytes (a CMS redirecting to /café)",
    verdict: "up",
    keyword: "bienvenue",
    start: () => rawUtf8Redirect("/café", "bienvenue"),
  },
  {
    // UTF-8 continuation bytes 0x80–0x9F: a decoder for windows-1252 (what TextDecoder
    // calls "latin1") turns them into other characters, and the redirect goes astray.
    behaviour: "Location header holding raw UTF-8 bytes from 0x80 to 0x9F (a redirect to /привет)",
    verdict: "up",
    keyword: "privet",
    start: () => rawUtf8Redirect("/привет", "privet"),
  },
  {
    behaviour: "obs-fold: a header continued on an indented line (old Apache modules)",
    verdict: "up",
    keyword: "ok",
    start: () =>
      raw(
        "HTTP/1.1 200 OK\r\nX-Policy: first part\r\n\tsecond part\r\nContent-Length: 2\r\n\r\nok",
      ),
  },
  {
    behaviour: "whitespace before a header's colon (X-Powered-By : PHP)",
    verdict: "up",
    keyword: "ok",
    start: () => raw("HTTP/1.1 200 OK\r\nX-Powered-By : PHP/5.6\r\nContent-Length : 2\r\n\r\nok"),
  },
  {
    behaviour: "Content-Length sent twice with the same value (a proxy adding its own)",
    verdict: "up",
    keyword: "hello",
    start: () => raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
  },
  {
    behaviour: "Content-Length as a list of one value (Content-Length: 5, 5)",
    verdict: "up",
    keyword: "hello",
    start: () => raw("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"),
  },
  {
    behaviour: "response headers over 64 KiB (a hundred 1 KiB cookies)",
    verdict: "up",
    keyword: "ok",
    start: () => {
      const cookies = Array.from(
        { length: 100 },
        (_, i) => `Set-Cookie: c${i}=${"v".repeat(1000)}\r\n`,
      ).join("");
      return raw(`HTTP/1.1 200 OK\r\n${cookies}Content-Length: 2\r\n\r\nok`);
    },
  },
  {
    behaviour: "chunked body with chunk extensions and trailers",
    verdict: "up",
    keyword: "hello world",
    start: () =>
      raw(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
          "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n",
      ),
  },
  {
    behaviour: "body delimited by closing the connection (no Content-Length)",
    verdict: "up",
    keyword: "until close",
    start: () => raw("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe body runs until close"),
  },
  {
    behaviour: "1xx interim responses (100 Continue, 103 Early Hints) before the answer",
    verdict: "up",
    keyword: "ready",
    start: () =>
      raw(
        "HTTP/1.1 100 Continue\r\n\r\n" +
          "HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n" +
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nready",
      ),
  },
  {
    behaviour: "redirect chain 301 → 302 (relative) → 307 → 200",
    verdict: "up",
    keyword: "arrived",
    start() {
      const server = startServer((_request, url) => {
        const next: Record<string, [number, string]> = {
          "/": [301, "/b"],
          "/b": [302, "c"],
          "/c": [307, "/d"],
        };
        const hop = next[url.pathname];
        return hop
          ? new Response(null, { status: hop[0], headers: { location: hop[1] } })
          : new Response("arrived");
      });
      return { url: `${server.origin}/`, close: server.close };
    },
  },
  {
    behaviour: "server on IPv6 only (::1)",
    verdict: "up",
    keyword: "six",
    start() {
      const server = startServer(() => new Response("six"), { hostname: "::1" });
      return { url: `${server.origin}/`, close: server.close };
    },
  },
  {
    behaviour: "TLS with a certificate from a private CA, HTTP/1.1 only (no ALPN)",
    verdict: "up",
    keyword: "s_server",
    async start({ valid }) {
      const server = await startOpensslServer(valid.certPath, valid.keyPath, []);
      return {
        url: `https://parity.test:${server.port}/`,
        addresses: ["127.0.0.1"],
        tls: true,
        close: server.close,
      };
    },
  },
  {
    behaviour: "bare LF line endings (embedded devices, hand-written servers)",
    verdict: "up",
    keyword: "ok",
    start: () => raw("HTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 2\n\nok"),
  },
  {
    behaviour: "expired TLS certificate",
    verdict: "down",
    message: /^TLS certificate has expired \(on \d{4}-\d\d-\d\d\)$/,
    start({ expired }) {
      const server = startServer(() => new Response("stale"), expired);
      return {
        url: `https://parity.test:${server.port}/`,
        addresses: ["127.0.0.1"],
        tls: true,
        close: server.close,
      };
    },
  },
  {
    behaviour: "TLS certificate for another name",
    verdict: "down",
    message: /^TLS certificate does not match elsewhere\.test/,
    start({ valid }) {
      const server = startServer(() => new Response("wrong site"), valid);
      return {
        url: `https://elsewhere.test:${server.port}/`,
        addresses: ["127.0.0.1"],
        tls: true,
        close: server.close,
      };
    },
  },
  {
    behaviour: "server that closes the connection without answering",
    verdict: "down",
    message: /^connection closed before a response$/,
    start: () => raw(""),
  },
  {
    behaviour: "server error page (500 with a friendly body)",
    verdict: "down",
    message: /^expected 2xx or 3xx, got 500$/,
    start: () => raw("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!"),
  },
];

/**
 * A site that redirects / to `path` with its UTF-8 bytes raw in the Location header and
 * answers `body` there. Like real servers, it percent-decodes the path: raw and encoded
 * UTF-8 both arrive, a double-encoded path does not.
 */
function rawUtf8Redirect(path: string, body: string): Stand {
  const server = startScriptedServer((head) => {
    const requested = decodePath(head.split(" ")[1]);
    if (requested === "/") return `HTTP/1.1 302 Found\r\nLocation: ${rawUtf8(path)}\r\n\r\n`;
    if (requested === path) {
      return `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    }
    return "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  });
  return { url: `http://127.0.0.1:${server.port}/`, close: server.close };
}

/** A request path (latin1 text of its bytes) percent-decoded, then read as UTF-8. */
function decodePath(path: string): string {
  const bytes = latin1Bytes(
    path.replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
  );
  return new TextDecoder().decode(bytes);
}

let pki: Promise<Pki> | null = null;
const getPki = () =>
  pki ??= (async () => {
    const authority = await createAuthority();
    const names = ["parity.test", "127.0.0.1"];
    return {
      authority,
      valid: await authority.issue(names),
      expired: await authority.issue(names, { days: -2 }),
    };
  })();

for (const parity of cases) {
  Deno.test(`curl parity (${parity.verdict}): ${parity.behaviour}`, async () => {
    const keys = await getPki();
    const stand = await parity.start(keys);
    try {
      const url = new URL(stand.url);
      const port = Number(url.port);
      const addresses = stand.addresses;
      const curl = await curlVerdict(stand.url, {
        keyword: parity.keyword,
        caPath: stand.tls ? keys.authority.caPath : undefined,
        resolve: addresses ? { host: url.hostname, port, addresses } : undefined,
      });
      assert.equal(curl.outcome, parity.verdict, `curl: ${curl.error || curl.status}`);

      const options: CheckOptions = {
        allowPrivateTargets: true,
        trustedCertificates: stand.tls ? [keys.authority.caCert] : undefined,
        resolve: addresses ? () => Promise.resolve(addresses) : undefined,
      };
      const ours = await runCheck(
        checkRequest(stand.url, { keyword: parity.keyword ?? null, timeoutMs: 3_000 }),
        options,
      );
      assert.equal(ours.outcome, parity.verdict, ours.errorMessage);
      if (parity.message) assert.match(ours.errorMessage, parity.message);
    } finally {
      await stand.close();
    }
  });
}

Deno.test("where Deno's TLS cannot follow curl: a TLS 1.2 server offering only RSA key exchange is down, and the message says why", async () => {
  const keys = await getPki();
  const rsa = await keys.authority.issue(["parity.test"], { rsa: true });
  const server = await startOpensslServer(rsa.certPath, rsa.keyPath, [
    "-tls1_2",
    "-cipher",
    "AES128-GCM-SHA256:AES256-GCM-SHA384",
  ]);
  try {
    const url = `https://parity.test:${server.port}/`;
    const addresses = ["127.0.0.1"];
    const curl = await curlVerdict(url, {
      caPath: keys.authority.caPath,
      resolve: { host: "parity.test", port: server.port, addresses },
    });
    assert.equal(curl.outcome, "up", curl.error);

    const ours = await runCheck(checkRequest(url), {
      allowPrivateTargets: true,
      trustedCertificates: [keys.authority.caCert],
      resolve: () => Promise.resolve(addresses),
    });
    assert.equal(ours.outcome, "down");
    assert.equal(ours.errorKind, "tls");
    assert.match(ours.errorMessage, /only legacy RSA key exchange/);
    assert.ok(ours.errorMessage.length <= 300);
  } finally {
    await server.close();
  }
});

Deno.test("curl parity suite: the private CA is removed afterwards", async () => {
  const keys = await getPki();
  await keys.authority.remove();
  pki = null;
});
