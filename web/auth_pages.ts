/**
 * The server side of the sign-up and log-in forms: the same services as the API, with
 * their errors placed at the field they concern and the session set as a cookie.
 */
import type { Context } from "../fresh/mod.ts";
import { DomainError } from "../services/errors.ts";
import type { Services } from "../services/context.ts";
import { invitationByToken } from "../services/teams/invitations.ts";
import { teamName } from "../services/teams/teams.ts";
import { loginInput, loginStep, logout, signup, signupInput } from "../services/users/accounts.ts";
import { clientIp } from "./client_ip.ts";
import type { State } from "./define.ts";
import {
  type FieldErrors,
  fieldErrors,
  type FormOutcome,
  formStatus,
  readForm,
  safeNext,
  seeOther,
} from "./forms.ts";
import {
  challengeCookie,
  isSecureRequest,
  readSessionCookie,
  sessionCookie,
} from "./trpc/cookies.ts";

export interface AuthFormData {
  values: { email?: string; name?: string };
  errors: FieldErrors;
  next: string;
  /** The team an invitation on the way (`next` is its page) is to. */
  joining?: string;
}

/**
 * The form as it first shows: empty, or on the way to an invitation with the address it
 * was sent to and the team it is to.
 */
export async function firstAuthForm(services: Services, next: string): Promise<AuthFormData> {
  const invitation = await invitationIn(services, next);
  return invitation
    ? {
      values: { email: invitation.email },
      errors: {},
      next,
      joining: teamName(invitation.ownerName),
    }
    : { values: {}, errors: {}, next };
}

function invitationIn(services: Services, next: string) {
  const url = new URL(next, "http://next.invalid");
  return url.pathname === "/invite"
    ? invitationByToken(services, url.searchParams.get("token"))
    : Promise.resolve(null);
}

export type AuthOutcome = FormOutcome<{ form: AuthFormData }>;

export async function submitAuthForm(
  ctx: Context<State>,
  mode: "login" | "signup",
): Promise<AuthOutcome> {
  const form = await readForm(ctx.req);
  const next = safeNext(ctx.url.searchParams.get("next"));
  const values = {
    email: (form.get("email") ?? "").slice(0, 300),
    name: (form.get("name") ?? "").slice(0, 200),
  };
  const raw = {
    email: form.get("email") ?? "",
    password: form.get("password") ?? "",
    ...(mode === "signup" && values.name.trim() ? { name: values.name } : {}),
  };
  const { services } = ctx.state;
  const ip = clientIp(ctx.req, ctx.info, services.config.trustedProxies);
  try {
    const parsed = (mode === "signup" ? signupInput : loginInput).parse(raw);
    const outcome = mode === "signup"
      ? await signup(services, parsed as typeof signupInput._output, ip)
      : await loginStep(services, parsed, ip);
    const secure = isSecureRequest(ctx.req);
    if ("challenge" in outcome) {
      return { redirect: askSecondFactor(outcome.challenge, next, secure) };
    }
    // A new session at every login; the one this browser had ends.
    await logout(services, readSessionCookie(ctx.req));
    return { redirect: seeOther(next, { "set-cookie": sessionCookie(outcome.token, secure) }) };
  } catch (error) {
    const errors = fieldErrors(error);
    if (!errors) throw error;
    const invitation = await invitationIn(services, next);
    return {
      form: {
        values,
        errors: friendly(error, errors, mode),
        next,
        ...(invitation ? { joining: teamName(invitation.ownerName) } : {}),
      },
      status: formStatus(error),
    };
  }
}

/** Where a login with two-factor on goes after its password: the page that asks the code. */
export function askSecondFactor(challenge: string, next: string, secure: boolean): Response {
  return seeOther(`/two-factor?next=${encodeURIComponent(next)}`, {
    "set-cookie": challengeCookie(challenge, secure),
  });
}

function friendly(error: unknown, errors: FieldErrors, mode: "login" | "signup"): FieldErrors {
  if (!(error instanceof DomainError)) return errors;
  switch (error.code) {
    case "UNAUTHORIZED":
      return { password: "Wrong email or password. Check both and try again." };
    case "CONFLICT":
      return { email: "An account with this email already exists. Log in instead." };
    case "SERVICE_UNAVAILABLE":
      return { form: error.message };
    case "FORBIDDEN":
      return { form: error.message };
    case "TOO_MANY_REQUESTS":
      return {
        form: `Too many attempts. Wait ${
          error.details.retryAfterSeconds ?? 60
        } seconds, then try again.`,
      };
    default:
      return mode === "signup" ? errors : { form: errors.form ?? Object.values(errors)[0] };
  }
}
