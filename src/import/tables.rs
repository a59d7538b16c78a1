//! The four COW and ATOP tables the importer reads, each row checked as it is read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::ImportError;
use super::world::continent;

/// COW state-system member in 2016, with its capability (`cow_states_2016.csv`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct State {
    /// COW country code.
    pub ccode: u32,
    /// COW abbreviation (`USA`, `UKG`), used as the actor id.
    pub abb: String,
    /// Name.
    pub name: String,
    /// Year the state entered the system.
    pub member_since: u32,
    /// Whether COW counts it a major power in 2016 (0 or 1).
    pub major_power_2016: u8,
    /// CINC in 2016.
    pub cinc_2016: f64,
    /// CINC in the latest NMC year available for the state.
    pub cinc_latest: f64,
    /// That year.
    pub cinc_latest_year: u32,
}

/// The ATOP obligation types a directed dyad may carry, in the table's column order.
pub const KINDS: [&str; 5] = ["defense", "offense", "neutral", "nonagg", "consul"];

/// One directed dyad of the ATOP table: the obligations `holder` owes `partner` in the table's year
/// (`atop_YEAR_directed_dyads.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Ties {
    /// The state holding the obligations (`ccode1`).
    pub holder: u32,
    /// The state they are owed to (`ccode2`).
    pub partner: u32,
    /// The ATOP flags in [`KINDS`] order: DEFENSE, OFFENSE, NEUTRAL, NONAGG, CONSUL.
    pub flags: [bool; 5],
}

/// A row of the ATOP table as written, flags still numbers.
#[derive(Deserialize)]
struct TiesRow {
    ccode1: u32,
    ccode2: u32,
    defense: u8,
    offense: u8,
    neutral: u8,
    nonagg: u8,
    consul: u8,
}

/// MID onsets of one undirected dyad, 1946–2014 (`mid_dyad_onsets_1946_2014.csv`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Disputes {
    /// The lower COW code.
    #[serde(rename = "ccode_lo")]
    pub lo: u32,
    /// The higher COW code.
    #[serde(rename = "ccode_hi")]
    pub hi: u32,
    /// Distinct disputes begun.
    pub onsets: u32,
    /// Of those, how many reached hostility level 4 (use of force).
    pub force: u32,
    /// Of those, how many reached hostility level 5 (war).
    pub war: u32,
    /// First year counted: 1946 or the later entry of either state.
    pub from_year: u32,
    /// Years counted, to 2014.
    pub years: u32,
    /// `onsets / years`, as the table gives it.
    pub onsets_per_year: f64,
    /// The share of its disputes expected to reach the use of force, where the tables say (the
    /// year-by-year tables: its own share, recent years weighted more, shrunk toward the era's).
    #[serde(skip)]
    pub force_share: Option<f64>,
    /// What its uses of force short of war were, where the tables say (the year-by-year MID
    /// table; the 2018 snapshot table does not).
    #[serde(skip)]
    pub severity: Option<ForceMix>,
}

/// A pair's disputes that reached the use of force (MID hostility 4) but not war, by action and
/// fatality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ForceMix {
    /// Seizures, blockades and occupations (MID actions 13–15).
    pub seizures: u32,
    /// Attacks, clashes and declarations of war (MID actions 16–19).
    pub attacks: u32,
    /// Of the attacks, those whose fatality level is known.
    pub attacks_known: u32,
    /// Of those, the ones with deaths.
    pub attacks_lethal: u32,
}

/// A contiguous pair in 2016 (`cow_contiguity_2016.csv`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Contiguity {
    /// One state.
    pub ccode1: u32,
    /// The other.
    pub ccode2: u32,
    /// 1: land or river border; 2–5: separated by up to 12, 24, 150, 400 miles of water.
    pub conttype: u8,
}

/// An inter-state war under way on a world's first day (COW Inter-State War Data v4.0): who was
/// fighting whom, as COW codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct War {
    /// COW's war number.
    pub number: u32,
    /// The first year of the war.
    pub from_year: u32,
    /// The states fighting on side A and on side B.
    pub sides: [BTreeSet<u32>; 2],
    /// The pairs fighting each other: (side A state, side B state).
    pub fronts: BTreeSet<(u32, u32)>,
    /// The states among them that began the war (COW `initiator`).
    pub initiators: BTreeSet<u32>,
}

impl War {
    /// The two states whose war the others joined: the first initiator still fighting (by COW
    /// code), or the first state of side A if none is, and the first state it fights.
    pub fn founders(&self) -> (u32, u32) {
        let by = self
            .initiators
            .first()
            .or_else(|| self.sides[0].first())
            .copied()
            .expect("a war under way has a state on each side");
        let on = self
            .fronts
            .iter()
            .find_map(|&(a, b)| (a == by).then_some(b).or((b == by).then_some(a)))
            .expect("a state fighting has an opponent");
        (by, on)
    }

    /// The side (0 for A) a state fights on, if it does.
    pub fn side_of(&self, state: u32) -> Option<usize> {
        self.sides.iter().position(|s| s.contains(&state))
    }
}

/// Which records a set of [`Tables`] was drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// The snapshot tables of the 2018 world: states of 2016, ATOP 2018, MID 1946–2014.
    Snapshot,
    /// The year-by-year tables, as they stood on 1 January of the year ([`History`](super::History)).
    History,
}

/// The tables a world is built from, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    /// The year of the world (of the ATOP table, for the snapshot).
    pub year: u32,
    /// States in COW code order.
    pub states: Vec<State>,
    /// ATOP directed dyads, in the table's order.
    pub ties: Vec<Ties>,
    /// MID dyads, in the table's order.
    pub disputes: Vec<Disputes>,
    /// Contiguous pairs, in the table's order.
    pub contiguity: Vec<Contiguity>,
    /// Strategic rivalries under way, as pairs of COW codes (lower first); none in the snapshot.
    pub rivals: Vec<(u32, u32)>,
    /// How often holders of a defense tie joined a partner attacked at war scale, in disputes
    /// begun from 1946 to the year before ([`History::honouring`](super::History::honouring)):
    /// the reliability of the world's defense ties. None where the year-by-year tables are absent.
    pub honouring: Option<super::Tally>,
    /// How often the holders of a defense tie joined a major-power partner fighting a war
    /// ([`History::honouring`](super::History::honouring)): in the disputes begun before 1946, and
    /// in those begun from 1946 to the year before; the world's `coalition_entry`. None where the
    /// year-by-year tables are absent.
    pub coalition: Option<[super::Tally; 2]>,
    /// The inter-state wars under way on the world's first day, in COW war-number order; none in
    /// the snapshot.
    pub wars: Vec<War>,
    /// Which records these are.
    pub origin: Origin,
}

/// The file names read from the data directory for ATOP year `year`.
pub fn file_names(year: u32) -> [String; 4] {
    [
        "cow_states_2016.csv".to_owned(),
        format!("atop_{year}_directed_dyads.csv"),
        "mid_dyad_onsets_1946_2014.csv".to_owned(),
        "cow_contiguity_2016.csv".to_owned(),
    ]
}

impl Tables {
    /// Reads the four tables from `dir`, with the ATOP table of `year`, and checks that every row
    /// is well formed and every code in the ATOP and contiguity tables names a state. MID dyads may
    /// name states that left the system before 2016; the importer reports and skips them.
    pub fn read(dir: &Path, year: u32) -> Result<Tables, ImportError> {
        let [states_file, ties_file, disputes_file, contiguity_file] =
            file_names(year).map(|name| dir.join(name));
        if !ties_file.exists() {
            return Err(ImportError::Missing {
                file: ties_file,
                why: format!(
                    "the data directory has no ATOP table for {year}; it holds {}",
                    atop_years(dir)
                ),
            });
        }
        let mut states: Vec<State> = read_rows(&states_file)?;
        states.sort_by_key(|s| s.ccode);
        let mut seen = BTreeMap::new();
        for (row, state) in states.iter().enumerate() {
            let at = |why: String| ImportError::Value {
                file: states_file.clone(),
                line: row + 2,
                why,
            };
            if seen.insert(state.ccode, ()).is_some() {
                return Err(at(format!("COW code {} appears twice", state.ccode)));
            }
            if !(state.cinc_latest.is_finite() && state.cinc_latest > 0.0) {
                return Err(at(format!(
                    "{}: cinc_latest is {}, expected a number above 0",
                    state.abb, state.cinc_latest
                )));
            }
            if continent(state.ccode).is_none() {
                return Err(at(format!(
                    "COW code {} is outside COW's regional ranges (2-165, 200-395, 402-626, \
                     630-698, 700-990)",
                    state.ccode
                )));
            }
            if state.abb.is_empty() || !state.abb.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(at(format!(
                    "abbreviation `{}` is not a short code of letters and digits",
                    state.abb
                )));
            }
        }
        let known = |file: &PathBuf, line: usize, code: u32| {
            if seen.contains_key(&code) {
                Ok(())
            } else {
                Err(ImportError::Value {
                    file: file.clone(),
                    line,
                    why: format!("COW code {code} is not a state in {}", file_names(year)[0]),
                })
            }
        };
        let rows: Vec<TiesRow> = read_rows(&ties_file)?;
        let mut ties = Vec::with_capacity(rows.len());
        for (row, t) in rows.iter().enumerate() {
            let line = row + 2;
            known(&ties_file, line, t.ccode1)?;
            known(&ties_file, line, t.ccode2)?;
            let numbers = [t.defense, t.offense, t.neutral, t.nonagg, t.consul];
            if let Some(k) = numbers.iter().position(|&f| f > 1) {
                return Err(ImportError::Value {
                    file: ties_file.clone(),
                    line,
                    why: format!(
                        "column `{}`: expected a flag, 0 or 1, found {}",
                        KINDS[k], numbers[k]
                    ),
                });
            }
            ties.push(Ties {
                holder: t.ccode1,
                partner: t.ccode2,
                flags: numbers.map(|f| f == 1),
            });
        }
        let disputes: Vec<Disputes> = read_rows(&disputes_file)?;
        for (row, d) in disputes.iter().enumerate() {
            let rate_ok = d.onsets_per_year.is_finite() && d.onsets_per_year >= 0.0;
            if d.lo >= d.hi || d.years == 0 || !rate_ok {
                return Err(ImportError::Value {
                    file: disputes_file.clone(),
                    line: row + 2,
                    why: "expected ccode_lo < ccode_hi, years > 0 and onsets_per_year ≥ 0".into(),
                });
            }
        }
        let contiguity: Vec<Contiguity> = read_rows(&contiguity_file)?;
        for (row, c) in contiguity.iter().enumerate() {
            known(&contiguity_file, row + 2, c.ccode1)?;
            known(&contiguity_file, row + 2, c.ccode2)?;
        }
        Ok(Tables {
            year,
            states,
            ties,
            disputes,
            contiguity,
            rivals: Vec::new(),
            honouring: None,
            coalition: None,
            wars: Vec::new(),
            origin: Origin::Snapshot,
        })
    }
}

fn atop_years(dir: &Path) -> String {
    let mut years: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let year = name
                .strip_prefix("atop_")?
                .strip_suffix("_directed_dyads.csv")?;
            Some(year.to_owned())
        })
        .collect();
    years.sort();
    if years.is_empty() {
        "no atop_YEAR_directed_dyads.csv at all".to_owned()
    } else {
        format!("the years {}", years.join(", "))
    }
}

/// The largest data table casus reads (the largest bundled one, ATOP's directed dyad-years, is
/// 6 MB).
pub const MAX_TABLE_BYTES: u64 = 256 * 1024 * 1024;

/// A table's bytes, at most [`MAX_TABLE_BYTES`].
pub(super) fn read_table(file: &Path) -> Result<Vec<u8>, ImportError> {
    crate::bounded::read_bounded(file, MAX_TABLE_BYTES).map_err(|e| ImportError::Missing {
        file: file.to_owned(),
        why: e.to_string(),
    })
}

/// Reads a table's rows.
pub(super) fn read_rows<T: DeserializeOwned>(file: &Path) -> Result<Vec<T>, ImportError> {
    parse_rows(file, &read_table(file)?)
}

/// Parses the rows of a table read from `file`.
pub(super) fn parse_rows<T: DeserializeOwned>(
    file: &Path,
    bytes: &[u8],
) -> Result<Vec<T>, ImportError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().cloned().unwrap_or_default();
    reader
        .deserialize()
        .map(|row| {
            row.map_err(|e| {
                let line = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                let why = match e.kind() {
                    csv::ErrorKind::Deserialize { err, .. } => {
                        let column = err.field().and_then(|f| headers.get(f as usize));
                        match column {
                            Some(column) => format!("column `{column}`: {}", err.kind()),
                            None => err.to_string(),
                        }
                    }
                    _ => e.to_string(),
                };
                ImportError::Value {
                    file: file.to_owned(),
                    line,
                    why,
                }
            })
        })
        .collect()
}
