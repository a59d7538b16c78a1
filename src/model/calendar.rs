//! Calendar dates of steps: a scenario that says when step 0 is (`start`) shows every step as a
//! date (`2025-03` for a month, `1914-08-04` for a day) rather than a number (`m8`, `d7`).

use crate::scenario::{Step, StepUnit};

/// A calendar date, `YYYY-MM-DD` (the day 1 where the scenario gives only `YYYY-MM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// The day of the month, 1–31.
    pub day: u32,
}

impl Date {
    /// Reads `YYYY-MM` or `YYYY-MM-DD`; `None` if it is not a real date.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = match parts.next() {
            Some(d) => d.parse().ok()?,
            None => 1,
        };
        let date = Date { year, month, day };
        let valid = parts.next().is_none()
            && (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day);
        valid.then_some(date)
    }

    /// The date `days` days later.
    fn plus_days(self, days: i64) -> Date {
        from_days(to_days(self) + days)
    }

    /// The date `months` months later, on the same day (or the month's last day).
    fn plus_months(self, months: i64) -> Date {
        let index = i64::from(self.year) * 12 + i64::from(self.month - 1) + months;
        let (year, month) = (index.div_euclid(12) as i32, index.rem_euclid(12) as u32 + 1);
        Date {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The label of `step` in outputs: with a start date, the step's date at the unit's precision
/// (`2025-03`, `1914-08-04`, `2026-Q2`, `2030`); without, the unit's prefix and the number (`m8`).
pub fn step_label(unit: StepUnit, start: Option<Date>, step: Step) -> String {
    let Some(start) = start else {
        return format!("{}{step}", unit.prefix());
    };
    let n = i64::from(step);
    match unit {
        StepUnit::Day => ymd(start.plus_days(n)),
        StepUnit::Week => ymd(start.plus_days(7 * n)),
        StepUnit::Month => {
            let d = start.plus_months(n);
            format!("{:04}-{:02}", d.year, d.month)
        }
        StepUnit::Quarter => {
            let d = start.plus_months(3 * n);
            format!("{:04}-Q{}", d.year, (d.month - 1) / 3 + 1)
        }
        StepUnit::Year => format!("{:04}", i64::from(start.year) + n),
    }
}

fn ymd(d: Date) -> String {
    d.to_string()
}

fn leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1 March of year 0 of the proleptic Gregorian calendar: years counted from March, so
/// that the leap day falls at a year's end.
fn to_days(d: Date) -> i64 {
    let (y, m) = if d.month <= 2 {
        (i64::from(d.year) - 1, i64::from(d.month) + 9)
    } else {
        (i64::from(d.year), i64::from(d.month) - 3)
    };
    365 * y + y.div_euclid(4) - y.div_euclid(100)
        + y.div_euclid(400)
        + (153 * m + 2) / 5
        + i64::from(d.day)
        - 1
}

fn from_days(days: i64) -> Date {
    // The year from March: 400-year cycles of 146,097 days, then the year within.
    let mut y = (10_000 * days + 14_780).div_euclid(3_652_425);
    let day_of_year =
        |y: i64| days - (365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400));
    let mut doy = day_of_year(y);
    if doy < 0 {
        y -= 1;
        doy = day_of_year(y);
    }
    let m = (100 * doy + 52) / 3_060;
    let month = (m + 2) % 12 + 1;
    let year = y + (m + 2) / 12;
    let day = doy - (m * 306 + 5) / 10 + 1;
    Date {
        year: year as i32,
        month: month as u32,
        day: day as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_numbers() {
        let mut d = Date::parse("1899-12-25").unwrap();
        for _ in 0..60_000 {
            let next = d.plus_days(1);
            assert_eq!(to_days(next), to_days(d) + 1);
            assert_eq!(from_days(to_days(d)), d);
            assert!(next > d);
            d = next;
        }
    }

    #[test]
    fn labels_follow_the_unit() {
        let july_1914 = Date::parse("1914-07-28");
        assert_eq!(step_label(StepUnit::Day, july_1914, 7), "1914-08-04");
        assert_eq!(step_label(StepUnit::Day, july_1914, 0), "1914-07-28");
        let july_2024 = Date::parse("2024-07");
        assert_eq!(step_label(StepUnit::Month, july_2024, 16), "2025-11");
        assert_eq!(step_label(StepUnit::Month, july_2024, 5), "2024-12");
        assert_eq!(step_label(StepUnit::Quarter, july_2024, 2), "2025-Q1");
        assert_eq!(step_label(StepUnit::Year, july_2024, 6), "2030");
        assert_eq!(
            step_label(StepUnit::Week, Date::parse("2024-02-26"), 1),
            "2024-03-04"
        );
        assert_eq!(step_label(StepUnit::Month, None, 8), "m8");
        assert_eq!(
            step_label(StepUnit::Month, Date::parse("2024-01-31"), 1),
            "2024-02"
        );
    }

    #[test]
    fn only_real_dates_parse() {
        for bad in [
            "2024",
            "2024-13",
            "2023-02-29",
            "2024-00-10",
            "24-07-01x",
            "2024-07-01-02",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }
}
