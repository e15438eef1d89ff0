//! The rules, in one place. Each operation takes the records as they are and
//! what a person gave, and returns the `Change` to apply (None when nothing would
//! change) or the rule it breaks. The dashboard, the command line and the imports
//! all build their changes here, then hand them to `Store::apply`.

pub mod activity;
pub mod appointment;
pub mod catalogue;
pub mod councils;
pub mod delivery;
mod error;
pub mod import;
pub mod merge;
pub mod office_holder;
pub mod operators;
pub mod renewals;
pub mod requests;
pub mod revocation;
pub mod rollout;
pub mod training;

pub use error::{Field, RuleError};
