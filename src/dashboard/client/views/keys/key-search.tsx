import { useId } from "preact/hooks";
import type { ApiKey } from "./load-keys";

/** Case-insensitive match on the key's name. */
export const matches = (key: ApiKey, search: string) => key.name.toLowerCase().includes(search.trim().toLowerCase());

type KeySearchProps = { value: string; onChange: (value: string) => void; shown: number; total: number };

/** Filters the table by name as one types; the count is announced politely. */
export function KeySearch({ value, onChange, shown, total }: KeySearchProps) {
  const id = useId();
  const filtering = value.trim() !== "";
  return (
    <div class="search">
      <div class="field">
        <label for={id}>Search keys by name</label>
        <input id={id} type="search" autocomplete="off" value={value} onInput={(event) => onChange(event.currentTarget.value)} />
      </div>
      <p role="status" class="muted search-count">
        {!filtering ? "" : shown === 0 ? `No key name contains “${value.trim()}”.` : `Showing ${shown} of ${total} keys.`}
      </p>
    </div>
  );
}
