-- Inbound messages get their client (inbound routes) and the id of the key their text is encrypted with; GET /v1/inbound
-- lists a client's rows by (client_id, received_at, id). Retention finds old rows through BRIN indexes (a few pages each).
-- On a large messages table the BRIN build reads it once: run node dist/cmd/migrate.js before rolling out.
ALTER TABLE "inbound_messages" ADD COLUMN "client_id" text;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "text_key_id" text;--> statement-breakpoint
CREATE INDEX "inbound_client_received_idx" ON "inbound_messages" USING btree ("client_id","received_at","id");--> statement-breakpoint
CREATE INDEX "inbound_received_brin" ON "inbound_messages" USING brin ("received_at");--> statement-breakpoint
CREATE INDEX "messages_accepted_brin" ON "messages" USING brin ("accepted_at");--> statement-breakpoint
CREATE INDEX "orphan_receipts_received_brin" ON "orphan_receipts" USING brin ("received_at");