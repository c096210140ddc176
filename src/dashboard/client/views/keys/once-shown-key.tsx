import type { ComponentChildren } from "preact";
import { curlLine } from "../../format";
import { type OnceShown, OnceShownSecret } from "../../ui/once-shown-secret";

/** A new API key, shown once, with how to use it; `children` adds a line (such as when a rolled key's predecessor ends). */
export function OnceShownKey({
  guard,
  projectId,
  apiKey,
  children,
}: {
  guard: OnceShown;
  projectId: string;
  apiKey: string;
  children?: ComponentChildren;
}) {
  return (
    <OnceShownSecret
      guard={guard}
      secret={apiKey}
      label="Your new API key"
      noun="key"
      warning="Copy it now and keep it in a secret manager or an environment variable. After you close this dialog it cannot be shown again; if it is lost, create a new key and revoke this one."
    >
      {children}
      <p>
        Put it in <code>AZSCRAPER_API_KEY</code> and call the API from a script:
      </p>
      <pre class="curl">
        <code>{curlLine(projectId)}</code>
      </pre>
    </OnceShownSecret>
  );
}
