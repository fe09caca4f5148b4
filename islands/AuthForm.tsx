/**
 * The sign-up and log-in form. Rendered on the server it is a plain form that posts;
 * hydrated it checks the fields as they are filled in, before anything is sent.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { Button, describedBy, Field, inputClass, Notice } from "../components/ui.tsx";

interface Props {
  mode: "login" | "signup";
  values: { email?: string; name?: string };
  errors: Record<string, string>;
  next?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function check(mode: Props["mode"], field: string, value: string): string | null {
  if (field === "email") {
    if (!value.trim()) return "Enter your email address";
    if (!EMAIL.test(value.trim())) return "This does not look like an email address";
  }
  if (field === "password") {
    if (!value) return "Enter your password";
    if (mode === "signup" && value.length < 8) return "Use at least 8 characters";
  }
  return null;
}

export default function AuthForm(props: Props) {
  const [errors, setErrors] = useState<Record<string, string | null>>(props.errors);
  // Controlled: a re-render (an error shown) must not put back what the server sent.
  const [email, setEmail] = useState(props.values.email ?? "");
  const [name, setName] = useState(props.values.name ?? "");
  const form = useRef<HTMLFormElement>(null);
  // What was typed before the script arrived is in the DOM, not in the server's props.
  useEffect(() => {
    const field = (n: string) => form.current?.elements.namedItem(n) as HTMLInputElement | null;
    if (field("email")?.value) setEmail(field("email")!.value);
    if (field("name")?.value) setName(field("name")!.value);
  }, []);
  const validate = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    setErrors((e) => ({ ...e, [input.name]: check(props.mode, input.name, input.value) }));
  };
  const submit = (event: Event) => {
    const form = event.currentTarget as HTMLFormElement;
    const found: Record<string, string | null> = {};
    for (const name of ["email", "password"]) {
      const input = form.elements.namedItem(name) as HTMLInputElement;
      found[name] = check(props.mode, name, input.value);
    }
    if (Object.values(found).some(Boolean)) {
      event.preventDefault();
      setErrors(found);
      (form.querySelector("[aria-invalid=true]") as HTMLElement | null)?.focus();
    }
  };
  const signup = props.mode === "signup";
  const action = signup ? "/signup" : "/login";
  return (
    <form
      ref={form}
      method="post"
      action={props.next ? `${action}?next=${encodeURIComponent(props.next)}` : action}
      class="space-y-5"
      noValidate
      onSubmit={submit}
    >
      {errors.form && <Notice kind="error">{errors.form}</Notice>}
      {signup && (
        <Field id="name" label="Name (optional)" error={errors.name}>
          <input
            {...describedBy("name", errors.name)}
            name="name"
            type="text"
            autoComplete="name"
            maxLength={100}
            value={name}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
            class={inputClass(errors.name)}
          />
        </Field>
      )}
      <Field id="email" label="Email" error={errors.email}>
        <input
          {...describedBy("email", errors.email)}
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onBlur={validate}
          onInput={(e) => {
            setEmail((e.currentTarget as HTMLInputElement).value);
            if (errors.email) validate(e);
          }}
          class={inputClass(errors.email)}
        />
      </Field>
      <Field
        id="password"
        label="Password"
        error={errors.password}
        hint={signup ? "At least 8 characters." : undefined}
      >
        <input
          {...describedBy("password", errors.password, signup)}
          name="password"
          type="password"
          autoComplete={signup ? "new-password" : "current-password"}
          required
          minLength={signup ? 8 : undefined}
          onBlur={validate}
          onInput={(e) => errors.password && validate(e)}
          class={inputClass(errors.password)}
        />
      </Field>
      <Button class="w-full">{signup ? "Sign up" : "Log in"}</Button>
    </form>
  );
}
