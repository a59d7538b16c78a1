//! Model parameters: every one optional in a scenario, each default with its source and range.
//!
//! Rates are per year unless a name says otherwise; the engine converts them to the scenario's step.
//! Escalation probabilities are per month, the unit they are calibrated in, and are converted the
//! same way (docs/MODEL.md §3.4).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::format::{Commitment, Obligation, ObligationKind};

/// Model parameters. docs/MODEL.md §3 gives each with its equation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Parameters {
    // --- Dispute onset -------------------------------------------------------------------------
    /// Disputes per year for a pair at full hostility (h = 1) without its own `dyads` rate.
    /// Default 0.065: the mean MID onset rate of the 682 dyads with at least one MID, 1946–2014
    /// (COW MID v5.0).
    pub onset_rate: f64,
    /// Factor on the onset rate when the would-be target is the partner of an applicable defense
    /// obligation. Default 0.82: −18 % initiation against conditionally defended states (Benson 2011).
    pub deterrence: f64,
    /// How a pair with its own `dyads` rate follows its stances: the rate is multiplied by
    /// exp(`onset_memory` × the change in the pair's hostility since step 0), so that allies drawing
    /// closer clash less and enemies drawing apart too. Default 1.5: a design choice that halves the
    /// rate of the most hostile pairs (h = 0.9) when their hostility halves, as the earlier linear
    /// rule did.
    pub onset_memory: f64,
    /// Weight of a threat (2) as the starting level of a new dispute. Default 0.035, calibrated with
    /// the two below to the MID v5.0 highest-level distribution (docs/MODEL.md §4).
    pub start_threat: f64,
    /// Weight of a display of force (3) as the starting level. Default 0.315 (calibrated).
    pub start_display: f64,
    /// Weight of a use of force (4) as the starting level. Default 0.65 (calibrated): many disputes
    /// begin with a seizure or clash.
    pub start_force: f64,
    /// Of the uses of force (level 4) that the model draws, the share that are seizures, blockades
    /// or occupations rather than attacks or clashes, for a pair without its own `seizure_share`.
    /// Default 0.20: 313 of the 1,541 dyadic MID onsets at level 4, 1946–2014 (COW MID v5.0).
    pub seizure_share: f64,
    /// Of the attacks and clashes (level 4) that the model draws, the share that kill, for a pair
    /// without its own `lethal_share`. Default 0.42: 445 of the 1,070 attacks and clashes of known
    /// fatality level among the dyadic MID onsets at level 4, 1946–2014 (COW MID v5.0).
    pub lethal_share: f64,

    // --- Escalation (per month, neutral dyad of equal capabilities) ---------------------------
    /// Probability per month that a threat-level dispute at its peak is raised. Default 0.333:
    /// with `settle_threat`, 40 % of threats are raised before they settle (calibrated).
    pub up_threat: f64,
    /// Probability per month that a display-level dispute at its peak is raised. Default 0.109
    /// (calibrated: 18 % are raised before they settle).
    pub up_display: f64,
    /// Probability per month that a use-of-force dispute at its peak becomes a war. Default 0.0065
    /// (calibrated: 1.7 % of all disputes reach war, MID v5.0 1946–2014).
    pub up_force: f64,
    /// Probability per month that a war crosses the nuclear threshold, where the escalating side has a
    /// nuclear member. Default 0.001: no empirical rate exists (SOURCES.md B1.4); a design choice.
    pub up_war: f64,
    /// Probability per month that limited nuclear use becomes central nuclear war. Default 0.05:
    /// a design choice.
    pub up_nuclear: f64,
    /// Probability per month that a threat settles. Default 0.5: MID median duration at level 2 is
    /// one day (SOURCES.md B2.1).
    pub settle_threat: f64,
    /// Probability per month that a display of force settles. Default 0.5: median 23 days.
    pub settle_display: f64,
    /// Probability per month that a use of force settles. Default 0.35: median 60 days.
    pub settle_force: f64,
    /// Probability per month that a war between two states of equal capability steps down a level,
    /// in its first month: it falls with the war's length, the states fighting and their balance
    /// (`war_endurance`, `war_belligerents`, `war_imbalance`). Default 0.25, fitted with them
    /// (docs/MODEL.md §3.4).
    pub down_war: f64,
    /// Probability per month that nuclear use steps down a level. Default 0.3: a design choice.
    pub down_nuclear: f64,
    /// Past its peak, probability per month that a conflict steps down a level. Default 0.2.
    pub down_past_peak: f64,
    /// Past its peak, probability per month that a conflict settles outright. Default 0.5: a crisis
    /// past its peak ends quickly.
    pub settle_past_peak: f64,
    /// Past its peak, factor on the probability of going up again. Default 0.1: a crisis past its
    /// peak rarely re-escalates.
    pub reescalation: f64,
    /// Logit weight of the pair's hostility h on going up (and, negated, on stepping down and
    /// settling: hostile pairs escalate more and fight longer). Default 1.0:
    /// a design choice; hostile dyads escalate more (the MID base rates are of real, mostly hostile
    /// dyads, but the calibration case is neutral).
    pub escalation_hostility: f64,
    /// Logit weight of the capability imbalance |ln(C_a / C_b)| against going up. Default 0.3:
    /// parity is more war-prone than preponderance (Bremer 1992), a design choice for the size.
    pub escalation_imbalance: f64,
    /// Logit weight of the expected allied reinforcement of the other side, ln(1 + E / C), against
    /// going up. Default 0.5: defense pacts deter (Johnson & Leeds 2011), a design choice for the size.
    pub escalation_deterrence: f64,
    /// Logit weight of the escalating side's sanction pressure against going up. Default 0.5.
    pub escalation_pressure: f64,
    /// Logit weight against raising a conflict to war or beyond when the other side has a nuclear
    /// member. Default 2.5: no war between nuclear powers since 1945 but Kargil (1999), while their
    /// disputes continued (Rauchhaus 2009; Asal & Beardsley 2007); a design choice for the size.
    pub escalation_nuclear: f64,
    /// The share of its deterrent weight that an arsenal keeps against an opponent it cannot hold
    /// at risk with a survivable force: a state with a few weapons, or one whose survivable arsenal
    /// does not reach the opponent's home region. Default 0.5: a design choice (a survivable second
    /// strike is what makes deterrence stable: Wohlstetter 1959).
    pub nuclear_limited_weight: f64,
    /// Logit weight of ln(1 + steps at the current level) on settling and stepping down. Default 0:
    /// no duration dependence beyond the calibrated rates.
    pub escalation_duration: f64,
    /// Logit weight of ln(1 + months at war) against a war stepping down: the hazard of a war ending
    /// falls about as (1 + months)^−w. Default 0.6. The four endurance parameters (`down_war` 0.25,
    /// this, `war_belligerents` 0.3, `war_imbalance` 0.2) are the grid point whose simulated wars,
    /// each of the 106 MID disputes that reached war run with its own number of states and balance
    /// of capabilities, best match the record's survival at 12, 24, 36 and 48 months, by number of
    /// states and by balance (docs/MODEL.md §3.4).
    pub war_endurance: f64,
    /// Logit weight of ln(n / 2), for n states fighting at the use of force or above, against a war
    /// stepping down: wars more states fight last longer (MID wars of two states lasted a median of
    /// 8 months, of three to five 11.5, of six or more 20). Default 0.3.
    pub war_belligerents: f64,
    /// Logit weight of |ln(C₀ / C₁)|, the imbalance of the sides' capabilities, for a war stepping
    /// down: uneven wars end sooner (MID wars between sides more even than the median lasted a
    /// median of 14 months, the others 8). Default 0.2.
    pub war_imbalance: f64,

    // --- Honouring obligations -----------------------------------------------------------------
    /// Default reliability of defense obligations. 0.41 (Berkemeier & Fuhrmann 2018, 1816–2003).
    pub reliability_defense: f64,
    /// Default reliability of offense obligations. 0.74 (Berkemeier & Fuhrmann 2018).
    pub reliability_offense: f64,
    /// Default reliability of neutrality obligations. 0.78 (Berkemeier & Fuhrmann 2018).
    pub reliability_neutrality: f64,
    /// Default reliability of non-aggression obligations. 0.37 (Berkemeier & Fuhrmann 2018).
    pub reliability_non_aggression: f64,
    /// Default reliability of consultation obligations. 0.9: no published rate; consulting is cheap.
    pub reliability_consultation: f64,
    /// Default reliability of mobilisation obligations. 0.5: no published rate; Berkemeier &
    /// Fuhrmann's overall honouring rate, 1816–2003.
    pub reliability_mobilize: f64,
    /// Reliability multiplier for `automatic` commitments. 1.0 (design brief).
    pub commitment_automatic: f64,
    /// Reliability multiplier for `constitutional` commitments. 0.9 (design brief).
    pub commitment_constitutional: f64,
    /// Reliability multiplier for `discretionary` commitments. 0.75 (design brief).
    pub commitment_discretionary: f64,
    /// Logit weight of the holder's stance gap, s(holder, partner) − s(holder, adversary), on
    /// honouring. Default 1.0: a design choice; Leeds (2003) finds violations follow changes in
    /// interests since signing.
    pub honour_stance: f64,
    /// Logit weight of ln(C_adversary / C_holder) against honouring. Default 0.5: a design choice;
    /// violations follow changes in power (Leeds 2003).
    pub honour_risk: f64,
    /// Logit shift of honouring a defense or offense obligation when what fired it is a limited
    /// attack (a lethal clash below war; a seizure or a dispute where the trigger admits those)
    /// rather than a war-scale one. Default −3.3: post-1945, holders of defense ties joined a
    /// partner attacked at war scale 7 times in 132 and one attacked in a limited armed attack 5
    /// times in 2,393, a log odds ratio of −3.3 (docs/MODEL.md §3.6; `tests/history.rs` pins the
    /// counts).
    pub honour_limited: f64,
    /// Honour every triggered obligation, so that the treaty logic alone decides who joins.
    /// Default false. For historical checks with all reliabilities at 1.
    pub honour_all: bool,
    /// Shock to the partner's stance toward a holder that defects. Default 0.3: a design choice.
    pub defection_shock: f64,
    /// Shock drawing holder and partner together when a consultation is honoured. Default 0.05.
    pub consultation_shock: f64,

    // --- Support and voluntary entry -----------------------------------------------------------
    /// Stance gap between the sides at which a non-belligerent gives diplomatic support. Default 0.2.
    pub support_diplomatic: f64,
    /// Stance gap for material support. Default 0.5.
    pub support_material: f64,
    /// Stance gap for lethal support. Default 0.8.
    pub support_lethal: f64,
    /// Share of a supporter's capability added to the side it supports with material aid. Default 0.1.
    pub support_material_weight: f64,
    /// Share of a supporter's capability added with lethal aid. Default 0.25.
    pub support_lethal_weight: f64,
    /// Entries per year into a war at level ≥ 4 by a lethal supporter, per unit of its stance gap
    /// between the sides (China into Korea, October 1950). Default 0.02: a design choice.
    pub voluntary_entry_rate: f64,
    /// The probability that a state holding a defense obligation toward a state of global reach
    /// fighting a war joins that state's side, decided once per war, whatever the obligation's
    /// conditions: coalitions (Korea 1950, Vietnam, the Gulf 1991). Default 0: a written scenario
    /// states each treaty's conditions, and a join beyond them is a `join` event or this parameter.
    /// Imported worlds, whose ties carry no conditions, take the record before their year (1946–2014:
    /// 13 of 230 holders of ATOP defense ties toward a COW major power fighting a MID war joined its
    /// side, 0.057; docs/MODEL.md §3.6).
    pub coalition_entry: f64,

    // --- Sanctions -------------------------------------------------------------------------------
    /// Build-up rate of sanction pressure per year at full intensity, full economic share and no
    /// busting. Default 1.0: a design choice.
    pub sanction_build_rate: f64,
    /// Half-life of sanction pressure in years once imposition stops adding to it. Default 2.5:
    /// the 2–3 years of adaptation in the design (SOURCES.md B3; van Bergeijk & van Marrewijk 1995).
    pub sanction_half_life_years: f64,
    /// Share of capability lost at full pressure, c·(1 − γP). Default 0.3: a design choice.
    pub sanction_erosion: f64,
    /// Slope κ of the yearly compliance probability logistic(κ(P − stake)). Default 8, with
    /// `sanction_stake`, calibrated so that episode success falls between 5 % (Pape 1997) and 34 %
    /// (Hufbauer, Schott & Elliott 2007): docs/MODEL.md §4.
    pub sanction_compliance_slope: f64,
    /// The stake in the logistic above. Default 0.86, calibrated with the slope: a standard episode
    /// (senders with half the world's economy, no busting, five years) succeeds about 8 % of the time
    /// at intensity 0.5 and about 32 % at full intensity.
    pub sanction_stake: f64,

    // --- Stances (per year) ----------------------------------------------------------------------
    /// Rate of reversion toward the initial stance. Default 0.2 per year: a design choice.
    pub stance_reversion: f64,
    /// Rate at which co-belligerents draw together. Default 0.5 per year.
    pub stance_cobelligerent: f64,
    /// Rate at which opposing belligerents draw apart. Default 0.5 per year.
    pub stance_opposed: f64,
    /// Rate at which two actors hostile (≤ −0.5) to a common third draw together. Default 0.1 per year.
    pub stance_balance: f64,
    /// Rate at which sanction pressure turns a target against its senders and toward its busters and
    /// fellow targets. Default 0.3 per year at full pressure.
    pub stance_sanctions: f64,

    // --- Transfers -------------------------------------------------------------------------------
    /// What a detected transfer adds to the intensity of each regime it breaches (capped at 1).
    /// Default 0.1: a design choice (new designations after a breach comes to light).
    pub transfer_detection_intensity: f64,
    /// How far a detected transfer moves the stances of each breached regime's senders toward both
    /// parties, once. Default 0.1: a design choice, a third of `defection_shock`.
    pub transfer_detection_shock: f64,
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            onset_rate: 0.065,
            deterrence: 0.82,
            onset_memory: 1.5,
            start_threat: 0.035,
            start_display: 0.315,
            start_force: 0.65,
            seizure_share: 0.20,
            lethal_share: 0.42,
            up_threat: 0.333,
            up_display: 0.109,
            up_force: 0.0065,
            up_war: 0.001,
            up_nuclear: 0.05,
            settle_threat: 0.5,
            settle_display: 0.5,
            settle_force: 0.35,
            down_war: 0.25,
            down_nuclear: 0.3,
            down_past_peak: 0.2,
            settle_past_peak: 0.5,
            reescalation: 0.1,
            escalation_hostility: 1.0,
            escalation_imbalance: 0.3,
            escalation_deterrence: 0.5,
            escalation_pressure: 0.5,
            escalation_nuclear: 2.5,
            nuclear_limited_weight: 0.5,
            escalation_duration: 0.0,
            war_endurance: 0.6,
            war_belligerents: 0.3,
            war_imbalance: 0.2,
            reliability_defense: 0.41,
            reliability_offense: 0.74,
            reliability_neutrality: 0.78,
            reliability_non_aggression: 0.37,
            reliability_consultation: 0.9,
            reliability_mobilize: 0.5,
            commitment_automatic: 1.0,
            commitment_constitutional: 0.9,
            commitment_discretionary: 0.75,
            honour_stance: 1.0,
            honour_risk: 0.5,
            honour_limited: -3.3,
            honour_all: false,
            defection_shock: 0.3,
            consultation_shock: 0.05,
            support_diplomatic: 0.2,
            support_material: 0.5,
            support_lethal: 0.8,
            support_material_weight: 0.1,
            support_lethal_weight: 0.25,
            voluntary_entry_rate: 0.02,
            coalition_entry: 0.0,
            sanction_build_rate: 1.0,
            sanction_half_life_years: 2.5,
            sanction_erosion: 0.3,
            sanction_compliance_slope: 8.0,
            sanction_stake: 0.86,
            stance_reversion: 0.2,
            stance_cobelligerent: 0.5,
            stance_opposed: 0.5,
            stance_balance: 0.1,
            stance_sanctions: 0.3,
            transfer_detection_intensity: 0.1,
            transfer_detection_shock: 0.1,
        }
    }
}

impl Parameters {
    /// The default reliability of an obligation of this kind, before the commitment multiplier.
    pub fn reliability(&self, kind: ObligationKind) -> f64 {
        match kind {
            ObligationKind::Defense => self.reliability_defense,
            ObligationKind::Offense => self.reliability_offense,
            ObligationKind::Neutrality => self.reliability_neutrality,
            ObligationKind::NonAggression => self.reliability_non_aggression,
            ObligationKind::Consultation => self.reliability_consultation,
            ObligationKind::Mobilize => self.reliability_mobilize,
        }
    }

    /// The prior probability that an obligation is honoured: its own `reliability`, or its kind's
    /// default times its commitment's multiplier.
    pub fn reliability_of(&self, obligation: &Obligation) -> f64 {
        obligation.reliability.unwrap_or_else(|| {
            self.reliability(obligation.kind) * self.commitment(obligation.response.commitment)
        })
    }

    /// The reliability multiplier of a commitment.
    pub fn commitment(&self, commitment: Commitment) -> f64 {
        match commitment {
            Commitment::Automatic => self.commitment_automatic,
            Commitment::Constitutional => self.commitment_constitutional,
            Commitment::Discretionary => self.commitment_discretionary,
        }
    }

    /// Every numeric parameter with its name, value and valid range, in declaration order: the one
    /// list that validation and reports walk.
    pub fn ranges(&self) -> Vec<(&'static str, f64, f64, f64)> {
        const P: (f64, f64) = (0.0, 1.0); // a probability or share
        const W: (f64, f64) = (-20.0, 20.0); // a logit weight
        const R: (f64, f64) = (0.0, 1000.0); // a rate per year
        let p = self;
        let entries: [(&'static str, f64, (f64, f64)); 64] = [
            ("onset_rate", p.onset_rate, R),
            ("deterrence", p.deterrence, P),
            ("onset_memory", p.onset_memory, (0.0, 20.0)),
            ("start_threat", p.start_threat, P),
            ("start_display", p.start_display, P),
            ("start_force", p.start_force, P),
            ("seizure_share", p.seizure_share, P),
            ("lethal_share", p.lethal_share, P),
            ("up_threat", p.up_threat, P),
            ("up_display", p.up_display, P),
            ("up_force", p.up_force, P),
            ("up_war", p.up_war, P),
            ("up_nuclear", p.up_nuclear, P),
            ("settle_threat", p.settle_threat, P),
            ("settle_display", p.settle_display, P),
            ("settle_force", p.settle_force, P),
            ("down_war", p.down_war, P),
            ("down_nuclear", p.down_nuclear, P),
            ("down_past_peak", p.down_past_peak, P),
            ("settle_past_peak", p.settle_past_peak, P),
            ("reescalation", p.reescalation, P),
            ("escalation_hostility", p.escalation_hostility, W),
            ("escalation_imbalance", p.escalation_imbalance, W),
            ("escalation_deterrence", p.escalation_deterrence, W),
            ("escalation_pressure", p.escalation_pressure, W),
            ("escalation_nuclear", p.escalation_nuclear, W),
            ("nuclear_limited_weight", p.nuclear_limited_weight, P),
            ("escalation_duration", p.escalation_duration, W),
            ("war_endurance", p.war_endurance, W),
            ("war_belligerents", p.war_belligerents, W),
            ("war_imbalance", p.war_imbalance, W),
            ("reliability_defense", p.reliability_defense, P),
            ("reliability_offense", p.reliability_offense, P),
            ("reliability_neutrality", p.reliability_neutrality, P),
            (
                "reliability_non_aggression",
                p.reliability_non_aggression,
                P,
            ),
            ("reliability_consultation", p.reliability_consultation, P),
            ("reliability_mobilize", p.reliability_mobilize, P),
            ("commitment_automatic", p.commitment_automatic, P),
            ("commitment_constitutional", p.commitment_constitutional, P),
            ("commitment_discretionary", p.commitment_discretionary, P),
            ("honour_stance", p.honour_stance, W),
            ("honour_risk", p.honour_risk, W),
            ("honour_limited", p.honour_limited, W),
            ("defection_shock", p.defection_shock, (0.0, 2.0)),
            ("consultation_shock", p.consultation_shock, (0.0, 2.0)),
            ("support_diplomatic", p.support_diplomatic, (0.0, 2.0)),
            ("support_material", p.support_material, (0.0, 2.0)),
            ("support_lethal", p.support_lethal, (0.0, 2.0)),
            ("support_material_weight", p.support_material_weight, P),
            ("support_lethal_weight", p.support_lethal_weight, P),
            ("voluntary_entry_rate", p.voluntary_entry_rate, R),
            ("coalition_entry", p.coalition_entry, P),
            ("sanction_build_rate", p.sanction_build_rate, R),
            (
                "sanction_half_life_years",
                p.sanction_half_life_years,
                (1e-3, 1000.0),
            ),
            ("sanction_erosion", p.sanction_erosion, P),
            (
                "sanction_compliance_slope",
                p.sanction_compliance_slope,
                (0.0, 100.0),
            ),
            ("sanction_stake", p.sanction_stake, (-10.0, 10.0)),
            ("stance_reversion", p.stance_reversion, R),
            ("stance_cobelligerent", p.stance_cobelligerent, R),
            ("stance_opposed", p.stance_opposed, R),
            ("stance_balance", p.stance_balance, R),
            ("stance_sanctions", p.stance_sanctions, R),
            (
                "transfer_detection_intensity",
                p.transfer_detection_intensity,
                P,
            ),
            (
                "transfer_detection_shock",
                p.transfer_detection_shock,
                (0.0, 2.0),
            ),
        ];
        entries
            .into_iter()
            .map(|(name, value, (lo, hi))| (name, value, lo, hi))
            .collect()
    }
}
