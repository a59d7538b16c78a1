//! The model's vocabulary shared by the file format and the engine.

mod level;

pub use level::{LEVEL_NAMES, Level};
