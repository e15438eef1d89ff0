//! The Activitat tab, `L` from everywhere, and what the log shows elsewhere.

mod common;

use common::*;
use crossterm::event::KeyCode;

#[test]
fn scratch() {
    let mut f = fixture();
    for c in "gtiu".chars() {
        press(&mut f.app, KeyCode::Char(c));
    }
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('L'));
    println!("{}", screen(&f.app, 80, 24));
    type_text(&mut f.app, "No pot signar a EACAT");
    press(&mut f.app, KeyCode::Enter);
    println!("{}", screen(&f.app, 80, 24));
    println!("{}", screen(&f.app, 140, 40));
    press(&mut f.app, KeyCode::Char('4'));
    println!("{}", screen(&f.app, 80, 24));
    press(&mut f.app, KeyCode::Char('1'));
    press(&mut f.app, KeyCode::Esc);
    println!("{}", screen(&f.app, 80, 24));
    println!("{}", screen(&f.app, 130, 24));
}
