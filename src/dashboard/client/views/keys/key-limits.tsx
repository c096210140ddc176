import { useState } from "preact/hooks";
import type { Schemas } from "../../api";
import { shortDate } from "../../format";
import { CheckboxGroup, RadioGroup, SelectField } from "../../ui/choice";
import { Field, type FieldState, useField, validate } from "../../ui/field";
import { ALL_SCOPES, READ_ONLY, type Scope, sameScopes, scopeWords } from "./key-words";

type ApiKey = Schemas["ApiKey"];
type Limits = Pick<Schemas["UpdateApiKeyRequest"], "expiresAt" | "scopes" | "allowedIps" | "creditLimit" | "rateLimit">;

type Expiry = "keep" | "30" | "90" | "custom" | "never";
type Access = "full" | "read" | "custom";
type Period = "day" | "month" | "total";

const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);

/** The end of a local calendar day, "2027-03-01" → that day 23:59:59 here. */
const endOfDay = (date: string) => new Date(`${date}T23:59:59`);

function accessOf(scopes: readonly Scope[]): Access {
  return sameScopes(scopes, ALL_SCOPES) ? "full" : sameScopes(scopes, READ_ONLY) ? "read" : "custom";
}

/**
 * The lifecycle fields of a key (expiry, scopes, allowed addresses, credit cap, rate limit) for
 * Create key and Edit limits, with presets for the common choices. Editing starts from the key's
 * current values, and "keep" leaves its expiry alone.
 */
export function useKeyLimits(key?: ApiKey) {
  const [expiry, setExpiry] = useState<Expiry>(key ? "keep" : "90");
  const customDate = useField("Expiry date", {
    check: (value) =>
      value === ""
        ? "Expiry date is required: pick a day, or another choice."
        : endOfDay(value) <= new Date()
          ? "Pick a day after today."
          : null,
  });
  const [access, setAccess] = useState<Access>(key ? accessOf(key.scopes) : "full");
  const [scopes, setScopes] = useState<Scope[]>(key ? [...key.scopes] : [...ALL_SCOPES]);
  const [scopesError, setScopesError] = useState<string | null>(null);
  const ips = useField(
    "Allowed addresses",
    {
      check: (value) => (split(value).length > 50 ? "At most 50 addresses or ranges; use CIDR ranges to cover more." : null),
    },
    key?.allowedIps?.join("\n") ?? "",
  );
  const creditAmount = useField(
    "Credit cap",
    { integer: true, min: 1, max: 1_000_000_000 },
    key?.creditLimit ? String(key.creditLimit.amount) : "",
  );
  const [period, setPeriod] = useState<Period>(key?.creditLimit?.period ?? "day");
  const perSecond = useField("Jobs per second", { positive: true, max: 100_000 }, key?.rateLimit ? String(key.rateLimit.perSecond) : "");
  const burst = useField("Burst", { integer: true, min: 1, max: 1_000_000 }, key?.rateLimit ? String(key.rateLimit.burst) : "");
  return {
    key,
    expiry,
    setExpiry,
    customDate,
    access,
    setAccess,
    scopes,
    setScopes,
    scopesError,
    period,
    setPeriod,
    ips,
    creditAmount,
    perSecond,
    burst,
    /** Checks every field (each shows its own message); the request's limit fields, or null. */
    toBody(): Limits | null {
      const fields: FieldState[] = [ips, creditAmount, perSecond, burst];
      if (expiry === "custom") fields.unshift(customDate);
      let ok = validate(...fields);
      const chosen = access === "full" ? [...ALL_SCOPES] : access === "read" ? [...READ_ONLY] : scopes;
      setScopesError(chosen.length === 0 ? "Pick at least one thing the key may do." : null);
      if (chosen.length === 0) ok = false;
      // A rate limit needs both numbers; say so on the one left empty.
      if (ok && (perSecond.value.trim() === "") !== (burst.value.trim() === "")) {
        const empty = perSecond.value.trim() === "" ? perSecond : burst;
        empty.setError("Give both numbers of the rate limit, or neither for the project's limit.");
        empty.ref.current?.focus();
        ok = false;
      }
      if (!ok) return null;
      const body: Limits = {
        scopes: chosen,
        allowedIps: split(ips.value).length > 0 ? split(ips.value) : null,
        creditLimit: creditAmount.value.trim() ? { amount: Number(creditAmount.value), period } : null,
        rateLimit: perSecond.value.trim() ? { perSecond: Number(perSecond.value), burst: Number(burst.value) } : null,
      };
      if (expiry === "never") body.expiresAt = null;
      else if (expiry === "custom") body.expiresAt = endOfDay(customDate.value).toISOString();
      else if (expiry !== "keep") body.expiresAt = new Date(Date.now() + Number(expiry) * DAY).toISOString();
      return body;
    },
  };
}
export type KeyLimits = ReturnType<typeof useKeyLimits>;

const split = (value: string) => value.split(/[\s,]+/).filter(Boolean);

const periods = [
  { value: "day", label: "per day (UTC)" },
  { value: "month", label: "per month (UTC)" },
  { value: "total", label: "in total" },
] as const;

/** The form fields for a key's limits, grouped; used inside the create and edit dialogs. */
export function KeyLimitsFields({ limits }: { limits: KeyLimits }) {
  const current = limits.key?.expiresAt;
  const expiryOptions = [
    ...(limits.key ? [{ value: "keep" as const, label: current ? `Keep: ${shortDate(current)}` : "Keep: never expires" }] : []),
    { value: "30" as const, label: "In 30 days" },
    { value: "90" as const, label: "In 90 days" },
    { value: "custom" as const, label: "On a day I pick" },
    { value: "never" as const, label: "Never" },
  ];
  return (
    <>
      <SelectField
        label="Expires"
        value={limits.expiry}
        options={expiryOptions}
        onChange={limits.setExpiry}
        hint="An expired key gets 401 api_key_expired. You are warned a week before."
      />
      {limits.expiry === "custom" && (
        <div class="date-field">
          <Field
            field={limits.customDate}
            type="date"
            autocomplete="off"
            hint={`The key stops working at the end of that day; today is ${today()}.`}
          />
        </div>
      )}
      <RadioGroup
        legend="Access"
        value={limits.access}
        onChange={limits.setAccess}
        options={[
          { value: "full", label: "Full access", hint: "(read the project, read, submit and cancel jobs)" },
          { value: "read", label: "Read only", hint: "(read the project and its jobs; cannot submit)" },
          { value: "custom", label: "Choose" },
        ]}
      />
      {limits.access === "custom" && (
        <CheckboxGroup
          legend="The key may"
          values={limits.scopes}
          onChange={limits.setScopes}
          options={ALL_SCOPES.map((s) => ({ value: s, label: scopeWords[s], hint: `(${s})` }))}
          error={limits.scopesError}
        />
      )}
      <Field
        field={limits.ips}
        type="text"
        rows={2}
        autocomplete="off"
        hint="IPv4 or IPv6 addresses or CIDR ranges such as 203.0.113.0/24, one per line. Empty: any address."
      />
      <div class="field-pair">
        <Field field={limits.creditAmount} type="text" inputMode="numeric" autocomplete="off" hint="Empty: no cap beyond the balance." />
        <SelectField label="Cap period" value={limits.period} options={periods} onChange={limits.setPeriod} />
      </div>
      <div class="field-pair">
        <Field field={limits.perSecond} type="text" inputMode="decimal" autocomplete="off" hint="Empty: the project's rate limit." />
        <Field field={limits.burst} type="text" inputMode="numeric" autocomplete="off" hint="Jobs accepted at once." />
      </div>
    </>
  );
}
