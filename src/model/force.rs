//! What a use of force was: the MID actions at hostility level 4, grouped as treaties read them.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The kind of a use of force (MID hostility level 4), by its highest action.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ForceAction {
    /// A seizure of people or goods, a blockade, or an occupation of territory (MID actions
    /// 13–15): fishing boats taken, a border post occupied.
    Seizure,
    /// An attack or a clash (MID actions 16–17, and a declaration of war): fire exchanged, a
    /// strike, an invasion.
    Attack,
}

/// What a use of force was: its action and whether anyone died.
///
/// An **armed attack**, the event a defense treaty answers, is a lethal attack or clash, or any
/// use of force at war level or above ([`Severity::is_armed_attack`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Severity {
    /// The action.
    pub action: ForceAction,
    /// Whether it caused deaths (MID fatality level 1 or more).
    pub lethal: bool,
}

impl Severity {
    /// A lethal attack: what a war is made of.
    pub const LETHAL_ATTACK: Severity = Severity {
        action: ForceAction::Attack,
        lethal: true,
    };

    /// Whether this use of force is an armed attack: a lethal attack or clash.
    pub fn is_armed_attack(self) -> bool {
        self.action == ForceAction::Attack && self.lethal
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match (self.action, self.lethal) {
            (ForceAction::Seizure, false) => "seizure",
            (ForceAction::Seizure, true) => "lethal seizure",
            (ForceAction::Attack, false) => "clash without deaths",
            (ForceAction::Attack, true) => "lethal attack",
        })
    }
}

/// Which uses of force meet an obligation's attack condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttackCondition {
    /// An armed attack: a lethal attack or clash, or war (default for defense obligations).
    Armed,
    /// Any use of force, seizures and clashes without deaths included (default for the others).
    Any,
}
