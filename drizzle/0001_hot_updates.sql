-- Every message row is updated two or three times (accepted → submitted → final) and its parts once.
-- Free room on each page lets PostgreSQL make those heap-only (HOT) updates: no index writes, less WAL.
ALTER TABLE "messages" SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE "message_parts" SET (fillfactor = 80);
