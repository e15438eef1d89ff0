//! Reading the form into an activity: each typed field parsed, or the field at
//! fault and why. The rules are `ops::activity`'s, applied when it is saved.

use super::{AField, ActivityForm, council_matches};
use crate::app::Ctx;
use crate::domain::activity::{Activity, ActivityKind, Attendance};
use crate::domain::catalog::services;
use crate::domain::localtime::{TimeError, parse_day, parse_local};
use crate::domain::municipality::IneCode;
use crate::i18n::Msg;
use crate::io::activity_import::parse_hours;
use crate::ops::activity::find_service;
use crate::widgets::input::TextInput;

/// What is wrong with a field, in the user's words.
pub type Fault = (AField, String);

/// A training's councils as typed (`tiu 3, ager 2`, or INE codes), each found
/// with the quick-jump matcher's best match; the entry that cannot be read.
pub fn typed_councils(ctx: &Ctx, text: &str) -> Result<Vec<Attendance>, String> {
    let t = &ctx.t;
    let mut out = Vec::new();
    for part in text.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let (name, count) = match part.rsplit_once([' ', ':']) {
            Some((name, count)) if count.trim().chars().all(|c| c.is_ascii_digit()) && !count.is_empty() => {
                (name.trim(), count.trim())
            }
            _ => return Err(t.f(Msg::act_form_attendees, &[("value", &part)])),
        };
        let ine = match IneCode::parse(name) {
            Some(ine) if ctx.data.by_ine.contains_key(&ine) => Some(ine),
            _ => council_matches(&ctx.data, name).first().copied(),
        };
        let ine = ine.ok_or_else(|| t.f(Msg::act_form_no_council, &[("value", &name)]))?;
        let attendees = count.parse().unwrap_or(0);
        out.push(Attendance { ine, attendees });
    }
    Ok(out)
}

/// A training's services as typed (`NOT, eacat`); the one not found.
pub fn typed_services(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let found = find_service(part).ok_or_else(|| part.to_string())?;
        if !out.contains(&found.id) {
            out.push(found.id.clone());
        }
    }
    Ok(out)
}

/// The notes as typed; the stored ones, line breaks and all, if left as they were
/// (a field of one line would flatten them).
fn notes(form: &ActivityForm) -> String {
    if let Some(a) = &form.editing
        && TextInput::new(&a.notes, crate::domain::limits::NOTES).value() == form.notes.value()
    {
        return a.notes.clone();
    }
    form.notes.value().trim().to_string()
}

impl ActivityForm {
    /// The activity the form describes (a new one with `NEW_ID`), or the field
    /// that cannot be read and why.
    pub fn build(&self, ctx: &Ctx) -> Result<Activity, Fault> {
        let t = &ctx.t;
        let fault = |field: AField, msg: Msg| (field, t.t(msg).to_string());
        let received = parse_local(self.received.value(), ctx.tz).map_err(|e| match e {
            TimeError::Unreadable => fault(AField::Received, Msg::req_err_received),
            TimeError::Skipped => fault(AField::Received, Msg::req_err_no_such_hour),
        })?;
        let mut a = match &self.editing {
            Some(before) => before.clone(),
            None => Activity::new(None, self.kind, "", received),
        };
        a.kind = self.kind;
        a.received_at = received;
        a.summary = self.summary.value().trim().to_string();
        a.notes = notes(self);
        a.status = self.status;
        let number = |field: AField, input: &TextInput| -> Result<Option<u32>, Fault> {
            let text = input.value().trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse()
                .map(Some)
                .map_err(|_| (field, t.f(Msg::act_form_number, &[("value", &text)])))
        };
        a.minutes = number(AField::Minutes, &self.minutes)?;
        if a.kind == ActivityKind::Training {
            a.ine = None;
            a.councils = typed_councils(ctx, self.councils.value()).map_err(|e| (AField::Councils, e))?;
            a.services = typed_services(self.services.value())
                .map_err(|value| (AField::Services, t.f(Msg::act_err_service, &[("value", &value)])))?;
            let hours = self.hours.value().trim();
            a.session_minutes = match hours {
                "" => None,
                text => Some(
                    parse_hours(text)
                        .ok_or_else(|| (AField::Hours, t.f(Msg::act_form_number, &[("value", &text)])))?,
                ),
            };
            a.service = None;
            a.request_id = None;
            a.contact.clear();
            a.follow_up_on = None;
            return Ok(a);
        }
        // A council another writer removed meanwhile is no council.
        let ine = self
            .council()
            .filter(|ine| ctx.data.by_ine.contains_key(ine))
            .ok_or_else(|| fault(AField::Council, Msg::act_err_council))?;
        a.ine = Some(ine);
        a.councils.clear();
        a.services.clear();
        a.session_minutes = None;
        a.direction = self.direction;
        a.contact = self.contact.value().trim().to_string();
        a.service = self.service.map(|s| services()[s].id.clone());
        let request = self.request.value().trim().trim_start_matches('#');
        a.request_id = match request {
            "" => None,
            text => Some(
                text.parse()
                    .map_err(|_| (AField::Request, t.f(Msg::act_form_number, &[("value", &text)])))?,
            ),
        };
        if a.request_id.is_some() && !ctx.data.certs_loaded {
            return Err(fault(AField::Request, Msg::certs_loading));
        }
        let follow = self.follow_up.value().trim();
        a.follow_up_on = match follow {
            "" => None,
            text => Some(
                parse_day(text)
                    .ok_or_else(|| (AField::FollowUp, t.f(Msg::date_invalid, &[("text", &text)])))?,
            ),
        };
        Ok(a)
    }
}
