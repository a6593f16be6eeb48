//! The citizen-and-business service index of Decision 766/QĐ-TTg (DOMAIN.md "Decision 766
//! service index"): six groups, 100 points, each metric a ratio with, where one is set, a target.
//!
//! - Score of a metric with a target: `min(max, max × ratio ÷ target)` (capped linear); without
//!   one: `max × ratio`.
//! - Metrics that do not apply to communes (the publication of the catalogue is a provincial and
//!   ministerial duty) give a commune full points.
//! - A metric whose input the system does not record yet is reported as **no data**, with the
//!   reason, and is not scored: the total then says how many points are unmeasured instead of
//!   pretending they were earned or lost.
//!
//! Choices where the decision leaves room, written down so they can be compared with the portal:
//! - *On time* (20 points) counts, among dossiers received in the period, those finished early or
//!   on time, over those whose outcome is known — finished, or still open past their appointment
//!   (late whatever happens next). Dossiers still within their time are not yet counted.
//! - The 12 points of *online service* are split 4 / 4 / 4 between its three measures (the split
//!   is not confirmed; DOMAIN.md).
//!
//! The shapes (`code`, `numerator`, `denominator`, `ratio`, `score`, `maxScore`) follow the
//! national portal's reporting API so results can be compared with the portal's.

use serde::Serialize;

/// The six groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Group {
    /// Công khai, minh bạch (18).
    Transparency,
    /// Tiến độ giải quyết (20).
    Progress,
    /// Dịch vụ công trực tuyến (12).
    OnlineService,
    /// Thanh toán trực tuyến (10).
    OnlinePayment,
    /// Số hóa hồ sơ (22).
    Digitisation,
    /// Mức độ hài lòng (18).
    Satisfaction,
}

impl Group {
    /// Every group, in the decision's order.
    pub const ALL: [Group; 6] = [
        Group::Transparency,
        Group::Progress,
        Group::OnlineService,
        Group::OnlinePayment,
        Group::Digitisation,
        Group::Satisfaction,
    ];

    /// The group's points.
    pub fn points(self) -> f64 {
        match self {
            Group::Transparency => 18.0,
            Group::Progress => 20.0,
            Group::OnlineService => 12.0,
            Group::OnlinePayment => 10.0,
            Group::Digitisation => 22.0,
            Group::Satisfaction => 18.0,
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Group::Transparency => "Công khai, minh bạch",
            Group::Progress => "Tiến độ giải quyết",
            Group::OnlineService => "Dịch vụ công trực tuyến",
            Group::OnlinePayment => "Thanh toán trực tuyến",
            Group::Digitisation => "Số hóa hồ sơ",
            Group::Satisfaction => "Mức độ hài lòng",
        }
    }
}

/// One metric of the index.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricDef {
    /// Code (the national API's where it has one).
    pub code: &'static str,
    /// Group.
    pub group: Group,
    /// Vietnamese name.
    pub name_vi: &'static str,
    /// Points.
    pub max: f64,
    /// Target ratio, when the score is capped linear.
    pub target: Option<f64>,
    /// Whether it applies to a commune (otherwise a commune gets full points).
    pub commune: bool,
}

const fn m(
    code: &'static str,
    group: Group,
    name_vi: &'static str,
    max: f64,
    target: Option<f64>,
    commune: bool,
) -> MetricDef {
    MetricDef {
        code,
        group,
        name_vi,
        max,
        target,
        commune,
    }
}

/// Every metric, by group; the points of each group add up to the group's maximum.
pub const METRICS: &[MetricDef] = &[
    m(
        "PUBLISH_ON_TIME",
        Group::Transparency,
        "Công bố TTHC đúng hạn",
        6.0,
        None,
        false,
    ),
    m(
        "PUBLIC_UPDATE_ON_TIME",
        Group::Transparency,
        "Công khai TTHC đúng hạn",
        4.0,
        None,
        false,
    ),
    m(
        "PUBLIC_CONTENT_FULL",
        Group::Transparency,
        "Công khai đầy đủ nội dung TTHC",
        2.0,
        None,
        false,
    ),
    m(
        "DOSSIER_SYNC",
        Group::Transparency,
        "Đồng bộ hồ sơ lên Cổng DVC quốc gia",
        6.0,
        None,
        true,
    ),
    m(
        "ON_TIME",
        Group::Progress,
        "Hồ sơ giải quyết đúng hạn",
        20.0,
        None,
        true,
    ),
    m(
        "FULL_ONLINE_DOSSIERS",
        Group::OnlineService,
        "Hồ sơ trực tuyến toàn trình trên hồ sơ của TTHC toàn trình",
        4.0,
        None,
        true,
    ),
    m(
        "ONLINE_PROCEDURES",
        Group::OnlineService,
        "TTHC cung cấp dịch vụ công trực tuyến",
        4.0,
        Some(0.8),
        true,
    ),
    m(
        "ONLINE_CHANNEL",
        Group::OnlineService,
        "Hồ sơ nộp trực tuyến",
        4.0,
        Some(0.5),
        true,
    ),
    m(
        "PAYABLE_ONLINE",
        Group::OnlinePayment,
        "TTHC có phí, lệ phí cho phép thanh toán trực tuyến",
        2.0,
        Some(0.8),
        true,
    ),
    m(
        "PROCEDURES_PAID_ONLINE",
        Group::OnlinePayment,
        "TTHC có phát sinh thanh toán trực tuyến",
        2.0,
        Some(0.8),
        true,
    ),
    m(
        "DOSSIERS_PAID_ONLINE",
        Group::OnlinePayment,
        "Hồ sơ thanh toán trực tuyến",
        6.0,
        None,
        true,
    ),
    m(
        "ELECTRONIC_RESULT",
        Group::Digitisation,
        "Cấp kết quả điện tử",
        6.0,
        None,
        true,
    ),
    m(
        "DIGITISED",
        Group::Digitisation,
        "Số hóa thành phần hồ sơ và kết quả",
        4.0,
        Some(0.8),
        true,
    ),
    m(
        "ELECTRONIC_COPY",
        Group::Digitisation,
        "Chứng thực bản sao điện tử",
        2.0,
        None,
        true,
    ),
    m(
        "DATA_REUSE",
        Group::Digitisation,
        "Tái sử dụng dữ liệu đã số hóa",
        2.0,
        Some(0.8),
        true,
    ),
    m(
        "PERSONAL_STORE",
        Group::Digitisation,
        "Kết nối kho dữ liệu cá nhân",
        4.0,
        None,
        true,
    ),
    m(
        "POPULATION_DB_DOSSIER",
        Group::Digitisation,
        "Hồ sơ khai thác CSDL quốc gia về dân cư",
        2.0,
        None,
        true,
    ),
    m(
        "POPULATION_DB_PROCEDURE",
        Group::Digitisation,
        "TTHC khai thác CSDL quốc gia về dân cư",
        2.0,
        None,
        true,
    ),
    m(
        "FEEDBACK_ON_TIME",
        Group::Satisfaction,
        "Xử lý phản ánh, kiến nghị đúng hạn",
        6.0,
        None,
        true,
    ),
    m(
        "FEEDBACK_SATISFACTION",
        Group::Satisfaction,
        "Hài lòng về xử lý phản ánh, kiến nghị",
        6.0,
        None,
        true,
    ),
    m(
        "PROCEDURE_SATISFACTION",
        Group::Satisfaction,
        "Hài lòng trong giải quyết TTHC",
        6.0,
        Some(0.9),
        true,
    ),
];

/// What the unit is: a commune gets full points for metrics that do not apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitLevel {
    /// A commune (its agencies together).
    Commune,
    /// One agency.
    Agency,
    /// A province.
    Province,
}

/// The input of one metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Counted by the system.
    Counted {
        /// What met the metric.
        numerator: u64,
        /// Out of.
        denominator: u64,
    },
    /// Not recorded by the system yet.
    NoData {
        /// Why, in words.
        reason: String,
    },
}

/// How a metric was scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Basis {
    /// From the counts.
    Scored,
    /// Full points: the metric does not apply to a commune.
    NotApplicable,
    /// Nothing to count in the period (denominator 0): not scored.
    Empty,
    /// The system does not record the input yet: not scored.
    NoData,
}

/// One metric's result, shaped like the national portal's reporting API.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricScore {
    /// Code.
    pub code: &'static str,
    /// Group.
    pub group: Group,
    /// Name.
    pub name: &'static str,
    /// Numerator, when counted.
    pub numerator: Option<u64>,
    /// Denominator, when counted.
    pub denominator: Option<u64>,
    /// numerator ÷ denominator, when counted and the denominator is not 0.
    pub ratio: Option<f64>,
    /// Target ratio, when set.
    pub target: Option<f64>,
    /// Points earned, when scored (or full points when not applicable).
    pub score: Option<f64>,
    /// Points available.
    pub max_score: f64,
    /// How it was scored.
    pub basis: Basis,
    /// Why there is no data, when there is none.
    pub note: Option<String>,
    /// Where the dossiers behind the counts are listed (for metrics counted over dossiers).
    pub dossiers: Option<String>,
}

/// Rounds to two decimals (points are reported to the hundredth).
fn round2(x: f64) -> f64 {
    // `+ 0.0` turns the −0.0 of an empty sum into 0.0.
    (x * 100.0).round() / 100.0 + 0.0
}

/// Scores one metric.
pub fn score(def: &MetricDef, input: &Input, level: UnitLevel) -> MetricScore {
    let base = MetricScore {
        code: def.code,
        group: def.group,
        name: def.name_vi,
        numerator: None,
        denominator: None,
        ratio: None,
        target: def.target,
        score: None,
        max_score: def.max,
        basis: Basis::NoData,
        note: None,
        dossiers: None,
    };
    if level == UnitLevel::Commune && !def.commune {
        return MetricScore {
            score: Some(def.max),
            basis: Basis::NotApplicable,
            note: Some("không áp dụng cho cấp xã: tính đủ điểm".into()),
            ..base
        };
    }
    match input {
        Input::NoData { reason } => MetricScore {
            note: Some(reason.clone()),
            ..base
        },
        Input::Counted {
            numerator,
            denominator: 0,
        } => MetricScore {
            numerator: Some(*numerator),
            denominator: Some(0),
            basis: Basis::Empty,
            note: Some("không có hồ sơ trong kỳ".into()),
            ..base
        },
        Input::Counted {
            numerator,
            denominator,
        } => {
            let ratio = *numerator as f64 / *denominator as f64;
            let raw = match def.target {
                Some(t) => (def.max * ratio / t).min(def.max),
                None => def.max * ratio,
            };
            MetricScore {
                numerator: Some(*numerator),
                denominator: Some(*denominator),
                ratio: Some((ratio * 10_000.0).round() / 10_000.0),
                score: Some(round2(raw.min(def.max))),
                basis: Basis::Scored,
                ..base
            }
        }
    }
}

/// A group's total.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupScore {
    /// The group.
    pub group: Group,
    /// Its name.
    pub name: &'static str,
    /// Points earned on the metrics scored (and those not applicable).
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// Points of metrics with no data or nothing to count (not in `score`, not lost).
    pub unmeasured: f64,
}

/// The whole index for a unit and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexScore {
    /// Points earned.
    pub total: f64,
    /// Points of metrics with no data or nothing to count.
    pub unmeasured: f64,
    /// By group.
    pub groups: Vec<GroupScore>,
    /// Every metric.
    pub metrics: Vec<MetricScore>,
}

/// Scores every metric (`input` gives each metric's input by code; a metric it does not know is
/// "no data") and adds them up by group.
pub fn compute(level: UnitLevel, input: &dyn Fn(&str) -> Option<Input>) -> IndexScore {
    let metrics: Vec<MetricScore> = METRICS
        .iter()
        .map(|d| {
            let i = input(d.code).unwrap_or(Input::NoData {
                reason: "chưa ghi nhận trong hệ thống".into(),
            });
            score(d, &i, level)
        })
        .collect();
    let groups: Vec<GroupScore> = Group::ALL
        .iter()
        .map(|g| {
            let of: Vec<&MetricScore> = metrics.iter().filter(|m| m.group == *g).collect();
            GroupScore {
                group: *g,
                name: g.name_vi(),
                score: round2(of.iter().filter_map(|m| m.score).sum()),
                max_score: g.points(),
                unmeasured: round2(
                    of.iter()
                        .filter(|m| m.score.is_none())
                        .map(|m| m.max_score)
                        .sum(),
                ),
            }
        })
        .collect();
    IndexScore {
        total: round2(groups.iter().map(|g| g.score).sum()),
        unmeasured: round2(groups.iter().map(|g| g.unmeasured).sum()),
        groups,
        metrics,
    }
}

#[cfg(test)]
mod tests;
