import { createHmac, randomBytes } from "node:crypto";

/** Standard Webhooks' secret form: `whsec_` and the base64 of 24 random bytes (192 bits). */
export const SECRET_PREFIX = "whsec_";

export const generateSecret = () => SECRET_PREFIX + randomBytes(24).toString("base64");

/**
 * The `webhook-signature` header: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for each secret,
 * space-separated, as the Standard Webhooks specification defines it. During a rotation both the
 * new and the old secret sign, so a receiver holding either one verifies the message.
 */
export function signatureHeader(secrets: string[], id: string, timestampSeconds: number, body: string): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
      return `v1,${createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64")}`;
    })
    .join(" ");
}
