/**
 * The mail catcher of `deno task dev` where SMTP_URL is not set: an SMTP server on
 * 127.0.0.1 (npm smtp-server) that delivers nothing. Each mail is kept as a file under
 * `.data/mail/` and logged with its recipients, subject and links, so email alerts and
 * status-page subscriptions can be tried on a laptop: a confirmation link is in the log.
 */
import { Buffer } from "node:buffer";
import type { AddressInfo } from "node:net";
// @ts-types="@types/smtp-server"
import { SMTPServer } from "smtp-server";
// @ts-types="@types/mailparser"
import { simpleParser } from "mailparser";
import { log } from "../lib/logger.ts";

export interface DevMailbox {
  /** `smtp://127.0.0.1:<port>`, for the children's SMTP_URL. */
  url: string;
  close(): Promise<void>;
}

export async function startDevMailbox(dir: string): Promise<DevMailbox> {
  await Deno.mkdir(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const file = `${dir}/${new Date().toISOString().replace(/[:.]/g, "-")}-${++count}.eml`;
        try {
          await Deno.writeTextFile(file, raw);
        } catch (error) {
          return callback(error as Error);
        }
        // Headers unfolded and decoded (a long or non-ASCII subject spans encoded lines),
        // the body's transfer encoding undone.
        const mail = await simpleParser(raw).catch(() => null);
        log.info("dev.mail", {
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          subject: mail?.subject ?? "",
          links: linksIn(mail?.text ?? ""),
          file: file.slice(file.lastIndexOf("/.data/") + 1),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The web addresses in a mail's text. */
function linksIn(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
}
