//! Plain types and rules: no terminal, no storage.

pub mod activity;
pub mod calendar;
pub mod catalog;
pub mod certificate;
pub mod clock;
pub mod council_search;
pub mod countdown;
pub mod limits;
pub mod localtime;
pub mod municipality;
pub mod rollout;
pub mod search;
pub mod similar;
pub mod text;
