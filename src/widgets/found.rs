//! Why a council was found, in words, for the rows of the quick jump, the
//! request form's council picker and the Municipis filter.

use crate::domain::council_search::{ContactKey, Why, display_phone};
use crate::domain::municipality::Municipality;
use crate::domain::text::clean;
use crate::i18n::words::role_short_msg;
use crate::i18n::{I18n, Msg};

/// Nothing for a match on the name; the code; or the contact that matched with
/// their role and the number or address (`Marta Vila · secretari/ària · 973 450 002`).
/// A contact found by name shows their phone, else their address: what a call needs.
pub fn why_text(t: &I18n, m: &Municipality, why: Why) -> Option<String> {
    match why {
        Why::Name => None,
        Why::Ine => Some(t.f(Msg::found_ine, &[("ine", &m.ine)])),
        Why::Contact { contact, key } => {
            let c = m.contacts.get(contact)?;
            let mut parts = vec![
                clean(&c.name).into_owned(),
                t.t(role_short_msg(c.role)).to_string(),
            ];
            let phone = (!c.phone.trim().is_empty()).then(|| display_phone(&clean(&c.phone)));
            let email = (!c.email.trim().is_empty()).then(|| clean(&c.email).into_owned());
            let extra = match key {
                ContactKey::Phone => phone,
                ContactKey::Email => email,
                ContactKey::Name => phone.or(email),
            };
            parts.extend(extra);
            Some(parts.join(" · "))
        }
    }
}

/// `why_text` in at most `width` columns: whole if it fits, else without the
/// role, then the contact's first surname with what matched (`Vila · 973 450 002`),
/// then the surname alone; cut only if nothing shorter fits.
pub fn why_within(t: &I18n, m: &Municipality, why: Why, width: usize) -> Option<String> {
    let full = why_text(t, m, why)?;
    let fits = |s: &str| crate::widgets::width(s) <= width;
    if fits(&full) {
        return Some(full);
    }
    let Why::Contact { contact, key } = why else {
        return Some(crate::widgets::ellipsize(&full, width));
    };
    let c = m.contacts.get(contact)?;
    let name = clean(&c.name).into_owned();
    // The first surname: the second word (`Marta Vila i Casanovas`), or the one word.
    let surname = name.split_whitespace().nth(1).unwrap_or(&name).to_string();
    let phone = (!c.phone.trim().is_empty()).then(|| display_phone(&clean(&c.phone)));
    let email = (!c.email.trim().is_empty()).then(|| clean(&c.email).into_owned());
    let matched = match key {
        ContactKey::Phone => phone,
        ContactKey::Email => email,
        ContactKey::Name => phone.or(email),
    };
    let with = |who: &str| match &matched {
        Some(m) => format!("{who} · {m}"),
        None => who.to_string(),
    };
    [with(&name), with(&surname), surname.clone()]
        .into_iter()
        .find(|s| fits(s))
        .or_else(|| Some(crate::widgets::ellipsize(&surname, width)))
}
