/**
 * The server side of the forgotten-password forms: asking for a link (`/forgot-password`)
 * and choosing the new password with it (`/reset-password?token=…`). Neither is cached;
 * the link's token stays out of the request log, which logs paths only.
 */
import type { Context } from "../fresh/mod.ts";
import { DomainError } from "../services/errors.ts";
import { logout } from "../services/users/accounts.ts";
import {
  requestPasswordReset,
  type ResetAccount,
  resetLinkAccount,
  resetPassword,
  resetsByMail,
} from "../services/users/password_reset.ts";
import { clientIp } from "./client_ip.ts";
import type { State } from "./define.ts";
import {
  type FieldErrors,
  fieldErrors,
  type FormOutcome,
  formStatus,
  readForm,
  seeOther,
} from "./forms.ts";
import { isSecureRequest, readSessionCookie, sessionCookie } from "./trpc/cookies.ts";

export interface ForgotFormData {
  /** False where this instance sends no mail: its operator resets passwords. */
  byMail: boolean;
  email: string;
  errors: FieldErrors;
  /** The address a link was asked for, once asked. */
  sentTo: string | null;
}

export function forgotForm(ctx: Context<State>): ForgotFormData {
  return {
    byMail: resetsByMail(ctx.state.services.config),
    email: "",
    errors: {},
    sentTo: null,
  };
}

export async function submitForgotForm(
  ctx: Context<State>,
): Promise<{ form: ForgotFormData; status: number }> {
  const form = await readForm(ctx.req);
  const email = (form.get("email") ?? "").slice(0, 300);
  const { services } = ctx.state;
  const ip = clientIp(ctx.req, ctx.info, services.config.trustedProxies);
  try {
    const sent = await requestPasswordReset(services, { email }, ip);
    return { form: { ...forgotForm(ctx), email, sentTo: sent.email }, status: 200 };
  } catch (error) {
    const errors = fieldErrors(error);
    if (!errors) throw error;
    if (error instanceof DomainError && error.code === "TOO_MANY_REQUESTS") {
      const minutes = Math.ceil((error.details.retryAfterSeconds as number ?? 60) / 60);
      errors.form = `Too many requests from your network. Wait ${minutes} ${
        minutes === 1 ? "minute" : "minutes"
      }, then try again.`;
    }
    return { form: { ...forgotForm(ctx), email, errors }, status: formStatus(error) };
  }
}

export interface ResetFormData {
  token: string;
  /** The account the link is for; null: the link does not work (any more). */
  account: ResetAccount | null;
  errors: FieldErrors;
}

export async function resetForm(ctx: Context<State>): Promise<ResetFormData> {
  const token = ctx.url.searchParams.get("token") ?? "";
  return { token, account: await resetLinkAccount(ctx.state.services, token), errors: {} };
}

export async function submitResetForm(
  ctx: Context<State>,
): Promise<FormOutcome<{ form: ResetFormData }>> {
  const form = await readForm(ctx.req);
  const token = form.get("token") ?? "";
  const { services } = ctx.state;
  const ip = clientIp(ctx.req, ctx.info, services.config.trustedProxies);
  try {
    const reset = await resetPassword(
      services,
      { token, password: form.get("password") ?? "", code: form.get("code") ?? undefined },
      ip,
    );
    // This browser's old session, if it had one, ended with the others.
    await logout(services, readSessionCookie(ctx.req));
    return {
      redirect: seeOther(`/app/account?changed=${reset.otherSessionsEnded}`, {
        "set-cookie": sessionCookie(reset.token, isSecureRequest(ctx.req)),
      }),
    };
  } catch (error) {
    const errors = fieldErrors(error);
    if (!errors) throw error;
    const account = errors.token ? null : await resetLinkAccount(services, token);
    return { form: { token, account, errors }, status: formStatus(error) };
  }
}
