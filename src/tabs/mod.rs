//! The dashboard's tabs, one module each (state in `mod.rs`, keys in
//! `update.rs`, drawing in `view.rs`). The header lists them in this order and
//! the config's `start_tab` names the start screen: a new tab is a module and a line here.

pub mod activity;
pub mod certificates;
pub mod municipalities;
pub mod rollout;
pub mod today;

use crate::app::Tab;

pub use activity::ActivityTab;
pub use certificates::CertificatesTab;
pub use municipalities::MunicipalitiesTab;
pub use rollout::RolloutTab;
pub use today::TodayTab;

/// Every tab, in the header's order.
pub fn all() -> Vec<Box<dyn Tab>> {
    vec![
        Box::new(TodayTab::default()),
        Box::new(MunicipalitiesTab::default()),
        Box::new(RolloutTab::default()),
        Box::new(CertificatesTab::default()),
        Box::new(ActivityTab::default()),
    ]
}
