//! Reports read results and render them; the engine never prints.

pub mod trace;
