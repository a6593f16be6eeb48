//! Integrity signals (issue #7): evidence for a leader to review, never a verdict.
//!
//! - **Brokers** (*cò hồ sơ*): one phone number or e-mail address given as the contact of many
//!   unrelated applicants in a period. "Unrelated" is read from the applicants themselves: at
//!   least `threshold` different citizens (ID numbers) with at least three different family
//!   names — a parent filing for their children shares one contact with one or two family names
//!   and is not flagged.
//! - **Forbidden demands**: a refusal or supplement request of an in-person filing that asks for a
//!   VNeID account or for proof that an old address matches the new one — both forbidden by
//!   Official Dispatch 111/CĐ-TTg (17 July 2025).
//! - **Outliers**: a unit or officer whose rate (refusals, supplement requests, late results) for
//!   a procedure is far above its peers' for the same procedure.

use crate::catalogue::Channel;
use crate::dossier::{Dossier, Status};
use crate::text::fold;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;

/// Which contact joins the dossiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ContactKind {
    /// The applicant's phone number.
    Phone,
    /// The applicant's e-mail address.
    Email,
}

/// A contact given by applicants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    /// Phone or e-mail.
    pub kind: ContactKind,
    /// As given (e-mail in lower case).
    pub value: String,
}

/// One dossier behind a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Dossier code.
    pub code: String,
    /// Applicant's name.
    pub applicant: String,
    /// Procedure code.
    pub procedure: String,
    /// Receiving agency.
    pub agency: String,
    /// How it was filed.
    pub channel: Channel,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub submitted_at: OffsetDateTime,
}

/// One contact shared by many unrelated applicants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrokerCluster {
    /// The contacts shared (a phone number, an e-mail address, or both for the same dossiers).
    pub contacts: Vec<Contact>,
    /// The contacts as one line.
    pub contact: String,
    /// Different applicants (ID numbers).
    pub applicants: usize,
    /// Different family names among them.
    pub family_names: usize,
    /// Agencies where the dossiers were received.
    pub agencies: Vec<String>,
    /// First and last filing.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub first: OffsetDateTime,
    /// Last filing.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub last: OffsetDateTime,
    /// The dossiers, oldest first.
    pub dossiers: Vec<Evidence>,
}

/// The family name: the first word of a Vietnamese full name, folded.
pub fn family_name(full: &str) -> String {
    fold(full).split(' ').next().unwrap_or_default().to_owned()
}

/// The fewest different family names that make applicants "unrelated".
pub const MIN_FAMILY_NAMES: usize = 3;

/// Contacts shared by at least `threshold` different applicants with at least
/// [`MIN_FAMILY_NAMES`] family names, most applicants first.
pub fn broker_clusters(dossiers: &[Dossier], threshold: usize) -> Vec<BrokerCluster> {
    let mut by: BTreeMap<(ContactKind, String), Vec<&Dossier>> = BTreeMap::new();
    for d in dossiers {
        by.entry((ContactKind::Phone, d.applicant.phone.to_string()))
            .or_default()
            .push(d);
        if let Some(e) = d
            .applicant
            .email
            .as_deref()
            .map(|e| e.trim().to_lowercase())
            .filter(|e| !e.is_empty())
        {
            by.entry((ContactKind::Email, e)).or_default().push(d);
        }
    }
    let out: Vec<BrokerCluster> = by
        .into_iter()
        .filter_map(|((kind, contact), mut ds)| {
            let applicants: BTreeSet<&str> =
                ds.iter().map(|d| d.applicant.id_number.as_str()).collect();
            let families: BTreeSet<String> =
                ds.iter().map(|d| family_name(&d.applicant.name)).collect();
            if applicants.len() < threshold.max(2) || families.len() < MIN_FAMILY_NAMES {
                return None;
            }
            ds.sort_by_key(|d| (d.submitted_at, d.code.as_str().to_owned()));
            let agencies: BTreeSet<String> =
                ds.iter().map(|d| d.receiving_agency.to_string()).collect();
            Some(BrokerCluster {
                contacts: vec![Contact {
                    kind,
                    value: contact.clone(),
                }],
                contact,
                applicants: applicants.len(),
                family_names: families.len(),
                agencies: agencies.into_iter().collect(),
                first: ds.first()?.submitted_at,
                last: ds.last()?.submitted_at,
                dossiers: ds
                    .iter()
                    .map(|d| Evidence {
                        code: d.code.to_string(),
                        applicant: d.applicant.name.clone(),
                        procedure: d.procedure.code.to_string(),
                        agency: d.receiving_agency.to_string(),
                        channel: d.channel,
                        submitted_at: d.submitted_at,
                    })
                    .collect(),
            })
        })
        .collect();
    // A phone and an e-mail address given for the same dossiers are one cluster.
    let mut merged: Vec<BrokerCluster> = Vec::new();
    for c in out {
        let codes: Vec<&str> = c.dossiers.iter().map(|d| d.code.as_str()).collect();
        match merged.iter_mut().find(|m| {
            m.dossiers
                .iter()
                .map(|d| d.code.as_str())
                .collect::<Vec<_>>()
                == codes
        }) {
            Some(m) => m.contacts.extend(c.contacts),
            None => merged.push(c),
        }
    }
    for m in &mut merged {
        m.contact = m
            .contacts
            .iter()
            .map(|c| c.value.as_str())
            .collect::<Vec<_>>()
            .join(" · ");
    }
    merged.sort_by(|a, b| {
        b.applicants
            .cmp(&a.applicants)
            .then(a.contact.cmp(&b.contact))
    });
    merged
}

/// What a forbidden demand asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ForbiddenDemand {
    /// A VNeID account (an in-person filing never requires one).
    VneidAccount,
    /// Proof that an old address matches the new one after the 2025 merger.
    AddressProof,
}

/// Whether `text` demands something Official Dispatch 111/CĐ-TTg forbids asking of an in-person
/// applicant.
pub fn forbidden_demand(text: &str) -> Option<ForbiddenDemand> {
    let t = fold(text);
    let has = |w: &str| t.contains(w);
    if has("vneid")
        || has("vn eid")
        || has("tai khoan dinh danh")
        || has("dinh danh dien tu")
        || has("dinh danh muc 2")
    {
        return Some(ForbiddenDemand::VneidAccount);
    }
    let about_address = has("dia chi cu")
        || has("dia chi moi")
        || has("noi cu tru cu")
        || has("don vi hanh chinh cu")
        || has("sap nhap")
        || has("sau sap xep");
    let proof = has("xac nhan") || has("chung minh") || has("giay to") || has("doi chieu");
    (about_address && proof).then_some(ForbiddenDemand::AddressProof)
}

/// A flagged refusal or supplement request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemandFlag {
    /// Dossier code.
    pub code: String,
    /// What was asked.
    pub demand: ForbiddenDemand,
    /// `refusal` or `supplement_request`.
    pub action: &'static str,
    /// The text that asked it.
    pub text: String,
    /// The agency holding the dossier.
    pub agency: String,
    /// How it was filed.
    pub channel: Channel,
}

/// Refusals and supplement requests of in-person filings that demand what is forbidden.
pub fn demand_flags(dossiers: &[Dossier]) -> Vec<DemandFlag> {
    let mut out = Vec::new();
    for d in dossiers {
        if !matches!(d.channel, Channel::Direct | Channel::Kiosk) {
            continue;
        }
        let mut texts: Vec<(&'static str, String)> = Vec::new();
        if d.status == Status::Refused
            && let Some(r) = &d.reason
        {
            texts.push(("refusal", r.clone()));
        }
        for it in &d.supplement_items {
            if let Some(n) = &it.note {
                texts.push(("supplement_request", n.clone()));
            }
        }
        for (action, text) in texts {
            if let Some(demand) = forbidden_demand(&text) {
                out.push(DemandFlag {
                    code: d.code.to_string(),
                    demand,
                    action,
                    text,
                    agency: d.current_agency.to_string(),
                    channel: d.channel,
                });
            }
        }
    }
    out
}

/// One rate to compare: who, for which procedure, how many of how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateInput {
    /// A unit, agency or officer.
    pub who: String,
    /// The procedure.
    pub procedure: String,
    /// Events counted (refusals, supplement requests, late results).
    pub numerator: i64,
    /// Out of.
    pub denominator: i64,
}

/// A rate far above the peers'.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outlier {
    /// Who.
    pub who: String,
    /// The procedure.
    pub procedure: String,
    /// Own count.
    pub numerator: i64,
    /// Own base.
    pub denominator: i64,
    /// Own rate, 0–1.
    pub rate: f64,
    /// The others' rate for the same procedure, 0–1.
    pub peer_rate: f64,
}

/// How far above its peers a rate must be to be flagged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutlierRule {
    /// Smallest base (denominator) worth judging.
    pub min_base: i64,
    /// At least this many times the peers' rate.
    pub factor: f64,
    /// And at least this much above it (absolute, 0–1).
    pub margin: f64,
}

impl Default for OutlierRule {
    fn default() -> Self {
        Self {
            min_base: 10,
            factor: 2.0,
            margin: 0.15,
        }
    }
}

/// Rates far above the peers' for the same procedure. Peers are everyone else with the same
/// procedure; with no peer base there is nothing to compare and nothing is flagged.
pub fn outliers(inputs: &[RateInput], rule: OutlierRule) -> Vec<Outlier> {
    let mut totals: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for i in inputs {
        let t = totals.entry(i.procedure.as_str()).or_default();
        t.0 += i.numerator;
        t.1 += i.denominator;
    }
    let mut out: Vec<Outlier> = inputs
        .iter()
        .filter(|i| i.denominator >= rule.min_base)
        .filter_map(|i| {
            let (n, d) = totals.get(i.procedure.as_str())?;
            let (pn, pd) = (n - i.numerator, d - i.denominator);
            if pd <= 0 {
                return None;
            }
            let rate = i.numerator as f64 / i.denominator as f64;
            let peer = pn as f64 / pd as f64;
            (rate >= peer * rule.factor && rate >= peer + rule.margin).then(|| Outlier {
                who: i.who.clone(),
                procedure: i.procedure.clone(),
                numerator: i.numerator,
                denominator: i.denominator,
                rate: (rate * 10_000.0).round() / 10_000.0,
                peer_rate: (peer * 10_000.0).round() / 10_000.0,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (b.rate - b.peer_rate)
            .partial_cmp(&(a.rate - a.peer_rate))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}
