//! CSV import of procedure lists (as provinces publish them): one row per procedure, columns
//! `code,name,name_en,field,level,agency_kind,processing_value,processing_unit,fee_vnd,full_online,boundary_free`.
//! A list has no components, so each record gets one case without components and is marked
//! `cases.components` unconfirmed until completed.

use super::{Case, Channel, ChannelOffer, Fee, Procedure};
use crate::calendar::{ProcessingTime, TimeUnit};
use crate::ids::ProcedureCode;
use serde::Deserialize;

#[derive(Deserialize)]
struct Row {
    code: String,
    name: String,
    #[serde(default)]
    name_en: String,
    field: String,
    level: String,
    agency_kind: String,
    processing_value: u32,
    processing_unit: String,
    #[serde(default)]
    fee_vnd: String,
    #[serde(default)]
    full_online: String,
    #[serde(default)]
    boundary_free: String,
}

/// A CSV row could not be read.
#[derive(Debug, thiserror::Error)]
#[error("procedure CSV row {row}: {message}")]
pub struct CsvError {
    /// 1-based line number (the header is line 1).
    pub row: usize,
    /// What is wrong.
    pub message: String,
}

fn flag(s: &str) -> bool {
    matches!(
        s.trim().to_lowercase().as_str(),
        "true" | "1" | "yes" | "x" | "có"
    )
}

/// Parses a procedure list.
pub fn parse(text: &str) -> Result<Vec<Procedure>, CsvError> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, r) in rdr.deserialize::<Row>().enumerate() {
        let row = i + 2;
        let err = |m: String| CsvError { row, message: m };
        let r = r.map_err(|e| err(e.to_string()))?;
        let enum_of = |field: &str, v: &str| -> Result<serde_json::Value, CsvError> {
            Ok(serde_json::Value::String(v.trim().to_owned())).and_then(|x| {
                if v.trim().is_empty() {
                    Err(err(format!("{field} is empty")))
                } else {
                    Ok(x)
                }
            })
        };
        let level = serde_json::from_value(enum_of("level", &r.level)?)
            .map_err(|e| err(format!("level: {e}")))?;
        let kind = serde_json::from_value(enum_of("agency_kind", &r.agency_kind)?)
            .map_err(|e| err(format!("agency_kind: {e}")))?;
        let unit = TimeUnit::parse(r.processing_unit.trim()).ok_or_else(|| {
            err("processing_unit: working-days, working-hours, days, months or same-day".into())
        })?;
        let fees = match r.fee_vnd.trim() {
            "" => vec![],
            v => vec![Fee {
                name: "Lệ phí".into(),
                amount_vnd: Some(
                    v.parse()
                        .map_err(|_| err("fee_vnd must be a whole number".into()))?,
                ),
                note: None,
            }],
        };
        let time = ProcessingTime {
            value: r.processing_value,
            unit,
        };
        let full_online = flag(&r.full_online);
        let mut channels = vec![ChannelOffer {
            channel: Channel::Direct,
            processing_time: time,
            fees: fees.clone(),
            note: None,
        }];
        if full_online {
            channels.push(ChannelOffer {
                channel: Channel::Online,
                processing_time: time,
                fees,
                note: None,
            });
        }
        let p = Procedure {
            code: ProcedureCode::parse(&r.code).map_err(|e| err(e.to_string()))?,
            version: 0,
            name: r.name.trim().to_owned(),
            name_en: Some(r.name_en.trim().to_owned()).filter(|s| !s.is_empty()),
            field: r.field.trim().to_owned(),
            levels: vec![level],
            competent_agency_kind: kind,
            description: None,
            steps: vec![],
            cases: vec![Case {
                code: "default".into(),
                name: "Trường hợp thông thường".into(),
                components: vec![],
                declaration: None,
            }],
            channels,
            requirements: vec![],
            legal_basis: vec![],
            results: vec![],
            full_online,
            boundary_free: flag(&r.boundary_free),
            unconfirmed: vec!["cases.components".into()],
        };
        p.validate().map_err(|e| err(e.to_string()))?;
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Procedure {
        fn processing_unit_for_test(&self) -> TimeUnit {
            self.channels[0].processing_time.unit
        }
    }

    #[test]
    fn a_list_row_becomes_a_procedure_with_one_case() {
        let csv = "code,name,name_en,field,level,agency_kind,processing_value,processing_unit,fee_vnd,full_online,boundary_free\n\
                   1.001193,Đăng ký khai sinh,Birth registration,Hộ tịch,commune,commune_peoples_committee,0,same-day,,true,false\n";
        let ps = parse(csv).unwrap();
        assert_eq!(ps.len(), 1);
        assert_eq!(ps[0].channels.len(), 2);
        assert_eq!(ps[0].processing_unit_for_test(), TimeUnit::SameDay);
    }

    #[test]
    fn a_bad_unit_names_the_row() {
        let csv = "code,name,name_en,field,level,agency_kind,processing_value,processing_unit\n\
                   1.1,X,,F,commune,commune_police,3,weeks\n";
        let e = parse(csv).unwrap_err();
        assert_eq!(e.row, 2);
    }
}
