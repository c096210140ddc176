import { api, call } from "../../api";
import { keyDisplay } from "../../format";
import { useResource } from "../../hooks/use-resource";
import { href } from "../../routes";
import { Time } from "../../ui/time";
import { timeLeft } from "./key-words";

/**
 * Keys that expire soon in any project the user reaches (their own, and every key where they are
 * an owner or admin), so one about to break a script elsewhere is not missed. Says nothing when
 * there are none, or when the list cannot be loaded (the table below has each key's status).
 */
export function ExpiringBanner() {
  const expiring = useResource(async () => (await call(() => api.GET("/private/api-keys/expiring", {}))).data, []);
  if (expiring.status !== "ready" || expiring.data.length === 0) return null;
  const keys = expiring.data;
  return (
    <section class="notice expiring" aria-labelledby="expiring-title">
      <h2 id="expiring-title">{keys.length === 1 ? "A key expires soon" : `${keys.length} keys expire soon`}</h2>
      <p>
        {keys.length === 1
          ? "Roll it (or extend its expiry) before scripts using it"
          : "Roll them (or extend their expiry) before scripts using them"}{" "}
        get 401 api_key_expired.
      </p>
      <ul>
        {keys.map((k) => (
          <li key={k.id}>
            <a href={href("keys", { projectId: k.projectId })}>{k.name}</a> <code>{keyDisplay("azs_", k.keyHint)}</code> in {k.projectName}:
            expires in {timeLeft(k.expiresAt)} (<Time iso={k.expiresAt} style="exact" />)
          </li>
        ))}
      </ul>
    </section>
  );
}
