DROP INDEX "call_visits_arrived_at";--> statement-breakpoint
ALTER TABLE "call_visits" DROP CONSTRAINT "call_visits_pkey";
--> statement-breakpoint
ALTER TABLE "call_visits" ADD CONSTRAINT "call_visits_pkey" PRIMARY KEY("arrived_at","source","call_id","queue");