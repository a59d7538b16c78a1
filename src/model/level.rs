//! The escalation ladder: MID hostility levels extended with Kahn's nuclear threshold.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A rung of the escalation ladder (MODEL.md §1).
///
/// Levels 1–5 are the COW MID hostility levels (level 1 there is "no militarised action", here a
/// non-militarised dispute); 6 and 7 split Kahn's nuclear rungs at the "no nuclear use" and
/// "central sanctuary" thresholds. In a scenario file a level is written either as its number
/// (`4`) or as its name (`"force"`); it is always written back as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(u8)]
#[non_exhaustive]
pub enum Level {
    /// 0: no dispute.
    #[default]
    Peace = 0,
    /// 1: non-militarised dispute: protests, demands, sanction threats.
    Dispute = 1,
    /// 2: threat to use force (MID level 2).
    Threat = 2,
    /// 3: display of force: show of force, alert, mobilisation (MID level 3).
    Display = 3,
    /// 4: use of force: clash, strike, blockade, seizure (MID level 4); an armed attack.
    Force = 4,
    /// 5: sustained interstate war (MID level 5).
    War = 5,
    /// 6: limited nuclear use, past Kahn's "no nuclear use" threshold.
    NuclearLimited = 6,
    /// 7: central nuclear war.
    NuclearCentral = 7,
}

impl Level {
    /// A level above peace by name (`war`) or number (`5`), with the nearest name suggested for a
    /// typo: the outcome of a sensitivity analysis or a sweep.
    pub fn parse_above_peace(text: &str) -> Result<Level, String> {
        let text = text.trim();
        Level::from_name(text)
            .or_else(|| text.parse().ok().and_then(Level::from_number))
            .filter(|&l| l > Level::Peace)
            .ok_or_else(|| {
                let names = LEVEL_NAMES.iter().skip(1).copied();
                let hint = crate::scenario::did_you_mean(text, names)
                    .map_or(String::new(), |h| format!("; {h}"));
                format!(
                    "expected a level from dispute (1) to nuclear-central (7), found `{text}`{hint}"
                )
            })
    }

    /// Every level, from peace to central nuclear war.
    pub const ALL: [Level; 8] = [
        Level::Peace,
        Level::Dispute,
        Level::Threat,
        Level::Display,
        Level::Force,
        Level::War,
        Level::NuclearLimited,
        Level::NuclearCentral,
    ];

    /// The highest level.
    pub const MAX: Level = Level::NuclearCentral;

    /// The level with this number, if it is on the ladder (0–7).
    pub fn from_number(n: u64) -> Option<Level> {
        Level::ALL.get(usize::try_from(n).ok()?).copied()
    }

    /// The level's number, 0–7.
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The fixed name of the level, as accepted in scenario files.
    pub fn name(self) -> &'static str {
        LEVEL_NAMES[self as usize]
    }

    /// The level with this fixed name.
    pub fn from_name(name: &str) -> Option<Level> {
        LEVEL_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Level::ALL[i])
    }

    /// Whether this level is force or above: a side reaching it has made an armed attack.
    pub fn is_armed(self) -> bool {
        self >= Level::Force
    }

    /// Whether this level is past the nuclear threshold.
    pub fn is_nuclear(self) -> bool {
        self >= Level::NuclearLimited
    }
}

/// The fixed level names, indexed by level number.
pub const LEVEL_NAMES: [&str; 8] = [
    "peace",
    "dispute",
    "threat",
    "display",
    "force",
    "war",
    "nuclear-limited",
    "nuclear-central",
];

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.number())
    }
}

impl Serialize for Level {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.number())
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LevelVisitor)
    }
}

struct LevelVisitor;

const LEVEL_EXPECTED: &str = "a level from 0 to 7 or one of the names peace, dispute, threat, display, force, war, nuclear-limited, nuclear-central";

impl Visitor<'_> for LevelVisitor {
    type Value = Level;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(LEVEL_EXPECTED)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Level, E> {
        Level::from_number(v).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Level, E> {
        u64::try_from(v)
            .ok()
            .and_then(Level::from_number)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Level, E> {
        Level::from_name(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl JsonSchema for Level {
    fn schema_name() -> Cow<'static, str> {
        "Level".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A rung of the escalation ladder: 0 peace, 1 dispute, 2 threat, 3 display, 4 force (an armed attack), 5 war, 6 nuclear-limited, 7 nuclear-central; written as the number or the name.",
            "oneOf": [
                {"type": "integer", "minimum": 0, "maximum": 7},
                {"enum": LEVEL_NAMES}
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_round_trip() {
        for level in Level::ALL {
            assert_eq!(Level::from_name(level.name()), Some(level));
            assert_eq!(Level::from_number(u64::from(level.number())), Some(level));
        }
        assert_eq!(Level::from_number(8), None);
        assert_eq!(Level::from_name("War"), None);
    }

    #[test]
    fn deserializes_from_number_or_name_and_rejects_others() {
        let from_number: Level = serde_json::from_str("5").unwrap();
        let from_name: Level = serde_json::from_str("\"war\"").unwrap();
        assert_eq!(from_number, Level::War);
        assert_eq!(from_name, Level::War);
        assert_eq!(serde_json::to_string(&Level::War).unwrap(), "5");
        for bad in ["8", "-1", "\"total\"", "4.5", "null"] {
            let err = serde_json::from_str::<Level>(bad).unwrap_err().to_string();
            assert!(err.contains("a level from 0 to 7"), "{bad}: {err}");
        }
    }

    #[test]
    fn armed_and_nuclear_thresholds() {
        assert!(!Level::Display.is_armed());
        assert!(Level::Force.is_armed());
        assert!(!Level::War.is_nuclear());
        assert!(Level::NuclearLimited.is_nuclear());
    }
}
