//! The rule a change would break: typed, naming the field at fault, with the
//! words to say it. The form puts the focus on the field, the command line prints
//! the message, an import prefixes the line.

use crate::domain::municipality::IneCode;
use crate::i18n::{I18n, Msg};

/// The fields the rules speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Holder,
    Reason,
    Notes,
    ReceivedAt,
    FiledAt,
    IssuedAt,
    DeliveredAt,
    /// A council's contact: its name, phone and email.
    ContactName,
    Phone,
    Email,
    /// The date the subscriber form (fitxa) was sent.
    FormSentOn,
    /// Why a rollout is blocked, or a request rejected.
    StatusReason,
    /// When a checklist step was done.
    DoneAt,
    /// An activity's one-line summary.
    Summary,
    /// Whom an activity was with.
    Contact,
    /// An activity's council.
    Council,
    /// A training's councils.
    Councils,
    Service,
    /// A training's services.
    Services,
    /// The certificate request an activity is about.
    Request,
    /// The minutes an activity took.
    Minutes,
    /// A training's length.
    Hours,
    /// A council's attendees at a training.
    Attendees,
    ClosedAt,
    /// The request a revocation revokes.
    Revokes,
    RevocationReason,
}

impl Field {
    /// The field's name in files: the CSV column and the JSON key.
    pub fn name(self) -> &'static str {
        match self {
            Field::Holder => "holder",
            Field::Reason => "reason",
            Field::Notes => "notes",
            Field::ReceivedAt => "received_at",
            Field::FiledAt => "filed_at",
            Field::IssuedAt => "issued_at",
            Field::DeliveredAt => "delivered_at",
            Field::ContactName => "name",
            Field::Phone => "phone",
            Field::Email => "email",
            Field::FormSentOn => "subscriber_form_sent_on",
            Field::StatusReason => "status_reason",
            Field::DoneAt => "done_at",
            Field::Summary => "summary",
            Field::Contact => "contact",
            Field::Council => "ine_code",
            Field::Councils => "councils",
            Field::Service => "service",
            Field::Services => "services",
            Field::Request => "request_id",
            Field::Minutes => "minutes",
            Field::Hours => "hours",
            Field::Attendees => "councils",
            Field::ClosedAt => "closed_at",
            Field::Revokes => "revokes_id",
            Field::RevocationReason => "revocation_reason",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    Empty(Field),
    TooLong {
        field: Field,
        max: usize,
    },
    /// Urgency for a post without the right to it needs a written reason.
    UrgentWithoutReason,
    /// Later than now, beyond the few minutes a clock may be fast.
    InFuture(Field),
    IssuedBeforeReceived,
    /// A step dated before the step it follows (filed before received, delivered
    /// before issued); the field is the later step's.
    BeforePreviousStep(Field),
    /// Secretaries, intervenors and treasurers need their appointment attached before filing.
    AppointmentMissing,
    /// The status has no step forward.
    NoNextStep,
    /// Only open requests can be cancelled or rejected.
    NotOpen,
    /// A cancellation is confirmed by typing the holder's name; this is not it.
    NotTheHolder,
    BadEmail(String),
    /// Not digits, spaces, a leading `+` and an extension.
    BadPhone(String),
    UnknownCouncil(IneCode),
    /// A line break in a field of one line (an activity's summary).
    NotOneLine(Field),
    /// A number past what the field takes (or zero where one is needed).
    OutOfRange {
        field: Field,
        max: u32,
    },
    UnknownService(String),
    UnknownRequest(u64),
    /// The request is another council's.
    RequestOfAnotherCouncil(u64),
    /// A council named twice in a training's list.
    DuplicateCouncil(IneCode),
    /// A field only a training has (`councils`, `services`, `hours`).
    OnlyForTraining(Field),
    ClosedBeforeReceived,
    /// The activity is closed already.
    ActivityClosed,
    /// A link or reason of revocation on a request that is not one.
    OnlyForRevocation,
    /// The request a revocation names is not in the store.
    RevokesUnknown(u64),
    /// The certificate a revocation names is another council's.
    RevokesAnotherCouncil(u64),
    /// The request a revocation names has no certificate (not issued, or a revocation).
    RevokesNotIssued(u64),
    /// An expired certificate cannot be revoked.
    RevokesExpired {
        id: u64,
        expired: chrono::DateTime<chrono::Utc>,
    },
    /// A revocation names a holder, post or type that is not its certificate's.
    RevokesAnotherHolder(u64),
    /// Another revocation of the same certificate is on its way or done.
    RevokedAlready {
        id: u64,
        by: u64,
    },
}

impl RuleError {
    /// The field at fault, if the rule is about one.
    pub fn field(&self) -> Option<Field> {
        match self {
            RuleError::Empty(f)
            | RuleError::InFuture(f)
            | RuleError::BeforePreviousStep(f)
            | RuleError::TooLong { field: f, .. } => Some(*f),
            RuleError::UrgentWithoutReason => Some(Field::Reason),
            RuleError::IssuedBeforeReceived => Some(Field::ReceivedAt),
            RuleError::BadEmail(_) => Some(Field::Email),
            RuleError::BadPhone(_) => Some(Field::Phone),
            RuleError::NotTheHolder => Some(Field::Holder),
            RuleError::NotOneLine(f)
            | RuleError::OutOfRange { field: f, .. }
            | RuleError::OnlyForTraining(f) => Some(*f),
            RuleError::UnknownService(_) => Some(Field::Service),
            RuleError::UnknownRequest(_) | RuleError::RequestOfAnotherCouncil(_) => Some(Field::Request),
            RuleError::DuplicateCouncil(_) => Some(Field::Councils),
            RuleError::ClosedBeforeReceived => Some(Field::ClosedAt),
            RuleError::ActivityClosed => None,
            RuleError::OnlyForRevocation
            | RuleError::RevokesUnknown(_)
            | RuleError::RevokesAnotherCouncil(_)
            | RuleError::RevokesAnotherHolder(_)
            | RuleError::RevokesNotIssued(_)
            | RuleError::RevokesExpired { .. }
            | RuleError::RevokedAlready { .. } => Some(Field::Revokes),
            RuleError::AppointmentMissing
            | RuleError::NoNextStep
            | RuleError::NotOpen
            | RuleError::UnknownCouncil(_) => None,
        }
    }

    /// The words for it, as the dashboard says them.
    pub fn msg(&self) -> Msg {
        match self {
            RuleError::Empty(Field::Holder) => Msg::req_err_holder,
            RuleError::Empty(Field::ContactName) => Msg::form_err_name_missing,
            RuleError::Empty(Field::Summary) => Msg::act_err_summary,
            RuleError::Empty(Field::Council) => Msg::act_err_council,
            RuleError::Empty(Field::Councils) => Msg::act_err_councils,
            RuleError::TooLong {
                field: Field::Summary | Field::Contact,
                ..
            } => Msg::act_err_too_long,
            RuleError::InFuture(Field::ClosedAt) => Msg::act_err_future_closed,
            RuleError::Empty(Field::Revokes) => Msg::rev_err_link,
            RuleError::Empty(Field::RevocationReason) => Msg::rev_err_reason,
            RuleError::Empty(_) => Msg::reason_required,
            RuleError::TooLong { .. } => Msg::req_err_too_long,
            RuleError::UrgentWithoutReason => Msg::req_err_urgency,
            RuleError::InFuture(Field::ReceivedAt) => Msg::req_err_future,
            RuleError::InFuture(Field::FormSentOn | Field::DoneAt) => Msg::date_in_future,
            RuleError::InFuture(_) => Msg::req_err_future_date,
            RuleError::IssuedBeforeReceived => Msg::req_err_after_issue,
            RuleError::BeforePreviousStep(_) => Msg::req_err_step_order,
            RuleError::AppointmentMissing => Msg::req_err_appointment,
            RuleError::NoNextStep => Msg::req_no_next,
            RuleError::NotOpen => Msg::req_not_open,
            RuleError::NotTheHolder => Msg::req_err_cancel_name,
            RuleError::BadEmail(_) => Msg::form_err_email,
            RuleError::BadPhone(_) => Msg::form_err_phone,
            RuleError::UnknownCouncil(_) => Msg::req_err_council,
            RuleError::NotOneLine(_) => Msg::act_err_one_line,
            RuleError::OutOfRange { .. } => Msg::act_err_range,
            RuleError::UnknownService(_) => Msg::act_err_service,
            RuleError::UnknownRequest(_) => Msg::act_err_request,
            RuleError::RequestOfAnotherCouncil(_) => Msg::act_err_request_council,
            RuleError::DuplicateCouncil(_) => Msg::act_err_duplicate,
            RuleError::OnlyForTraining(_) => Msg::act_err_only_training,
            RuleError::ClosedBeforeReceived => Msg::act_err_closed_before,
            RuleError::ActivityClosed => Msg::act_err_closed,
            RuleError::OnlyForRevocation => Msg::rev_err_only,
            RuleError::RevokesUnknown(_) => Msg::rev_err_unknown,
            RuleError::RevokesAnotherCouncil(_) => Msg::rev_err_council,
            RuleError::RevokesAnotherHolder(_) => Msg::rev_err_holder,
            RuleError::RevokesNotIssued(_) => Msg::rev_err_not_issued,
            RuleError::RevokesExpired { .. } => Msg::rev_err_expired,
            RuleError::RevokedAlready { .. } => Msg::rev_err_already,
        }
    }

    /// The words with the value at fault filled in.
    pub fn localize(&self, t: &I18n) -> String {
        let field = self.field().map_or("", Field::name);
        match self {
            RuleError::OutOfRange { max, .. } => t.f(self.msg(), &[("field", &field), ("max", max)]),
            RuleError::TooLong { max, .. } => t.f(self.msg(), &[("field", &field), ("max", max)]),
            RuleError::UnknownService(value) => t.f(self.msg(), &[("value", value)]),
            RuleError::RevokesUnknown(id)
            | RuleError::RevokesAnotherCouncil(id)
            | RuleError::RevokesAnotherHolder(id)
            | RuleError::RevokesNotIssued(id) => t.f(self.msg(), &[("id", id)]),
            RuleError::RevokesExpired { id, expired } => t.f(
                self.msg(),
                &[
                    ("id", id),
                    (
                        "date",
                        &t.date(expired.with_timezone(&chrono_tz::Europe::Madrid).date_naive()),
                    ),
                ],
            ),
            RuleError::RevokedAlready { id, by } => t.f(self.msg(), &[("id", id), ("by", by)]),
            RuleError::UnknownRequest(id) | RuleError::RequestOfAnotherCouncil(id) => {
                t.f(self.msg(), &[("id", id)])
            }
            RuleError::DuplicateCouncil(ine) | RuleError::UnknownCouncil(ine) => {
                t.f(self.msg(), &[("value", ine)])
            }
            _ => t.f(self.msg(), &[("field", &field)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_names_its_field_and_its_words() {
        let cases = [
            (
                RuleError::Empty(Field::Holder),
                Some(Field::Holder),
                Msg::req_err_holder,
            ),
            (
                RuleError::TooLong {
                    field: Field::Notes,
                    max: 2000,
                },
                Some(Field::Notes),
                Msg::req_err_too_long,
            ),
            (
                RuleError::UrgentWithoutReason,
                Some(Field::Reason),
                Msg::req_err_urgency,
            ),
            (
                RuleError::InFuture(Field::ReceivedAt),
                Some(Field::ReceivedAt),
                Msg::req_err_future,
            ),
            (
                RuleError::InFuture(Field::IssuedAt),
                Some(Field::IssuedAt),
                Msg::req_err_future_date,
            ),
            (
                RuleError::InFuture(Field::FormSentOn),
                Some(Field::FormSentOn),
                Msg::date_in_future,
            ),
            (
                RuleError::BadEmail("x".into()),
                Some(Field::Email),
                Msg::form_err_email,
            ),
            (RuleError::NotOpen, None, Msg::req_not_open),
            (
                RuleError::BeforePreviousStep(Field::DeliveredAt),
                Some(Field::DeliveredAt),
                Msg::req_err_step_order,
            ),
        ];
        for (error, field, msg) in cases {
            assert_eq!(error.field(), field, "{error:?}");
            assert_eq!(error.msg(), msg, "{error:?}");
        }
        let t = I18n::new(crate::i18n::Lang::En);
        assert_eq!(
            RuleError::NoNextStep.localize(&t),
            "This request has no next step."
        );
        assert_eq!(Field::ContactName.name(), "name");
    }
}
