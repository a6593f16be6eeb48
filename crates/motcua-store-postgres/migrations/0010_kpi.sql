-- Live indicators kept incrementally (issue #7): one row per province, competent agency, month
-- submitted (Vietnam time) and procedure; every dossier write adds kpi::delta(before, after) in
-- its own transaction. Columns are motcua_domain::kpi::Measure::column, in order.
CREATE TABLE kpi_monthly (
    province_code        TEXT NOT NULL,
    month                TEXT NOT NULL,
    agency               TEXT NOT NULL,
    procedure_code       TEXT NOT NULL,
    filed                BIGINT NOT NULL DEFAULT 0,
    received             BIGINT NOT NULL DEFAULT 0,
    ch_direct            BIGINT NOT NULL DEFAULT 0,
    ch_online            BIGINT NOT NULL DEFAULT 0,
    ch_postal            BIGINT NOT NULL DEFAULT 0,
    ch_kiosk             BIGINT NOT NULL DEFAULT 0,
    open                 BIGINT NOT NULL DEFAULT 0,
    finished             BIGINT NOT NULL DEFAULT 0,
    early                BIGINT NOT NULL DEFAULT 0,
    on_time              BIGINT NOT NULL DEFAULT 0,
    late                 BIGINT NOT NULL DEFAULT 0,
    refused              BIGINT NOT NULL DEFAULT 0,
    withdrawn            BIGINT NOT NULL DEFAULT 0,
    stopped              BIGINT NOT NULL DEFAULT 0,
    returned             BIGINT NOT NULL DEFAULT 0,
    supplemented         BIGINT NOT NULL DEFAULT 0,
    supplemented_twice   BIGINT NOT NULL DEFAULT 0,
    rescheduled          BIGINT NOT NULL DEFAULT 0,
    fee_due              BIGINT NOT NULL DEFAULT 0,
    paid_online          BIGINT NOT NULL DEFAULT 0,
    electronic_result    BIGINT NOT NULL DEFAULT 0,
    timed_count          BIGINT NOT NULL DEFAULT 0,
    timed_seconds        BIGINT NOT NULL DEFAULT 0,
    t_le_4h              BIGINT NOT NULL DEFAULT 0,
    t_le_8h              BIGINT NOT NULL DEFAULT 0,
    t_le_1d              BIGINT NOT NULL DEFAULT 0,
    t_le_3d              BIGINT NOT NULL DEFAULT 0,
    t_le_5d              BIGINT NOT NULL DEFAULT 0,
    t_le_10d             BIGINT NOT NULL DEFAULT 0,
    t_le_20d             BIGINT NOT NULL DEFAULT 0,
    t_le_30d             BIGINT NOT NULL DEFAULT 0,
    t_gt_30d             BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (province_code, month, agency, procedure_code)
);

-- Each officer's work per month and procedure (kpi::officer_counts): load, throughput, and the
-- refusal and supplement rates compared with peers for the same procedure.
CREATE TABLE kpi_officers (
    province_code        TEXT NOT NULL,
    agency               TEXT NOT NULL,
    officer              TEXT NOT NULL,
    month                TEXT NOT NULL,
    procedure_code       TEXT NOT NULL,
    actions              BIGINT NOT NULL DEFAULT 0,
    finishes             BIGINT NOT NULL DEFAULT 0,
    intakes              BIGINT NOT NULL DEFAULT 0,
    refusals             BIGINT NOT NULL DEFAULT 0,
    supplement_requests  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (province_code, agency, month, officer, procedure_code)
);
