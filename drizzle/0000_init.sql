CREATE TABLE "inbound_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"carrier" text NOT NULL,
	"from" text NOT NULL,
	"to" text NOT NULL,
	"text" text NOT NULL,
	"data_coding" smallint NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"parts" smallint DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_parts" (
	"message_id" text NOT NULL,
	"part" smallint NOT NULL,
	"parts" smallint NOT NULL,
	"carrier" text NOT NULL,
	"smsc_message_id" text NOT NULL,
	"status" text,
	"last_stat" text,
	"last_stat_at" timestamp (3) with time zone,
	"error" text,
	"submitted_at" timestamp (3) with time zone NOT NULL,
	"done_at" timestamp (3) with time zone,
	CONSTRAINT "message_parts_message_id_part_pk" PRIMARY KEY("message_id","part"),
	CONSTRAINT "message_parts_carrier_smsc_uq" UNIQUE("carrier","smsc_message_id")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"client_id" text,
	"client_ref" text,
	"carrier" text NOT NULL,
	"to" text,
	"from" text,
	"segments" integer,
	"encoding" text,
	"status" text NOT NULL,
	"status_rank" smallint NOT NULL,
	"smsc_message_id" text,
	"error" text,
	"accepted_at" timestamp (3) with time zone,
	"submitted_at" timestamp (3) with time zone,
	"done_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orphan_receipts" (
	"carrier" text NOT NULL,
	"smsc_message_id" text NOT NULL,
	"stat" text NOT NULL,
	"err" text,
	"done_at" timestamp (3) with time zone,
	"received_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "orphan_receipts_carrier_smsc_message_id_stat_pk" PRIMARY KEY("carrier","smsc_message_id","stat")
);
--> statement-breakpoint
ALTER TABLE "message_parts" ADD CONSTRAINT "message_parts_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_client_accepted_idx" ON "messages" USING btree ("client_id","accepted_at");