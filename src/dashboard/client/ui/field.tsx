import type { ComponentChildren, KeyboardEventHandler, RefObject } from "preact";
import { useId, useRef, useState } from "preact/hooks";

export type Rules = {
  required?: boolean;
  email?: boolean;
  minLength?: number;
  maxLength?: number;
  /** A whole number, at least `min` and at most `max` (when the field is not empty). */
  integer?: boolean;
  /** A number greater than 0, fractions allowed (when the field is not empty). */
  positive?: boolean;
  min?: number;
  max?: number;
  /** A rule of the form's own, such as "a date in the future": the message, or null. */
  check?: (value: string) => string | null;
};

/** A text input's value, its error line and the rules every form checks the same way. */
export type FieldState = {
  label: string;
  rules: Rules;
  value: string;
  setValue(value: string): void;
  error: string | null;
  setError(message: string | null): void;
  ref: RefObject<(HTMLInputElement & HTMLTextAreaElement) | null>;
};

export function useField(label: string, rules: Rules = {}, initial = ""): FieldState {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  return { label, rules, value, setValue, error, setError, ref };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The first broken rule, in words; blank means only spaces too, since the API trims names. */
export function problemWith({ label, rules, value }: Pick<FieldState, "label" | "rules" | "value">): string | null {
  if (rules.required && value.trim() === "") return `${label} is required.`;
  if (rules.email && value.trim() !== "" && !EMAIL.test(value.trim())) return "Enter an email address such as name@example.com.";
  if (rules.minLength && value.length < rules.minLength) return `${label} must be at least ${rules.minLength} characters.`;
  if (rules.maxLength && value.length > rules.maxLength) return `${label} must be at most ${rules.maxLength} characters.`;
  const text = value.trim();
  if (text !== "" && (rules.integer || rules.positive)) {
    const n = Number(text);
    if (rules.integer && !/^\d+$/.test(text)) return `${label} must be a whole number, such as 10.`;
    if (rules.positive && (!Number.isFinite(n) || n <= 0)) return `${label} must be a number greater than 0.`;
    if (rules.min !== undefined && n < rules.min) return `${label} must be at least ${rules.min}.`;
    if (rules.max !== undefined && n > rules.max) return `${label} must be at most ${rules.max}.`;
  }
  return rules.check?.(value) ?? null;
}

/**
 * Checks every field before a form is sent (sign-up, create key, rename, new project, add member
 * all use this): each field shows its own message, and focus goes to the first one to fix.
 */
export function validate(...fields: FieldState[]): boolean {
  let first: FieldState | undefined;
  for (const field of fields) {
    const problem = problemWith(field);
    field.setError(problem);
    if (problem) first ??= field;
  }
  if (first) focusField(first);
  return !first;
}

export const focusField = (field: FieldState) => field.ref.current?.focus();

type FieldProps = {
  field: FieldState;
  hint?: ComponentChildren;
  /** Hide the label visually (it stays the input's accessible name), e.g. for inline rename. */
  labelHidden?: boolean;
  class?: string;
  type: "text" | "email" | "password" | "search" | "date" | "url" | "number";
  /** A textarea of this many rows instead of an input. */
  rows?: number;
  inputMode?: "numeric" | "decimal";
  autocomplete: string;
  onKeyDown?: KeyboardEventHandler<HTMLInputElement>;
};

/**
 * A labelled input with its hint and error line: the input points at both with
 * `aria-describedby`, is `aria-invalid` while an error shows, and the error is a live region.
 */
export function Field({ field, hint, labelHidden, class: className, type, rows, inputMode, autocomplete, onKeyDown }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, field.error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div class={className ?? "field"}>
      <label for={id} class={labelHidden ? "visually-hidden" : undefined}>
        {field.label}
      </label>
      {rows ? (
        <textarea
          rows={rows}
          autocomplete={autocomplete}
          id={id}
          ref={field.ref}
          value={field.value}
          onInput={(event) => field.setValue(event.currentTarget.value)}
          aria-describedby={describedBy}
          aria-invalid={field.error ? "true" : undefined}
        />
      ) : (
        <input
          // Preact types each input type separately; a union of them needs naming one.
          type={type as "text"}
          inputMode={inputMode}
          autocomplete={autocomplete}
          onKeyDown={onKeyDown}
          id={id}
          ref={field.ref}
          value={field.value}
          onInput={(event) => field.setValue(event.currentTarget.value)}
          required={field.rules.required}
          maxLength={field.rules.maxLength}
          aria-describedby={describedBy}
          aria-invalid={field.error ? "true" : undefined}
        />
      )}
      {hint && (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      <p class="field-error" id={errorId} role="alert" hidden={!field.error}>
        {field.error}
      </p>
    </div>
  );
}
