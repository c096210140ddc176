import { ApiProblem } from "../api";
import { busy, field, h, replace } from "../dom";
import { signIn, signUp } from "../session";

/**
 * The sign-in and sign-up forms. Errors from the API (wrong password, taken email, too many
 * attempts) appear under the form in the server's words; field errors go next to the field.
 */
export function renderAuth(root: HTMLElement, mode: "sign-in" | "sign-up", onSignedIn: () => Promise<void>, notice?: string) {
  const signingUp = mode === "sign-up";
  document.title = `${signingUp ? "Create an account" : "Sign in"} · AzScraper`;
  const name = field("Your name", { name: "name", type: "text", autocomplete: "name", required: true, maxlength: 100 });
  const email = field("Email", { name: "email", type: "email", autocomplete: "email", required: true, maxlength: 254 });
  const password = field(
    "Password",
    { name: "password", type: "password", autocomplete: signingUp ? "new-password" : "current-password", required: true, minlength: signingUp ? 8 : 1, maxlength: 256 },
    signingUp ? "At least 8 characters." : undefined,
  );
  const submit = h("button", { type: "submit", class: "button primary" }, signingUp ? "Create account" : "Sign in");
  const formError = h("p", { class: "field-error", role: "alert", hidden: true });
  const form = h("form", { class: "auth-form", novalidate: true }, signingUp ? name.wrapper : null, email.wrapper, password.wrapper, formError, submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const f of [name, email, password]) f.error.clear();
    formError.hidden = true;
    const invalid = (signingUp ? [name, email, password] : [email, password]).find((f) => !f.control.checkValidity());
    if (invalid) {
      invalid.error.show(invalid.control.validationMessage);
      invalid.control.focus();
      return;
    }
    try {
      await busy(submit, signingUp ? "Creating account…" : "Signing in…", () =>
        signingUp ? signUp(name.control.value, email.control.value, password.control.value) : signIn(email.control.value, password.control.value),
      );
      await onSignedIn();
    } catch (error) {
      const message = error instanceof ApiProblem ? error.message : "Something went wrong. Try again.";
      const target = /email/i.test(message) && signingUp ? email : /password/i.test(message) && signingUp ? password : null;
      if (target) target.error.show(message);
      else {
        formError.textContent = message;
        formError.hidden = false;
      }
      (target?.control ?? submit).focus();
    }
  });

  const other = signingUp
    ? h("p", {}, "Already have an account? ", h("a", { href: "#/sign-in" }, "Sign in"))
    : h("p", {}, "New to AzScraper? ", h("a", { href: "#/sign-up" }, "Create an account"));
  replace(
    root,
    h(
      "main",
      { class: "auth", id: "main" },
      h("p", { class: "brand" }, "AzScraper"),
      h("h1", { tabindex: -1 }, signingUp ? "Create your account" : "Sign in to the dashboard"),
      notice ? h("p", { class: "notice", role: "status" }, notice) : null,
      form,
      other,
    ),
  );
  (signingUp ? name : email).control.focus();
}
