CREATE TABLE "batches" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"size" integer NOT NULL,
	"idempotency_key" text,
	"request_hash" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "batch_id" text;--> statement-breakpoint
ALTER TABLE "batches" ADD CONSTRAINT "batches_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "batches_project_idempotency_idx" ON "batches" USING btree ("project_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "jobs_batch_idx" ON "jobs" USING btree ("batch_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "jobs"."batch_id" is not null;--> statement-breakpoint
-- Written by hand after drizzle-kit's output (drizzle-kit does not model functions): the one-statement
-- submit (src/modules/jobs/submit-statement.ts) calls it to refuse, which rolls the whole statement
-- back (rate-limit tokens, reservation, jobs) the way a failed transaction does. The reason is the message.
CREATE FUNCTION "azs_refuse"("reason" text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'azs_refused:' || "reason";
END
$$;
