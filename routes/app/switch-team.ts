/** `POST /app/switch-team`: the header's team switcher; the session then works in that team. */
import { HttpError } from "../../fresh/mod.ts";
import { defineApp } from "../../web/define.ts";
import { readForm, seeOther } from "../../web/forms.ts";
import { readSessionCookie } from "../../web/trpc/cookies.ts";
import { switchTeam } from "../../services/teams/switch.ts";
import { memberInput } from "../../services/teams/teams.ts";
import { pageError } from "../../web/page_errors.ts";

export const handler = defineApp.handlers({
  async POST(ctx) {
    const form = await readForm(ctx.req);
    const input = memberInput.safeParse({ userId: form.get("account") });
    const token = readSessionCookie(ctx.req);
    if (!input.success || !token) throw new HttpError(400, "Choose one of your teams");
    await switchTeam(ctx.state.services, ctx.state.user.id, token, input.data.userId)
      .catch((error) => {
        throw pageError(error);
      });
    // The page shown was of the other team: its monitors list is where every team starts.
    return seeOther("/app");
  },
});
