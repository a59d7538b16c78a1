//! The command line's own parts: its arguments and what it does at the terminal.

pub(crate) mod args;
pub(crate) mod backtest;
pub(crate) mod terminal;
