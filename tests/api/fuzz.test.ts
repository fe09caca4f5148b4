/**
 * Malformed input to every procedure of the API, anonymous and signed in: each answer
 * is a 4xx with a JSON error (never a 500, a hang or a stack trace), and the server
 * keeps serving afterwards.
 */
import assert from "node:assert/strict";
import { appRouter } from "../../web/trpc/router.ts";
import { apiServer } from "../helpers/api.ts";

const huge = "x".repeat(1_000_000);
const fields = [
  "id",
  "url",
  "email",
  "password",
  "name",
  "slug",
  "title",
  "range",
  "limit",
  "cursor",
  "hostname",
  "statusPageId",
  "websiteIds",
  "intervalSeconds",
  "regions",
  "headers",
  "active",
  "currentPassword",
  "newPassword",
  "q",
  "page",
  "sort",
  "websiteId",
  "confirmations",
  "quorum",
  "kind",
  "config",
  "notificationIds",
];
const badValues: unknown[] = [
  null,
  -1,
  1e309,
  "",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "💥\u0000\u202e",
  [],
  { nested: { deeper: [1, 2, 3] } },
  true,
];

function payloads(): unknown[] {
  const list: unknown[] = [null, 42, "text", [], {}, { id: huge }, { [huge.slice(0, 5000)]: 1 }];
  for (const field of fields) {
    for (const value of badValues) list.push({ id: crypto.randomUUID(), [field]: value });
  }
  return list;
}

interface Procedure {
  path: string;
  type: "query" | "mutation";
  takesInput: boolean;
  /** Whether the procedure's own schema accepts the input (e.g. `{}` where all is optional). */
  accepts(input: unknown): boolean;
}

function procedures(): Procedure[] {
  const record = appRouter._def.procedures as unknown as Record<
    string,
    {
      _def: {
        type: "query" | "mutation";
        inputs: { safeParse(x: unknown): { success: boolean } }[];
      };
    }
  >;
  return Object.entries(record).map(([path, procedure]) => ({
    path,
    type: procedure._def.type,
    takesInput: procedure._def.inputs.length > 0,
    accepts: (input) => procedure._def.inputs.every((schema) => schema.safeParse(input).success),
  }));
}

async function call(
  base: string,
  procedure: Procedure,
  input: unknown,
  cookie?: string,
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (cookie) headers.cookie = cookie;
  const raw = JSON.stringify(input);
  if (procedure.type === "mutation") {
    const response = await fetch(`${base}/api/trpc/${procedure.path}`, {
      method: "POST",
      headers,
      body: raw,
    });
    return { status: response.status, text: await response.text() };
  }
  const target = `/api/trpc/${procedure.path}?input=${encodeURIComponent(raw)}`;
  if (target.length < 16_000) {
    const response = await fetch(`${base}${target}`, { headers });
    return { status: response.status, text: await response.text() };
  }
  return await rawGet(base, target, headers);
}

/** A GET over a bare socket: fetch refuses to send a megabyte of URL, a client may not. */
async function rawGet(base: string, target: string, headers: Record<string, string>) {
  const { hostname, port } = new URL(base);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    const request =
      `GET ${target} HTTP/1.1\r\nhost: ${hostname}\r\n${lines}connection: close\r\n\r\n`;
    // The server may answer and close before the whole request is written.
    await conn.write(new TextEncoder().encode(request)).catch(() => {});
    let text = "";
    const buffer = new Uint8Array(16_384);
    while (true) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return { status: Number(text.split(" ")[1]), text };
  } finally {
    conn.close();
  }
}

Deno.test("malformed input to every procedure is a 4xx, and the server keeps serving", async () => {
  const server = await apiServer();
  try {
    const signedIn = await server.user("fuzz");
    const cookie = [...signedIn.jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const failures: string[] = [];
    const all = procedures();
    assert.ok(all.length >= 4, "the router lists its procedures");
    for (const procedure of all.filter((p) => p.takesInput)) {
      for (const input of payloads()) {
        for (const who of [undefined, cookie]) {
          const response = await call(server.url, procedure, input, who);
          const text = response.text;
          const label = `${procedure.path} ${who ? "user" : "anon"} ${
            JSON.stringify(input).slice(0, 60)
          }`;
          // Well-formed input (`{}` to a list whose filters are all optional) may succeed
          // for a signed-in caller; anything else must be refused with a 4xx.
          const mayPass = who !== undefined && procedure.accepts(input);
          const refused = response.status >= 400 && response.status < 500;
          if (response.status >= 500 || (!mayPass && !refused)) {
            failures.push(`${label} → ${response.status}`);
          } else if (/\bat \w+ \(|\.ts:\d+/.test(text)) {
            failures.push(`${label} → stack trace in body`);
          }
        }
      }
    }
    // Well-formed input whose text Postgres cannot store (a NUL character).
    await assert.rejects(
      signedIn.api.website.create.mutate({ url: "https://example.com/", name: "a\u0000b" }),
      /NUL characters/,
    );
    // Not JSON at all.
    const broken = await fetch(`${server.url}/api/trpc/user.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(broken.status, 400);
    await broken.body?.cancel();
    assert.deepEqual(failures, []);
    assert.equal((await signedIn.api.user.me.query()).id, signedIn.user.id);
  } finally {
    await server.close();
  }
});
