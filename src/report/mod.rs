//! Reports read results and render them; the engine never prints.

pub mod backtest;
pub mod compare;
pub mod files;
#[cfg(feature = "plots")]
pub mod html;
#[cfg(feature = "plots")]
pub mod plot;
pub mod sensitivity;
pub mod sweep;
pub mod text;
pub mod trace;
