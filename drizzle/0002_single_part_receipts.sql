-- One-part messages (most traffic) carry their receipt state on the message row and get no message_parts row.
-- Rows written before this migration keep their parts (parts is null on them), and their receipts still find them.
ALTER TABLE "messages" ADD COLUMN "parts" smallint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "last_stat" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "last_stat_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "messages_carrier_smsc_idx" ON "messages" USING btree ("carrier","smsc_message_id") WHERE "messages"."parts" = 1;