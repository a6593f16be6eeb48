-- Live indicators kept incrementally (issue #7): one row per province, competent agency, month
-- submitted (Vietnam time) and procedure; every dossier write adds kpi::delta(before, after) in
-- its own transaction. Columns are motcua_domain::kpi::Measure::column, in order.
CREATE TABLE kpi_monthly (
    province_code        TEXT NOT NULL,
    month                TEXT NOT NULL,
    agency               TEXT NOT NULL,
    procedure_code       TEXT NOT NULL,
    filed                INTEGER NOT NULL DEFAULT 0,
    received             INTEGER NOT NULL DEFAULT 0,
    ch_direct            INTEGER NOT NULL DEFAULT 0,
    ch_online            INTEGER NOT NULL DEFAULT 0,
    ch_postal            INTEGER NOT NULL DEFAULT 0,
    ch_kiosk             INTEGER NOT NULL DEFAULT 0,
    open                 INTEGER NOT NULL DEFAULT 0,
    finished             INTEGER NOT NULL DEFAULT 0,
    early                INTEGER NOT NULL DEFAULT 0,
    on_time              INTEGER NOT NULL DEFAULT 0,
    late                 INTEGER NOT NULL DEFAULT 0,
    refused              INTEGER NOT NULL DEFAULT 0,
    withdrawn            INTEGER NOT NULL DEFAULT 0,
    stopped              INTEGER NOT NULL DEFAULT 0,
    returned             INTEGER NOT NULL DEFAULT 0,
    supplemented         INTEGER NOT NULL DEFAULT 0,
    supplemented_twice   INTEGER NOT NULL DEFAULT 0,
    rescheduled          INTEGER NOT NULL DEFAULT 0,
    fee_due              INTEGER NOT NULL DEFAULT 0,
    paid_online          INTEGER NOT NULL DEFAULT 0,
    electronic_result    INTEGER NOT NULL DEFAULT 0,
    timed_count          INTEGER NOT NULL DEFAULT 0,
    timed_seconds        INTEGER NOT NULL DEFAULT 0,
    t_le_4h              INTEGER NOT NULL DEFAULT 0,
    t_le_8h              INTEGER NOT NULL DEFAULT 0,
    t_le_1d              INTEGER NOT NULL DEFAULT 0,
    t_le_3d              INTEGER NOT NULL DEFAULT 0,
    t_le_5d              INTEGER NOT NULL DEFAULT 0,
    t_le_10d             INTEGER NOT NULL DEFAULT 0,
    t_le_20d             INTEGER NOT NULL DEFAULT 0,
    t_le_30d             INTEGER NOT NULL DEFAULT 0,
    t_gt_30d             INTEGER NOT NULL DEFAULT 0,
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
    actions              INTEGER NOT NULL DEFAULT 0,
    finishes             INTEGER NOT NULL DEFAULT 0,
    intakes              INTEGER NOT NULL DEFAULT 0,
    refusals             INTEGER NOT NULL DEFAULT 0,
    supplement_requests  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (province_code, agency, month, officer, procedure_code)
);
