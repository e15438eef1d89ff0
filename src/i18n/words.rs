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

use crate::domain::certificate::{CertStatus, HolderRole, Operation};

/// A holder's post in full.
pub fn post_msg(role: HolderRole) -> Msg {
    match role {
        HolderRole::Mayor => Msg::role_mayor,
        HolderRole::Secretary => Msg::role_secretary,
        HolderRole::Intervenor => Msg::role_intervenor,
        HolderRole::Treasurer => Msg::role_treasurer,
        HolderRole::Other => Msg::role_other,
    }
}

/// A holder's post for a narrow column.
pub fn post_short_msg(role: HolderRole) -> Msg {
    match role {
        HolderRole::Mayor => Msg::post_short_mayor,
        HolderRole::Secretary => Msg::post_short_secretary,
        HolderRole::Intervenor => Msg::post_short_intervenor,
        HolderRole::Treasurer => Msg::post_short_treasurer,
        HolderRole::Other => Msg::post_short_other,
    }
}

pub fn operation_msg(op: Operation) -> Msg {
    match op {
        Operation::New => Msg::op_new,
        Operation::Renewal => Msg::op_renewal,
        Operation::Revocation => Msg::op_revocation,
    }
}

pub fn operation_short_msg(op: Operation) -> Msg {
    match op {
        Operation::New => Msg::op_short_new,
        Operation::Renewal => Msg::op_short_renewal,
        Operation::Revocation => Msg::op_short_revocation,
    }
}

pub fn cert_status_msg(status: CertStatus) -> Msg {
    match status {
        CertStatus::Received => Msg::cstatus_received,
        CertStatus::AwaitingDocuments => Msg::cstatus_awaiting,
        CertStatus::Filed => Msg::cstatus_filed,
        CertStatus::Issued => Msg::cstatus_issued,
        CertStatus::Delivered => Msg::cstatus_delivered,
        CertStatus::Rejected => Msg::cstatus_rejected,
        CertStatus::Cancelled => Msg::cstatus_cancelled,
    }
}

pub fn cert_status_short_msg(status: CertStatus) -> Msg {
    match status {
        CertStatus::Received => Msg::cstatus_short_received,
        CertStatus::AwaitingDocuments => Msg::cstatus_short_awaiting,
        CertStatus::Filed => Msg::cstatus_short_filed,
        CertStatus::Issued => Msg::cstatus_short_issued,
        CertStatus::Delivered => Msg::cstatus_short_delivered,
        CertStatus::Rejected => Msg::cstatus_short_rejected,
        CertStatus::Cancelled => Msg::cstatus_short_cancelled,
    }
}

/// A contact's role in a word or two, for a search row.
pub fn role_short_msg(role: ContactRole) -> Msg {
    match role {
        ContactRole::Mayor => Msg::role_short_mayor,
        ContactRole::Secretary => Msg::role_short_secretary,
        ContactRole::Intervenor => Msg::role_short_intervenor,
        ContactRole::Treasurer => Msg::role_short_treasurer,
        ContactRole::ServiceManager => Msg::role_short_service_manager,
        ContactRole::DataCertifier => Msg::role_short_data_certifier,
        ContactRole::Other => Msg::role_short_other,
    }
}

use crate::domain::activity::{ActivityKind, ActivityStatus, Direction};

pub fn activity_kind_msg(kind: ActivityKind) -> Msg {
    match kind {
        ActivityKind::Call => Msg::act_kind_call,
        ActivityKind::Email => Msg::act_kind_email,
        ActivityKind::Visit => Msg::act_kind_visit,
        ActivityKind::Remote => Msg::act_kind_remote,
        ActivityKind::Training => Msg::act_kind_training,
    }
}

pub fn activity_status_msg(status: ActivityStatus) -> Msg {
    match status {
        ActivityStatus::Open => Msg::act_status_open,
        ActivityStatus::Waiting => Msg::act_status_waiting,
        ActivityStatus::Closed => Msg::act_status_closed,
    }
}

/// A status for a narrow column.
pub fn activity_status_short_msg(status: ActivityStatus) -> Msg {
    match status {
        ActivityStatus::Waiting => Msg::act_status_waiting_short,
        other => activity_status_msg(other),
    }
}

pub fn direction_msg(direction: Direction) -> Msg {
    match direction {
        Direction::In => Msg::act_dir_in,
        Direction::Out => Msg::act_dir_out,
    }
}

/// A kind for a narrow column.
pub fn activity_kind_short_msg(kind: ActivityKind) -> Msg {
    match kind {
        ActivityKind::Call => Msg::act_kind_call_short,
        ActivityKind::Email => Msg::act_kind_email_short,
        ActivityKind::Visit => Msg::act_kind_visit_short,
        ActivityKind::Remote => Msg::act_kind_remote_short,
        ActivityKind::Training => Msg::act_kind_training_short,
    }
}

pub fn revocation_reason_msg(r: crate::domain::revocation::RevocationReason) -> Msg {
    use crate::domain::revocation::RevocationReason as R;
    match r {
        R::DataChanged => Msg::rev_reason_data_changed,
        R::KeyCompromised => Msg::rev_reason_key_compromised,
        R::CardLost => Msg::rev_reason_card_lost,
        R::RelationshipEnded => Msg::rev_reason_relationship_ended,
        R::ProhibitedList => Msg::rev_reason_prohibited_list,
    }
}

/// An operator card's days to expiry as words: `caduca en 12 d`, or once
/// expired `caducada fa 333 d`.
pub fn card_days(t: &super::I18n, days: i64) -> String {
    match days {
        d if d < 0 => t.f(Msg::card_expired_ago, &[("n", &-d)]),
        d => t.f(Msg::today_in_days, &[("n", &d)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Lang};

    #[test]
    fn a_holders_post_is_spelt_one_way_and_its_narrow_form_is_that_spelling_cut() {
        for lang in [Lang::Ca, Lang::Es, Lang::En] {
            let t = I18n::new(lang);
            for role in HolderRole::ALL {
                let (full, short) = (t.t(post_msg(role)), t.t(post_short_msg(role)));
                // The certificates table's column is nine wide.
                assert!(crate::widgets::width(short) <= 9, "{short}");
                assert!(
                    full.starts_with(short.trim_end_matches('.')),
                    "{}: {short:?} is not {full:?} cut",
                    lang.code()
                );
            }
        }
    }
}
