//! Plain types and rules: no terminal, no storage.

pub mod activity;
pub mod calendar;
pub mod catalog;
pub mod certificate;
mod certificate_wire;
pub mod clock;
pub mod council_search;
pub mod countdown;
pub mod elections;
pub mod limits;
pub mod localtime;
pub mod municipality;
pub mod operator;
pub mod revocation;
pub mod rollout;
pub mod search;
pub mod similar;
pub mod sparse_text;
pub mod tcat_p;
pub mod text;
