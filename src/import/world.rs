//! The rules that turn the COW and ATOP tables into a scenario (docs/MODEL.md §8).

use std::collections::{BTreeMap, BTreeSet};

use super::cliques::partition;
use super::history::nuclear_at;
use super::tables::{KINDS, Origin, Tables};
use crate::scenario::{
    Actor, Dyad, Event, EventKind, InForce, MonteCarloDefaults, Obligation, ObligationKind,
    Parameters, Reach, Region, Response, Scenario, Stance, StepUnit, Support, Territory, Treaty,
    Trigger,
};

/// The states with nuclear weapons in 2018: SIPRI Yearbook 2018, chapter 6, "World nuclear
/// forces" (the United States, Russia, the United Kingdom, France, China, India, Pakistan, Israel
/// and North Korea), as COW abbreviations.
pub const NUCLEAR_2018: [&str; 9] = [
    "USA", "RUS", "UKG", "FRN", "CHN", "IND", "PAK", "ISR", "PRK",
];

/// COW's regional code ranges: (first code, last code, region id, name).
pub(crate) const CONTINENTS: [(u32, u32, &str, &str); 5] = [
    (2, 165, "americas", "the Americas"),
    (200, 395, "europe", "Europe"),
    (402, 626, "africa", "Africa"),
    (630, 698, "middle_east", "the Middle East"),
    (700, 990, "asia_oceania", "Asia and Oceania"),
];

/// The region where disputes between states that are not neighbours take place.
pub(crate) const HIGH_SEAS: &str = "high_seas";

/// The largest water separation (COW `conttype`) at which a pair still counts as neighbours:
/// 4, up to 150 miles.
const NEIGHBOURS_MAX_CONTTYPE: u8 = 4;

/// The weight, in disputes, of the record's share in a pair's own (docs/MODEL.md §8.1): a pair's
/// force, seizure and lethal shares are (its count + `SHARE_PRIOR` × the record's share) / (its
/// cases + `SHARE_PRIOR`), so that a pair needs about this many disputes before its own share
/// outweighs the record's. 5: the spread of the pairs' force shares beyond their binomial noise
/// (a beta-binomial fit by the method of moments) gives a prior worth 4.3 disputes over 1992–2014
/// and 7.4 over 1946–2014.
pub const SHARE_PRIOR: f64 = 5.0;

/// Stance rule, in hundredths: what a defense obligation toward a state adds, what each other ATOP
/// obligation adds, how many hundredths one MID a year takes away, and the most it takes away.
const STANCE_DEFENSE: i32 = 50;
const STANCE_OTHER: i32 = 10;
const STANCE_PER_DISPUTE_A_YEAR: f64 = 200.0;
const STANCE_DISPUTES_MAX: i32 = 90;
/// What a strategic rivalry under way takes away, in hundredths (worlds built from the year-by-year
/// tables; docs/MODEL.md §8.1).
const STANCE_RIVALRY: i32 = 30;

/// The casus obligation kind, obligation id and short name of each ATOP column in [`KINDS`] order.
pub(crate) const OBLIGATIONS: [(ObligationKind, &str, &str); 5] = [
    (ObligationKind::Defense, "defense", "def"),
    (ObligationKind::Offense, "offense", "off"),
    (ObligationKind::Neutrality, "neutrality", "neu"),
    (ObligationKind::NonAggression, "non_aggression", "nag"),
    (ObligationKind::Consultation, "consultation", "con"),
];

/// The continent index of a COW code, if it falls in one of COW's regional ranges.
pub(super) fn continent(ccode: u32) -> Option<usize> {
    CONTINENTS
        .iter()
        .position(|&(lo, hi, _, _)| (lo..=hi).contains(&ccode))
}

/// Builds the world scenario from the tables (docs/MODEL.md §8):
///
/// - **actors**: every state, capability its latest CINC, nuclear if in [`NUCLEAR_2018`], territory
///   one region named after it within its COW continent;
/// - **treaties**: for each ATOP obligation type, the mutual ties are split into edge-disjoint
///   cliques, largest first ([`partition`]); cliques of different types with the same members
///   become one treaty; one-way ties become one treaty per holder and type. Every flagged directed
///   pair thus holds exactly one obligation of each flagged type. Defense obligations apply to
///   attacks on the partner's territory at the use of force; reliabilities are the type defaults;
/// - **dyads**: each MID dyad of two present states, with its onset rate per year; disputes of
///   pairs that are not neighbours (COW contiguity up to 150 miles of water) take place on the
///   high seas;
/// - **stances**: +0.5 for a defense obligation toward the other, +0.1 for each other obligation
///   type, −min(0.9, 2 × MID onsets per year), clamped to [−1, 1].
pub fn cow_atop(tables: &Tables) -> Scenario {
    let states = &tables.states;
    let n = states.len();
    let index: BTreeMap<u32, usize> = states
        .iter()
        .enumerate()
        .map(|(i, s)| (s.ccode, i))
        .collect();
    let lower = |i: usize| states[i].abb.to_ascii_lowercase();

    let regions = world_regions(states.iter().enumerate().map(|(i, s)| {
        let continent = continent(s.ccode).expect("checked by Tables::read");
        (lower(i), Some(s.name.clone()), continent)
    }));

    let actors = states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let nuclear = match tables.origin {
                Origin::History => nuclear_at(s.ccode, tables.year),
                _ => NUCLEAR_2018.contains(&s.abb.as_str()),
            };
            let mut source = format!(
                "COW state system member since {}; CINC {} (NMC)",
                s.member_since, s.cinc_latest_year
            );
            if s.major_power_2016 == 1 {
                source.push_str("; COW major power");
            }
            if nuclear {
                source.push_str(match tables.origin {
                    Origin::History => "; nuclear: docs/SOURCES.md B6",
                    _ => "; nuclear: SIPRI Yearbook 2018",
                });
            }
            source.push('.');
            Actor {
                id: s.abb.clone(),
                name: s.name.clone(),
                capability: s.cinc_latest,
                economy: None,
                nuclear: nuclear.into(),
                regions: Some(vec![lower(i)]),
                max_support: Support::Lethal,
                // COW's major powers project force beyond their continent; the others start
                // disputes only on their own continent or with states they have a record with.
                reach: if s.major_power_2016 == 1 {
                    Reach::Global
                } else {
                    Reach::Regional
                },
                voluntary_entry: None,
                source: Some(source),
            }
        })
        .collect();

    // Directed flags, per type.
    let mut held: Vec<BTreeSet<(usize, usize)>> = vec![BTreeSet::new(); KINDS.len()];
    for t in &tables.ties {
        let (h, p) = (index[&t.holder], index[&t.partner]);
        if h == p {
            continue;
        }
        for (k, flag) in t.flags.into_iter().enumerate() {
            if flag {
                held[k].insert((h, p));
            }
        }
    }

    // Mutual ties by clique, merged across types; one-way ties by holder.
    let mut blocs: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    let mut one_way: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (k, pairs) in held.iter().enumerate() {
        let mutual: Vec<(usize, usize)> = pairs
            .iter()
            .filter(|&&(h, p)| h < p && pairs.contains(&(p, h)))
            .copied()
            .collect();
        for clique in partition(n, &mutual) {
            blocs.entry(clique).or_default().push(k);
        }
        for &(h, p) in pairs.iter().filter(|&&(h, p)| !pairs.contains(&(p, h))) {
            one_way.entry((h, k)).or_default().push(p);
        }
    }
    let mut ordered: Vec<(&Vec<usize>, &Vec<usize>)> = blocs.iter().collect();
    ordered.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(b.0)));

    let lead = |members: &[usize]| {
        *members
            .iter()
            .max_by(|&&a, &&b| {
                states[a]
                    .cinc_latest
                    .total_cmp(&states[b].cinc_latest)
                    .then(b.cmp(&a))
            })
            .expect("a treaty has members")
    };
    let mut ids = BTreeSet::new();
    let mut unique = |id: String| {
        let mut candidate = id.clone();
        let mut k = 2;
        while !ids.insert(candidate.clone()) {
            candidate = format!("{id}_{k}");
            k += 1;
        }
        candidate
    };
    // The year of the ATOP records: the world's own for the snapshot, the year before for a world
    // built from the records before its year.
    let (year, mid_end) = match tables.origin {
        Origin::History => (tables.year - 1, tables.year - 1),
        _ => (tables.year, 2014),
    };
    let mut treaties = Vec::new();
    for (members, kinds) in ordered {
        let short: Vec<&str> = kinds.iter().map(|&k| OBLIGATIONS[k].2).collect();
        let names: Vec<&str> = kinds.iter().map(|&k| OBLIGATIONS[k].1).collect();
        let (id, name) = if members.len() == 2 {
            (
                format!(
                    "{}_{}_{}",
                    lower(members[0]),
                    lower(members[1]),
                    short.join("_")
                ),
                format!(
                    "{} ties between {} and {}",
                    sentence(&names),
                    states[members[0]].name,
                    states[members[1]].name
                ),
            )
        } else {
            let lead = lead(members);
            (
                format!("{}_{}_{}", lower(lead), members.len(), short.join("_")),
                format!(
                    "{} ties among {} states, the most capable {}",
                    sentence(&names),
                    members.len(),
                    states[lead].name
                ),
            )
        };
        treaties.push(treaty(
            unique(id),
            name,
            members.iter().map(|&i| states[i].abb.clone()).collect(),
            kinds
                .iter()
                .map(|&k| {
                    obligation(
                        k,
                        None,
                        atop_flag(k, year, "each member toward each other member"),
                    )
                })
                .collect(),
            format!(
                "ATOP v5 directed dyads in force in {year} (Leeds et al. 2002): the largest clique \
                 of mutual {} ties not yet grouped, per type (docs/MODEL.md §8). Which treaty \
                 or treaties these are, and their conditions, the table does not say.",
                names.join(", ")
            ),
        ));
    }
    for (&(holder, k), partners) in &one_way {
        let (_, kind_id, short) = OBLIGATIONS[k];
        let (id, name) = if let [partner] = partners[..] {
            (
                format!("{}_to_{}_{short}", lower(holder), lower(partner)),
                format!(
                    "One-way {kind_id} obligation of {} toward {}",
                    states[holder].name, states[partner].name
                ),
            )
        } else {
            (
                format!("{}_to_{}_{short}", lower(holder), partners.len()),
                format!(
                    "One-way {kind_id} obligations of {} toward {} states",
                    states[holder].name,
                    partners.len()
                ),
            )
        };
        let mut members = vec![holder];
        members.extend(partners);
        treaties.push(treaty(
            unique(id),
            name,
            members.iter().map(|&i| states[i].abb.clone()).collect(),
            vec![obligation(
                k,
                Some(states[holder].abb.clone()),
                atop_flag(
                    k,
                    year,
                    "the first member toward each other member, not returned",
                ),
            )],
            format!(
                "ATOP v5 directed dyads in force in {year} (Leeds et al. 2002): {kind_id} ties \
                 held without the partner holding them in return (docs/MODEL.md §8)."
            ),
        ));
    }

    // Disputes.
    let neighbours: BTreeMap<(usize, usize), u8> = tables
        .contiguity
        .iter()
        .map(|c| {
            let (a, b) = (index[&c.ccode1], index[&c.ccode2]);
            ((a.min(b), a.max(b)), c.conttype)
        })
        .collect();
    let mut dyads = Vec::new();
    let mut dispute_rate = BTreeMap::new();
    let mut absent = BTreeSet::new();
    for d in &tables.disputes {
        let (Some(&a), Some(&b)) = (index.get(&d.lo), index.get(&d.hi)) else {
            absent.extend([d.lo, d.hi]);
            continue;
        };
        let pair = (a.min(b), a.max(b));
        dispute_rate.insert(pair, d.onsets_per_year);
        let contiguity = neighbours.get(&pair).copied();
        let near = contiguity.is_some_and(|c| c <= NEIGHBOURS_MAX_CONTTYPE);
        // The pair's own mix of uses of force, shrunk toward the record's.
        let shrunk = |count: u32, cases: u32, prior: f64| {
            (cases > 0).then(|| {
                let share =
                    (f64::from(count) + SHARE_PRIOR * prior) / (f64::from(cases) + SHARE_PRIOR);
                (share * 1000.0).round() / 1000.0
            })
        };
        let defaults = Parameters::default();
        let (seizure_share, lethal_share) = d.severity.map_or((None, None), |m| {
            (
                shrunk(m.seizures, m.seizures + m.attacks, defaults.seizure_share),
                shrunk(m.attacks_lethal, m.attacks_known, defaults.lethal_share),
            )
        });
        dyads.push(Dyad {
            between: [states[pair.0].abb.clone(), states[pair.1].abb.clone()],
            onset_rate: Some((d.onsets_per_year * 1e4).round() / 1e4),
            force_share: d.force_share.map(|f| (f * 1000.0).round() / 1000.0),
            seizure_share,
            lethal_share,
            region: (!near).then(|| HIGH_SEAS.to_owned()),
            source: Some(format!(
                "COW MID 5: {} onset{} {}-{mid_end} ({} with force, {} war){}; {}.",
                d.onsets,
                if d.onsets == 1 { "" } else { "s" },
                d.from_year,
                d.force,
                d.war,
                if d.force_share.is_some() {
                    format!(
                        "; recent years weigh more (half-life {} years, docs/MODEL.md §8.1)",
                        super::RATE_HALF_LIFE_YEARS
                    )
                } else {
                    String::new()
                },
                match contiguity {
                    Some(1) => "land border".to_owned(),
                    Some(c) if c <= NEIGHBOURS_MAX_CONTTYPE =>
                        format!("neighbours across water (COW contiguity {c})"),
                    Some(c) => format!("COW contiguity {c}: disputes on the high seas"),
                    None => "not contiguous: disputes on the high seas".to_owned(),
                }
            )),
        });
    }
    absent.retain(|code| !index.contains_key(code));
    let dropped = tables.disputes.len() - dyads.len();

    let ids: Vec<String> = states.iter().map(|s| s.abb.clone()).collect();
    let rivals: BTreeSet<(usize, usize)> = tables
        .rivals
        .iter()
        .filter_map(|(a, b)| Some((*index.get(a)?, *index.get(b)?)))
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    let stances = stances(
        &ids,
        &held,
        &dispute_rate,
        &rivals,
        &format!("ATOP {year}"),
        "MID",
    );

    let absent: Vec<String> = absent.iter().map(u32::to_string).collect();
    Scenario {
        schema: Some("casus.schema.json".into()),
        casus: crate::scenario::FORMAT_VERSION,
        name: format!("World {}", tables.year),
        description: Some(match tables.origin {
            Origin::History => format!(
                "Every state of the international system on 1 January {world}, with the alliance \
                 obligations in force in {year}, dispute rates and rivalries from the records \
                 before {world} only, monthly for ten years. Built by `casus import cow-atop \
                 --year {world}` from the year-by-year COW, ATOP, MID and rivalry tables in \
                 scenarios/data; rebuilding gives the same bytes.",
                world = tables.year
            ),
            _ => format!(
                "Every state of the international system with the alliance obligations in force in \
             {year}, monthly for ten years. Built by `casus import cow-atop` from the COW and \
             ATOP tables in scenarios/data; rebuilding gives the same bytes. No dispute is \
             scripted: add an attack event to ask what a clash would set off."
            ),
        }),
        source: Some(match tables.origin {
            Origin::History => format!(
                "States: COW State System Membership 2016, members on 1 January {world}; COW major \
                 powers. Capabilities: COW National Material Capabilities (Singer, Bremer & \
                 Stuckey 1972), each state's latest CINC before {world}. Nuclear status: \
                 docs/SOURCES.md B6. Obligations: ATOP v5 directed dyad-years of {year} (Leeds, \
                 Ritter, Mitchell & Long 2002). Dispute rates: COW MID 5 (Palmer et al. 2021), \
                 from 1946 or both states' first entry to {year}. Rivalries: Thompson & Dreyer \
                 2012, under way in {year}. Neighbours: COW Direct Contiguity 3.2 (Stinnett et al. \
                 2002), in force on 1 January {world}. Rules: docs/MODEL.md §8 and §8.1; what the \
                 tables do not say is left at the model's defaults, as for the 2018 world.",
                world = tables.year
            ),
            _ => format!(
                "States: COW State System Membership 2016. Capabilities: COW National Material \
             Capabilities (Singer, Bremer & Stuckey 1972), each state's latest CINC. Nuclear \
             status: SIPRI Yearbook 2018, ch. 6. Obligations: ATOP v5 directed dyads in force in \
             {year} (Leeds, Ritter, Mitchell & Long 2002). Dispute rates: COW MID 5, 1946-2014 \
             (Palmer et al. 2021). Neighbours: COW Direct Contiguity 3.2 (Stinnett et al. 2002). \
             Rules: docs/MODEL.md §8. What the tables do not say, the scenario leaves at the \
             model's defaults: economic weight (equal to capability), support ceilings (lethal), \
             the conditions of each obligation (only the type is known: defense applies to \
             attacks on the partner's territory at the use of force), treaty identities and \
             reliabilities (the type defaults), sanctions (none). {dropped} MID dyads naming \
             states not in the 2016 system (COW codes {}) are left out.",
                absent.join(", ")
            ),
        }),
        step: StepUnit::Month,
        // A world of year Y stands on 1 January of Y; the snapshot is of no one day.
        start: match tables.origin {
            Origin::History => Some(format!("{:04}-01", tables.year)),
            _ => None,
        },
        steps: 120,
        level_labels: None,
        regions,
        actors,
        stances,
        dyads,
        treaties,
        sanctions: Vec::new(),
        transfers: Vec::new(),
        events: wars_under_way(tables, &index),
        parameters: Parameters {
            reliability_defense: tables.honouring.map_or(
                Parameters::default().reliability_defense,
                defense_reliability,
            ),
            coalition_entry: tables
                .coalition
                .map_or(RECORD_COALITION_ENTRY, coalition_entry),
            ..Parameters::default()
        },
        monte_carlo: MonteCarloDefaults::default(),
    }
}

/// The wars under way on the world's first day as `declare` events at step 0 (docs/MODEL.md §8.1):
/// the founders' declaration opens the war, with the months it has lasted as `under_way` (from the
/// middle of its first year: COW's war-years give no month), and each other state fighting on
/// declares war on the founder of the side it faces. A war between states already at war with each
/// other, or a state already fighting the founder it faces, adds nothing: wars that share
/// belligerents merge into one conflict, as the model has one conflict per opposed pair.
fn wars_under_way(tables: &Tables, index: &BTreeMap<u32, usize>) -> Vec<Event> {
    let abb = |code: u32| tables.states[index[&code]].abb.clone();
    let mut events = Vec::new();
    for war in &tables.wars {
        let (by, on) = war.founders();
        let source = format!(
            "COW Inter-State War Data v4.0 (Sarkees & Wayman 2010), war {}: begun in {}, fought \
             in {} and on into {} (docs/MODEL.md §8.1).",
            war.number,
            war.from_year,
            tables.year - 1,
            tables.year
        );
        let declare = |id: String, by: u32, on: u32| {
            let mut e = Event::new(EventKind::Declare);
            e.id = Some(id);
            e.at = Some(0);
            e.by = Some(abb(by));
            e.on = Some(abb(on));
            e.source = Some(source.clone());
            e
        };
        let mut opening = declare(format!("war_{}", war.number), by, on);
        opening.under_way = Some(12 * (tables.year - war.from_year) - 6);
        events.push(opening);
        let by_side = war.side_of(by);
        for (side, states) in war.sides.iter().enumerate() {
            for &state in states.iter().filter(|&&s| s != by && s != on) {
                let faces = if Some(side) == by_side { on } else { by };
                let id = format!("war_{}_{}", war.number, abb(state).to_lowercase());
                events.push(declare(id, state, faces));
            }
        }
    }
    events
}

/// The weight, in cases, of the default defense reliability (Berkemeier & Fuhrmann's 0.41 for
/// alliances whose conditions were met) in an imported world's: the record's own rate outweighs it
/// once it has more cases than this, as a pair's shares do (`SHARE_PRIOR`).
pub const HONOUR_PRIOR: f64 = SHARE_PRIOR;

/// The reliability of an imported world's defense ties: how often, in the record before the world's
/// year, the holder of an ATOP defense tie joined a partner attacked at war scale
/// ([`History::honouring`](super::History::honouring)), shrunk toward the default by
/// [`HONOUR_PRIOR`] cases, to three places (docs/MODEL.md §3.6, §8). ATOP's table gives a tie's
/// type but not its conditions, so a tie counts wherever its partner was attacked; the record's
/// rate for such ties is what a tie of unknown conditions is worth.
pub fn defense_reliability(record: super::Tally) -> f64 {
    let prior = Parameters::default().reliability_defense;
    let rate = (record.hits as f64 + HONOUR_PRIOR * prior) / (record.cases as f64 + HONOUR_PRIOR);
    (rate * 1000.0).round() / 1000.0
}

/// How often holders of ATOP defense ties toward a COW major power fighting a MID war begun 1946–2014
/// joined its side: 13 of 230 (`History::honouring`, pinned by `tests/history.rs`). The
/// `coalition_entry` of a world built without the year-by-year tables.
pub const RECORD_COALITION_ENTRY: f64 = 0.057;

/// The `coalition_entry` of an imported world: how often, in the record of the disputes begun from
/// 1946 to the year before the world's, the holder of an ATOP defense tie toward a major power
/// fighting a war joined its side, shrunk toward the rate of the disputes begun before 1946 by
/// [`HONOUR_PRIOR`] cases, to three places (docs/MODEL.md §3.6, §8.1).
pub fn coalition_entry([before, record]: [super::Tally; 2]) -> f64 {
    let prior = before.share().unwrap_or(RECORD_COALITION_ENTRY);
    let rate = (record.hits as f64 + HONOUR_PRIOR * prior) / (record.cases as f64 + HONOUR_PRIOR);
    (rate * 1000.0).round() / 1000.0
}

/// The regions of a world of states: the five COW continents, the high seas, and each state's
/// territory, given as `(id, name, continent index)`, within its continent.
pub(crate) fn world_regions(
    territories: impl IntoIterator<Item = (String, Option<String>, usize)>,
) -> Vec<Region> {
    let mut regions: Vec<Region> = CONTINENTS
        .iter()
        .map(|&(lo, hi, id, name)| Region {
            id: id.into(),
            name: Some(name.into()),
            within: None,
            source: Some(format!("COW country codes {lo}-{hi}.")),
        })
        .collect();
    regions.push(Region {
        id: HIGH_SEAS.into(),
        name: Some("international waters and airspace".into()),
        within: None,
        source: Some(
            "Where the disputes of states that are not neighbours take place (docs/MODEL.md §8)."
                .into(),
        ),
    });
    regions.extend(territories.into_iter().map(|(id, name, continent)| Region {
        id,
        name,
        within: Some(CONTINENTS[continent].2.into()),
        source: None,
    }));
    regions
}

/// A written treaty in force for the whole run.
pub(crate) fn treaty(
    id: String,
    name: String,
    members: Vec<String>,
    obligations: Vec<Obligation>,
    source: String,
) -> Treaty {
    Treaty {
        id,
        name: Some(name),
        members,
        in_force: InForce::default(),
        formal: true,
        obligations,
        source: Some(source),
    }
}

/// An obligation of the `k`th type of [`KINDS`], read as docs/MODEL.md §8 says: defense covers an
/// attack on the partner's territory at the use of force; the rest keep their default triggers.
pub(crate) fn obligation(k: usize, holder: Option<String>, source: String) -> Obligation {
    let (kind, id, _) = OBLIGATIONS[k];
    let trigger = if kind == ObligationKind::Defense {
        Trigger {
            territory: Territory::Partner,
            ..Trigger::default()
        }
    } else {
        Trigger::default()
    };
    Obligation {
        id: id.into(),
        kind,
        holder,
        partner: None,
        role: None,
        trigger,
        response: Response::default(),
        reliability: None,
        formal: None,
        source: Some(source),
    }
}

fn atop_flag(k: usize, year: u32, binds: &str) -> String {
    format!(
        "ATOP {year} flag {}: {binds}.",
        KINDS[k].to_ascii_uppercase()
    )
}

/// `defense`, `defense and consultation`, `defense, non_aggression and consultation`, capitalised.
fn sentence(names: &[&str]) -> String {
    let words: Vec<String> = names.iter().map(|n| n.replace('_', "-")).collect();
    let text = match words.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Initial stances by the rule of docs/MODEL.md §8, for every pair with an alliance tie or a
/// dispute rate: from *i* toward *j*, +0.5 for a defense obligation *i* holds toward *j*, +0.1 for
/// each other obligation type, −min(0.9, 2 × disputes per year), clamped to [−1, 1]. `held[k]` holds
/// the directed pairs `(holder, partner)` with an obligation of the *k*th type of [`KINDS`];
/// `dispute_rate` the rate per year of unordered pairs `(i < j)`. Symmetric stances are written
/// with `between`. `ties` and `disputes` name the sources in each stance's `source`.
pub(crate) fn stances(
    ids: &[String],
    held: &[BTreeSet<(usize, usize)>],
    dispute_rate: &BTreeMap<(usize, usize), f64>,
    rivals: &BTreeSet<(usize, usize)>,
    ties: &str,
    disputes: &str,
) -> Vec<Stance> {
    let ties_of = |from: usize, to: usize| -> Vec<usize> {
        (0..KINDS.len())
            .filter(|&k| held[k].contains(&(from, to)))
            .collect()
    };
    let mut pairs: BTreeSet<(usize, usize)> = dispute_rate.keys().copied().collect();
    pairs.extend(rivals);
    for pairs_of_kind in held {
        pairs.extend(pairs_of_kind.iter().map(|&(h, p)| (h.min(p), h.max(p))));
    }
    let mut stances = Vec::new();
    for (a, b) in pairs {
        let rate = dispute_rate.get(&(a, b)).copied();
        let rival = rivals.contains(&(a, b));
        let hostility = rate.map_or(0, |r| {
            ((r * STANCE_PER_DISPUTE_A_YEAR).round() as i32).min(STANCE_DISPUTES_MAX)
        }) + if rival { STANCE_RIVALRY } else { 0 };
        let stance = |kinds: &[usize]| {
            let alliance: i32 = kinds
                .iter()
                .map(|&k| if k == 0 { STANCE_DEFENSE } else { STANCE_OTHER })
                .sum();
            (alliance - hostility).clamp(-100, 100)
        };
        let describe = |kinds: &[usize]| {
            let mut parts = Vec::new();
            if !kinds.is_empty() {
                let names: Vec<&str> = kinds.iter().map(|&k| OBLIGATIONS[k].1).collect();
                parts.push(format!("{ties}: {}", names.join(", ")));
            }
            if let Some(r) = rate {
                parts.push(format!("{disputes} {r}/yr"));
            }
            if rival {
                parts.push("strategic rivals (Thompson & Dreyer)".to_owned());
            }
            format!("{} (docs/MODEL.md §8).", parts.join("; "))
        };
        let (ab, ba) = (ties_of(a, b), ties_of(b, a));
        let (sa, sb) = (stance(&ab), stance(&ba));
        let name = |i: usize| ids[i].clone();
        if ab == ba {
            if sa != 0 {
                stances.push(Stance {
                    from: None,
                    to: None,
                    between: Some([name(a), name(b)]),
                    value: f64::from(sa) / 100.0,
                    source: Some(describe(&ab)),
                });
            }
            continue;
        }
        for (from, to, value, kinds) in [(a, b, sa, &ab), (b, a, sb, &ba)] {
            if value != 0 {
                stances.push(Stance {
                    from: Some(name(from)),
                    to: Some(name(to)),
                    between: None,
                    value: f64::from(value) / 100.0,
                    source: Some(describe(kinds)),
                });
            }
        }
    }
    stances
}
