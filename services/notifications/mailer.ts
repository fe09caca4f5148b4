/**
 * Sends mail through `SMTP_URL` with nodemailer and classifies the answer: SMTP 4xx
 * replies and connection trouble are retried, 5xx replies (a refused recipient, say) are
 * not. One transport per SMTP URL, reused across deliveries.
 */
// @ts-types="@types/nodemailer"
import type nodemailer from "nodemailer";
import type { NotificationConfig } from "../../lib/config.ts";
import type { Mail, Outcome } from "./providers/types.ts";

type Transport = ReturnType<typeof nodemailer.createTransport>;
const transports = new Map<string, Transport>();

async function transportFor(deployment: NotificationConfig): Promise<Transport> {
  const url = deployment.smtpUrl!;
  let transport = transports.get(url);
  if (!transport) {
    // Loaded with the first mail: a deployment without email never pays its memory.
    // @ts-types="@types/nodemailer"
    const { default: mailer } = await import("nodemailer");
    // Another mail may have made one meanwhile.
    transport = transports.get(url);
    if (transport) return transport;
    const timeout = deployment.timeoutMs;
    transport = mailer.createTransport(url, {
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      dnsTimeout: timeout,
    });
    transports.set(url, transport);
  }
  return transport;
}

export async function sendMail(deployment: NotificationConfig, mail: Mail): Promise<Outcome> {
  if (!deployment.smtpUrl) {
    return { ok: false, retry: false, error: "SMTP_URL is not set on this deployment" };
  }
  try {
    await (await transportFor(deployment)).sendMail({
      from: deployment.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      headers: mail.headers,
    });
    return { ok: true };
  } catch (error) {
    const { responseCode, code, message } = error as {
      responseCode?: number;
      code?: string;
      message?: string;
    };
    const permanent = (responseCode !== undefined && responseCode >= 500) ||
      code === "EENVELOPE" || code === "EAUTH";
    // nodemailer's messages quote the server's reply, never the SMTP URL's password.
    const text = String(message ?? "SMTP error").replace(/\s+/g, " ").slice(0, 300);
    return { ok: false, retry: !permanent, error: `SMTP: ${text}` };
  }
}

/** Closes pooled SMTP connections (process shutdown, tests). */
export function closeMailers(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}
