-- The dossiers the national portal acknowledged (issue #33; the 766 index's DOSSIER_SYNC),
-- per bucket: counted when a dossier's first outbox message is settled as delivered
-- (motcua_domain::kpi::Measure::Synced), and recomputed from the outbox by a rebuild.
ALTER TABLE kpi_monthly ADD COLUMN synced BIGINT NOT NULL DEFAULT 0;
