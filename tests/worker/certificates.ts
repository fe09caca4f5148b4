/**
 * A private certificate authority made with openssl at test time, so certificates can
 * be valid, expired or close to expiry relative to now. Everything lives in a temporary
 * folder that is removed with `remove()`.
 */

export interface IssuedCertificate {
  cert: string;
  key: string;
  /** Path of the PEM files, for servers started as other processes (openssl s_server). */
  certPath: string;
  keyPath: string;
}

export interface TestAuthority {
  /** The CA certificate (PEM): trust it to accept what it issued. */
  caCert: string;
  caPath: string;
  /**
   * A server certificate for `names` (DNS names and IP addresses), valid from yesterday
   * until `days` from now (negative: it has expired). `rsa` gives an RSA key instead of EC.
   */
  issue(names: string[], options?: { days?: number; rsa?: boolean }): Promise<IssuedCertificate>;
  remove(): Promise<void>;
}

export async function createAuthority(): Promise<TestAuthority> {
  const dir = await Deno.makeTempDir({ prefix: "uptime-ca-" });
  await Deno.writeTextFile(`${dir}/index.txt`, "");
  await Deno.writeTextFile(`${dir}/serial`, "1000\n");
  await Deno.writeTextFile(
    `${dir}/ca.cnf`,
    [
      "[ca]",
      "default_ca = test",
      "[test]",
      `database = ${dir}/index.txt`,
      `new_certs_dir = ${dir}`,
      `serial = ${dir}/serial`,
      "default_md = sha256",
      "policy = any",
      "copy_extensions = copy",
      "unique_subject = no",
      "x509_extensions = leaf",
      "[any]",
      "commonName = supplied",
      "[leaf]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, keyEncipherment",
      "extendedKeyUsage = serverAuth",
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      "",
    ].join("\n"),
  );
  await openssl(
    "req",
    "-x509",
    ...ecKey(`${dir}/ca.key`),
    "-subj",
    "/CN=Uptime Test CA",
    "-days",
    "3650",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-out",
    `${dir}/ca.pem`,
  );
  const caCert = await Deno.readTextFile(`${dir}/ca.pem`);
  let serial = 0;

  return {
    caCert,
    caPath: `${dir}/ca.pem`,
    async issue(names, { days = 90, rsa = false } = {}) {
      const base = `${dir}/leaf${++serial}`;
      const alt = names.map((name) => /^[\d.]+$|:/.test(name) ? `IP:${name}` : `DNS:${name}`);
      await openssl(
        "req",
        "-new",
        ...(rsa
          ? ["-newkey", "rsa:2048", "-nodes", "-keyout", `${base}.key`]
          : ecKey(`${base}.key`)),
        "-subj",
        `/CN=${names[0]}`,
        "-addext",
        `subjectAltName=${alt.join(",")}`,
        "-out",
        `${base}.csr`,
      );
      const day = 86_400_000;
      const start = Math.min(Date.now() - day, Date.now() + (days - 2) * day);
      await openssl(
        "ca",
        "-batch",
        "-config",
        `${dir}/ca.cnf`,
        "-cert",
        `${dir}/ca.pem`,
        "-keyfile",
        `${dir}/ca.key`,
        "-in",
        `${base}.csr`,
        "-out",
        `${base}.pem`,
        "-notext",
        "-startdate",
        asn1Time(start),
        // An hour past the whole day, so "days left" floors to `days`, not one less.
        "-enddate",
        asn1Time(Date.now() + days * day + 3_600_000),
      );
      return {
        cert: await Deno.readTextFile(`${base}.pem`),
        key: await Deno.readTextFile(`${base}.key`),
        certPath: `${base}.pem`,
        keyPath: `${base}.key`,
      };
    },
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

function ecKey(keyPath: string): string[] {
  return [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyPath,
  ];
}

/** YYYYMMDDHHMMSSZ, the form `openssl ca -startdate/-enddate` takes. */
function asn1Time(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
}

async function openssl(...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("openssl", {
    args,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (code !== 0) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr).slice(0, 500)}`);
  }
}
