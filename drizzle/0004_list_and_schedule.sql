-- GET /v1/messages lists a client's messages newest first with keyset pagination on (accepted_at, id); each filter
-- (status, "to", client_ref) gets its own index. send_at and valid_until record sendAt and validity.
-- On a large table the index builds read it whole: run node dist/cmd/migrate.js before rolling out.
DROP INDEX "messages_client_accepted_idx";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "send_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "valid_until" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "messages_client_status_idx" ON "messages" USING btree ("client_id","status","accepted_at","id");--> statement-breakpoint
CREATE INDEX "messages_client_to_idx" ON "messages" USING btree ("client_id","to","accepted_at","id");--> statement-breakpoint
CREATE INDEX "messages_client_ref_idx" ON "messages" USING btree ("client_id","client_ref","accepted_at","id") WHERE "messages"."client_ref" is not null;--> statement-breakpoint
CREATE INDEX "messages_client_accepted_idx" ON "messages" USING btree ("client_id","accepted_at","id");