//! A backup's records against the rules of the forms and the imports, before a
//! restore writes anything: a backup is a file anyone could have edited, and the
//! store must never hold what a form would refuse (a 5 MB name, a receipt in 2099).

use crate::domain::activity::Activity;
use crate::domain::limits;
use crate::domain::municipality::Municipality;
use crate::domain::rollout::Rollout;
use crate::i18n::{I18n, Msg};
use crate::ops::{Field, RuleError};
use crate::store::Record;
use crate::store::dump_check::Rules;
use chrono::{DateTime, Utc};

/// The rules of the forms, for a backup's check: the first record that breaks
/// one, in words naming the record and the field.
pub(crate) struct FormRules<'a> {
    pub now: DateTime<Utc>,
    pub t: &'a I18n,
}

impl FormRules<'_> {
    fn say(&self, msg: Msg, id: &dyn std::fmt::Display, e: RuleError) -> String {
        let field = e.field().map_or("", Field::name);
        self.t.f(
            msg,
            &[
                ("id", id),
                ("field", &field),
                ("detail", &e.localize(self.t).trim_end_matches('.')),
            ],
        )
    }

    fn council(&self, m: &Municipality) -> Result<(), String> {
        let t = self.t;
        let too_long = |field, max| RuleError::TooLong { field, max };
        if !limits::fits(&m.name, limits::NAME) || !limits::fits(&m.comarca, limits::NAME) {
            return Err(t.f(
                Msg::restore_council_name,
                &[("id", &m.ine), ("max", &limits::NAME)],
            ));
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
            .map_err(|e| self.say(Msg::restore_rule_council, &m.ine, e))
    }

    fn rollout(&self, r: &Rollout) -> Result<(), String> {
        for (text, max) in [(&r.notes, limits::NOTES), (&r.blocked_reason, limits::REASON)] {
            if !limits::fits(text, max) {
                let field = match max == limits::NOTES {
                    true => Field::Notes,
                    false => Field::StatusReason,
                };
                let id = format!("{} · {}", r.ine, r.service);
                return Err(self.say(Msg::restore_rule_rollout, &id, RuleError::TooLong { field, max }));
            }
        }
        Ok(())
    }
}

impl Rules for FormRules<'_> {
    fn record(&mut self, record: &Record) -> Result<(), String> {
        match record {
            Record::Municipality(m) => self.council(m),
            Record::Rollout(r) => self.rollout(r),
            Record::Certificate(c) => crate::ops::requests::validate(c, self.now)
                .map_err(|e| self.say(Msg::restore_rule_request, &c.id, e)),
            _ => Ok(()),
        }
    }

    fn activity(&mut self, a: &Activity, known: &crate::ops::activity::Records) -> Result<(), String> {
        crate::ops::activity::validate(a, self.now, known)
            .map_err(|e| self.say(Msg::restore_rule_activity, &a.id, e))
    }
}
