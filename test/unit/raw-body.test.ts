import { describe, expect, test } from "bun:test";
import { Elysia } from "elysia";
import { rawBody } from "../../src/http/json-body";
import { validation } from "../../src/http/validation";

/**
 * Only an operation that checks a signature over its body keeps the bytes as sent; every other
 * request's body is dropped once parsed. Routes bound the way serveOperations binds them, each
 * answering with the raw body it can still read.
 */
const rawText = (request: Request) => {
  const bytes = rawBody(request);
  return { raw: bytes ? new TextDecoder().decode(bytes) : null };
};
const app = new Elysia()
  .use(validation())
  .post("/leaked-keys", ({ request }) => rawText(request), { validate: "reportLeakedKeys" })
  .post("/auth/login", ({ request }) => rawText(request), { validate: "login" });

const post = async (path: string, body: string) => {
  const response = await app.handle(
    new Request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "application/json" }, body }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { raw: string | null };
};

describe("raw request bodies", () => {
  test("reportLeakedKeys keeps the bytes as sent, spacing and all, for its signature check", async () => {
    const sent = '[ {"token": "azs_x", "type": "azscraper_api_key", "url": "https://example.com", "source": "content"} ]';
    expect(await post("/leaked-keys", sent)).toEqual({ raw: sent });
  });

  test("another operation's request (login) keeps no raw body", async () => {
    expect(await post("/auth/login", '{"email": "ada@example.com", "password": "secret"}')).toEqual({ raw: null });
  });
});
