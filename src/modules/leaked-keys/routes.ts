import type { Deps } from "../../deps";
import { clientAddress } from "../../http/client-address";
import { rawBody } from "../../http/json-body";
import { ok } from "../../http/operations";
import { auditContext } from "../audit/context";
import { operations } from "../operations";
import { limitLeakReports, reportLeakedKeys } from "./service";
import { checkSignature } from "./signature";

/** Open to anyone (GitHub's secret scanning, a researcher): the signature, when configured, is the credential. */
export const leakedKeyRoutes = (deps: Deps) =>
  operations().handle("reportLeakedKeys", async ({ body, request, server, headers }) => {
    // Counted before the signature is checked: forged reports spend the address's allowance too.
    await limitLeakReports(deps, clientAddress(request, server, deps.config.trustProxy), deps.clock.now());
    checkSignature(deps.config.leakReportSecret, rawBody(request) ?? new Uint8Array(), headers["x-signature"]);
    return ok(await reportLeakedKeys(deps, body, auditContext(request, server, deps.config.trustProxy)));
  });
