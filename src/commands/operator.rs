//! `ocsae operator add|list|remove`: the office's ER operators and their cards.

use super::{Outcome, open_existing};
use crate::UserError;
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::domain::localtime::parse_day;
use crate::i18n::{I18n, Msg};
use crate::ops;
use crate::store::{Kind, Location, Record, Store, StoreError};

fn stored(t: &I18n) -> impl Fn(StoreError) -> UserError + '_ {
    |e| UserError(e.localize(t))
}

fn operators(store: &dyn Store, t: &I18n) -> Outcome<Vec<crate::domain::operator::Operator>> {
    let mut list = Vec::new();
    for record in store.records(Kind::Operator).map_err(stored(t))? {
        if let Record::Operator(o) = record.map_err(stored(t))? {
            list.push(o);
        }
    }
    Ok(list)
}

fn today(config: &Config, clock: &dyn Clock) -> chrono::NaiveDate {
    let tz = config.time_zone().unwrap_or(chrono_tz::Europe::Madrid);
    clock.now().with_timezone(&tz).date_naive()
}

pub fn add(
    db: &Location,
    name: &str,
    card_issued: &str,
    config: &Config,
    t: &I18n,
    clock: &dyn Clock,
) -> Outcome {
    let issued = parse_day(card_issued).ok_or_else(|| {
        UserError::usage(t.f(
            Msg::problem_bad_date,
            &[("field", &"--card-issued"), ("value", &card_issued)],
        ))
    })?;
    let name = crate::domain::text::clean(name).trim().to_string();
    let today = today(config, clock);
    let store = open_existing(db, t)?;
    let list = operators(store.as_ref(), t)?;
    // A card from the future is a rule broken (1), as a time in the future is.
    let change = ops::operators::add(&list, &name, issued, today).map_err(|rule| match rule {
        ops::RuleError::InFuture(_) => UserError(t.t(Msg::operator_err_future).to_string()),
        other => UserError::usage(format!("--name: {}", other.localize(t))),
    })?;
    store.apply(change, clock.now()).map_err(stored(t))?;
    let saved = ops::operators::find(&operators(store.as_ref(), t)?, &name).cloned();
    if let Some(o) = saved {
        crate::output::out(format_args!(
            "{}",
            t.f(
                Msg::operator_added,
                &[("name", &o.name), ("expires", &o.card_expires_on())]
            )
        ));
    }
    Ok(())
}

pub fn list(db: &Location, config: &Config, t: &I18n, clock: &dyn Clock) -> Outcome {
    let store = super::open_to_read(db, t)?;
    let today = today(config, clock);
    for o in operators(store.as_ref(), t)? {
        let note = match o.days_left(today) {
            d if d < 0 => format!("  {}", t.f(Msg::operator_expired_note, &[("n", &-d)])),
            _ if o.to_renew(today) => format!("  {}", t.t(Msg::operator_renew_note)),
            _ => String::new(),
        };
        crate::output::out(format_args!(
            "{}\t{}\t{}{note}",
            crate::domain::text::clean(&o.name),
            o.card_issued_on,
            o.card_expires_on()
        ));
    }
    Ok(())
}

pub fn remove(db: &Location, name: &str, t: &I18n, clock: &dyn Clock) -> Outcome {
    let store = open_existing(db, t)?;
    let list = operators(store.as_ref(), t)?;
    let change = ops::operators::remove(&list, name)
        .ok_or_else(|| UserError::usage(t.f(Msg::operator_unknown, &[("name", &name)])))?;
    // The name as stored, not as typed ("pau soler" removes Pau Soler).
    let stored_name = ops::operators::find(&list, name).map_or(name, |o| o.name.as_str());
    let stored_name = crate::domain::text::clean(stored_name);
    store.apply(change, clock.now()).map_err(stored(t))?;
    crate::output::out(format_args!(
        "{}",
        t.f(Msg::operator_removed, &[("name", &stored_name)])
    ));
    Ok(())
}
