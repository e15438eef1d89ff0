//! The windows drawn over a tab. Each takes the keys while open, through the
//! `Popup` trait, and says what becomes of it after each one.

pub mod activity_detail;
pub mod activity_form;
pub mod checklist;
pub mod contacts_form;
mod detail_frame;
pub mod handover;
pub mod help;
pub mod jump;
pub mod messages;
pub mod operators;
pub mod prompt;
pub mod request_detail;
pub mod request_form;
