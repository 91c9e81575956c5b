DROP INDEX "ticket_sla_outcome_day";--> statement-breakpoint
DROP INDEX "ticket_sla_team_outcome_day";--> statement-breakpoint
CREATE INDEX "ticket_sla_outcome_outcome_day" ON "ticket_sla" USING btree ("outcome","outcome_day");--> statement-breakpoint
CREATE INDEX "ticket_sla_team_outcome_outcome_day" ON "ticket_sla" USING btree ("team","outcome","outcome_day");