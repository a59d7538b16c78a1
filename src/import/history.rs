//! The year-by-year COW, ATOP, MID and rivalry tables, and the world as it stood on 1 January of
//! any year from them, built only from records dated before that day (docs/MODEL.md §8.1).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ImportError;
use super::tables::{
    Contiguity, Disputes, ForceMix, Origin, State, Tables, Ties, War, parse_rows, read_table,
};
use super::world::continent;

/// The first year whose world can be built: disputes are counted from 1946.
pub const FIRST_YEAR: u32 = 1946;

/// The half-life, in years, of a dispute's weight in the rates of a world (docs/MODEL.md §8.1): a
/// dispute this many years before the world's year counts half as much as one the year before.
pub const RATE_HALF_LIFE_YEARS: f64 = 10.0;

/// The weight of year `y` in the rates of the world of `year`.
fn weight(y: u32, year: u32) -> f64 {
    0.5f64.powf(f64::from(year - 1 - y) / RATE_HALF_LIFE_YEARS)
}
/// The last: the MID records end with 2014, and a world uses the records before its year.
pub const LAST_YEAR: u32 = 2015;

/// The file names of the year-by-year tables, in the order [`History::read`] reads them.
pub const HISTORY_FILES: [&str; 8] = [
    "cow_states_membership_spells.csv",
    "cow_major_powers_spells.csv",
    "cow_nmc_1816_2022.csv",
    "atop_directed_dyad_years_1815_2018.csv",
    "cow_contiguity_directed_spells.csv",
    "mid_directed_dispute_years_1816_2014.csv",
    "thompson_dreyer_rivalries.csv",
    "cow_interstate_war_directed_years_1823_2003.csv",
];

/// A date as (year, month, day), comparable.
type Date = (u32, u32, u32);

/// A spell of system membership.
#[derive(Debug, Clone, Deserialize)]
struct MemberSpell {
    stateabb: String,
    ccode: u32,
    statenme: String,
    styear: u32,
    stmonth: u32,
    stday: u32,
    endyear: u32,
    endmonth: u32,
    endday: u32,
}

/// A spell of major-power status.
#[derive(Debug, Clone, Deserialize)]
struct MajorSpell {
    ccode: u32,
    styear: u32,
    stmonth: u32,
    stday: u32,
    endyear: u32,
    endmonth: u32,
    endday: u32,
}

/// One state-year of National Material Capabilities: only CINC is read.
#[derive(Debug, Clone, Deserialize)]
struct Capability {
    ccode: u32,
    year: u32,
    cinc: f64,
}

/// One directed ATOP dyad-year.
#[derive(Debug, Clone, Deserialize)]
struct AllianceYear {
    ccode1: u32,
    ccode2: u32,
    year: u32,
    atop_defense: u8,
    atop_offense: u8,
    atop_neutral: u8,
    atop_nonagg: u8,
    atop_consul: u8,
}

/// One directed contiguity spell, dates as ISO text.
#[derive(Debug, Clone, Deserialize)]
struct ContiguitySpell {
    ccode1: u32,
    ccode2: u32,
    conttype: u8,
    stdate: String,
    enddate: String,
}

/// One directed MID dispute-year: only what the rates need.
#[derive(Debug, Clone, Deserialize)]
struct DisputeYear {
    dispnum: u32,
    ccode1: u32,
    ccode2: u32,
    year: u32,
    sidea1: u8,
    hostlev1: i32,
    hostlev2: i32,
    orig1: u8,
    orig2: u8,
    hiact1: i32,
    hiact2: i32,
    fatality1: i32,
    fatality2: i32,
}

impl DisputeYear {
    /// Whether both states were in the dispute from its first day (MID originators).
    fn originators(&self) -> bool {
        self.orig1 == 1 && self.orig2 == 1
    }

    /// The level at which state 1 took part in the dispute, facing state 2: between two
    /// originators, the higher of their hostility levels (the target of a seizure that did not
    /// answer it took part in a use of force, as a founder does in a simulated conflict);
    /// otherwise state 1's own level (a joiner is at the level it chose).
    fn level1(&self) -> i32 {
        if self.originators() {
            self.hostlev1.max(self.hostlev2)
        } else {
            self.hostlev1
        }
    }

    /// The level at which the two took part in the dispute against each other: between two
    /// originators the higher of their levels, otherwise the lower (a pair is at force when both
    /// were, as a pair of simulated participants is).
    fn pair_level(&self) -> i32 {
        if self.originators() {
            self.hostlev1.max(self.hostlev2)
        } else {
            self.hostlev1.min(self.hostlev2)
        }
    }
}

/// One pair's part in one dispute ([`History::dyad_disputes`]).
#[derive(Debug, Clone, Copy)]
struct DyadDispute {
    /// The first year the pair was in it.
    onset: u32,
    /// The highest hostility level either side reached.
    either: i32,
    /// The highest level at which the two took part against each other.
    joint: i32,
    /// The highest action either took (MID `hiact`).
    action: i32,
    /// The highest fatality level of either (MID `fatality`; −9 if unknown for both).
    fatality: i32,
    /// Whether both were among the dispute's originators.
    originators: bool,
}

impl DyadDispute {
    /// At the use of force short of war, what it was: `Some(true)` a seizure, blockade or
    /// occupation (MID actions 13–15), `Some(false)` an attack, clash or declaration of war
    /// (16–19); `None` for other levels, or an action outside those (missing, −9).
    fn seizure(&self) -> Option<bool> {
        match (self.either, self.action) {
            (4, 13..=15) => Some(true),
            (4, 16..=19) => Some(false),
            _ => None,
        }
    }
}

/// One directed COW inter-state war-year: a state fighting another in a war in a year.
#[derive(Debug, Clone, Deserialize)]
struct WarYear {
    warnum: u32,
    ccode1: u32,
    ccode2: u32,
    year: u32,
    /// 1: side A; 2: side B.
    sidea1: u8,
    /// 1 if state 1 began the war.
    initiator1: u8,
    /// 1 if the war resumed this year after a break.
    resume: u8,
}

/// One strategic rivalry.
#[derive(Debug, Clone, Deserialize)]
struct Rivalry {
    ccode1: u32,
    ccode2: u32,
    styear: u32,
    endyear: u32,
}

/// The year-by-year tables, read and checked.
#[derive(Debug, Clone)]
pub struct History {
    /// SHA-256 of the tables' bytes, file after file in the order of [`HISTORY_FILES`].
    pub sha256: String,
    members: Vec<MemberSpell>,
    majors: Vec<MajorSpell>,
    capabilities: Vec<Capability>,
    alliances: Vec<AllianceYear>,
    contiguity: Vec<(u32, u32, u8, Date, Date)>,
    disputes: Vec<DisputeYear>,
    rivalries: Vec<Rivalry>,
    wars: Vec<WarYear>,
}

/// The states with nuclear weapons, as COW codes, with the year each first had them and the year
/// it gave them up: first tests, and Israel's and South Africa's undeclared arsenals
/// (docs/SOURCES.md B6).
const NUCLEAR: [(u32, u32, Option<u32>); 10] = [
    (2, 1945, None),         // United States
    (365, 1949, None),       // Soviet Union / Russia
    (200, 1952, None),       // United Kingdom
    (220, 1960, None),       // France
    (710, 1964, None),       // China
    (666, 1967, None),       // Israel
    (750, 1974, None),       // India
    (560, 1979, Some(1991)), // South Africa
    (770, 1998, None),       // Pakistan
    (731, 2006, None),       // North Korea
];

/// Whether state `ccode` had nuclear weapons on 1 January of `year`: acquired in an earlier year,
/// not yet given up.
pub fn nuclear_at(ccode: u32, year: u32) -> bool {
    NUCLEAR
        .iter()
        .any(|&(c, from, until)| c == ccode && from < year && until.is_none_or(|u| u >= year))
}

fn iso_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-').map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

impl History {
    /// Reads the seven year-by-year tables from `dir`, checking every row as it is read: a row
    /// that does not hold what its table should is named with its file and line.
    pub fn read(dir: &Path) -> Result<History, ImportError> {
        let file = |k: usize| dir.join(HISTORY_FILES[k]);
        // Each table is read once: its rows are parsed from the bytes that are hashed.
        let bytes: Vec<Vec<u8>> = (0..HISTORY_FILES.len())
            .map(|k| read_table(&file(k)))
            .collect::<Result<_, _>>()?;
        let members: Vec<MemberSpell> = parse_rows(&file(0), &bytes[0])?;
        for (row, m) in members.iter().enumerate() {
            let bad = |why: String| ImportError::Value {
                file: file(0),
                line: row + 2,
                why,
            };
            if continent(m.ccode).is_none() {
                return Err(bad(format!(
                    "COW code {} is outside COW's regional ranges",
                    m.ccode
                )));
            }
            if m.stateabb.is_empty() || !m.stateabb.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(bad(format!(
                    "abbreviation `{}` is not a short code of letters and digits",
                    m.stateabb
                )));
            }
            if (m.endyear, m.endmonth, m.endday) < (m.styear, m.stmonth, m.stday) {
                return Err(bad("the spell ends before it starts".into()));
            }
        }
        let majors: Vec<MajorSpell> = parse_rows(&file(1), &bytes[1])?;
        let capabilities: Vec<Capability> = parse_rows(&file(2), &bytes[2])?;
        for (row, c) in capabilities.iter().enumerate() {
            if !(c.cinc.is_finite() && c.cinc >= 0.0) {
                return Err(ImportError::Value {
                    file: file(2),
                    line: row + 2,
                    why: format!(
                        "column `cinc`: expected a share from 0 to 1, found {}",
                        c.cinc
                    ),
                });
            }
        }
        let alliances: Vec<AllianceYear> = parse_rows(&file(3), &bytes[3])?;
        for (row, a) in alliances.iter().enumerate() {
            let flags = [
                a.atop_defense,
                a.atop_offense,
                a.atop_neutral,
                a.atop_nonagg,
                a.atop_consul,
            ];
            if let Some(k) = flags.iter().position(|&f| f > 1) {
                return Err(ImportError::Value {
                    file: file(3),
                    line: row + 2,
                    why: format!(
                        "column `atop_{}`: expected a flag, 0 or 1, found {}",
                        super::KINDS[k],
                        flags[k]
                    ),
                });
            }
        }
        let spells: Vec<ContiguitySpell> = parse_rows(&file(4), &bytes[4])?;
        let mut contiguity = Vec::with_capacity(spells.len());
        for (row, s) in spells.iter().enumerate() {
            let (Some(start), Some(end)) = (iso_date(&s.stdate), iso_date(&s.enddate)) else {
                return Err(ImportError::Value {
                    file: file(4),
                    line: row + 2,
                    why: format!(
                        "expected dates as YYYY-MM-DD, found `{}` and `{}`",
                        s.stdate, s.enddate
                    ),
                });
            };
            contiguity.push((s.ccode1, s.ccode2, s.conttype, start, end));
        }
        let disputes: Vec<DisputeYear> = parse_rows(&file(5), &bytes[5])?;
        for (row, d) in disputes.iter().enumerate() {
            if ![d.hostlev1, d.hostlev2]
                .iter()
                .all(|h| (-9..=5).contains(h))
            {
                return Err(ImportError::Value {
                    file: file(5),
                    line: row + 2,
                    why: "columns `hostlev1`, `hostlev2`: expected hostility levels 1-5 (or -9)"
                        .into(),
                });
            }
        }
        let rivalries: Vec<Rivalry> = parse_rows(&file(6), &bytes[6])?;
        let wars: Vec<WarYear> = parse_rows(&file(7), &bytes[7])?;
        for (row, w) in wars.iter().enumerate() {
            if !(1..=2).contains(&w.sidea1) || w.initiator1 > 1 || w.resume > 1 {
                return Err(ImportError::Value {
                    file: file(7),
                    line: row + 2,
                    why: "columns `sidea1`, `initiator1`, `resume`: expected a side, 1 or 2, and \
                          flags, 0 or 1"
                        .into(),
                });
            }
        }
        Ok(History {
            sha256: crate::monte_carlo::sha256_hex(&bytes.concat()),
            members,
            majors,
            capabilities,
            alliances,
            contiguity,
            disputes,
            rivalries,
            wars,
        })
    }

    /// The tables of the world as it stood on 1 January of `year`, from the records dated before
    /// it only (docs/MODEL.md §8.1): the system's members on that day, each one's latest CINC of an
    /// earlier year, the ATOP obligations in force in the year before, contiguity in force on that
    /// day, MID dispute rates from 1946 (or both states' first entry) to the year before, and the
    /// strategic rivalries under way in the year before.
    pub fn tables(&self, year: u32) -> Result<Tables, ImportError> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(ImportError::Year {
                year,
                why: format!(
                    "the year-by-year tables build worlds from {FIRST_YEAR} to {LAST_YEAR} (MID \
                     records end with 2014)"
                ),
            });
        }
        let day: Date = (year, 1, 1);
        let first_entry = self.first_entry();
        // The members on that day, with the spell under way.
        let mut current: BTreeMap<u32, &MemberSpell> = BTreeMap::new();
        for m in &self.members {
            if (m.styear, m.stmonth, m.stday) < day && day <= (m.endyear, m.endmonth, m.endday) {
                current.insert(m.ccode, m);
            }
        }
        let member = |c: u32| current.contains_key(&c);
        let mut latest: BTreeMap<u32, (u32, f64)> = BTreeMap::new();
        for c in self.capabilities.iter().filter(|c| c.year < year) {
            let e = latest.entry(c.ccode).or_insert((c.year, c.cinc));
            if c.year >= e.0 {
                *e = (c.year, c.cinc);
            }
        }
        let major = |c: u32| {
            self.majors.iter().any(|m| {
                m.ccode == c
                    && (m.styear, m.stmonth, m.stday) < day
                    && day <= (m.endyear, m.endmonth, m.endday)
            })
        };
        let states: Vec<State> = current
            .values()
            .map(|m| {
                let (cinc_year, cinc) = latest.get(&m.ccode).copied().unwrap_or((year - 1, 0.0));
                State {
                    ccode: m.ccode,
                    abb: m.stateabb.clone(),
                    name: m.statenme.clone(),
                    member_since: m.styear,
                    major_power_2016: u8::from(major(m.ccode)),
                    cinc_2016: cinc,
                    // A state the NMC gives no capability before the year still counts, barely.
                    cinc_latest: cinc.max(MIN_CINC),
                    cinc_latest_year: cinc_year,
                }
            })
            .collect();

        let ties: Vec<Ties> = self
            .alliances
            .iter()
            .filter(|a| a.year + 1 == year && member(a.ccode1) && member(a.ccode2))
            .map(|a| Ties {
                holder: a.ccode1,
                partner: a.ccode2,
                flags: [
                    a.atop_defense,
                    a.atop_offense,
                    a.atop_neutral,
                    a.atop_nonagg,
                    a.atop_consul,
                ]
                .map(|f| f == 1),
            })
            .collect();

        let mut contiguity: BTreeMap<(u32, u32), u8> = BTreeMap::new();
        for &(a, b, kind, start, end) in &self.contiguity {
            if start < day && day <= end && member(a) && member(b) && a < b {
                let e = contiguity.entry((a, b)).or_insert(kind);
                *e = (*e).min(kind);
            }
        }

        // Per dyad, the disputes begun before `year`, at their highest hostility before it.
        let mut dyads: BTreeMap<(u32, u32), Vec<DyadDispute>> = BTreeMap::new();
        for ((pair, _), d) in self.dyad_disputes(0, year - 1) {
            if d.onset < year {
                dyads.entry(pair).or_default().push(d);
            }
        }
        // The era's share of disputes that reached force, weighted as the rates are.
        let (mut all, mut at_force) = (0.0, 0.0);
        for d in dyads.values().flatten().filter(|d| d.onset >= FIRST_YEAR) {
            all += weight(d.onset, year);
            if d.either >= 4 {
                at_force += weight(d.onset, year);
            }
        }
        let era_force_share = if all > 0.0 { at_force / all } else { 0.0 };
        let mut disputes = Vec::new();
        for (&(lo, hi), list) in &dyads {
            if !(member(lo) && member(hi)) {
                continue;
            }
            let from = FIRST_YEAR.max(first_entry[&lo]).max(first_entry[&hi]);
            let counted: Vec<&DyadDispute> = list.iter().filter(|d| d.onset >= from).collect();
            if counted.is_empty() || from >= year {
                continue;
            }
            let years = year - from;
            let onsets = counted.len() as u32;
            let count =
                |f: &dyn Fn(&DyadDispute) -> bool| counted.iter().filter(|d| f(d)).count() as u32;
            let attack = |d: &DyadDispute| d.seizure() == Some(false);
            let weighted = |f: &dyn Fn(&DyadDispute) -> bool| -> f64 {
                counted
                    .iter()
                    .filter(|d| f(d))
                    .map(|d| weight(d.onset, year))
                    .sum()
            };
            let exposure: f64 = (from..year).map(|y| weight(y, year)).sum();
            let (onsets_weighted, force_weighted) =
                (weighted(&|_| true), weighted(&|d| d.either >= 4));
            let prior = crate::import::world::SHARE_PRIOR;
            disputes.push(Disputes {
                lo,
                hi,
                onsets,
                force: count(&|d| d.either >= 4),
                war: count(&|d| d.either >= 5),
                from_year: from,
                years,
                onsets_per_year: onsets_weighted / exposure,
                force_share: Some(
                    (force_weighted + prior * era_force_share) / (onsets_weighted + prior),
                ),
                severity: Some(ForceMix {
                    seizures: count(&|d| d.seizure() == Some(true)),
                    attacks: count(&attack),
                    attacks_known: count(&|d| attack(d) && d.fatality >= 0),
                    attacks_lethal: count(&|d| attack(d) && d.fatality >= 1),
                }),
            });
        }

        let rivals: BTreeSet<(u32, u32)> = self
            .rivalries
            .iter()
            // Thompson and Dreyer code a rivalry still under way at the end of their data as ending
            // in 2010.
            .filter(|r| r.styear < year && (r.endyear + 1 >= year || r.endyear >= RIVALRY_DATA_END))
            .filter(|r| member(r.ccode1) && member(r.ccode2) && r.ccode1 != r.ccode2)
            .map(|r| (r.ccode1.min(r.ccode2), r.ccode1.max(r.ccode2)))
            .collect();

        let honouring = self.honouring(FIRST_YEAR, year - 1);
        Ok(Tables {
            year,
            states,
            ties,
            disputes,
            contiguity: contiguity
                .into_iter()
                .map(|((ccode1, ccode2), conttype)| Contiguity {
                    ccode1,
                    ccode2,
                    conttype,
                })
                .collect(),
            rivals: rivals.into_iter().collect(),
            honouring: Some(honouring.war),
            coalition: Some([
                self.honouring(0, FIRST_YEAR - 1).coalition,
                honouring.coalition,
            ]),
            wars: self.wars_under_way(year, &member),
            origin: Origin::History,
        })
    }
}

/// The last year of the rivalry data: a rivalry "ending" then was still under way.
const RIVALRY_DATA_END: u32 = 2010;

/// The capability of a state the NMC gives none for before the year: a floor, so that it still
/// counts (a tenth of the smallest shares the NMC records).
const MIN_CINC: f64 = 1e-6;

/// What the record says of a span of years: which states took part in a dispute at the use of
/// force or at war, and which pairs saw a dispute begin between them that reached the use of force.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// States with MID hostility level 4 or 5 in some dispute-year.
    pub force_states: BTreeSet<u32>,
    /// States with hostility level 5 (war).
    pub war_states: BTreeSet<u32>,
    /// Pairs (lower code first) between whom a dispute began that reached level 4 or 5.
    pub force_dyads: BTreeSet<(u32, u32)>,
    /// Of those, the pairs that began such a dispute as its originators (MID `orig`), the two
    /// sides of the first day.
    pub originator_dyads: BTreeSet<(u32, u32)>,
    /// Of the originator pairs, those with an armed attack in such a dispute: war, or an attack or
    /// clash (MID actions 16–19) with deaths.
    pub armed_dyads: BTreeSet<(u32, u32)>,
    /// Of the other originator pairs, those whose attack or clash is of unknown fatality: neither
    /// armed nor not, so left out of the armed share.
    pub unknown_dyads: BTreeSet<(u32, u32)>,
    /// Per dispute, each state in it at level 4 or 5: (state, side A, originator).
    pub force_sides: BTreeMap<u32, BTreeSet<(u32, bool, bool)>>,
}

impl Record {
    /// Whether `joiner` joined a dispute on `partner`'s side, at the use of force, without having
    /// been one of its originators (MID's `orig` flag), with `partner` in it at force too.
    pub fn joined(&self, joiner: u32, partner: u32) -> bool {
        self.force_sides.values().any(|states| {
            states
                .iter()
                .any(|&(p, side, _)| p == partner && states.contains(&(joiner, side, false)))
        })
    }
}

/// How often the holders of a defense tie joined a partner that was attacked, by the scale of the
/// attack: what the honouring rule's `honour_limited` rests on (docs/MODEL.md §3.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Honouring {
    /// Attacks at war level (MID hostility 5): cases and joins.
    pub war: Tally,
    /// Limited armed attacks (an attack or clash with deaths below war): cases and joins.
    pub limited: Tally,
    /// Coalitions: a partner of major-power status fighting at war level, attacked or not: the
    /// holders of a defense tie toward it, and those that joined its side.
    #[serde(default)]
    pub coalition: Tally,
}

/// A count of cases and of those in which something happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Cases.
    pub cases: u64,
    /// Of those, the cases in which it happened.
    pub hits: u64,
}

impl Tally {
    /// Adds a case.
    pub fn add(&mut self, hit: bool) {
        self.cases += 1;
        self.hits += u64::from(hit);
    }

    /// The share of cases that were hits, if there are cases.
    pub fn share(&self) -> Option<f64> {
        (self.cases > 0).then(|| self.hits as f64 / self.cases as f64)
    }
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.cases += other.cases;
        self.hits += other.hits;
    }
}

impl std::ops::AddAssign for Honouring {
    fn add_assign(&mut self, other: Honouring) {
        self.war += other.war;
        self.limited += other.limited;
        self.coalition += other.coalition;
    }
}

impl History {
    /// The record of the years `from` to `to` inclusive. A dispute's level is the highest either
    /// side reached in those years.
    pub fn record(&self, from: u32, to: u32) -> Record {
        let mut record = Record::default();
        for d in self
            .disputes
            .iter()
            .filter(|d| (from..=to).contains(&d.year))
        {
            let level = d.level1();
            if level >= 4 {
                record.force_states.insert(d.ccode1);
                record.force_sides.entry(d.dispnum).or_default().insert((
                    d.ccode1,
                    d.sidea1 == 1,
                    d.orig1 == 1,
                ));
            }
            if level >= 5 {
                record.war_states.insert(d.ccode1);
            }
        }
        for ((pair, _), d) in self.dyad_disputes(from, to) {
            if (from..=to).contains(&d.onset) && d.joint >= 4 {
                record.force_dyads.insert(pair);
                if !d.originators {
                    continue;
                }
                record.originator_dyads.insert(pair);
                let attack = d.action >= 16;
                if d.joint >= 5 || attack && d.fatality >= 1 {
                    record.armed_dyads.insert(pair);
                } else if attack && d.fatality < 0 {
                    record.unknown_dyads.insert(pair);
                }
            }
        }
        let armed = &record.armed_dyads;
        record.unknown_dyads.retain(|pair| !armed.contains(pair));
        record
    }

    /// Every dispute of every pair (lower code first), keyed by pair and dispute number: the first
    /// year the pair was in it and, over the years `from` to `to` (0 if none fall there), the
    /// highest hostility either side reached and the highest level at which the two took part
    /// against each other ([`DisputeYear::pair_level`]).
    fn dyad_disputes(&self, from: u32, to: u32) -> BTreeMap<((u32, u32), u32), DyadDispute> {
        let mut disputes: BTreeMap<((u32, u32), u32), DyadDispute> = BTreeMap::new();
        for d in &self.disputes {
            let pair = (d.ccode1.min(d.ccode2), d.ccode1.max(d.ccode2));
            let e = disputes.entry((pair, d.dispnum)).or_insert(DyadDispute {
                onset: d.year,
                either: 0,
                joint: 0,
                action: -9,
                fatality: -9,
                originators: d.originators(),
            });
            e.onset = e.onset.min(d.year);
            if (from..=to).contains(&d.year) {
                e.either = e.either.max(d.hostlev1).max(d.hostlev2);
                e.joint = e.joint.max(d.pair_level());
                e.action = e.action.max(d.hiact1).max(d.hiact2);
                e.fatality = e.fatality.max(d.fatality1).max(d.fatality2);
            }
        }
        disputes
    }

    /// Alliance honouring in the record of disputes that began in the years `from` to `to`, as far
    /// as the record of those years goes (a world reads nothing from its own year on): each
    /// case is a state attacked on the first day of a dispute (a side-B originator, facing a
    /// side-A originator in an armed attack: war, or an attack or clash with deaths; MID actions
    /// 16–19) and a state that held a defense tie toward it the year before (ATOP), not itself an
    /// attacker; the holder joined if it took part on the partner's side at force without being an
    /// originator. A partner attacked at war scale counts there; one attacked only in limited
    /// attacks counts as limited.
    pub fn honouring(&self, from: u32, to: u32) -> Honouring {
        let mut onset: BTreeMap<u32, u32> = BTreeMap::new();
        for d in &self.disputes {
            let year = onset.entry(d.dispnum).or_insert(d.year);
            *year = (*year).min(d.year);
        }
        // Per dispute: each attacked partner with whether an attack on it was at war; the
        // attackers; and each state in it at force by side, as (state, side A, originator).
        let mut attacked: BTreeMap<u32, BTreeMap<u32, bool>> = BTreeMap::new();
        let mut attackers: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
        let mut at_force: BTreeMap<u32, BTreeSet<(u32, bool, bool)>> = BTreeMap::new();
        let mut at_war: BTreeSet<(u32, u32)> = BTreeSet::new();
        for d in &self.disputes {
            if !(from..=to).contains(&onset[&d.dispnum]) || d.year > to {
                continue;
            }
            if d.level1() >= 4 {
                at_force.entry(d.dispnum).or_default().insert((
                    d.ccode1,
                    d.sidea1 == 1,
                    d.orig1 == 1,
                ));
            }
            if d.level1() >= 5 {
                at_war.insert((d.dispnum, d.ccode1));
            }
            if d.originators() && d.sidea1 == 1 {
                attackers.entry(d.dispnum).or_default().insert(d.ccode1);
                let level = d.pair_level();
                let armed = level >= 5
                    || level >= 4
                        && d.hiact1.max(d.hiact2) >= 16
                        && d.fatality1.max(d.fatality2) >= 1;
                if armed {
                    let war = attacked
                        .entry(d.dispnum)
                        .or_default()
                        .entry(d.ccode2)
                        .or_default();
                    *war |= level >= 5;
                }
            }
        }
        let mut holders: BTreeMap<(u32, u32), Vec<u32>> = BTreeMap::new();
        for a in self.alliances.iter().filter(|a| a.atop_defense == 1) {
            if a.ccode1 != a.ccode2 {
                holders
                    .entry((a.year, a.ccode2))
                    .or_default()
                    .push(a.ccode1);
            }
        }
        let mut honouring = Honouring::default();
        // Coalitions: per dispute, the major powers at war on each side; each holder of a defense
        // tie toward one of them the year before, neither an originator nor one of them nor on the
        // other side, is a case, once per side; it joined if it took part on that side at force.
        for (dispnum, states) in &at_force {
            let year = onset[dispnum];
            for side in [true, false] {
                let leaders: BTreeSet<u32> = states
                    .iter()
                    .filter(|&&(x, s, _)| {
                        s == side && at_war.contains(&(*dispnum, x)) && self.major(x, year)
                    })
                    .map(|&(x, _, _)| x)
                    .collect();
                let candidates: BTreeSet<u32> = leaders
                    .iter()
                    .filter_map(|&leader| holders.get(&(year - 1, leader)))
                    .flatten()
                    .copied()
                    .filter(|h| !leaders.contains(h))
                    .collect();
                for holder in candidates {
                    let on = |s: bool| states.iter().any(|&(x, y, _)| x == holder && y == s);
                    if on(!side) || states.iter().any(|&(x, _, o)| x == holder && o) {
                        continue;
                    }
                    honouring.coalition.add(on(side));
                }
            }
        }
        for (dispnum, partners) in &attacked {
            let year = onset[dispnum];
            let states = at_force.get(dispnum);
            for (&partner, &war) in partners {
                let Some(held) = holders.get(&(year - 1, partner)) else {
                    continue;
                };
                for &holder in held {
                    if attackers[dispnum].contains(&holder) {
                        continue;
                    }
                    let joined = states.is_some_and(|s| s.contains(&(holder, false, false)));
                    if war {
                        honouring.war.add(joined);
                    } else {
                        honouring.limited.add(joined);
                    }
                }
            }
        }
        honouring
    }

    /// The inter-state wars under way on 1 January of `year` among members of the system on that
    /// day: each pair of states that fought each other in the war in the year before and fought on
    /// in `year` without a break (COW `resume` 0), and that the MID record has at war with each
    /// other (hostility 5 on both sides) in a dispute of the year before, as the backtest scores
    /// war. A row of `year` is read only for what was true
    /// on its first day: that the fighting had not stopped (docs/MODEL.md §8.1).
    fn wars_under_way(&self, year: u32, member: &dyn Fn(u32) -> bool) -> Vec<War> {
        let before: BTreeSet<(u32, u32, u32)> = self
            .wars
            .iter()
            .filter(|w| w.year + 1 == year)
            .map(|w| (w.warnum, w.ccode1, w.ccode2))
            .collect();
        let mut first: BTreeMap<u32, u32> = BTreeMap::new();
        for w in self.wars.iter().filter(|w| w.year < year) {
            let e = first.entry(w.warnum).or_insert(w.year);
            *e = (*e).min(w.year);
        }
        // The pairs the MID record has at war (hostility 5 on both sides) in a dispute of the year
        // before: what the backtest scores as war.
        let mid_war: BTreeSet<(u32, u32)> = self
            .disputes
            .iter()
            .filter(|d| d.year + 1 == year && d.hostlev1 >= 5 && d.hostlev2 >= 5)
            .map(|d| (d.ccode1, d.ccode2))
            .collect();
        let mut wars: BTreeMap<u32, War> = BTreeMap::new();
        for w in self.wars.iter().filter(|w| {
            w.year == year
                && w.resume == 0
                && before.contains(&(w.warnum, w.ccode1, w.ccode2))
                && mid_war.contains(&(w.ccode1, w.ccode2))
                && member(w.ccode1)
                && member(w.ccode2)
        }) {
            let war = wars.entry(w.warnum).or_insert_with(|| War {
                number: w.warnum,
                from_year: first[&w.warnum],
                sides: Default::default(),
                fronts: BTreeSet::new(),
                initiators: BTreeSet::new(),
            });
            // Each row names both states: a front is known from either direction's row.
            let side = usize::from(w.sidea1 != 1);
            war.sides[side].insert(w.ccode1);
            war.sides[1 - side].insert(w.ccode2);
            war.fronts.insert(if side == 0 {
                (w.ccode1, w.ccode2)
            } else {
                (w.ccode2, w.ccode1)
            });
            if w.initiator1 == 1 {
                war.initiators.insert(w.ccode1);
            }
        }
        wars.into_values().collect()
    }

    /// Whether a state was a COW major power at some time in `year`.
    fn major(&self, ccode: u32, year: u32) -> bool {
        self.majors
            .iter()
            .any(|m| m.ccode == ccode && m.styear <= year && year <= m.endyear)
    }

    /// The first year a state entered the system, by COW code.
    pub fn first_entry(&self) -> BTreeMap<u32, u32> {
        let mut first = BTreeMap::new();
        for m in &self.members {
            let e = first.entry(m.ccode).or_insert(m.styear);
            *e = (*e).min(m.styear);
        }
        first
    }
}
