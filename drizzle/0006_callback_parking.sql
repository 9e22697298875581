-- Callbacks waiting long for their next attempt wait here rather than pending in JetStream (see callbacks.parkAfterMs).
CREATE TABLE "callback_parked" (
	"key" text PRIMARY KEY NOT NULL,
	"due" timestamp (3) with time zone NOT NULL,
	"job" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "callback_parked_due_idx" ON "callback_parked" USING btree ("due");