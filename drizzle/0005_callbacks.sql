-- Callbacks: failed callbacks (listed and replayed through the API), endpoints disabled by 410 Gone, and a message's own
-- callbackUrl. Adding a nullable column rewrites nothing: quick on a large messages table.
CREATE TABLE "callback_endpoints" (
	"url" text PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"disabled_at" timestamp (3) with time zone NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_failures" (
	"webhook_id" text PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"url" text NOT NULL,
	"type" text NOT NULL,
	"ref" text NOT NULL,
	"body" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text NOT NULL,
	"failed_at" timestamp (3) with time zone NOT NULL,
	"replayed_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "callback_url" text;--> statement-breakpoint
CREATE INDEX "callback_failures_client_idx" ON "callback_failures" USING btree ("client_id","failed_at","webhook_id");