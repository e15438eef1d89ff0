//! The activity form and the Activitat tab as a new user meets them: what a short
//! window hides is said, a field at fault takes the cursor at its end, and the
//! everything view dates what is closed.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::popups::activity_form::{AField, ActivityForm};

#[test]
fn at_60x16_the_form_says_how_many_fields_are_below_and_above() {
    let mut f = fixture();
    press(&mut f.app, KeyCode::Char('L'));
    let s = screen(&f.app, 60, 16);
    assert!(s.contains("↓ 3 camps més"), "Minuts, Seguiment, Notes: {s}");
    assert_eq!(s.matches("camps més").count(), 1, "nothing above: {s}");
    while f.app.popup_as::<ActivityForm>().unwrap().focus != AField::Notes {
        press(&mut f.app, KeyCode::Tab);
    }
    let s = screen(&f.app, 60, 16);
    assert!(s.contains("↑ 3 camps més"), "Tipus, Municipi, Resum: {s}");
    assert_eq!(s.matches("camps més").count(), 1, "nothing below: {s}");
    // Tall enough, no marker.
    let s = screen(&f.app, 80, 24);
    assert!(!s.contains("camps més"), "{s}");
}
