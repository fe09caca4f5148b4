/**
 * The server side of the account page's forms: the profile (name and email), changing
 * the password (this session stays, the others end) and signing out everywhere (this
 * session too).
 */
import type { Context } from "../fresh/mod.ts";
import { DomainError } from "../services/errors.ts";
import { changePassword, changePasswordInput } from "../services/users/change_password.ts";
import { signOutEverywhere } from "../services/users/sign_out_everywhere.ts";
import { updateProfile, updateProfileInput } from "../services/users/update_profile.ts";
import type { State } from "./define.ts";
import { type FieldErrors, fieldErrors, type FormOutcome, seeOther } from "./forms.ts";
import { clearedSessionCookie, isSecureRequest, readSessionCookie } from "./trpc/cookies.ts";
import { actorOf } from "../services/context.ts";

/** On an error, the profile as posted (`values`), so nothing typed is lost. */
export type AccountOutcome = FormOutcome<
  { errors: FieldErrors; values?: { name?: string; email?: string } }
>;

export async function submitProfile(
  ctx: Context<State>,
  form: URLSearchParams,
): Promise<AccountOutcome> {
  try {
    const input = updateProfileInput.parse({
      name: form.get("name") ?? "",
      email: form.get("email") ?? "",
      currentPassword: form.get("profilePassword") || undefined,
    });
    await updateProfile(ctx.state.services, actorOf(ctx.state.user!), input);
    return { redirect: seeOther("/app/account?saved=profile#profile") };
  } catch (error) {
    const outcome = refused(error);
    // This form's password field has a name of its own: the password form has one too.
    const { currentPassword, ...errors } = outcome.errors;
    if (currentPassword) errors.profilePassword = currentPassword;
    const values = {
      name: form.get("name")?.slice(0, 200),
      email: form.get("email")?.slice(0, 300),
    };
    return { ...outcome, errors, values };
  }
}

export async function submitPasswordChange(
  ctx: Context<State>,
  form: URLSearchParams,
): Promise<AccountOutcome> {
  const user = ctx.state.user!;
  const raw = {
    currentPassword: form.get("currentPassword") ?? "",
    newPassword: form.get("newPassword") ?? "",
  };
  // Every problem of the form at once: a short password and a mismatch in one post.
  const input = changePasswordInput.safeParse(raw);
  const errors = input.success ? {} : fieldErrors(input.error)!;
  // A typo in a password nobody can see would lock the person out.
  if (raw.newPassword !== (form.get("newPasswordAgain") ?? "")) {
    errors.newPasswordAgain = "Does not match the new password";
  }
  if (!input.success || errors.newPasswordAgain) return { errors, status: 400 };
  try {
    const { otherSessionsEnded } = await changePassword(
      ctx.state.services,
      actorOf(user),
      input.data,
      readSessionCookie(ctx.req),
    );
    return { redirect: seeOther(`/app/account?changed=${otherSessionsEnded}#password`) };
  } catch (error) {
    return refused(error);
  }
}

/** A form's errors by field; too many attempts say how long to wait. */
function refused(error: unknown): { errors: FieldErrors; status: number } {
  const errors = fieldErrors(error);
  if (!errors) throw error;
  if (error instanceof DomainError && error.code === "TOO_MANY_REQUESTS") {
    const wait = error.details.retryAfterSeconds ?? 60;
    return {
      errors: { form: `Too many attempts. Wait ${wait} seconds, then try again.` },
      status: 429,
    };
  }
  return { errors, status: error instanceof DomainError && error.code === "CONFLICT" ? 409 : 400 };
}

export async function submitSignOutEverywhere(ctx: Context<State>): Promise<Response> {
  await signOutEverywhere(ctx.state.services, actorOf(ctx.state.user!));
  return seeOther("/login", { "set-cookie": clearedSessionCookie(isSecureRequest(ctx.req)) });
}
