import type { JobError } from "./view";

/** Why a job failed, in words for its owner; `code` is the JobError code the API shows. */
export class JobFailure extends Error {
  constructor(
    readonly code: JobError["code"],
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }

  toJSON(): JobError {
    return { code: this.code, message: this.message, ...(this.statusCode ? { statusCode: this.statusCode } : {}) };
  }
}
