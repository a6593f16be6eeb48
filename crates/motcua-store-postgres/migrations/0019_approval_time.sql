-- Approval time in the indicators (issue #32): the draft decisions an approver decided on and
-- how long they waited, per bucket (motcua_domain::kpi::Measure::ApprovalRounds/-Seconds).
-- Dossiers decided before this migration carried no running total; they count from here on.
ALTER TABLE kpi_monthly ADD COLUMN approval_rounds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE kpi_monthly ADD COLUMN approval_seconds BIGINT NOT NULL DEFAULT 0;
