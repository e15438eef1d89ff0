//! `ocsae cert add`: filing a request from the command line.

use super::{Outcome, open_existing};
use crate::UserError;
use crate::config::Config;
use crate::domain::calendar::Calendar;
use crate::domain::catalog::{cert_type, cert_types};
use crate::domain::certificate::{CertificateRequest, HolderRole, Operation};
use crate::domain::clock::Clock;
use crate::domain::council_search::{CouncilIndex, Query, Why};
use crate::domain::localtime::{TimeError, parse_time};
use crate::domain::municipality::{FormStatus, IneCode, Municipality};
use crate::domain::revocation::RevocationReason;
use crate::domain::search::{CollationKey, MatchRank};
use crate::domain::similar;
use crate::i18n::{I18n, Msg};
use crate::ops::{self, Field, RuleError};
use crate::store::{Location, NEW_ID};
use chrono::{Datelike, SubsecRound};

/// What `cert add` was given.
pub struct NewCert<'a> {
    pub municipality: &'a str,
    pub holder: &'a str,
    pub role: &'a str,
    pub cert_type: &'a str,
    pub operation: &'a str,
    pub urgent: bool,
    pub reason: Option<&'a str>,
    pub received: Option<&'a str>,
    /// The request a revocation revokes, and why.
    pub revokes: Option<&'a str>,
    pub revocation_reason: Option<&'a str>,
}

/// A council by INE code or by name, matched as the quick jump does ("meia" is
/// Vilanova de Meià); several equally good matches are listed, not guessed. One
/// that names none is answered with the closest names, or codes.
pub fn find_council<'a>(list: &'a [Municipality], text: &str, t: &I18n) -> Outcome<&'a Municipality> {
    if let Some(ine) = IneCode::parse(text) {
        return list.iter().find(|m| m.ine == ine).ok_or_else(|| {
            let codes: Vec<u32> = list.iter().map(|m| m.ine.0).collect();
            let closest: Vec<String> = similar::closest_codes(text, &codes, 3)
                .into_iter()
                .map(|i| format!("{} ({})", list[i].name, list[i].ine))
                .collect();
            UserError::usage(t.f(
                Msg::err_unknown_council,
                &[("name", &text), ("closest", &closest.join(", "))],
            ))
        });
    }
    // The quick jump's index, by name only: a script names the council; it is
    // not filed under a contact's council, nor under a name it misspelt.
    let collation: Vec<CollationKey> = list.iter().map(|m| CollationKey::new(&m.name)).collect();
    let ranked: Vec<(MatchRank, &Municipality)> = CouncilIndex::new(list)
        .search(&Query::new(text), &collation)
        .into_iter()
        .filter(|hit| hit.why == Why::Name && hit.rank != MatchRank::Typo)
        .map(|hit| (hit.rank, &list[hit.council]))
        .collect();
    match ranked.as_slice() {
        [(MatchRank::Exact, exact), ..] => return Ok(exact),
        [(_, only)] => return Ok(only),
        [(best, first), (second, _), ..] if best < second => return Ok(first),
        [] => {}
        several => {
            let names: Vec<&str> = several.iter().take(5).map(|(_, m)| m.name.as_str()).collect();
            return Err(UserError::usage(t.f(
                Msg::err_ambiguous_council,
                &[("name", &text), ("matches", &names.join(", "))],
            )));
        }
    }
    let names: Vec<&str> = list.iter().map(|m| m.name.as_str()).collect();
    let closest: Vec<&str> = similar::closest(text, &names, 3)
        .into_iter()
        .map(|i| names[i])
        .collect();
    Err(UserError::usage(t.f(
        Msg::err_unknown_council,
        &[("name", &text), ("closest", &closest.join(", "))],
    )))
}

pub fn add(db: &Location, args: NewCert, config: &Config, t: &I18n, clock: &dyn Clock) -> Outcome {
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    // A value that names nothing of its kind: the command line is at fault.
    let bad = |field: &str, value: &str, allowed: String| {
        UserError::usage(t.f(
            Msg::err_bad_value,
            &[("field", &field), ("value", &value), ("allowed", &allowed)],
        ))
    };
    let role = HolderRole::parse(args.role).ok_or_else(|| {
        bad(
            "--role",
            args.role,
            HolderRole::ALL
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    })?;
    let operation = Operation::parse(args.operation).ok_or_else(|| {
        bad(
            "--operation",
            args.operation,
            Operation::ALL
                .iter()
                .map(|o| o.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    })?;
    let ty = cert_type(args.cert_type).ok_or_else(|| {
        bad(
            "--type",
            args.cert_type,
            cert_types()
                .iter()
                .map(|t| t.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    })?;
    // What cleaning changed is said, field by field, once the request is saved.
    let mut cleaned: Vec<&str> = Vec::new();
    let mut clean = |flag, text| {
        let out = crate::domain::text::clean(text);
        if matches!(out, std::borrow::Cow::Owned(_)) {
            cleaned.push(flag);
        }
        out.trim().to_string()
    };
    let reason = clean("--reason", args.reason.unwrap_or(""));
    // Whole seconds: what a person can type, and what the history shows.
    let now = clock.now().trunc_subsecs(0);
    let received = match args.received {
        Some(text) => parse_time(text, tz).map_err(|e| {
            UserError::usage(match e {
                TimeError::Unreadable => {
                    t.f(Msg::err_bad_time, &[("field", &"--received"), ("value", &text)])
                }
                TimeError::Skipped => t.f(
                    Msg::problem_no_such_hour,
                    &[("field", &"--received"), ("value", &text), ("tz", &tz.name())],
                ),
            })
        })?,
        None => now,
    };
    let holder = clean("--holder", args.holder);
    // The same checks as the form and the import, before anything is opened.
    let mut draft = CertificateRequest::received(NEW_ID, IneCode(0), holder, role, ty.code.clone(), received);
    draft.operation = operation;
    draft.urgent = args.urgent;
    draft.set_reason(reason.into());
    draft.set_revokes(match args.revokes {
        Some(text) => Some(
            text.trim()
                .trim_start_matches('#')
                .parse()
                .map_err(|_| bad("--revokes", text, "ID".into()))?,
        ),
        None => None,
    });
    draft.set_revocation_reason(match args.revocation_reason {
        Some(text) => Some(
            RevocationReason::parse(text)
                .ok_or_else(|| bad("--revocation-reason", text, RevocationReason::names()))?,
        ),
        None => None,
    });
    ops::requests::validate(&draft, now).map_err(|rule| UserError(cli_message(&rule, t)))?;
    // A reason is kept only for an urgent request, as the form does.
    if !args.urgent {
        draft.set_reason(Default::default());
    }

    let store = open_existing(db, t)?;
    let stored = |e: crate::store::StoreError| UserError(e.localize(t));
    let councils = store.municipalities().map_err(stored)?;
    let council = find_council(&councils, args.municipality, t)?;
    let request = CertificateRequest {
        ine: council.ine,
        ..draft
    };
    let calendar = Calendar::catalan(&config.local_holidays, tz);
    let due = calendar.due(received, args.urgent);
    // Outside the years of the holiday file, only weekends and local holidays count.
    let (from, until) = (calendar.covered_from(), calendar.covered_until());
    let unknown_year = [received, due]
        .map(|at| at.with_timezone(&tz).year())
        .into_iter()
        .find(|&year| year < from || year > until);
    let before = store.last_seq().unwrap_or(0);
    let added = [crate::app::summary_cache::NewRequest::of(&request, &calendar)];
    let request_for_warning = request.clone();
    let change = super::revocation::file(store.as_ref(), request, now).map_err(|e| match e {
        super::revocation::Refused::Rule(rule) => UserError(cli_message(&rule, t)),
        super::revocation::Refused::Store(e) => UserError(e.localize(t)),
    })?;
    let applied = store.apply(change, now).map_err(stored)?;
    let id = applied.ids.first().copied().unwrap_or_default();
    crate::app::summary_cache::after_change(store.as_ref(), before, &added, tz, &config.local_holidays);
    if let Some(year) = unknown_year {
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(
                Msg::warn_holidays_unknown,
                &[("year", &year), ("from", &from), ("until", &until)]
            )
        ));
    }
    let day = received.with_timezone(&tz).date_naive();
    if let Some(election) = crate::domain::elections::warning_for(
        &request_for_warning,
        day,
        &config.elections,
        config.elections_window_days,
    ) {
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(
                Msg::warn_elections,
                &[
                    ("date", &t.date(election)),
                    ("days", &config.elections_window_days)
                ]
            )
        ));
    }
    for flag in cleaned {
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(Msg::cert_cleaned, &[("field", &flag)])
        ));
    }
    if matches!(
        council.form_status(now.with_timezone(&tz).date_naive()),
        FormStatus::NotSent | FormStatus::Expired
    ) {
        crate::output::err(format_args!(
            "ocsae: {}",
            t.f(Msg::warn_form_invalid, &[("council", &council.name)])
        ));
    }
    crate::output::out(format_args!(
        "{}",
        t.f(
            Msg::cert_added,
            &[("id", &id), ("due", &due.with_timezone(&tz).to_rfc3339())]
        )
    ));
    Ok(())
}

/// A broken rule as the command line says it: the flag at fault, where it has one.
fn cli_message(rule: &RuleError, t: &I18n) -> String {
    match rule {
        RuleError::TooLong { field, max } => {
            let flag = match field {
                Field::Reason => "--reason",
                _ => "--holder",
            };
            t.f(Msg::problem_too_long, &[("field", &flag), ("max", max)])
        }
        RuleError::InFuture(_) | RuleError::IssuedBeforeReceived => t.t(Msg::req_err_future).to_string(),
        RuleError::Empty(Field::Revokes) => format!("--revokes: {}", rule.localize(t)),
        RuleError::Empty(Field::RevocationReason) => format!("--revocation-reason: {}", rule.localize(t)),
        other => other.localize(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::municipality::{Contact, ContactRole};

    fn council(ine: u32, name: &str) -> Municipality {
        Municipality {
            ine: IneCode(ine),
            name: name.into(),
            comarca: "Noguera".into(),
            population: 100,
            population_year: 2025,
            contacts: Vec::new(),
            notes: String::new(),
            subscriber_form_sent_on: None,
        }
    }

    #[test]
    fn a_script_names_its_council_it_is_never_guessed_from_a_contact_or_a_typo() {
        let t = I18n::new(crate::i18n::Lang::En);
        let mut tiurana = council(252228, "Tiurana");
        tiurana.contacts.push(Contact {
            role: ContactRole::Secretary,
            name: "Marta Vila".into(),
            phone: "973 45 00 02".into(),
            email: String::new(),
        });
        let list = vec![
            council(250024, "Àger"),
            tiurana,
            council(252440, "Vilanova de Meià"),
            council(250404, "Balaguer"),
            council(251719, "Os de Balaguer"),
        ];
        let found = |text: &str| find_council(&list, text, &t).map(|m| m.name.clone());
        assert_eq!(found("tiurana").unwrap(), "Tiurana");
        assert_eq!(found("meia").unwrap(), "Vilanova de Meià");
        assert_eq!(found("252228").unwrap(), "Tiurana");
        assert_eq!(found("balaguer").unwrap(), "Balaguer", "the exact name wins");
        assert!(found("marta vila").is_err(), "a contact is not a council");
        assert!(found("973 45 00 02").is_err(), "nor a phone number");
        let typo = found("tiurna").unwrap_err();
        assert!(
            typo.message.contains("Tiurana"),
            "suggested, not taken: {}",
            typo.message
        );
    }
}
