/**
 * Writes generated/operation-security.d.ts: each operation's `security` from openapi.yaml as a
 * type, so a handler's principal is typed from the spec (openapi-typescript leaves security out).
 * Part of `bun run gen`; CI fails when the committed file differs.
 */
import { writeFileSync } from "node:fs";
import { specOperations } from "../src/http/spec";

const tuple = (items: string[]) => `[${items.join(", ")}]`;
const lines = specOperations.map(
  (op) => `    ${op.id}: ${tuple(op.security.map((schemes) => tuple(schemes.map((s) => JSON.stringify(s)))))};`,
);
const out = `// Generated from openapi.yaml by scripts/gen-operation-security.ts (\`bun run gen\`). Do not edit.

/** Each operation's \`security\`: the scheme names of every accepted alternative; \`[]\` needs no credentials. */
export interface operationSecurity {
${lines.join("\n")}
}
`;
writeFileSync(new URL("../generated/operation-security.d.ts", import.meta.url), out);
