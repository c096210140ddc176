import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

export type Option<V extends string> = { value: V; label: string; hint?: string };

type SelectProps<V extends string> = {
  label: string;
  value: V;
  options: readonly Option<V>[];
  onChange: (value: V) => void;
  hint?: ComponentChildren;
  /** Keeps focus on the select when its change navigates (see PageHeading). */
  keepsFocus?: boolean;
  class?: string;
};

/** A labelled <select> with an optional hint, for choices with a handful of presets. */
export function SelectField<V extends string>({ label, value, options, onChange, hint, keepsFocus, class: className }: SelectProps<V>) {
  const id = useId();
  return (
    <div class={className ?? "field"}>
      <label for={id}>{label}</label>
      <select
        id={id}
        data-keeps-focus={keepsFocus ? true : undefined}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.currentTarget.value as V)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

type RadioProps<V extends string> = { legend: string; value: V; options: readonly Option<V>[]; onChange: (value: V) => void };

/** A fieldset of radio buttons: arrow keys move between them, as everywhere else. */
export function RadioGroup<V extends string>({ legend, value, options, onChange }: RadioProps<V>) {
  const name = useId();
  return (
    <fieldset class="choices">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} class="choice">
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          <span>
            {o.label}
            {o.hint && <span class="choice-hint"> {o.hint}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

type CheckboxProps<V extends string> = {
  legend: string;
  values: readonly V[];
  options: readonly Option<V>[];
  onChange: (values: V[]) => void;
  error?: string | null;
};

/** A fieldset of checkboxes with one error line for the group (such as "pick at least one"). */
export function CheckboxGroup<V extends string>({ legend, values, options, onChange, error }: CheckboxProps<V>) {
  const errorId = useId();
  return (
    <fieldset class="choices" aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} class="choice">
          <input
            type="checkbox"
            value={o.value}
            checked={values.includes(o.value)}
            onChange={(event) => onChange(event.currentTarget.checked ? [...values, o.value] : values.filter((v) => v !== o.value))}
          />
          <span>
            {o.label}
            {o.hint && <span class="choice-hint"> {o.hint}</span>}
          </span>
        </label>
      ))}
      <p class="field-error" id={errorId} role="alert" hidden={!error}>
        {error}
      </p>
    </fieldset>
  );
}
