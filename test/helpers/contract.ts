import { expect } from "bun:test";
import type { ValidateFunction } from "ajv/dist/2020";
import { allowedMethods, matchingPaths, type Schema, specOperations, specSchemas } from "../../src/http/spec";
import { createAjv } from "../../src/http/validation";

/**
 * Checks every response a test sees against openapi.yaml: the status must be one the operation
 * lists (or its `default`), headers it marks required must be present, and a JSON body must match
 * the schema. A method a known path does not list must be 405 with `Allow`; HEAD is GET without a body.
 */
const ajv = createAjv();
const compiled = new WeakMap<Schema, ValidateFunction>();

function validator(schema: Schema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

const errorEnvelope = (where: string, body: unknown) =>
  expect(validator(specSchemas.Error!)(body), `${where}: ${JSON.stringify(body)}`).toBe(true);

export function assertMatchesSpec(method: string, pathname: string, status: number, headers: Headers, body: unknown): void {
  const where = `${method} ${pathname} → ${status}`;
  const head = method === "HEAD";
  const asMethod = head ? "get" : method.toLowerCase();
  const paths = matchingPaths(pathname);
  const operation = specOperations.find((op) => op.method === asMethod && paths.includes(op.path));
  if (!operation) {
    if (paths.length) {
      // A path of the API with a method it does not answer.
      expect(status, where).toBe(405);
      expect(headers.get("allow"), where).toBe(allowedMethods(pathname).join(", "));
      if (!head) errorEnvelope(where, body);
      return;
    }
    // Not an operation of the API: must be the envelope's route_not_found.
    expect(status, where).toBe(404);
    if (!head) errorEnvelope(where, body);
    return;
  }
  const response = operation.responses[String(status)] ?? (status >= 500 ? operation.responses.default : undefined);
  expect(response, `${where} is not a status openapi.yaml lists for this operation (body: ${JSON.stringify(body)})`).toBeDefined();
  for (const [name, header] of Object.entries(response!.headers ?? {})) {
    if (header.required) expect(headers.get(name), `${where}: header ${name}`).toBeTruthy();
  }
  if (head) {
    expect(body, `${where}: a HEAD answer has no body`).toBe("");
    return;
  }
  const contentType = headers.get("content-type") ?? "";
  const json = response!.content?.["application/json"]?.schema;
  if (contentType.startsWith("application/json") && json) {
    const validate = validator(json);
    expect(validate(body), `${where}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body).slice(0, 500)}`).toBe(true);
  } else {
    const declared = Object.keys(response!.content ?? {});
    expect(
      declared.some((type) => contentType.startsWith(type)),
      `${where}: content-type ${contentType} not in ${declared}`,
    ).toBe(true);
  }
}
