/**
 * A local stand-in for the certificate endpoints of Fly's Machines API
 * (https://fly.io/docs/machines/api/certificates-resource/), answering with the shapes
 * those docs show. It checks the Bearer token, keeps certificates in memory, records every
 * request, and can be told to fail.
 *
 * ```ts
 * const fly = startFlyStandIn();
 * const server = await apiServer(fly.env);
 * fly.failNext(2, { status: 429, retryAfterSeconds: 1 });
 * ```
 */

export interface RecordedRequest {
  method: string;
  path: string;
  authorized: boolean;
  body: unknown;
}

interface StoredCertificate {
  hostname: string;
  status: "pending_validation" | "active";
  createdAt: string;
  challengeTarget: string;
}

interface Failure {
  status: number;
  retryAfterSeconds?: number;
  error?: string;
}

export function startFlyStandIn(options: { token?: string; appName?: string } = {}) {
  const token = options.token ?? `fo1_${crypto.randomUUID().replaceAll("-", "")}`;
  const appName = options.appName ?? "uptime-test";
  const certificates = new Map<string, StoredCertificate>();
  const requests: RecordedRequest[] = [];
  const failures: Failure[] = [];

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === null ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

  function describe(cert: StoredCertificate, withRecords: boolean) {
    const active = cert.status === "active";
    const now = new Date().toISOString();
    return {
      hostname: cert.hostname,
      configured: active,
      acme_requested: true,
      status: cert.status,
      dns_provider: "enom",
      rate_limited_until: null,
      certificates: active
        ? [{
          source: "fly",
          status: "active",
          created_at: cert.createdAt,
          expires_at: new Date(Date.now() + 90 * 86_400_000).toISOString(),
          issuer: null,
          issued: [{ type: "ecdsa", expires_at: now, certificate_authority: "lets_encrypt" }],
        }]
        : [],
      validation: {
        dns_configured: active,
        alpn_configured: active,
        http_configured: active,
        ownership_txt_configured: false,
      },
      dns_requirements: {
        a: ["137.66.1.23"],
        aaaa: ["2a09:8280:1::4f:1a2b"],
        cname: `${appName}.fly.dev`,
        acme_challenge: {
          name: `_acme-challenge.${cert.hostname}`,
          target: cert.challengeTarget,
        },
        ownership: {
          name: `_fly-ownership.${cert.hostname}`,
          app_value: "app-3k4j5h6g7f",
          org_value: "org-9z8y7x6w5v",
        },
      },
      validation_errors: [],
      ...(withRecords && {
        dns_records: {
          a: [],
          aaaa: [],
          cname: active ? [`${appName}.fly.dev`] : [],
          resolved_addresses: [],
          soa: "ns1.example.com",
          acme_challenge_cname: active ? cert.challengeTarget : null,
          ownership_txt: null,
        },
      }),
    };
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const text = await req.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const authorized = req.headers.get("authorization") === `Bearer ${token}`;
    requests.push({ method: req.method, path: url.pathname, authorized, body });

    const failure = failures.shift();
    if (failure) {
      const headers: Record<string, string> = failure.retryAfterSeconds === undefined
        ? {}
        : { "retry-after": String(failure.retryAfterSeconds) };
      const error = failure.error ??
        (failure.status === 429 ? "rate limit exceeded" : "internal server error");
      return json(failure.status, { error }, headers);
    }
    if (!authorized) return json(401, { error: "You must be authenticated to view this." });

    const prefix = `/v1/apps/${appName}/certificates`;
    if (!url.pathname.startsWith(prefix)) return json(404, { error: "app not found" });
    const rest = url.pathname.slice(prefix.length);

    if (req.method === "POST" && rest === "/acme") {
      const hostname = (body as { hostname?: unknown })?.hostname;
      if (typeof hostname !== "string" || !hostname) {
        return json(422, { error: "hostname is required" });
      }
      let cert = certificates.get(hostname);
      if (!cert) {
        cert = {
          hostname,
          status: "pending_validation",
          createdAt: new Date().toISOString(),
          challengeTarget: `${hostname}.${crypto.randomUUID().slice(0, 5)}.flydns.net`,
        };
        certificates.set(hostname, cert);
      }
      return json(201, describe(cert, false));
    }
    const match = /^\/([^/]+)(\/check)?$/.exec(rest);
    if (!match) return json(404, { error: "Not Found" });
    const cert = certificates.get(decodeURIComponent(match[1]));
    if (!cert) return json(404, { error: "certificate not found" });
    if (req.method === "POST" && match[2]) return json(200, describe(cert, true));
    if (req.method === "GET" && !match[2]) return json(200, describe(cert, false));
    if (req.method === "DELETE" && !match[2]) {
      certificates.delete(cert.hostname);
      return new Response(null, { status: 204 });
    }
    return json(405, { error: "method not allowed" });
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handle);
  const url = `http://127.0.0.1:${server.addr.port}`;

  return {
    url,
    token,
    appName,
    /** Environment for `apiServer(...)`: the app talks to this stand-in. */
    env: { FLY_API_URL: url, FLY_API_TOKEN: token, FLY_APP_NAME: appName },
    requests,
    /** Hostnames Fly currently holds a certificate for. */
    hostnames: () => [...certificates.keys()],
    /** Let's Encrypt has issued: the certificate becomes active. */
    issue(hostname: string) {
      const cert = certificates.get(hostname);
      if (!cert) throw new Error(`the stand-in has no certificate for ${hostname}`);
      cert.status = "active";
    },
    /** The next `count` requests fail with this status (e.g. 429 with Retry-After, or 503). */
    failNext(
      count: number,
      failure: { status: number; retryAfterSeconds?: number; error?: string },
    ) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    /** The next request is refused with a 422 and this message, as Fly does for bad input. */
    rejectNext(error: string) {
      failures.push({ status: 422, error });
    },
    close: () => server.shutdown(),
  };
}

export type FlyStandIn = ReturnType<typeof startFlyStandIn>;
