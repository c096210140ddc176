import { useState } from "preact/hooks";
import type { Schemas } from "../../api";
import { CheckboxGroup } from "../../ui/choice";
import { Field, useField, validate } from "../../ui/field";
import { type Endpoint, EVENT_TYPES, type EventType, eventWords } from "./webhook-words";

/** The fields an endpoint is made of (URL, events, description, and for an existing one, enabled). */
export function useWebhookForm(endpoint?: Endpoint) {
  const url = useField(
    "Endpoint URL",
    {
      required: true,
      maxLength: 2048,
      check: (value) =>
        /^https?:\/\/\S+$/i.test(value.trim()) ? null : "Enter an http or https URL, such as https://hooks.example.com/azscraper.",
    },
    endpoint?.url ?? "",
  );
  const description = useField("Description", { maxLength: 200 }, endpoint?.description ?? "");
  const [events, setEvents] = useState<EventType[]>(endpoint ? [...endpoint.events] : ["job.succeeded", "job.failed"]);
  const [eventsError, setEventsError] = useState<string | null>(null);
  const [enabled, setEnabled] = useState(endpoint?.enabled ?? true);
  return {
    url,
    description,
    events,
    setEvents,
    eventsError,
    enabled,
    setEnabled,
    /** Checks the fields; the request body (without `enabled` for a new one), or null. */
    toBody(): Schemas["CreateWebhookRequest"] | null {
      const ok = validate(url, description);
      setEventsError(events.length === 0 ? "Pick at least one event." : null);
      if (!ok || events.length === 0) return null;
      return {
        url: url.value.trim(),
        events: EVENT_TYPES.filter((e) => events.includes(e)),
        description: description.value.trim() || undefined,
      };
    },
  };
}
export type WebhookForm = ReturnType<typeof useWebhookForm>;

export function WebhookFields({ form, editing }: { form: WebhookForm; editing: boolean }) {
  return (
    <>
      <Field field={form.url} type="url" autocomplete="off" hint="The server POSTs each event here, signed with the endpoint's secret." />
      <CheckboxGroup
        legend="Events"
        values={form.events}
        onChange={form.setEvents}
        options={EVENT_TYPES.map((e) => ({ value: e, label: eventWords[e], hint: `(${e})` }))}
        error={form.eventsError}
      />
      <Field field={form.description} type="text" autocomplete="off" hint="A note for people; not sent anywhere." />
      {editing && (
        <label class="choice">
          <input type="checkbox" checked={form.enabled} onChange={(event) => form.setEnabled(event.currentTarget.checked)} />
          <span>Enabled: deliver events to this endpoint</span>
        </label>
      )}
    </>
  );
}
