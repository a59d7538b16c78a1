//! The scenario file format: the serde types an analyst writes as JSON.
//!
//! Every object rejects unknown fields, so a misspelt key is an error rather than a silently ignored
//! setting. Ids are short strings (`PRK`, `rus_prk_2024`); references between elements use them and
//! are resolved by [`validate`](super::validate). Steps are counted from 0 in the scenario's
//! [`StepUnit`]. Every element may carry a free-text `source` saying where its facts come from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{AttackCondition, ForceAction, Level};

pub use super::parameters::Parameters;

/// A step number, counted from 0 (the first step of the run).
pub type Step = u32;

/// The version of the file format this crate reads; scenario files declare it as `"casus": 1`.
pub const FORMAT_VERSION: u32 = 1;

/// A complete scenario: the world at step 0 and what may happen to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "casus scenario")]
pub struct Scenario {
    /// The JSON Schema this file follows, for editors (`"casus.schema.json"`); ignored by casus.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// The file-format version; must be 1.
    pub casus: u32,
    /// A short name shown in outputs.
    pub name: String,
    /// What the scenario represents and what question it is built to answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the scenario's facts come from, as free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// How long one simulation step is. Rates given per year are converted with it.
    pub step: StepUnit,
    /// The calendar date of step 0, `YYYY-MM` or `YYYY-MM-DD`: outputs then show steps as dates
    /// (`2025-03` rather than `m8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// How many steps a run lasts (the horizon): steps are numbered 0 to `steps - 1`.
    pub steps: Step,
    /// Display names for the eight ladder levels, replacing `peace` … `nuclear-central` in outputs.
    /// The levels themselves and their names in the file are fixed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_labels: Option<Vec<String>>,
    /// Named regions, with optional parents (`japan` within `east_asia` within `pacific`).
    /// Every actor also owns an implicit region named after its id unless it lists its regions.
    #[serde(default)]
    pub regions: Vec<Region>,
    /// The states, or blocs acting as one, in the scenario.
    pub actors: Vec<Actor>,
    /// Initial stances between actors; pairs not listed start at 0 (indifferent).
    #[serde(default)]
    pub stances: Vec<Stance>,
    /// Per-pair settings, such as dispute onset rates calibrated to the MID record.
    #[serde(default)]
    pub dyads: Vec<Dyad>,
    /// Treaties and informal commitments, each with its directed obligations.
    #[serde(default)]
    pub treaties: Vec<Treaty>,
    /// Sanction regimes.
    #[serde(default)]
    pub sanctions: Vec<SanctionRegime>,
    /// Flows of arms, technology, money or energy from one actor to another (docs/MODEL.md §3.12).
    #[serde(default)]
    pub transfers: Vec<Transfer>,
    /// Scripted events: certain, random, or conditional.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Model parameters; every one is optional and has a documented default.
    #[serde(default)]
    pub parameters: Parameters,
    /// Default Monte Carlo settings; command-line options override them.
    #[serde(default)]
    pub monte_carlo: MonteCarloDefaults,
}

/// The length of one simulation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StepUnit {
    /// One day (used for July 1914).
    Day,
    /// One week.
    Week,
    /// One month (the calibration unit of the default parameters).
    Month,
    /// One quarter of a year.
    Quarter,
    /// One year.
    Year,
}

impl StepUnit {
    /// The step's length in years (a month is 1/12, a day 1/365.25).
    pub fn years(self) -> f64 {
        match self {
            StepUnit::Day => 1.0 / 365.25,
            StepUnit::Week => 7.0 / 365.25,
            StepUnit::Month => 1.0 / 12.0,
            StepUnit::Quarter => 0.25,
            StepUnit::Year => 1.0,
        }
    }

    /// The unit's name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            StepUnit::Day => "day",
            StepUnit::Week => "week",
            StepUnit::Month => "month",
            StepUnit::Quarter => "quarter",
            StepUnit::Year => "year",
        }
    }

    /// The unit named `name` as in scenario files (`month`), if there is one.
    pub fn from_name(name: &str) -> Option<StepUnit> {
        [
            StepUnit::Day,
            StepUnit::Week,
            StepUnit::Month,
            StepUnit::Quarter,
            StepUnit::Year,
        ]
        .into_iter()
        .find(|u| u.name() == name)
    }

    /// The one-letter prefix used for step numbers in traces (`m14`, `d3`).
    pub fn prefix(self) -> &'static str {
        match self {
            StepUnit::Day => "d",
            StepUnit::Week => "w",
            StepUnit::Month => "m",
            StepUnit::Quarter => "q",
            StepUnit::Year => "y",
        }
    }
}

/// A named region: territory, a theatre, or an area a treaty covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Unique region id (`korea_south`).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The region this one lies within; an attack here is also an attack in the parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// Where the region's definition comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Where an actor can start a dispute with a state it has no record of disputes with
/// (docs/MODEL.md §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reach {
    /// Anywhere: a power that projects force beyond its own part of the world (default).
    #[default]
    Global,
    /// Only against actors with territory in the same top-level region as its own.
    Regional,
}

impl Reach {
    /// Whether this is the default, global reach.
    pub fn is_global(&self) -> bool {
        *self == Reach::Global
    }
}

/// The most a non-belligerent gives any side of a conflict.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Support {
    /// No support.
    None,
    /// Statements and votes.
    Diplomatic,
    /// Non-lethal aid: money, fuel, dual-use goods (China's declared line since 2022).
    Material,
    /// Weapons and munitions (North Korean shells to Russia).
    #[default]
    Lethal,
}

/// How far a state's nuclear arms go (docs/MODEL.md §3.4), in order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NuclearStatus {
    /// No nuclear weapons.
    #[default]
    None,
    /// A few weapons without a survivable force or sure means of delivery.
    Few,
    /// A survivable arsenal whose delivery reaches the state's own top-level region.
    Regional,
    /// A survivable arsenal that reaches any region.
    Global,
}

impl NuclearStatus {
    /// Every status, in order.
    pub const ALL: [NuclearStatus; 4] = [
        NuclearStatus::None,
        NuclearStatus::Few,
        NuclearStatus::Regional,
        NuclearStatus::Global,
    ];

    /// Its name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            NuclearStatus::None => "none",
            NuclearStatus::Few => "few",
            NuclearStatus::Regional => "regional",
            NuclearStatus::Global => "global",
        }
    }

    /// Its position in [`NuclearStatus::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The next status up, if any.
    pub fn next(self) -> Option<NuclearStatus> {
        NuclearStatus::ALL.get(self.index() + 1).copied()
    }

    /// Whether the state has nuclear weapons at all.
    pub fn is_armed(self) -> bool {
        self != NuclearStatus::None
    }
}

/// An actor's `nuclear` member: `true` or `false` as in earlier scenarios, or a status by name.
/// It is written back as `false` and `true` for none and global, so files that use only those read
/// and write as before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Nuclear(pub NuclearStatus);

impl From<bool> for Nuclear {
    fn from(armed: bool) -> Self {
        Nuclear(if armed {
            NuclearStatus::Global
        } else {
            NuclearStatus::None
        })
    }
}

impl Serialize for Nuclear {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            NuclearStatus::None => serializer.serialize_bool(false),
            NuclearStatus::Global => serializer.serialize_bool(true),
            status => serializer.serialize_str(status.name()),
        }
    }
}

impl<'de> Deserialize<'de> for Nuclear {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Nuclear;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true, false, or one of \"none\", \"few\", \"regional\", \"global\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Nuclear, E> {
                Ok(Nuclear(if v {
                    NuclearStatus::Global
                } else {
                    NuclearStatus::None
                }))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Nuclear, E> {
                NuclearStatus::ALL
                    .into_iter()
                    .find(|s| s.name() == v)
                    .map(Nuclear)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl JsonSchema for Nuclear {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Nuclear".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let status = generator.subschema_for::<NuclearStatus>();
        schemars::json_schema!({
            "description": "true (global), false (none), or a nuclear status by name.",
            "oneOf": [{ "type": "boolean" }, status]
        })
    }
}

/// A state, or a bloc acting as one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Unique short code (`PRK`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Material power, > 0; only ratios matter. Seeds: COW CINC (NMC v7.0).
    #[schemars(range(max = 1e12), extend("exclusiveMinimum" = 0.0))]
    pub capability: f64,
    /// Economic weight, > 0 (share of world GDP); drives sanction cost and busting. Default: equal to `capability`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 1e12), extend("exclusiveMinimum" = 0.0))]
    pub economy: Option<f64>,
    /// Its nuclear status: `false` (none, the default), `"few"` (a few weapons, no survivable
    /// force), `"regional"` (a survivable arsenal that reaches its own top-level region), `"global"`
    /// (one that reaches any region), or `true` for `"global"`. Only a side with a nuclear member
    /// may escalate past war; how much an arsenal deters reads its status (docs/MODEL.md §3.4).
    #[serde(default)]
    pub nuclear: Nuclear,
    /// The regions the actor administers. Default: one implicit region with the actor's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// The highest support posture it gives any side without being a belligerent. Default: `lethal`.
    #[serde(default)]
    pub max_support: Support,
    /// Where it can start a dispute with an actor it has no `dyads` rate with: `global` (default)
    /// anywhere; `regional` only with actors whose territory shares a top-level region with its own.
    #[serde(default, skip_serializing_if = "Reach::is_global")]
    pub reach: Reach,
    /// How readily it joins, of its own accord, a war whose side it arms: a multiple of
    /// `voluntary_entry_rate` (docs/MODEL.md §3.6). Default 1; 0 never (the Soviet Union arming
    /// North Korea in 1950 without fighting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1000.0))]
    pub voluntary_entry: Option<f64>,
    /// Where the actor's figures come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// An initial stance, directed (`from` regards `to`) or symmetric (`between` two actors).
///
/// Exactly one of `from`+`to` or `between` is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stance {
    /// The actor whose view this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The actor it regards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Shorthand for the same value in both directions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub between: Option<[String; 2]>,
    /// The stance in [−1, 1]: −1 hostile, 0 indifferent, +1 aligned.
    #[schemars(range(min = -1.0, max = 1.0))]
    pub value: f64,
    /// Where the value comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Settings for one unordered pair of actors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dyad {
    /// The two actors.
    pub between: [String; 2],
    /// Disputes per year between them at their initial stances, replacing the rate implied by
    /// `parameters.onset_rate`; it scales with their hostility as stances change. For example the
    /// MID onset rate per dyad: North–South Korea 0.47 a year, 1949–2014 (COW MID v5.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1000.0))]
    pub onset_rate: Option<f64>,
    /// The share of their disputes that reach the use of force (level 4 or more). Default: the
    /// share the parameters' starting levels give (about 0.71, the MID record 1946–2014). It
    /// scales the odds of a dispute's starting at force (docs/MODEL.md §3.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub force_share: Option<f64>,
    /// Of their uses of force (level 4), the share that are seizures, blockades or occupations.
    /// Default: `parameters.seizure_share`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub seizure_share: Option<f64>,
    /// Of their attacks and clashes (level 4), the share that kill. Default:
    /// `parameters.lethal_share`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub lethal_share: Option<f64>,
    /// Where their spontaneous disputes take place (a contested area, such as disputed islands).
    /// Default: the first region of the actor drawn as target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Where the figure comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A treaty, or an informal commitment written as a pseudo-treaty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Treaty {
    /// Unique treaty id (`rus_prk_2024`).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The parties; at least two.
    pub members: Vec<String>,
    /// The steps in which the treaty is in force. Default: the whole run.
    #[serde(default)]
    pub in_force: InForce,
    /// Whether this is a written treaty (`true`, default) or an informal commitment.
    /// Obligations inherit it unless they say otherwise.
    #[serde(default = "yes")]
    pub formal: bool,
    /// The directed obligations the treaty creates.
    pub obligations: Vec<Obligation>,
    /// Where the treaty's terms come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Treaty {
    /// Every directed obligation the treaty creates, as `(holder, partner, obligation)`, with the
    /// symmetric shorthand expanded to each ordered pair of distinct members, in file order.
    pub fn directed(&self) -> impl Iterator<Item = (&str, &str, &Obligation)> {
        self.obligations.iter().flat_map(move |obligation| {
            let binds =
                |party: &Option<String>, member: &str| party.as_deref().is_none_or(|p| p == member);
            self.members.iter().flat_map(move |holder| {
                self.members
                    .iter()
                    .filter(move |partner| {
                        holder != *partner
                            && binds(&obligation.holder, holder)
                            && binds(&obligation.partner, partner)
                    })
                    .map(move |partner| (holder.as_str(), partner.as_str(), obligation))
            })
        })
    }
}

fn yes() -> bool {
    true
}

/// The range of steps in which a treaty is in force: from `from` up to, but not including, `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InForce {
    /// First step in force (signature or ratification). Default 0.
    #[serde(default)]
    pub from: Step,
    /// First step no longer in force (expiry or withdrawal). Default: never expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Step>,
}

/// The kind of an obligation: the ATOP obligation types plus mobilisation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ObligationKind {
    /// Active military support when the partner is attacked (ATOP DEFENSE).
    Defense,
    /// Active military cooperation in the partner's own wars (ATOP OFFENSE).
    Offense,
    /// No support to anyone fighting the partner (ATOP NEUTRAL).
    Neutrality,
    /// No attack on the partner (ATOP NONAGG).
    NonAggression,
    /// Consult with the partner in a crisis (ATOP CONSUL).
    Consultation,
    /// Mobilise when one of the trigger's `adversaries` (without them: anyone) mobilises, that is
    /// takes part in a conflict at `min_level` (default 3), whether or not the partner is in it
    /// (Franco-Russian convention 1892, Art. 2).
    Mobilize,
}

/// Which of the partner's roles in a conflict triggers an obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// The partner is attacked (default for defense, neutrality and consultation).
    Target,
    /// The partner attacks (default for offense).
    Initiator,
    /// Any conflict of the partner (Pact of Steel; default for mobilisation).
    Any,
}

/// Where an attack must fall for an obligation to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Territory {
    /// Anywhere (default).
    #[default]
    Any,
    /// On the partner's own regions (or their sub-regions).
    Partner,
}

/// How firmly the holder is bound; sets the default reliability multiplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Commitment {
    /// "Immediately", "forthwith", "all means at its disposal" (default).
    #[default]
    Automatic,
    /// "In accordance with constitutional processes" (US–ROK, US–Japan).
    Constitutional,
    /// "Such action as it deems necessary", informal commitments.
    Discretionary,
}

/// A directed obligation: the holder owes the partner something when the trigger holds.
///
/// Without `holder` and `partner` an obligation binds every member to every other member
/// (the symmetric shorthand). With only `holder`, it binds that member to every other; with only
/// `partner`, every other member to that partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    /// Id, unique within the treaty (`art4`); referred to elsewhere as `treaty_id/obligation_id`.
    pub id: String,
    /// What the holder owes.
    pub kind: ObligationKind,
    /// The member who owes it. Default: every member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// The member to whom it is owed. Default: every other member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// Which of the partner's roles triggers it. Default by kind: target for defense, neutrality and
    /// consultation; initiator for offense; any for mobilisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The conditions under which it applies.
    #[serde(default)]
    pub trigger: Trigger,
    /// What the holder does when it honours the obligation.
    #[serde(default)]
    pub response: Response,
    /// Prior probability in [0, 1] that the holder honours it once triggered. Default: the kind's
    /// rate (`parameters.reliability_*`) times the commitment's multiplier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub reliability: Option<f64>,
    /// Whether the obligation is written (`true`) or informal. Default: the treaty's `formal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formal: Option<bool>,
    /// The clause this obligation encodes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The conditions of an obligation (the ATOP condition codes).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The level the partner's conflict must reach: 4 for an armed attack, 5 for "and thus in a
    /// state of war", 3 for mobilisation, 2 for imminent threat. Default by kind: 4 for defense,
    /// offense and neutrality; 3 for mobilisation; 2 for consultation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<Level>,
    /// Which uses of force count: `armed`, an armed attack (a lethal attack or clash, or war), or
    /// `any`, seizures, blockades, occupations and clashes without deaths too. Default by kind:
    /// `armed` for defense (the "armed attack" of NATO Art. 5 and the US–Japan and US–ROK
    /// treaties); `any` for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<AttackCondition>,
    /// The partner must not be the side that used force first (ATOP NPR; Triple Alliance
    /// "without direct provocation").
    #[serde(default)]
    pub unprovoked: bool,
    /// Where the attack must fall: anywhere, or on the partner's own regions.
    #[serde(default)]
    pub territory: Territory,
    /// Only attacks by these actors count (ATOP ADV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adversaries: Option<Vec<String>>,
    /// With `adversaries`: attacks by any state allied with one of them count too (the 1950
    /// Sino-Soviet treaty: an attack "by Japan or any state allied with it"). Allied: a fellow
    /// member of another treaty of the scenario that holds a defense or offense obligation. Default
    /// false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adversaries_allies: bool,
    /// Attacks by these actors never count (Tripartite Pact Art. 5: the USSR).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adversaries_exclude: Vec<String>,
    /// The number of distinct attackers needed (ATOP NUM; Triple Alliance Art. 3: two Great Powers).
    /// Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_adversaries: Option<u32>,
    /// The attack must take place in one of these regions or their sub-regions (ATOP LOC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// Another obligation, `treaty_id/obligation_id` (or `obligation_id` in the same treaty),
    /// that must have fired first in the same conflict (German–Ottoman treaty, Art. 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// What an honoured obligation makes the holder do.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// The level at which the holder enters. Default: the conflict's level, capped at war (5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Steps between firing and entry, `[min, max]`, drawn uniformly. Default `[0, 0]` ("forthwith").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<[Step; 2]>,
    /// How firmly the holder is bound. Default `automatic`.
    #[serde(default)]
    pub commitment: Commitment,
}

/// A sanction regime of some senders against one target.
///
/// It is imposed at step `from` (default 0), or once `when` holds at or after `from`, or, with
/// `dormant`, only by a `sanction` event. It ends at `until`, by a `lift` event, or when its
/// objective is met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SanctionRegime {
    /// Unique regime id (`un_1718`).
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The actors imposing it.
    pub senders: Vec<String>,
    /// The actor sanctioned.
    pub target: String,
    /// Strength in [0, 1]: the share of the senders' economic weight brought to bear.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub intensity: f64,
    /// First step at which it may be imposed. Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Step>,
    /// Impose only once this condition holds (for example the target at war).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Step at which it is lifted regardless. Default: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Step>,
    /// Imposed only by a `sanction` event naming it.
    #[serde(default)]
    pub dormant: bool,
    /// What the senders demand; meeting it lifts the regime.
    #[serde(default)]
    pub objective: Objective,
    /// Where the regime's terms come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What a sanction regime demands of its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Objective {
    /// The target ends every conflict it initiated (default).
    #[default]
    EndInitiatedConflicts,
    /// The target takes part in no conflict at force or above.
    EndConflicts,
    /// A policy change outside the model (a weapons programme): only compliance lifts it.
    PolicyChange,
}

/// What a transfer carries (docs/MODEL.md §3.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransferKind {
    /// Shells, rockets and missiles: capability that counts for the receiver while it fights at
    /// force or above, drawn from the sender's own (`rate` in capability units per year).
    Munitions,
    /// Aircraft, air defence and other conventional platforms: capability the receiver keeps,
    /// taken from the sender's (`rate` in capability units per year).
    Platforms,
    /// Missile technology: progress toward the next nuclear status for a receiver that already
    /// has weapons, through its reach (`rate` in statuses per year); the sender keeps what it knows.
    MissileTechnology,
    /// Nuclear technology: progress toward the next nuclear status, from none up (`rate` in
    /// statuses per year); the sender keeps what it knows.
    NuclearTechnology,
    /// Money or energy: resources the receiver turns into capability (`rate` in capability units
    /// per year); the model does not count the sender's cost.
    MoneyEnergy,
}

impl TransferKind {
    /// Its name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            TransferKind::Munitions => "munitions",
            TransferKind::Platforms => "platforms",
            TransferKind::MissileTechnology => "missile_technology",
            TransferKind::NuclearTechnology => "nuclear_technology",
            TransferKind::MoneyEnergy => "money_energy",
        }
    }
}

/// A quantity that may be uncertain: one number, or `[low, high]` drawn uniformly once per run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Uncertain {
    /// Known.
    Exact(f64),
    /// Drawn uniformly per run from the range.
    Range([f64; 2]),
}

impl Uncertain {
    /// The lowest and highest value.
    pub fn bounds(self) -> [f64; 2] {
        match self {
            Uncertain::Exact(x) => [x, x],
            Uncertain::Range(r) => r,
        }
    }
}

/// A flow from one actor to another: arms, technology, money or energy (docs/MODEL.md §3.12).
///
/// It flows at every step from `start` up to, not including, `until` at which `when` holds (munitions
/// while the receiver is at war; technology once a treaty is in force). A transfer that breaches regimes listed in `violates` may be detected, with
/// probability `detection` per year while it flows; detection tightens those regimes and turns their
/// senders against both parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Unique transfer id.
    pub id: String,
    /// What flows.
    pub kind: TransferKind,
    /// The sender.
    pub from: String,
    /// The receiver.
    pub to: String,
    /// How much flows per year, in the kind's unit; a range is drawn once per run.
    pub rate: Uncertain,
    /// First step it may flow. Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Step>,
    /// It flows only at steps at which this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// First step it no longer flows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Step>,
    /// Sanction regimes the flow breaches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violates: Vec<String>,
    /// Probability per year that the flow is detected while it breaches a regime in force.
    /// Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub detection: Option<f64>,
    /// Where the flow and its figures come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A state of the world that events and sanction regimes can wait for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Condition {
    /// The two actors are on opposite sides of a conflict at war level (5) or above.
    AtWar([String; 2]),
    /// The two actors are on opposite sides of a conflict at `at_least` or above.
    Level {
        /// The pair.
        between: [String; 2],
        /// The least dyadic level.
        at_least: Level,
    },
    /// The actor takes part in some conflict at `at_least` or above (Russia mobilised: 3).
    ActorLevel {
        /// The actor.
        actor: String,
        /// The least level.
        at_least: Level,
    },
    /// The treaty is in force (its range, a `sign` event, and no `withdraw` event ending it).
    InForce(String),
    /// The step is `at_least` or later.
    Step {
        /// The first step at which the condition holds.
        at_least: Step,
    },
    /// Every listed condition holds.
    All(Vec<Condition>),
    /// At least one listed condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

/// What a scripted event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// `by` uses force on `on` at `level` (≥ 4, default 4) in `region`: records an attack.
    Attack,
    /// `by` opens or raises a dispute with `on` at `level` (1–3). Without `level`, the dispute
    /// starts like a spontaneous one, at a level drawn from the onset distribution (2–4), and a
    /// draw of force records an attack.
    Dispute,
    /// Impose the sanction regime `regime`.
    Sanction,
    /// Lift the sanction regime `regime`.
    Lift,
    /// Bring `treaty` into force now.
    Sign,
    /// `actor` leaves `treaty` (or the treaty ends, without `actor`).
    Withdraw,
    /// Set (`value`) or shift (`delta`) the stance `from` → `to`, or both ways `between` two actors.
    Stance,
    /// The conflicts between the two actors `between` return to peace.
    Ceasefire,
    /// `by` joins the conflict in which `on` takes part (the earliest, if several), on the side
    /// facing `on`, up to `level` (default war), without an attack and outside any treaty: North
    /// Korea's troops fighting beside Russia's from late 2024.
    Join,
    /// `by` declares war on `on`: it joins the war `on` fights (the earliest, if several) on the
    /// side facing it, or opens a war between them, without an attack, so that no defense clause
    /// reads it (Britain and France on 3 September 1939; the states that declared war on Germany in
    /// 1945 and never fought).
    Declare,
}

/// A scripted event.
///
/// When: `at` a step; or with `probability` once within `window`; or each step with `hazard`
/// (within `window` if given); or, with none of these, the first step `when` holds. A `when`
/// also gates the other timings. Every event happens at most once per run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Unique event id, used in traces. Default: `event<index>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What happens.
    pub kind: EventKind,
    /// The step at which it happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Step>,
    /// The steps `[first, last]` within which a random event may happen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<[Step; 2]>,
    /// The probability in [0, 1] that it happens at all, at a uniformly drawn step of `window`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub probability: Option<f64>,
    /// The probability in [0, 1] per step that it happens, if it has not yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub hazard: Option<f64>,
    /// A condition that must hold when it happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Attack, dispute and join: the actor that acts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Attack, dispute and join: the actor acted upon (for join, the one it fights).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// Attack, dispute and join: the level reached (attack: 4–7, default 4; dispute: 1–3, default
    /// drawn; join: 1–7, the highest at which the joiner takes part, default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Attack (at level 4): what the use of force is. Default `attack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<ForceAction>,
    /// Attack (at level 4): whether it kills. Default: true for an attack, false for a seizure.
    /// An attack at war level or above is always lethal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lethal: Option<bool>,
    /// Attack and dispute: where. Default: the first region of `on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Sanction and lift: the regime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regime: Option<String>,
    /// Sign and withdraw: the treaty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treaty: Option<String>,
    /// Withdraw: the member leaving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Stance: the actor whose view changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Stance: the actor it regards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Stance and ceasefire: the pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub between: Option<[String; 2]>,
    /// Stance: the new value in [−1, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -1.0, max = 1.0))]
    pub value: Option<f64>,
    /// Stance: the shift in [−2, 2], clamped into [−1, 1] after adding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -2.0, max = 2.0))]
    pub delta: Option<f64>,
    /// Attack and declare: the steps the conflict it opens has already lasted at its level before
    /// the event (a war under way when the scenario begins). Default 0. The war's chance of ending reads it
    /// (docs/MODEL.md §3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub under_way: Option<Step>,
    /// Where the event comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Event {
    /// An event of `kind` with every other field unset: a start for code that writes scenarios.
    pub fn new(kind: EventKind) -> Event {
        Event {
            id: None,
            kind,
            at: None,
            window: None,
            probability: None,
            hazard: None,
            when: None,
            by: None,
            on: None,
            level: None,
            action: None,
            lethal: None,
            region: None,
            regime: None,
            treaty: None,
            actor: None,
            from: None,
            to: None,
            between: None,
            value: None,
            delta: None,
            under_way: None,
            source: None,
        }
    }
}

/// Default Monte Carlo settings for this scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MonteCarloDefaults {
    /// Number of runs. Default 10,000.
    pub runs: u64,
    /// Seed of the runs' draws (docs/MODEL.md §5). Default 1.
    pub seed: u64,
    /// The conflicts the question is about: results add P(highest ≥ k) over these alone.
    #[serde(skip_serializing_if = "Focus::is_empty")]
    pub focus: Focus,
    /// Who stands with whom: stance distributions of named pairs, candidate blocs and their
    /// polarisation over time (docs/MODEL.md §3.10).
    #[serde(skip_serializing_if = "Alignment::is_empty")]
    pub alignment: Alignment,
}

impl Default for MonteCarloDefaults {
    fn default() -> Self {
        MonteCarloDefaults {
            runs: 10_000,
            seed: 1,
            focus: Focus::default(),
            alignment: Alignment::default(),
        }
    }
}

/// What the alignment outputs follow (docs/MODEL.md §3.10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Alignment {
    /// Directed pairs `[from, to]` whose stance distribution is kept at every step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pairs: Vec<[String; 2]>,
    /// Candidate blocs, each a list of actor ids; with two or more, a polarisation index too.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocs: Vec<Vec<String>>,
    /// Steps at which to report the stance distributions and the blocs, besides the end.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
}

impl Alignment {
    /// Whether nothing is asked for.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty() && self.blocs.is_empty()
    }
}

/// The conflicts a scenario's question is about (docs/MODEL.md §5): those fought in one of
/// `regions` (or a region within one), those in which one of `actors` takes part, or both where
/// both are given; by default only those begun during the run. Each counts at its highest level or,
/// with `actors`, the highest level at which one of them took part in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Focus {
    /// Actor ids: conflicts in which one of them takes part.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<String>,
    /// Region ids: conflicts fought in one of them or in a region within one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Count the conflicts under way when the run begins too. Default false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub include_under_way: bool,
}

impl Focus {
    /// Whether no focus is set: neither actors nor regions.
    pub fn is_empty(&self) -> bool {
        self.actors.is_empty() && self.regions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obligation(id: &str, holder: Option<&str>, partner: Option<&str>) -> Obligation {
        Obligation {
            id: id.into(),
            kind: ObligationKind::Defense,
            holder: holder.map(Into::into),
            partner: partner.map(Into::into),
            role: None,
            trigger: Trigger::default(),
            response: Response::default(),
            reliability: None,
            formal: None,
            source: None,
        }
    }

    #[test]
    fn directed_expands_the_symmetric_shorthand_and_respects_holder_and_partner() {
        let treaty = Treaty {
            id: "t".into(),
            name: None,
            members: vec!["A".into(), "B".into(), "C".into()],
            in_force: InForce::default(),
            formal: true,
            obligations: vec![
                obligation("all", None, None),
                obligation("from_a", Some("A"), None),
                obligation("to_c", None, Some("C")),
                obligation("b_to_a", Some("B"), Some("A")),
            ],
            source: None,
        };
        let pairs: Vec<String> = treaty
            .directed()
            .map(|(h, p, o)| format!("{}:{h}>{p}", o.id))
            .collect();
        assert_eq!(
            pairs,
            [
                "all:A>B",
                "all:A>C",
                "all:B>A",
                "all:B>C",
                "all:C>A",
                "all:C>B",
                "from_a:A>B",
                "from_a:A>C",
                "to_c:A>C",
                "to_c:B>C",
                "b_to_a:B>A"
            ]
        );
    }

    #[test]
    fn step_units_convert_to_years() {
        assert_eq!(StepUnit::Month.years() * 12.0, 1.0);
        assert_eq!(StepUnit::Year.years(), 1.0);
        assert!((StepUnit::Day.years() * 365.25 - 1.0).abs() < 1e-12);
    }
}
