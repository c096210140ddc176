/** User passwords: argon2id via Bun.password (deliberately slow, so login is rate-limited). */
export const hashPassword = (password: string) => Bun.password.hash(password);

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. With no hash (unknown email) it still runs a full
 * verification against a throwaway hash, so the answer takes as long as for a real account.
 */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  if (hash) return Bun.password.verify(password, hash);
  dummyHash ??= Bun.password.hash("not-a-real-password-0000");
  await Bun.password.verify(password, await dummyHash);
  return false;
}
