//! The pathway of a run: its course of escalation as one canonical value, shared by the engine that
//! builds it and every report that shows it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The course of escalation of one run: the conflicts that drew in a third party or reached war, in
/// order of starting, each followed by its entries. Written `RUS>UKR@5 | PRK+RUS:rus_prk_2024`:
/// `A>B@L` for a conflict A opened against B that peaked at level L, `H+P:treaty` for H joining
/// partner P's side through a treaty, `X+Y:voluntary` for X joining Y's side of its own accord, all
/// separated by ` | `. The empty pathway: no conflict drew in a third party or reached war.
///
/// Pathways compare and order as their text, so counts keyed by pathway are ordered as the text is.
///
/// ```
/// use casus::model::{Pathway, PathwayStep};
///
/// let p: Pathway = "RUS>UKR@5 | PRK+RUS:rus_prk_2024".parse().unwrap();
/// let steps: Vec<PathwayStep> = p.steps().collect();
/// assert_eq!(steps[0], PathwayStep::Conflict { opener: "RUS", target: "UKR", peak: 5 });
/// assert_eq!(p.to_string(), "RUS>UKR@5 | PRK+RUS:rus_prk_2024");
/// assert!("RUS>UKR".parse::<Pathway>().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pathway {
    /// The canonical text; every constructor keeps it well formed.
    text: String,
}

/// One step of a pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathwayStep<'a> {
    /// A conflict `opener` began against `target`, and its peak level (0–7).
    Conflict {
        /// The actor that opened it.
        opener: &'a str,
        /// The actor it opened it against.
        target: &'a str,
        /// Its highest level.
        peak: u8,
    },
    /// `joiner` joined `partner`'s side through an obligation of `treaty`.
    Treaty {
        /// The actor that joined.
        joiner: &'a str,
        /// The partner it joined.
        partner: &'a str,
        /// The treaty's id.
        treaty: &'a str,
    },
    /// `joiner` joined `side_of`'s side of its own accord.
    Voluntary {
        /// The actor that joined.
        joiner: &'a str,
        /// The founder whose side it joined.
        side_of: &'a str,
    },
}

const SEPARATOR: &str = " | ";

impl PathwayStep<'_> {
    /// Reads one step's text.
    fn parse(part: &str) -> Option<PathwayStep<'_>> {
        if let Some((pair, peak)) = part.split_once('@') {
            let (opener, target) = pair.split_once('>')?;
            let peak = peak.parse().ok().filter(|&k: &u8| k <= 7)?;
            return Some(PathwayStep::Conflict {
                opener,
                target,
                peak,
            });
        }
        let (pair, via) = part.split_once(':')?;
        let (joiner, with) = pair.split_once('+')?;
        Some(match via {
            "voluntary" => PathwayStep::Voluntary {
                joiner,
                side_of: with,
            },
            treaty => PathwayStep::Treaty {
                joiner,
                partner: with,
                treaty,
            },
        })
    }
}

impl fmt::Display for PathwayStep<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathwayStep::Conflict {
                opener,
                target,
                peak,
            } => write!(f, "{opener}>{target}@{peak}"),
            PathwayStep::Treaty {
                joiner,
                partner,
                treaty,
            } => write!(f, "{joiner}+{partner}:{treaty}"),
            PathwayStep::Voluntary { joiner, side_of } => write!(f, "{joiner}+{side_of}:voluntary"),
        }
    }
}

impl Pathway {
    /// Whether no conflict drew in a third party or reached war.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its steps in order.
    pub fn steps(&self) -> impl Iterator<Item = PathwayStep<'_>> {
        self.text
            .split(SEPARATOR)
            .filter(|s| !s.is_empty())
            // Every constructor checks each step: parsing cannot fail here.
            .filter_map(PathwayStep::parse)
    }

    /// Appends a step.
    pub fn push(&mut self, step: PathwayStep<'_>) {
        if !self.text.is_empty() {
            self.text.push_str(SEPARATOR);
        }
        fmt::Write::write_fmt(&mut self.text, format_args!("{step}"))
            .expect("writing to a String cannot fail");
    }

    /// Appends another pathway's steps.
    pub fn extend(&mut self, other: &Pathway) {
        if !other.is_empty() {
            if !self.text.is_empty() {
                self.text.push_str(SEPARATOR);
            }
            self.text.push_str(&other.text);
        }
    }

    /// The text, cut after about `max_chars` characters at a step boundary, saying how many steps
    /// are left out: `A>B@5 | ... 12 more`.
    pub fn shortened(&self, max_chars: usize) -> String {
        if self.text.chars().count() <= max_chars {
            return self.text.clone();
        }
        let steps: Vec<&str> = self.text.split(SEPARATOR).collect();
        let mut shown = String::new();
        let mut kept = 0;
        for step in &steps {
            if shown.chars().count() + step.chars().count() + 3 > max_chars && kept > 0 {
                break;
            }
            if kept > 0 {
                shown.push_str(SEPARATOR);
            }
            shown.push_str(step);
            kept += 1;
        }
        if kept < steps.len() {
            shown.push_str(&format!(" | ... {} more", steps.len() - kept));
        }
        shown
    }

    /// The pathway told in words, with `levels` naming the levels 0–7: `RUS>UKR@5 |
    /// PRK+RUS:rus_prk_2024` becomes "RUS opened a conflict with UKR that peaked at war (5); PRK
    /// joined RUS under rus_prk_2024."
    pub fn explain(&self, levels: &[String]) -> String {
        if self.is_empty() {
            return "No conflict drew in a third party or reached war.".to_owned();
        }
        let parts: Vec<String> = self
            .steps()
            .map(|step| match step {
                PathwayStep::Conflict {
                    opener,
                    target,
                    peak,
                } => {
                    let level = levels
                        .get(usize::from(peak))
                        .map_or_else(|| peak.to_string(), |name| format!("{name} ({peak})"));
                    format!("{opener} opened a conflict with {target} that peaked at {level}")
                }
                PathwayStep::Treaty {
                    joiner,
                    partner,
                    treaty,
                } => format!("{joiner} joined {partner} under {treaty}"),
                PathwayStep::Voluntary { joiner, side_of } => {
                    format!("{joiner} joined the side of {side_of} of its own accord")
                }
            })
            .collect();
        format!("{}.", parts.join("; "))
    }
}

impl fmt::Display for Pathway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A pathway's text that is not well formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{step}` is not a pathway step: expected A>B@LEVEL, H+P:TREATY or X+Y:voluntary")]
pub struct PathwayError {
    /// The step that is not well formed.
    pub step: String,
}

impl FromStr for Pathway {
    type Err = PathwayError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(bad) = text
            .split(SEPARATOR)
            .filter(|_| !text.is_empty())
            .find(|part| PathwayStep::parse(part).is_none_or(|s| s.to_string() != *part))
        {
            return Err(PathwayError {
                step: bad.to_owned(),
            });
        }
        Ok(Pathway {
            text: text.to_owned(),
        })
    }
}

impl TryFrom<String> for Pathway {
    type Error = PathwayError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Pathway> for String {
    fn from(p: Pathway) -> String {
        p.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_through_the_steps() {
        let text = "AUH>SRB@5 | RUS+FRN:franco_russian | TUR+GMY:voluntary | GMY>BEL@5";
        let p: Pathway = text.parse().unwrap();
        let mut rebuilt = Pathway::default();
        for step in p.steps() {
            rebuilt.push(step);
        }
        assert_eq!(rebuilt, p);
        assert_eq!(p.steps().count(), 4);
        assert!("".parse::<Pathway>().unwrap().is_empty());
        for bad in ["A>B@9", "A>B", "A|B", "A>B@5 |  | C>D@4", "A+B"] {
            assert!(bad.parse::<Pathway>().is_err(), "{bad}");
        }
    }

    #[test]
    fn it_is_told_in_words_and_shortened_at_a_step() {
        let p: Pathway = "RUS>UKR@5 | PRK+RUS:rus_prk_2024 | CHN+PRK:voluntary"
            .parse()
            .unwrap();
        let levels: Vec<String> = crate::model::LEVEL_NAMES
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            p.explain(&levels),
            "RUS opened a conflict with UKR that peaked at war (5); PRK joined RUS under \
             rus_prk_2024; CHN joined the side of PRK of its own accord."
        );
        assert_eq!(p.shortened(20), "RUS>UKR@5 | ... 2 more");
        assert_eq!(p.shortened(1000), p.to_string());
    }

    #[test]
    fn json_holds_it_as_text() {
        let p: Pathway = "A>B@4".parse().unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"A>B@4\"");
        let map: std::collections::BTreeMap<Pathway, u64> =
            serde_json::from_str(r#"{"A>B@4": 2, "": 1}"#).unwrap();
        assert_eq!(map[&Pathway::default()], 1);
        assert!(serde_json::from_str::<Pathway>("\"nonsense\"").is_err());
    }
}
