//! What the request form's fields say, turned into a request: each field read,
//! and a broken rule shown at the field it is about.

use super::*;

impl RequestForm {
    /// The request the form describes (a new one with `NEW_ID`), or the field that
    /// cannot be read and why. The rules are `ops::requests`'s.
    pub fn build(&self, data: &Data, tz: Tz) -> Result<CertificateRequest, (RField, Msg)> {
        // A council another writer removed meanwhile is no council.
        let ine = self
            .council()
            .filter(|ine| data.by_ine.contains_key(ine))
            .ok_or((RField::Council, Msg::req_err_council))?;
        let holder = self.holder.value().trim();
        let received = parse_local(self.received.value(), tz).map_err(|e| match e {
            TimeError::Unreadable => (RField::Received, Msg::req_err_received),
            TimeError::Skipped => (RField::Received, Msg::req_err_no_such_hour),
        })?;
        let base = self.editing.clone();
        let status = match &base {
            Some(c) if !matches!(c.status, CertStatus::Received | CertStatus::AwaitingDocuments) => c.status,
            _ if self.awaiting => CertStatus::AwaitingDocuments,
            _ => CertStatus::Received,
        };
        let mut c = base.unwrap_or_else(|| {
            let mut new =
                CertificateRequest::received(crate::store::NEW_ID, ine, holder, self.role, "", received);
            new.set_renews(self.renews);
            new
        });
        c.ine = ine;
        c.holder = holder.into();
        c.role = self.role;
        c.cert_type = cert_types()[self.type_index].code.as_str().into();
        c.operation = self.operation;
        c.urgent = self.urgent;
        c.set_reason(if self.urgent {
            self.reason.value().trim().into()
        } else {
            Default::default()
        });
        c.status = status;
        // The form shows times to the minute: one left as shown keeps its seconds.
        c.received_at = unchanged(c.received_at, received);
        // The steps' real dates, as corrected here; a step not reached keeps none.
        let fields = self.fields();
        for (field, input, slot) in [
            (RField::Issued, &self.issued, &mut c.issued_at),
            (RField::Delivered, &self.delivered, &mut c.delivered_at),
        ] {
            if fields.contains(&field) {
                let at = parse_local(input.value(), tz).map_err(|e| match e {
                    TimeError::Unreadable => (field, Msg::req_err_step_date),
                    TimeError::Skipped => (field, Msg::req_err_no_such_hour),
                })?;
                *slot = Some(slot.map_or(at, |was| unchanged(was, at)));
            }
        }
        c.appointment_attached = self.appointment;
        // The links only a revocation has; typed elsewhere, they are dropped.
        let (revokes, revocation_reason) = match self.operation {
            Operation::Revocation => {
                let text = self.revokes.value().trim().trim_start_matches('#');
                let id = match text.is_empty() {
                    true => None,
                    false => Some(text.parse().map_err(|_| (RField::Revokes, Msg::rev_err_link))?),
                };
                (id, self.revocation_reason)
            }
            _ => (None, None),
        };
        c.set_revokes(revokes);
        c.set_revocation_reason(revocation_reason);
        c.set_notes(self.notes.value().trim().into());
        Ok(c)
    }
}

/// `was`, if `typed` is it as the form shows it (to the minute); else `typed`.
fn unchanged(was: DateTime<Utc>, typed: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{DurationRound, TimeDelta};
    match was.duration_trunc(TimeDelta::minutes(1)) {
        Ok(minute) if minute == typed => was,
        _ => typed,
    }
}

/// Where the form shows a broken rule, and what it says.
pub(super) fn form_error(form: &RequestForm, rule: &RuleError) -> (RField, Msg) {
    let fields = form.fields();
    let field = match rule.field() {
        Some(Field::Reason) => RField::Reason,
        Some(Field::Notes) => RField::Notes,
        Some(Field::Revokes) => RField::Revokes,
        Some(Field::RevocationReason) => RField::RevocationReason,
        Some(Field::IssuedAt) if fields.contains(&RField::Issued) => RField::Issued,
        Some(Field::DeliveredAt) if fields.contains(&RField::Delivered) => RField::Delivered,
        // The form does not edit the filing time: the received time it is.
        Some(Field::ReceivedAt | Field::FiledAt | Field::IssuedAt | Field::DeliveredAt) => RField::Received,
        _ => RField::Holder,
    };
    let msg = match rule {
        RuleError::InFuture(Field::IssuedAt | Field::DeliveredAt) => Msg::date_in_future,
        _ => rule.msg(),
    };
    (field, msg)
}
