import { createHmac, timingSafeEqual } from "node:crypto";
import { ApiError } from "../../http/errors";

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * With a shared secret set, the raw body must come with `X-Signature: sha256=<hex HMAC-SHA256>`.
 * The digests are compared in constant time, so a forger learns nothing from how long a refusal takes.
 */
export function checkSignature(secret: string | undefined, body: Uint8Array, header: string | undefined): void {
  if (secret === undefined) return;
  const given = SIGNATURE.exec(header ?? "")?.[1];
  const expected = createHmac("sha256", secret).update(body).digest();
  if (!given || !timingSafeEqual(Buffer.from(given, "hex"), expected)) {
    throw new ApiError(
      "invalid_signature",
      "Sign the raw body: send 'X-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>'.",
    );
  }
}
