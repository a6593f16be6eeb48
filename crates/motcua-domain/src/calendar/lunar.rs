//! The Vietnamese lunisolar calendar, computed with Hồ Ngọc Đức's algorithm at UTC+7.
//!
//! Vietnam's calendar is the Chinese one computed for Vietnam's meridian (UTC+7). Chinese-calendar
//! code uses UTC+8 and gets Tết wrong in 1985, 2007, 2030 and 2053 (DOMAIN.md), so we compute our
//! own: new moons from the Meeus-style series in Hồ Ngọc Đức's published algorithm, month 11 as the
//! month containing the winter solstice, the leap month as the first month without a major solar
//! term. Valid for 1900–2100, the range the tests check.

use time::{Date, Month};

/// Vietnam's offset from UTC in hours, the meridian the calendar is computed for.
const TIME_ZONE: f64 = 7.0;

fn int(x: f64) -> i64 {
    x.floor() as i64
}

fn jd(date: Date) -> i64 {
    i64::from(date.to_julian_day())
}

fn date_from_jd(jd: i64) -> Date {
    Date::from_julian_day(jd as i32).expect("julian day in range")
}

/// Julian day (fractional) of the k-th new moon after 1900-01-01 (Hồ Ngọc Đức's `NewMoon`).
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = std::f64::consts::PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let deltat = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd1 + c1 - deltat
}

/// The sun's apparent longitude in radians, normalised to [0, 2π) (`SunLongitude`).
fn sun_longitude(jdn: f64) -> f64 {
    let t = (jdn - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = std::f64::consts::PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let mut dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin();
    dl = dl + (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin() + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    let two_pi = std::f64::consts::PI * 2.0;
    l - two_pi * (l / two_pi).floor()
}

/// Which of the 12 thirty-degree sectors the sun is in at local midnight of day `day_number`.
fn sun_sector(day_number: i64) -> i64 {
    int(sun_longitude(day_number as f64 - 0.5 - TIME_ZONE / 24.0) / std::f64::consts::PI * 6.0)
}

/// The local day (Julian day number) of the k-th new moon.
fn new_moon_day(k: i64) -> i64 {
    int(new_moon(k) + 0.5 + TIME_ZONE / 24.0)
}

/// The first day of lunar month 11 (the month containing the winter solstice) of year `yy`.
fn lunar_month_11(yy: i32) -> i64 {
    let off = jd(Date::from_calendar_date(yy, Month::December, 31).expect("valid")) - 2415021;
    let k = int(off as f64 / 29.530588853);
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Offset (in months after month 11) of the leap month in a year with 13 months.
fn leap_month_offset(a11: i64) -> i64 {
    let k = int((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5);
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// A date in the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LunarDate {
    /// Day of the month, 1–30.
    pub day: u8,
    /// Month, 1–12.
    pub month: u8,
    /// Lunar year (the solar year in which its month 1 mostly falls).
    pub year: i32,
    /// True in a leap (intercalary) month.
    pub leap: bool,
}

/// Converts a lunar date to the solar (Gregorian) date, or `None` if it does not exist (a leap
/// month that the year does not have, or a day past the month's end is not checked here).
pub fn lunar_to_solar(l: LunarDate) -> Option<Date> {
    let (a11, b11) = if l.month < 11 {
        (lunar_month_11(l.year - 1), lunar_month_11(l.year))
    } else {
        (lunar_month_11(l.year), lunar_month_11(l.year + 1))
    };
    let k = int(0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853);
    let mut off = i64::from(l.month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if l.leap && i64::from(l.month) != leap_month {
            return None;
        } else if l.leap || off >= leap_off {
            off += 1;
        }
    } else if l.leap {
        return None;
    }
    let month_start = new_moon_day(k + off);
    Some(date_from_jd(month_start + i64::from(l.day) - 1))
}

/// Converts a solar date to the lunar date.
pub fn solar_to_lunar(date: Date) -> LunarDate {
    let day_number = jd(date);
    let k = int((day_number as f64 - 2415021.076998695) / 29.530588853);
    let mut month_start = new_moon_day(k + 1);
    if month_start > day_number {
        month_start = new_moon_day(k);
    }
    let yy = date.year();
    let mut a11 = lunar_month_11(yy);
    let mut b11 = a11;
    let lunar_year;
    if a11 >= month_start {
        lunar_year = yy;
        a11 = lunar_month_11(yy - 1);
    } else {
        lunar_year = yy + 1;
        b11 = lunar_month_11(yy + 1);
    }
    let lunar_day = day_number - month_start + 1;
    let diff = int((month_start - a11) as f64 / 29.0);
    let mut leap = false;
    let mut lunar_month = diff + 11;
    if b11 - a11 > 365 {
        let leap_month_diff = leap_month_offset(a11);
        if diff >= leap_month_diff {
            lunar_month = diff + 10;
            if diff == leap_month_diff {
                leap = true;
            }
        }
    }
    if lunar_month > 12 {
        lunar_month -= 12;
    }
    let lunar_year = if lunar_month >= 11 && diff < 4 {
        lunar_year - 1
    } else {
        lunar_year
    };
    LunarDate {
        day: lunar_day as u8,
        month: lunar_month as u8,
        year: lunar_year,
        leap,
    }
}

/// The first day of the lunar year `year` (Tết Nguyên Đán), in the solar calendar.
pub fn tet(year: i32) -> Date {
    lunar_to_solar(LunarDate {
        day: 1,
        month: 1,
        year,
        leap: false,
    })
    .expect("month 1 is never a leap month")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn tet_matches_the_published_dates() {
        let known = [
            (1985, date!(1985 - 01 - 21)),
            (2007, date!(2007 - 02 - 17)),
            (2024, date!(2024 - 02 - 10)),
            (2025, date!(2025 - 01 - 29)),
            (2026, date!(2026 - 02 - 17)),
            (2027, date!(2027 - 02 - 06)),
            (2028, date!(2028 - 01 - 26)),
            (2029, date!(2029 - 02 - 13)),
            (2030, date!(2030 - 02 - 02)),
            (2053, date!(2053 - 02 - 18)),
        ];
        for (year, want) in known {
            assert_eq!(tet(year), want, "Tết {year}");
        }
    }

    #[test]
    fn solar_to_lunar_inverts_lunar_to_solar_for_every_day_of_2025() {
        let mut d = date!(2025 - 01 - 01);
        while d.year() == 2025 {
            let l = solar_to_lunar(d);
            assert_eq!(lunar_to_solar(l), Some(d), "{d} -> {l:?}");
            d = d.next_day().unwrap();
        }
    }

    #[test]
    fn year_2025_has_leap_sixth_month() {
        // Ất Tỵ 2025 has a leap 6th month starting 2025-07-25.
        let l = LunarDate {
            day: 1,
            month: 6,
            year: 2025,
            leap: true,
        };
        assert_eq!(lunar_to_solar(l), Some(date!(2025 - 07 - 25)));
        assert_eq!(
            lunar_to_solar(LunarDate {
                leap: true,
                month: 5,
                ..l
            }),
            None
        );
    }

    #[test]
    fn hung_kings_day_2025_is_april_7() {
        let l = LunarDate {
            day: 10,
            month: 3,
            year: 2025,
            leap: false,
        };
        assert_eq!(lunar_to_solar(l), Some(date!(2025 - 04 - 07)));
    }
}
