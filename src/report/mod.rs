//! Reports read results and render them; the engine never prints.

pub mod compare;
pub mod files;
pub mod sweep;
pub mod text;
pub mod trace;
