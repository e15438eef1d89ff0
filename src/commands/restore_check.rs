//! A backup's records against the rules of the forms and the imports, before a
//! restore writes anything: a backup is a file anyone could have edited, and the
//! store must never hold what a form would refuse (a 5 MB name, a receipt in 2099).

use crate::domain::limits;
use crate::i18n::{I18n, Msg};
use crate::ops::{Field, RuleError};
use crate::store::Dump;
use chrono::{DateTime, Utc};

/// The first record of `dump` that breaks a rule, in words naming the record and
/// the field.
pub(crate) fn check(dump: &Dump, now: DateTime<Utc>, t: &I18n) -> Result<(), String> {
    let say = |msg: Msg, id: &dyn std::fmt::Display, e: RuleError| {
        let field = e.field().map_or("", Field::name);
        t.f(
            msg,
            &[
                ("id", id),
                ("field", &field),
                ("detail", &e.localize(t).trim_end_matches('.')),
            ],
        )
    };
    for m in &dump.municipalities {
        let too_long = |field, max| RuleError::TooLong { field, max };
        let name =
            (!limits::fits(&m.name, limits::NAME) || !limits::fits(&m.comarca, limits::NAME)).then(|| {
                t.f(
                    Msg::restore_council_name,
                    &[("id", &m.ine), ("max", &limits::NAME)],
                )
            });
        if let Some(text) = name {
            return Err(text);
        }
        let notes = match limits::fits(&m.notes, limits::NOTES) {
            true => Ok(()),
            false => Err(too_long(Field::Notes, limits::NOTES)),
        };
        notes
            .and_then(|()| {
                m.contacts
                    .iter()
                    .try_for_each(crate::ops::councils::validate_stored_contact)
            })
            .map_err(|e| say(Msg::restore_rule_council, &m.ine, e))?;
    }
    for r in &dump.rollout {
        for (text, max) in [(&r.notes, limits::NOTES), (&r.blocked_reason, limits::REASON)] {
            if !limits::fits(text, max) {
                let field = match max == limits::NOTES {
                    true => Field::Notes,
                    false => Field::StatusReason,
                };
                let id = format!("{} · {}", r.ine, r.service);
                return Err(say(
                    Msg::restore_rule_rollout,
                    &id,
                    RuleError::TooLong { field, max },
                ));
            }
        }
    }
    for c in &dump.certificates {
        crate::ops::requests::validate(c, now).map_err(|e| say(Msg::restore_rule_request, &c.id, e))?;
    }
    let known = crate::ops::activity::Records {
        councils: dump.municipalities.iter().map(|m| m.ine).collect(),
        requests: dump.certificates.iter().map(|c| (c.id, c.ine)).collect(),
    };
    for a in &dump.activities {
        crate::ops::activity::validate(a, now, &known)
            .map_err(|e| say(Msg::restore_rule_activity, &a.id, e))?;
    }
    Ok(())
}
