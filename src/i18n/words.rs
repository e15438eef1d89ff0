//! The words for domain values, in the catalogue's keys.

use super::Msg;
use crate::domain::municipality::{ContactRole, FormStatus};
use crate::domain::rollout::RolloutStatus;

pub fn role_msg(role: ContactRole) -> Msg {
    match role {
        ContactRole::Mayor => Msg::role_mayor,
        ContactRole::Secretary => Msg::role_secretary,
        ContactRole::Intervenor => Msg::role_intervenor,
        ContactRole::Treasurer => Msg::role_treasurer,
        ContactRole::ServiceManager => Msg::role_service_manager,
        ContactRole::DataCertifier => Msg::role_data_certifier,
        ContactRole::Other => Msg::role_other,
    }
}

pub fn status_msg(status: RolloutStatus) -> Msg {
    match status {
        RolloutStatus::Pending => Msg::status_pending,
        RolloutStatus::InProgress => Msg::status_in_progress,
        RolloutStatus::Done => Msg::status_done,
        RolloutStatus::NotApplicable => Msg::status_not_applicable,
        RolloutStatus::Blocked => Msg::status_blocked,
    }
}

/// The words for a fitxa status, and the days left when it is expiring.
pub fn form_status_msg(status: FormStatus) -> (Msg, Option<i64>) {
    match status {
        FormStatus::Valid => (Msg::form_valid, None),
        FormStatus::Expiring(days) => (Msg::form_expiring, Some(days)),
        FormStatus::Expired => (Msg::form_expired, None),
        FormStatus::NotSent => (Msg::form_not_sent, None),
    }
}
