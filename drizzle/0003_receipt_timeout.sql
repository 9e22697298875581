-- Receipt timeout: messages still `submitted` long after their submit become `unknown` (a late receipt still counts).
-- sweep_marks keeps how far the sweep has got; the BRIN index finds a time window of submits for next to no write cost.
CREATE TABLE "sweep_marks" (
	"name" text PRIMARY KEY NOT NULL,
	"up_to" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "messages_submitted_brin" ON "messages" USING brin ("submitted_at");