//! Office hours: the periods of a working day during which working time runs.

use serde::{Deserialize, Serialize};
use time::Time;

/// One period of a working day, e.g. 07:30–11:30.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficePeriod {
    /// Opening time.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "07:30"))]
    #[serde(with = "hhmm")]
    pub open: Time,
    /// Closing time.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "11:30"))]
    #[serde(with = "hhmm")]
    pub close: Time,
}

/// A unit's office hours: ordered, non-overlapping periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficeHours {
    periods: Vec<OfficePeriod>,
}

impl Default for OfficeHours {
    /// 07:30–11:30 and 13:00–17:00, the usual hours of a one-stop counter.
    fn default() -> Self {
        Self {
            periods: vec![
                OfficePeriod {
                    open: time::macros::time!(07:30),
                    close: time::macros::time!(11:30),
                },
                OfficePeriod {
                    open: time::macros::time!(13:00),
                    close: time::macros::time!(17:00),
                },
            ],
        }
    }
}

impl<'de> Deserialize<'de> for OfficeHours {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            periods: Vec<OfficePeriod>,
        }
        let raw = Raw::deserialize(d)?;
        OfficeHours::new(raw.periods).map_err(serde::de::Error::custom)
    }
}

impl OfficeHours {
    /// Office hours from periods; they must be non-empty, each open before close, in order and
    /// not overlapping.
    pub fn new(periods: Vec<OfficePeriod>) -> Result<Self, String> {
        if periods.is_empty() {
            return Err("office hours need at least one period".into());
        }
        for p in &periods {
            if p.open >= p.close {
                return Err(format!(
                    "period {}–{} closes before it opens",
                    p.open, p.close
                ));
            }
        }
        for w in periods.windows(2) {
            if w[0].close > w[1].open {
                return Err("office periods must be in order and must not overlap".into());
            }
        }
        Ok(Self { periods })
    }

    /// Parses `"07:30-11:30,13:00-17:00"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let periods = s
            .split(',')
            .map(|p| {
                let (a, b) = p
                    .trim()
                    .split_once('-')
                    .ok_or_else(|| format!("bad period {p:?}"))?;
                Ok(OfficePeriod {
                    open: hhmm::parse(a.trim())?,
                    close: hhmm::parse(b.trim())?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Self::new(periods)
    }

    /// The periods in order.
    pub fn periods(&self) -> &[OfficePeriod] {
        &self.periods
    }

    /// Seconds of office time in one working day.
    pub fn day_seconds(&self) -> i64 {
        self.periods
            .iter()
            .map(|p| (p.close - p.open).whole_seconds())
            .sum()
    }

    /// Opening time of the day.
    pub fn opening(&self) -> Time {
        self.periods[0].open
    }

    /// True when `t` is within a period, opening and closing instants included.
    pub fn contains(&self, t: Time) -> bool {
        self.periods.iter().any(|p| p.open <= t && t <= p.close)
    }

    /// Closing time of the day.
    pub fn closing(&self) -> Time {
        self.periods[self.periods.len() - 1].close
    }
}

/// `HH:MM` (de)serialisation of times.
pub(crate) mod hhmm {
    use time::Time;

    pub(crate) fn parse(s: &str) -> Result<Time, String> {
        let (h, m) = s
            .split_once(':')
            .ok_or_else(|| format!("time {s:?} is not HH:MM"))?;
        let h: u8 = h.parse().map_err(|_| format!("time {s:?} is not HH:MM"))?;
        let m: u8 = m.parse().map_err(|_| format!("time {s:?} is not HH:MM"))?;
        Time::from_hms(h, m, 0).map_err(|e| e.to_string())
    }

    pub(crate) fn serialize<S: serde::Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:02}:{:02}", t.hour(), t.minute()))
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Time, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        parse(&s).map_err(serde::de::Error::custom)
    }
}
