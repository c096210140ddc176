import { randomBytes } from "node:crypto";
import type { ActiveKey } from "../../src/auth/api-key-lookup";
import { API_KEY_SCOPES } from "../../src/db/schema";
import type { TestApp } from "./harness";

export type Account = {
  id: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  /** The personal organization and its "Default project", made at sign-up. */
  orgId: string;
  projectId: string;
};

export const uniqueEmail = (label = "user") => `${label}-${randomBytes(5).toString("hex")}@example.com`;

/** Signs up and logs in a new user with unique credentials. */
export async function signUp(t: TestApp, label = "user"): Promise<Account> {
  const email = uniqueEmail(label);
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const registered = await t.request("POST", "/auth/register", { body: { email, password, name: label } });
  if (registered.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(registered.body)}`);
  const login = await t.request("POST", "/auth/login", { body: { email, password } });
  const token = login.body.data.accessToken as string;
  const projects = await t.request("GET", "/private/projects", { token });
  const project = projects.body.data[0];
  return {
    id: registered.body.data.id,
    email,
    password,
    token,
    refreshToken: login.body.data.refreshToken,
    orgId: project.organizationId,
    projectId: project.id,
  };
}

/** Creates a key in the project and returns its id and full secret. */
export async function createKey(t: TestApp, account: Account, projectId = account.projectId, name = "test-key") {
  const created = await t.request("POST", `/private/projects/${projectId}/api-keys`, { token: account.token, body: { name } });
  if (created.status !== 201) throw new Error(`key creation failed: ${JSON.stringify(created.body)}`);
  return created.body.data as { id: string; key: string; name: string; keyHint: string; createdAt: string };
}

/** Adds `member` to `owner`'s personal organization with a role. */
export async function addMember(t: TestApp, owner: Account, member: Account, role: "owner" | "admin" | "member") {
  const added = await t.request("POST", `/private/organizations/${owner.orgId}/members`, {
    token: owner.token,
    body: { email: member.email, role },
  });
  if (added.status !== 201) throw new Error(`adding member failed: ${JSON.stringify(added.body)}`);
}

/** A cached key record with no limits, for tests that build one by hand. */
export const keyRecord = (
  fields: Pick<ActiveKey, "keyId" | "userId" | "projectId" | "organizationId"> & Partial<ActiveKey>,
): ActiveKey => ({
  serviceAccountId: null,
  expiresAt: null,
  endsAt: null,
  scopes: API_KEY_SCOPES,
  allowedIps: null,
  creditLimit: null,
  rateLimit: null,
  ...fields,
});
