//! Bulk loading by `COPY … FROM STDIN (FORMAT csv)`: whole dossier histories in one
//! transaction, an order of magnitude faster than row-by-row inserts.

use crate::store::db_err;
use motcua_app::StoreError;
use motcua_app::ports::BulkBatch;
use motcua_app::store_support::json_err;
use sqlx::PgPool;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Appends one CSV row: `None` is SQL NULL (an unquoted empty field), text is always quoted.
fn csv_row(out: &mut String, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(v) = f {
            out.push('"');
            for ch in v.chars() {
                if ch == '"' {
                    out.push('"');
                }
                out.push(ch);
            }
            out.push('"');
        }
    }
    out.push('\n');
}

/// A tsvector's text form of `terms`: each quoted (`'` doubled, `\\` doubled), no position.
pub(crate) fn tsvector_text(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("'{}'", t.replace('\\', "\\\\").replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn ts(t: OffsetDateTime) -> Result<String, StoreError> {
    t.format(&Rfc3339)
        .map_err(|e| StoreError::Internal(e.to_string()))
}

/// See [`motcua_app::Store::bulk_load`].
pub(crate) async fn bulk_load(pool: &PgPool, batch: &BulkBatch) -> Result<(), StoreError> {
    let mut dossiers = String::new();
    let mut events = String::new();
    for (d, evs) in &batch.dossiers {
        let data = serde_json::to_string(d).map_err(json_err)?;
        let due = d.due_at.map(ts).transpose()?;
        let desk = motcua_app::store_support::DeskColumns::of(d);
        let search = tsvector_text(&desk.search);
        let (handler, approver) = (
            desk.handler_id.map(|u| u.to_string()),
            desk.approver_id.map(|u| u.to_string()),
        );
        csv_row(
            &mut dossiers,
            &[
                Some(&d.id.to_string()),
                Some(d.province_code.as_str()),
                Some(d.code.as_str()),
                Some(d.procedure.code.as_str()),
                Some(&d.procedure.version.to_string()),
                Some(d.status.as_str()),
                Some(&d.version.to_string()),
                Some(d.receiving_agency.as_str()),
                Some(d.competent_agency.as_str()),
                Some(d.current_agency.as_str()),
                due.as_deref(),
                Some(&ts(d.submitted_at)?),
                Some(&d.last_event_hash),
                Some(&data),
                Some(&search),
                handler.as_deref(),
                approver.as_deref(),
            ],
        );
        for e in evs {
            csv_row(
                &mut events,
                &[
                    Some(&e.id.to_string()),
                    Some(&e.dossier_id.to_string()),
                    Some(e.province_code.as_str()),
                    Some(&e.seq.to_string()),
                    Some(&e.action),
                    Some(&e.status),
                    Some(&e.actor),
                    Some(&e.agency),
                    Some(&ts(e.at)?),
                    Some(&e.payload),
                    Some(&e.prev_hash),
                    Some(&e.hash),
                ],
            );
        }
    }
    let mut tx = pool.begin().await.map_err(db_err)?;
    // A bulk load is a batch job, not a request: the pool's statement timeout (which turns a
    // runaway request into a 503) would cancel a large COPY on a busy machine (seen: a seed
    // beside a build, a COPY of 19,000 events cancelled at 5 s). For this transaction only.
    sqlx::query("SET LOCAL statement_timeout = 0")
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    if !dossiers.is_empty() {
        let mut copy = tx
            .copy_in_raw(
                "COPY dossiers (id, province_code, code, procedure_code, procedure_version, status, version, \
                 receiving_agency, competent_agency, current_agency, due_at, submitted_at, last_event_hash, data, \
                 search, handler_id, approver_id) FROM STDIN WITH (FORMAT csv)",
            )
            .await
            .map_err(db_err)?;
        copy.send(dossiers.into_bytes()).await.map_err(db_err)?;
        copy.finish().await.map_err(db_err)?;
    }
    if !events.is_empty() {
        let mut copy = tx
            .copy_in_raw(
                "COPY dossier_events (id, dossier_id, province_code, seq, action, status, actor, agency, at, \
                 payload, prev_hash, hash) FROM STDIN WITH (FORMAT csv)",
            )
            .await
            .map_err(db_err)?;
        copy.send(events.into_bytes()).await.map_err(db_err)?;
        copy.finish().await.map_err(db_err)?;
    }
    crate::kpi::add(
        &mut *tx,
        &motcua_domain::kpi::totals(batch.dossiers.iter().map(|(d, _)| d)),
    )
    .await?;
    crate::kpi::add_officers(
        &mut *tx,
        motcua_app::store_support::officer_tally(&batch.dossiers),
    )
    .await?;
    if !batch.sequences.is_empty() {
        let provinces: Vec<&str> = batch.sequences.iter().map(|s| s.0.as_str()).collect();
        let prefixes: Vec<&str> = batch.sequences.iter().map(|s| s.1.as_str()).collect();
        let lasts: Vec<i64> = batch
            .sequences
            .iter()
            .map(|s| i64::try_from(s.2).unwrap_or(i64::MAX))
            .collect();
        sqlx::query(
            "INSERT INTO code_sequences (prefix, province_code, last)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[])
             ON CONFLICT (prefix) DO UPDATE SET last = GREATEST(code_sequences.last, EXCLUDED.last)",
        )
        .bind(&prefixes)
        .bind(&provinces)
        .bind(&lasts)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)
}

#[cfg(test)]
mod tests {
    use super::csv_row;

    #[test]
    fn csv_rows_quote_text_and_leave_null_empty() {
        let cases: &[(&[Option<&str>], &str)] = &[
            (&[Some("a"), None, Some("")], "\"a\",,\"\"\n"),
            (&[Some("say \"hi\", ok")], "\"say \"\"hi\"\", ok\"\n"),
            (
                &[Some("line\nbreak"), Some("Đắk Lắk")],
                "\"line\nbreak\",\"Đắk Lắk\"\n",
            ),
        ];
        for (fields, want) in cases {
            let mut out = String::new();
            csv_row(&mut out, fields);
            assert_eq!(&out, want);
        }
    }
}
