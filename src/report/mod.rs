//! Reports read results and render them; the engine never prints.

pub mod backtest;
pub mod commit;
pub mod compare;
pub mod files;
#[cfg(feature = "plots")]
pub mod html;
#[cfg(feature = "plots")]
pub mod plot;
pub mod sensitivity;
pub mod sweep;
pub mod text;
pub mod trace;

/// A label as a CSV column name: lower case, with every character other than a letter, a digit or
/// `_` replaced by `_` (`nuclear-limited` becomes `nuclear_limited`), so that pandas and R can use
/// it as an attribute or a variable.
pub fn column_name(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_names_have_no_spaces_or_dashes() {
        assert_eq!(super::column_name("nuclear-limited"), "nuclear_limited");
        assert_eq!(super::column_name("Use of Force"), "use_of_force");
    }
}
