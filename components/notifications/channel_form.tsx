/**
 * The form of one kind of channel: a name, then the provider's own fields, each with a
 * visible label. On edit, secret fields start empty and keep the stored value unless
 * something new is typed.
 */
import { Button, describedBy, Field, inputClass, LinkButton, Notice } from "../ui.tsx";
import type { ChannelKind } from "../../services/notifications/providers/mod.ts";
import { providers } from "../../services/notifications/providers/mod.ts";

export interface ChannelFormProps {
  kind: ChannelKind;
  action: string;
  submitLabel: string;
  cancelHref: string;
  name: string;
  /** Current values; secrets are never filled in. */
  values: Record<string, string>;
  errors: Record<string, string>;
  editing: boolean;
}

export function ChannelForm(props: ChannelFormProps) {
  const provider = providers[props.kind];
  const { errors } = props;
  return (
    <form method="post" action={props.action} class="space-y-4">
      <input type="hidden" name="kind" value={props.kind} />
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      <Field id="name" label="Name" error={errors.name} hint="Shown in the dashboard only.">
        <input
          {...describedBy("name", errors.name, true)}
          name="name"
          value={props.name}
          required
          maxLength={100}
          class={inputClass(errors.name)}
        />
      </Field>
      {provider.fields.map((field) => {
        const hint = field.secret && props.editing ? "Stored; leave empty to keep it." : field.help;
        const label = field.required ? field.label : `${field.label} (optional)`;
        if (field.type === "select") {
          return (
            <Field id={field.name} label={label} error={errors[field.name]} hint={hint}>
              <select
                {...describedBy(field.name, errors[field.name], Boolean(hint))}
                name={field.name}
                class={inputClass(errors[field.name])}
              >
                {field.options!.map((option) => (
                  <option value={option} selected={props.values[field.name] === option}>
                    {option}
                  </option>
                ))}
              </select>
            </Field>
          );
        }
        return (
          <Field id={field.name} label={label} error={errors[field.name]} hint={hint}>
            <input
              {...describedBy(field.name, errors[field.name], Boolean(hint))}
              name={field.name}
              type={field.type === "password" ? "password" : field.type === "url" ? "url" : "text"}
              value={field.secret && props.editing ? "" : props.values[field.name] ?? ""}
              placeholder={field.placeholder}
              required={field.required && !(field.secret && props.editing)}
              autoComplete="off"
              class={inputClass(errors[field.name])}
            />
          </Field>
        );
      })}
      <div class="flex flex-wrap gap-3 pt-2">
        <Button>{props.submitLabel}</Button>
        <LinkButton href={props.cancelHref} variant="ghost">Cancel</LinkButton>
      </div>
    </form>
  );
}
