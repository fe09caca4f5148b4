/**
 * Email over SMTP (nodemailer), through the deployment's `SMTP_URL` and from `MAIL_FROM`.
 * The subject names the monitor; the Message-ID is derived from the event and channel,
 * so a mail retried after an unclear answer can be recognised as the same message.
 */
import { z } from "zod";
import type { Message } from "../message.ts";
import type { Provider } from "./types.ts";
import { EMAIL_ADDRESS } from "../../../lib/email_address.ts";

const schema = z.strictObject({
  to: z.string({ error: "to: expected a string" }).trim()
    .max(2000, "to: at most 2000 characters")
    .transform((value) => value.split(/[,\s]+/).filter(Boolean))
    .pipe(
      z.array(z.string().regex(EMAIL_ADDRESS, "to: expected email addresses separated by commas"))
        .min(1, "to: at least one address")
        .max(10, "to: at most 10 addresses"),
    )
    .transform((list) => list.join(", ")),
});

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");

function subject(message: Message): string {
  if (message.type === "opened") return `[Down] ${message.title}`;
  if (message.type === "reminder") return `[Still down] ${message.title}`;
  if (message.type === "escalated") return `[Escalated] ${message.title}`;
  if (message.type === "certificate") return `[Certificate] ${message.title}`;
  // Resolved by hand, the site may still be down.
  if (message.type === "resolved") {
    return `[${message.resolvedBy ? "Resolved" : "Up"}] ${message.title}`;
  }
  return message.title;
}

function html(message: Message): string {
  const rows = message.facts.map((fact) =>
    `<tr><th align="left">${escapeHtml(fact.label)}</th><td>${escapeHtml(fact.value)}</td></tr>`
  ).join("");
  return `<h2>${escapeHtml(message.title)}</h2><table>${rows}</table>` +
    `<p><a href="${escapeHtml(message.link)}">Open in Uptime</a>` +
    (message.acknowledgeUrl
      ? ` · <a href="${escapeHtml(message.acknowledgeUrl)}">Acknowledge</a>`
      : "") +
    `</p>`;
}

export const email: Provider<z.infer<typeof schema>> = {
  kind: "email",
  label: "Email",
  fields: [{
    name: "to",
    label: "Recipients",
    type: "text",
    required: true,
    help: "Up to 10 addresses, separated by commas.",
    placeholder: "oncall@example.com",
  }],
  schema,
  unavailable: (deployment) =>
    deployment.smtpUrl ? null : "email needs SMTP_URL, which this deployment has not set",
  urls: () => [],
  send(message, config, context) {
    const key = context.idempotencyKey.replace(/[^\w.-]/g, ".");
    return context.sendMail({
      to: config.to.split(", "),
      subject: subject(message).replace(/[\r\n]+/g, " ").slice(0, 250),
      text: message.text,
      html: html(message),
      messageId: `<${key}.${context.channelId}@uptime>`,
    });
  },
};
