CREATE TABLE "api_key_usage" (
	"key_id" text NOT NULL,
	"granularity" text NOT NULL,
	"bucket_start" timestamp (3) with time zone NOT NULL,
	"requests_ok" integer DEFAULT 0 NOT NULL,
	"requests_client_error" integer DEFAULT 0 NOT NULL,
	"requests_rate_limited" integer DEFAULT 0 NOT NULL,
	"requests_payment_required" integer DEFAULT 0 NOT NULL,
	"requests_total" integer DEFAULT 0 NOT NULL,
	"jobs_submitted" integer DEFAULT 0 NOT NULL,
	"jobs_succeeded" integer DEFAULT 0 NOT NULL,
	"jobs_failed" integer DEFAULT 0 NOT NULL,
	"credits_reserved" integer DEFAULT 0 NOT NULL,
	"credits_charged" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "api_key_usage_key_id_granularity_bucket_start_pk" PRIMARY KEY("key_id","granularity","bucket_start"),
	CONSTRAINT "api_key_usage_granularity_check" CHECK ("api_key_usage"."granularity" in ('hour', 'day'))
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text,
	"project_id" text,
	"action" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"request_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "last_used_ip" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "expiry_warned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "rate_limit_buckets" ADD COLUMN "locked_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "api_key_usage" ADD CONSTRAINT "api_key_usage_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_key_usage_hour_idx" ON "api_key_usage" USING btree ("granularity","bucket_start");--> statement-breakpoint
CREATE INDEX "audit_events_org_created_idx" ON "audit_events" USING btree ("organization_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_created_idx" ON "audit_events" USING btree ("created_at");