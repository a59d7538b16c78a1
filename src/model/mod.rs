//! The model's vocabulary shared by the file format and the engine.

pub mod calendar;
mod force;
mod level;
mod pathway;

pub use force::{AttackCondition, ForceAction, Severity};
pub use level::{LEVEL_NAMES, Level};
pub use pathway::{Pathway, PathwayError, PathwayStep};
