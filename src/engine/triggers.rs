//! The treaty-trigger logic: one pure function deciding whether an obligation fires for a conflict,
//! and why (docs/MODEL.md §3.5).

use super::conflict::Side;
use serde::Serialize;

use super::conflict::{Conflict, Route};
use super::world::{ActorIx, DirectedObligation, ObligationIx, World};
use crate::model::Level;
use crate::scenario::{ObligationKind, Role, Step, Territory};

/// Why an obligation fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    /// The side the holder is bound to join (its partner's side; for mobilisation, the side facing
    /// the mobiliser).
    pub side: Side,
    /// The adversaries that satisfy the obligation's conditions, ascending.
    pub adversaries: Vec<ActorIx>,
    /// The holder already takes part on that side: the duty arises but there is nothing to decide.
    pub engaged: bool,
    /// What fired it is war-scale: an attack at war level or above meeting the conditions, rather
    /// than a limited one (a clash, a seizure, a dispute below force). Always true of kinds other
    /// than defense and offense, whose decision does not depend on the scale (docs/MODEL.md §3.6).
    pub war: bool,
}

/// Why an obligation does not fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// Non-aggression obligations constrain attacks; they never fire.
    NeverFires,
    /// The treaty is not in force, or the holder or partner has withdrawn.
    NotInForce,
    /// It has fired in this conflict already: at war scale, or at a limited scale and no
    /// war-scale attack meets its conditions since.
    AlreadyFired,
    /// The partner takes no part in the conflict (or, for mobilisation, no adversary has mobilised).
    PartnerNotInvolved,
    /// The holder fights on the other side.
    HolderOpposed,
    /// The conflict is below the obligation's `min_level`.
    BelowLevel,
    /// The partner's side used force first and the obligation requires an unprovoked attack.
    Provoked,
    /// No attack (or dispute) involving the partner in the required role meets the adversary, place
    /// and territory conditions.
    NoQualifyingAttack,
    /// Attacks meet every other condition, but none is an armed attack (a lethal attack or clash,
    /// or war): a seizure or a clash without deaths does not call for defense.
    NotArmedAttack,
    /// Fewer distinct adversaries than `min_adversaries`.
    TooFewAdversaries,
    /// The `after` obligation has not fired in this conflict.
    AfterNotFired,
    /// A mobilisation obligation's holder has mobilised already, in another conflict.
    AlreadyMobilised,
}

/// The outcome of checking one obligation against one conflict.
pub type Verdict = Result<Firing, Reason>;

/// What the trigger check needs to know beyond the obligation and the conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The current step.
    pub step: Step,
    /// Whether the treaty is in force for both holder and partner now (its range, and no signing
    /// or withdrawal event says otherwise).
    pub in_force: bool,
    /// The holder's highest level in any active conflict: a mobilisation obligation binds a holder
    /// that has not yet mobilised. Only mobilisation obligations read it.
    pub holder_level: Level,
}

/// Decides whether obligation `ob` fires for `conflict` in context `ctx`. Pure: reads only its
/// arguments.
///
/// The rules (docs/MODEL.md §3.5): triggers read attacks, not side membership, so an actor is
/// attacked only where an attack names it and joining a conflict never binds the joiner's own allies
/// (no chaining); `target` obligations fire only for attacks on the partner, never for attacks it
/// made; `unprovoked` ones never fire for the side that used force first; below force no attack
/// exists yet, and `target` / `initiator` read the sides of the dispute (side A opened it).
pub fn check(world: &World, ob: ObligationIx, conflict: &Conflict, ctx: &Context) -> Verdict {
    let o = &world.obligations[ob];
    if o.kind == ObligationKind::NonAggression {
        return Err(Reason::NeverFires);
    }
    if !ctx.in_force {
        return Err(Reason::NotInForce);
    }
    if conflict.has_fired_at_war(ob) {
        return Err(Reason::AlreadyFired);
    }
    let firing = if o.kind == ObligationKind::Mobilize {
        if ctx.holder_level >= o.min_level && conflict.participant(o.holder).is_none() {
            return Err(Reason::AlreadyMobilised);
        }
        check_mobilize(o, conflict)?
    } else {
        check_partner(world, o, conflict)?
    };
    // Fired for a limited attack: only a war-scale one is a new decision.
    if !firing.war && conflict.has_fired(ob) {
        return Err(Reason::AlreadyFired);
    }
    if let Some(after) = o.after
        && !conflict
            .fired
            .iter()
            .any(|f| world.obligations[f.obligation].clause == after)
    {
        return Err(Reason::AfterNotFired);
    }
    Ok(firing)
}

/// The conditions of every kind but mobilisation, which read the partner's part in the conflict.
fn check_partner(world: &World, o: &DirectedObligation, conflict: &Conflict) -> Verdict {
    let Some(partner_side) = conflict.side_of(o.partner) else {
        return Err(Reason::PartnerNotInvolved);
    };
    let engaged = match conflict.side_of(o.holder) {
        Some(side) if side != partner_side => return Err(Reason::HolderOpposed),
        Some(_) => true,
        None => false,
    };
    if conflict.level < o.min_level {
        return Err(Reason::BelowLevel);
    }
    if o.unprovoked && conflict.initiator == Some(partner_side) {
        return Err(Reason::Provoked);
    }
    if qualifying(world, o, conflict, partner_side, o.armed)
        .next()
        .is_none()
    {
        return Err(
            if o.armed
                && qualifying(world, o, conflict, partner_side, false)
                    .next()
                    .is_some()
            {
                Reason::NotArmedAttack
            } else {
                Reason::NoQualifyingAttack
            },
        );
    }
    // Only defense and offense read the scale; for the others every firing is final.
    let mut war = !matches!(o.kind, ObligationKind::Defense | ObligationKind::Offense);
    let mut adversaries: Vec<ActorIx> = qualifying(world, o, conflict, partner_side, o.armed)
        .map(|(adversary, at_war)| {
            war |= at_war;
            adversary
        })
        .collect();
    adversaries.sort_unstable();
    adversaries.dedup();
    if adversaries.len() < o.min_adversaries {
        return Err(Reason::TooFewAdversaries);
    }
    Ok(Firing {
        side: partner_side,
        adversaries,
        engaged,
        war,
    })
}

/// Whether an adversary passes the obligation's adversary filters (and is not the holder itself:
/// no one is bound to defend against itself).
fn admits(o: &DirectedObligation, adversary: ActorIx) -> bool {
    adversary != o.holder
        && o.adversaries
            .as_ref()
            .is_none_or(|list| list.binary_search(&adversary).is_ok())
        && o.adversaries_exclude.binary_search(&adversary).is_err()
}

/// The adversaries, in attack order with repeats, of the attacks (or, below force, the dispute)
/// that meet the obligation's role, adversary, place and territory conditions, and, if `armed`,
/// are armed attacks (no dispute below force is); each with whether its attack is at war level or
/// above. Lazy, so that the common case of no qualifying attack allocates nothing.
fn qualifying<'a>(
    world: &'a World,
    o: &'a DirectedObligation,
    conflict: &'a Conflict,
    partner_side: Side,
    armed: bool,
) -> impl Iterator<Item = (ActorIx, bool)> + 'a {
    let place_ok = move |region| {
        o.regions
            .as_ref()
            .is_none_or(|regions| world.within_any(region, regions))
            && (o.territory == Territory::Any
                || world.within_any(region, &world.actors[o.partner].regions))
    };
    // Below force no attack exists: the dispute's opener (side A) is the initiator, side B the
    // target, and the adversaries are the other side's participants, in the conflict's region.
    let dispute_role_ok = match o.role {
        Role::Target => partner_side == Side::B,
        Role::Initiator => partner_side == Side::A,
        Role::Any => true,
    };
    let from_dispute =
        !armed && conflict.attacks.is_empty() && dispute_role_ok && place_ok(conflict.region);
    let dispute = conflict
        .participants
        .iter()
        .filter(move |p| from_dispute && p.side != partner_side)
        .map(|p| (p.actor, false))
        .filter(move |&(a, _)| admits(o, a));
    let attacks = conflict.attacks.iter().filter_map(move |attack| {
        if armed && !attack.is_armed() {
            return None;
        }
        let adversary = match o.role {
            Role::Target if attack.attacked == o.partner => attack.attacker,
            Role::Initiator if attack.attacker == o.partner => attack.attacked,
            Role::Any if attack.attacked == o.partner => attack.attacker,
            Role::Any if attack.attacker == o.partner => attack.attacked,
            _ => return None,
        };
        (admits(o, adversary) && place_ok(attack.region))
            .then_some((adversary, attack.level >= Level::War))
    });
    dispute.chain(attacks)
}

/// Mobilisation reads every conflict: it fires when an admitted adversary takes part at
/// `min_level` or above, and binds the holder to the side facing it.
fn check_mobilize(o: &DirectedObligation, conflict: &Conflict) -> Verdict {
    let mobilisers = || {
        conflict.participants.iter().filter(|p| {
            // The partner's own mobilisation never binds the holder against it.
            p.actor != o.partner
                && admits(o, p.actor)
                && p.cap.min(conflict.level) >= o.min_level.max(Level::Dispute)
        })
    };
    // The earliest mobiliser (founders before entrants of the same step, then side A) fixes the
    // side: a rule that does not depend on how actors or treaties are listed.
    let Some(first) = mobilisers().min_by_key(|p| (p.joined, p.via != Route::Founder, p.side))
    else {
        return Err(Reason::PartnerNotInvolved);
    };
    let mobiliser_side = first.side;
    let side = mobiliser_side.other();
    let engaged = match conflict.side_of(o.holder) {
        Some(s) if s != side => return Err(Reason::HolderOpposed),
        Some(_) => true,
        None => false,
    };
    let mut adversaries: Vec<ActorIx> = mobilisers()
        .filter(|p| p.side == mobiliser_side)
        .map(|p| p.actor)
        .collect();
    adversaries.sort_unstable();
    if adversaries.len() < o.min_adversaries {
        return Err(Reason::TooFewAdversaries);
    }
    Ok(Firing {
        side,
        adversaries,
        engaged,
        war: true,
    })
}
