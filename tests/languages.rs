//! Every language, every size: at 80x24 each tab shows the same columns in
//! Catalan, Spanish and English, and a long overdue keeps its unit.

mod common;

use common::*;
use crossterm::event::KeyCode;
use ocsae::config::Config;
use ocsae::i18n::Lang;

/// Files a request through the form: council, holder, then `extra` keys on the later fields.
fn file(f: &mut Fixture, council: &str, holder: &str, extra: impl FnOnce(&mut Fixture)) {
    press(&mut f.app, KeyCode::Char('n'));
    type_text(&mut f.app, council);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, holder);
    extra(f);
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.popup.is_none(), "{}", screen(&f.app, 80, 24));
}

fn tab_to(f: &mut Fixture, steps: usize) {
    for _ in 0..steps {
        press(&mut f.app, KeyCode::Tab);
    }
}

/// Three requests in the queue, one of them received years ago, and one issued.
fn office(lang: Lang) -> Fixture {
    let mut f = fixture_with("Noguera", lang, Config::default());
    press(&mut f.app, KeyCode::Char('3'));
    file(&mut f, "tiurana", "Maria Puig", |_| {});
    // A renewal for the secretary of Àger.
    file(&mut f, "ager", "Jordi Solé", |f| {
        tab_to(f, 1);
        press(&mut f.app, KeyCode::Right);
        tab_to(f, 2);
        press(&mut f.app, KeyCode::Right);
    });
    file(&mut f, "cabanabona", "Anna Vidal", |f| {
        tab_to(f, 6);
        ctrl(&mut f.app, 'u');
        type_text(&mut f.app, "2020-01-03 16:00");
    });
    file(&mut f, "algerri", "Pere Roca", |_| {});
    // Pere Roca's is issued: filed, then issued on the date offered (now).
    let id = f
        .app
        .data
        .certs
        .list
        .iter()
        .find(|c| c.holder == "Pere Roca")
        .unwrap()
        .id;
    f.app.show(ocsae::app::effect::Target::Request(id));
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Enter);
    f.app.status = None;
    f
}

/// The header row of the table on screen: its words, two spaces or more apart.
fn header(screen: &str) -> Vec<String> {
    let line = screen.lines().nth(2).unwrap();
    line.split("  ")
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

const LANGS: [Lang; 3] = [Lang::Ca, Lang::Es, Lang::En];

#[test]
fn municipis_shows_the_same_columns_in_every_language() {
    let expected = [
        [
            "Municipi",
            "Habitants",
            "Implantació",
            "Cert.",
            "Termini",
            "Fitxa",
        ],
        [
            "Municipio",
            "Habitantes",
            "Implantación",
            "Cert.",
            "Plazo",
            "Ficha",
        ],
        ["Municipality", "Population", "Rollout", "Certs", "Due", "Form"],
    ];
    for (lang, columns) in LANGS.into_iter().zip(expected) {
        let mut f = office(lang);
        press(&mut f.app, KeyCode::Char('1'));
        let s = screen(&f.app, 80, 24);
        let words = header(&s).join(" ");
        assert_eq!(words.split(' ').collect::<Vec<_>>(), columns, "{s}");
        insta::assert_snapshot!(format!("municipis_{}", lang.code()), s);
    }
}

#[test]
fn implantacio_shows_the_same_columns_in_every_language() {
    for lang in LANGS {
        let mut f = office(lang);
        press(&mut f.app, KeyCode::Char('2'));
        let s = screen(&f.app, 80, 24);
        let h = header(&s).join(" ");
        let done = if lang == Lang::En { "Done" } else { "Impl." };
        let services = "TRA VOB EAC PSC FAC NOT ERE CER IDE RID SEG TAU";
        assert!(
            h.ends_with(&format!("{services} {done}")),
            "name, the 12 services, the done count: {s}"
        );
        insta::assert_snapshot!(format!("implantacio_{}", lang.code()), s);
    }
}

#[test]
fn the_queue_shows_the_same_columns_in_every_language() {
    let expected = [
        [
            "Termini", "Municipi", "Titular", "Càrrec", "Tipus", "Oper.", "U", "Estat",
        ],
        [
            "Plazo",
            "Municipio",
            "Titular",
            "Cargo",
            "Tipo",
            "Oper.",
            "U",
            "Estado",
        ],
        [
            "Due",
            "Municipality",
            "Holder",
            "Post",
            "Type",
            "Op.",
            "U",
            "Status",
        ],
    ];
    let overdue = ["VENÇUT 2511d", "VENCIDO 2511d", "OVERDUE 2511d"];
    for ((lang, columns), overdue) in LANGS.into_iter().zip(expected).zip(overdue) {
        let mut f = office(lang);
        press(&mut f.app, KeyCode::Char('3'));
        let s = screen(&f.app, 80, 24);
        let words: Vec<String> = s
            .lines()
            .nth(2)
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect();
        assert_eq!(words, columns, "{s}");
        assert!(
            s.lines().nth(3).unwrap().starts_with(overdue),
            "the unit stays:\n{s}"
        );
        insta::assert_snapshot!(format!("certificats_{}", lang.code()), s);
    }
}

#[test]
fn the_expiry_view_shows_the_same_columns_in_every_language() {
    let expected = [
        [
            "Caducitat",
            "Municipi",
            "Titular",
            "Tipus",
            "Estat",
            "Emesa",
            "Renovar",
        ],
        [
            "Caducidad",
            "Municipio",
            "Titular",
            "Tipo",
            "Estado",
            "Emitida",
            "Renovar",
        ],
        [
            "Expires",
            "Municipality",
            "Holder",
            "Type",
            "Status",
            "Issued",
            "Renew",
        ],
    ];
    for (lang, columns) in LANGS.into_iter().zip(expected) {
        let mut f = office(lang);
        press(&mut f.app, KeyCode::Char('3'));
        press(&mut f.app, KeyCode::Char('v'));
        let s = screen(&f.app, 80, 24);
        let words: Vec<&str> = s.lines().nth(2).unwrap().split_whitespace().collect();
        assert_eq!(words, columns, "{s}");
        assert!(s.contains("Pere Roca"), "{s}");
        insta::assert_snapshot!(format!("caducitats_{}", lang.code()), s);
    }
}

/// The README's screen is drawn here: Municipis at 80x24 with the office's
/// requests. Run with `INSTA_UPDATE=always` to write it into the README.
#[test]
fn the_readmes_screen_is_the_real_one() {
    let mut f = office(Lang::Ca);
    press(&mut f.app, KeyCode::Char('1'));
    let s = screen(&f.app, 80, 24);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let heading = "### The screen\n\n```\n";
    let start = readme.find(heading).expect("the README has a screen") + heading.len();
    let end = start + readme[start..].find("\n```").unwrap();
    if readme[start..end] != s && std::env::var("INSTA_UPDATE").is_ok_and(|v| v == "always") {
        std::fs::write(&path, format!("{}{s}{}", &readme[..start], &readme[end..])).unwrap();
        return;
    }
    assert_eq!(
        readme[start..end],
        s,
        "the README's screen differs from the program's: run with INSTA_UPDATE=always"
    );
}
