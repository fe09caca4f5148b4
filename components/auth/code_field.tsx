/** The field for a second factor: a code from the authenticator app, or a recovery code. */
import { describedBy, Field, inputClass } from "../ui.tsx";

export function CodeField(props: { error?: string; hint: string; autoFocus?: boolean }) {
  return (
    <Field id="code" label="Authentication code" error={props.error} hint={props.hint}>
      <input
        {...describedBy("code", props.error, true)}
        name="code"
        type="text"
        autoComplete="one-time-code"
        required
        maxLength={40}
        autoFocus={props.autoFocus}
        class={inputClass(props.error)}
      />
    </Field>
  );
}
