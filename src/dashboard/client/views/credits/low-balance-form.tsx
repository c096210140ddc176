import { api, call } from "../../api";
import { count } from "../../format";
import { useAction } from "../../hooks/use-action";
import { announce } from "../../ui/announce";
import { Button } from "../../ui/button";
import { Field, useField, validate } from "../../ui/field";

type Props = { orgId: string; threshold: number | null; onSaved: (threshold: number | null) => void };

/**
 * The owners' low-balance alert: when a job's reservation takes the balance under the threshold,
 * webhooks subscribed to credits.low hear of it. Empty, or Turn off, disables it.
 */
export function LowBalanceForm({ orgId, threshold, onSaved }: Props) {
  const field = useField(
    "Alert when the balance falls under",
    { integer: true, min: 1, max: 100_000_000 },
    threshold ? String(threshold) : "",
  );
  const save = useAction(async (value: number | null) => {
    const saved = await call(() =>
      api.PUT("/private/organizations/{orgId}/credits/low-threshold", { params: { path: { orgId } }, body: { threshold: value } }),
    );
    onSaved(saved.data.threshold);
    if (saved.data.threshold === null) field.setValue("");
    announce(
      saved.data.threshold === null ? "Low-balance alert turned off." : `Low-balance alert set to ${count(saved.data.threshold)} credits.`,
    );
  });
  return (
    <section class="panel" aria-labelledby="low-balance-title">
      <h2 id="low-balance-title">Low-balance alert</h2>
      <p>
        {threshold === null
          ? "Off. Set a threshold to send a credits.low event to this organization's webhooks when the balance falls under it."
          : `On: a credits.low event goes to webhooks when the balance falls under ${count(threshold)} credits (once per crossing).`}
      </p>
      <form
        class="inline-settings"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (validate(field)) void save.run(field.value.trim() ? Number(field.value) : null);
        }}
      >
        <Field field={field} type="text" inputMode="numeric" autocomplete="off" hint="In credits. Empty turns the alert off." />
        <div class="inline-settings-actions">
          <Button type="submit" variant="primary" busy={save.pending} busyLabel="Saving…">
            Save alert
          </Button>
          {threshold !== null && <Button onClick={() => void save.run(null)}>Turn off</Button>}
        </div>
      </form>
      <p class="field-error" role="alert" hidden={!save.error}>
        {save.error}
      </p>
    </section>
  );
}
