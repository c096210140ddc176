import { useEffect, useRef } from "preact/hooks";
import { useAction } from "../hooks/use-action";
import { href } from "../routes";
import { signIn, signUp } from "../session";
import { Button } from "../ui/button";
import { Field, type FieldState, focusField, useField, validate } from "../ui/field";

type AuthProps = {
  mode: "sign-in" | "sign-up";
  /** The page to return to afterwards, carried between the two forms. */
  next?: string;
  notice?: string;
  onSignedIn: () => void;
};

/**
 * The sign-in and sign-up forms. Field problems show next to the field before anything is sent;
 * the API's refusals (wrong password, taken email, too many attempts) show in its words, next to
 * the field they are about or under the form.
 */
export function AuthPage({ mode, next, notice, onSignedIn }: AuthProps) {
  const signingUp = mode === "sign-up";
  const name = useField("Your name", { required: true, maxLength: 100 });
  const email = useField("Email", { required: true, email: true, maxLength: 254 });
  const password = useField("Password", { required: true, minLength: signingUp ? 8 : undefined, maxLength: 256 });
  const submitRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    document.title = `${signingUp ? "Create an account" : "Sign in"} · AzScraper`;
    focusField(signingUp ? name : email);
  }, [mode]);

  const submit = useAction(async () => {
    if (signingUp) await signUp(name.value, email.value, password.value);
    else await signIn(email.value, password.value);
    onSignedIn();
  });

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    if (!validate(...(signingUp ? [name, email, password] : [email, password]))) return;
    if (await submit.run()) return;
    submitRef.current?.focus();
  };

  // On sign-up, the API's word about the email or password belongs next to that field.
  const about = (pattern: RegExp) => (signingUp && submit.error && pattern.test(submit.error) ? submit.error : null);
  const emailError = about(/email/i);
  const passwordError = emailError ? null : about(/password/i);
  const formError = emailError || passwordError ? null : submit.error;
  useEffect(() => {
    if (emailError) focusField(email);
    else if (passwordError) focusField(password);
  }, [emailError, passwordError]);

  return (
    <main class="auth" id="main">
      <p class="brand">AzScraper</p>
      <h1 tabIndex={-1}>{signingUp ? "Create your account" : "Sign in to the dashboard"}</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form class="auth-form" noValidate onSubmit={onSubmit}>
        {signingUp && <Field field={name} type="text" autocomplete="name" />}
        <Field field={withError(email, emailError)} type="email" autocomplete="email" />
        <Field
          field={withError(password, passwordError)}
          type="password"
          autocomplete={signingUp ? "new-password" : "current-password"}
          hint={signingUp ? "At least 8 characters." : undefined}
        />
        <p class="field-error" role="alert" hidden={!formError}>
          {formError}
        </p>
        <Button
          type="submit"
          variant="primary"
          ref={submitRef}
          busy={submit.pending}
          busyLabel={signingUp ? "Creating account…" : "Signing in…"}
        >
          {signingUp ? "Create account" : "Sign in"}
        </Button>
      </form>
      {signingUp ? (
        <p>
          Already have an account? <a href={href("sign-in", {}, { next })}>Sign in</a>
        </p>
      ) : (
        <p>
          New to AzScraper? <a href={href("sign-up", {}, { next })}>Create an account</a>
        </p>
      )}
    </main>
  );
}

/** The field as shown: its own check's message, or the API's word about it. */
const withError = (field: FieldState, apiError: string | null): FieldState =>
  apiError ? { ...field, error: field.error ?? apiError } : field;
