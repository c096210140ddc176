import { describe, expect, test } from "bun:test";
import journal from "../../drizzle/meta/_journal.json";

// Drizzle runs every migration whose `when` is later than the newest one a database has applied,
// in journal order: a released migration renamed, renumbered or given a later `when` runs again
// on a database that has it (and fails: its tables exist).
const RELEASED = [
  ["0000_init", 1795798257552],
  ["0001_jobs_and_credits", 1795798737884],
  ["0002_revoked_reason", 1795816298881],
  ["0003_server_processes", 1795816622000],
  ["0004_drop_login_failures", 1795822060327],
  ["0005_job_batches", 1795828373034],
  ["0006_webhooks", 1795829617462],
  ["0007_key_lifecycle", 1795830461944],
  ["0008_audit_usage_and_key_expiry", 1795831384237],
  ["0009_batch_completed_at", 1795831981299],
] as const;

describe("the migration journal", () => {
  test("released migrations keep their place, tag and time", () => {
    expect(journal.entries.slice(0, RELEASED.length).map((e) => [e.tag, e.when])).toEqual(RELEASED.map(([tag, when]) => [tag, when]));
  });

  test("every migration is later than the one before it", () => {
    const whens = journal.entries.map((e) => e.when);
    expect(whens.every((when, i) => i === 0 || when > whens[i - 1]!)).toBe(true);
  });
});
