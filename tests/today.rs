//! Avui: each section of the worklist at a fixed clock (Thursday 26 November
//! 2026, 10:30 in Madrid), folding, Enter to the record on its own tab, the
//! sections that wait for the requests, the charts, and the screen at 80x24 in
//! every language, with and without colour.

mod common;

use chrono::NaiveDate;
use common::*;
use crossterm::event::KeyCode;
use ocsae::app::effect::Target;
use ocsae::config::{Config, StartTab};
use ocsae::domain::activity::{Activity, ActivityKind, ActivityStatus};
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::domain::rollout::RolloutStatus;
use ocsae::i18n::Lang;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record};
use ocsae::tabs::certificates::CertView;
use ocsae::tabs::today::worklist::{Item, Section};
use ocsae::tabs::{ActivityTab, CertificatesTab, MunicipalitiesTab, RolloutTab, TodayTab};
use ocsae::theme::{Theme, ThemeName};

fn avui_with(lang: Lang, config: Config) -> Fixture {
    let mut f = fixture_with("Noguera", lang, config.clone());
    f.app = open_app_as_configured(f.disk.clone(), lang, config, &f.clock);
    f
}

fn avui(lang: Lang) -> Fixture {
    avui_with(lang, Config::default())
}

fn ine(f: &Fixture, name: &str) -> IneCode {
    f.app
        .data
        .municipalities
        .iter()
        .find(|m| m.name == name)
        .unwrap()
        .ine
}

/// Applies edits as another writer would, and returns the ids the store gave.
fn apply(f: &mut Fixture, kind: ChangeKind, edits: Vec<Edit>) -> Vec<u64> {
    let applied = f.app.store.apply(Change::new(kind, edits), at(NOW)).unwrap();
    f.app.changed_elsewhere(&applied.edits);
    applied.ids
}

fn request(ine: IneCode, holder: &str, received: &str, status: CertStatus) -> CertificateRequest {
    let mut c = CertificateRequest::received(NEW_ID, ine, holder, HolderRole::Mayor, "tcat", at(received));
    c.status = status;
    c
}

fn issued(ine: IneCode, holder: &str, on: &str, status: CertStatus) -> CertificateRequest {
    let mut c = request(ine, holder, on, status);
    c.filed_at = Some(at(on));
    c.issued_at = Some(at(on));
    if status == CertStatus::Delivered {
        c.delivered_at = Some(at(on));
    }
    c
}

fn add_requests(f: &mut Fixture, list: Vec<CertificateRequest>) -> Vec<u64> {
    let edits = list
        .into_iter()
        .map(|c| Edit::create(Record::Certificate(c)))
        .collect();
    apply(f, ChangeKind::ImportCertificates, edits)
}

fn entry(ine: IneCode, kind: ActivityKind, summary: &str, received: &str) -> Activity {
    let mut a = Activity::new(Some(ine), kind, summary, at(received));
    a.id = NEW_ID;
    a
}

fn add_entries(f: &mut Fixture, list: Vec<Activity>) -> Vec<u64> {
    let edits = list
        .into_iter()
        .map(|a| Edit::create(Record::Activity(a)))
        .collect();
    apply(f, ChangeKind::ImportActivities, edits)
}

fn items(f: &Fixture, section: Section) -> Vec<Item> {
    f.app.tab::<TodayTab>().items(section).expect("loaded").to_vec()
}

fn ids(items: &[Item]) -> Vec<Target> {
    items.iter().map(Item::target).collect()
}

#[test]
fn requests_overdue_or_due_within_two_working_days_most_urgent_first() {
    let mut f = avui(Lang::Ca);
    let ager = ine(&f, "Àger");
    let got = add_requests(
        &mut f,
        vec![
            // Monday 23: due at 24:00 of Monday 30, the second working day from today.
            request(
                ager,
                "Dins de dos dies",
                "2026-11-23T09:00:00Z",
                CertStatus::Received,
            ),
            // Wednesday 25: due at 24:00 of Wednesday 2 December: not yet.
            request(ager, "Encara no", "2026-11-25T09:00:00Z", CertStatus::Filed),
            // Tuesday 10: overdue since the 17th.
            request(ager, "Vençuda", "2026-11-10T09:00:00Z", CertStatus::Received),
            // Waiting for documents has no deadline; issued is not open.
            request(
                ager,
                "Sense documents",
                "2026-11-10T09:00:00Z",
                CertStatus::AwaitingDocuments,
            ),
            issued(ager, "Emesa", "2026-11-10T09:00:00Z", CertStatus::Delivered),
        ],
    );
    let listed = ids(&items(&f, Section::RequestsDue));
    assert_eq!(listed, [Target::Request(got[2]), Target::Request(got[0])]);
}

#[test]
fn requests_waiting_for_documents_more_than_ten_working_days() {
    let mut f = avui(Lang::Ca);
    let ager = ine(&f, "Àger");
    let got = add_requests(
        &mut f,
        vec![
            // Thursday 12: its tenth working day after receipt is today: not more than ten.
            request(
                ager,
                "Deu dies",
                "2026-11-12T09:00:00Z",
                CertStatus::AwaitingDocuments,
            ),
            // Wednesday 11: the tenth ended at 24:00 yesterday.
            request(
                ager,
                "Onze dies",
                "2026-11-11T09:00:00Z",
                CertStatus::AwaitingDocuments,
            ),
            request(
                ager,
                "Més antiga",
                "2026-10-01T09:00:00Z",
                CertStatus::AwaitingDocuments,
            ),
            request(ager, "Rebuda", "2026-10-01T09:00:00Z", CertStatus::Received),
        ],
    );
    let list = items(&f, Section::AwaitingDocuments);
    assert_eq!(ids(&list), [Target::Request(got[2]), Target::Request(got[1])]);
    assert!(matches!(list[1], Item::Awaiting { days: 11, .. }), "{list:?}");
}

#[test]
fn issued_certificates_not_delivered() {
    let mut f = avui(Lang::Ca);
    let ager = ine(&f, "Àger");
    let got = add_requests(
        &mut f,
        vec![
            issued(ager, "Emesa ahir", "2026-11-25T09:00:00Z", CertStatus::Issued),
            issued(ager, "Lliurada", "2026-11-20T09:00:00Z", CertStatus::Delivered),
            issued(ager, "Emesa fa dies", "2026-11-02T09:00:00Z", CertStatus::Issued),
        ],
    );
    let listed = ids(&items(&f, Section::NotDelivered));
    assert_eq!(listed, [Target::Request(got[2]), Target::Request(got[0])]);
}

#[test]
fn certificates_expiring_within_sixty_days_with_no_renewal_filed() {
    let mut f = avui(Lang::Ca);
    let ager = ine(&f, "Àger");
    let got = add_requests(
        &mut f,
        vec![
            // Expires 20 December 2026: 24 days.
            issued(
                ager,
                "Caduca aviat",
                "2022-12-20T09:00:00Z",
                CertStatus::Delivered,
            ),
            // Expires 1 February 2027: 67 days.
            issued(ager, "Encara no", "2023-02-01T09:00:00Z", CertStatus::Delivered),
            // Expires 10 December, but its renewal is filed.
            issued(ager, "Renovada", "2022-12-10T09:00:00Z", CertStatus::Delivered),
            // Expires 5 January 2027: 40 days.
            issued(ager, "Més tard", "2023-01-05T09:00:00Z", CertStatus::Delivered),
        ],
    );
    let mut renewal = request(ager, "Renovada", "2026-11-20T09:00:00Z", CertStatus::Filed);
    renewal.renews = Some(got[2]);
    add_requests(&mut f, vec![renewal]);
    let list = items(&f, Section::Expiring);
    assert_eq!(ids(&list), [Target::Expiry(got[0]), Target::Expiry(got[3])]);
    assert!(matches!(list[0], Item::Expiring { days: 24, .. }), "{list:?}");
}

#[test]
fn support_overdue_or_due_today_then_todays_follow_ups() {
    let mut f = avui(Lang::Ca);
    let ager = ine(&f, "Àger");
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let mut closed_follow_up = entry(ager, ActivityKind::Call, "Seguiment", "2026-11-02T09:00:00Z");
    closed_follow_up.close(at("2026-11-02T10:00:00Z"));
    closed_follow_up.follow_up_on = Some(today);
    let mut tomorrow = entry(ager, ActivityKind::Call, "Demà", "2026-11-02T09:00:00Z");
    tomorrow.close(at("2026-11-02T10:00:00Z"));
    tomorrow.follow_up_on = today.succ_opt();
    let mut closed_late = entry(ager, ActivityKind::Email, "Tancada tard", "2026-11-02T09:00:00Z");
    closed_late.close(at("2026-11-20T10:00:00Z"));
    let mut waiting = entry(ager, ActivityKind::Call, "Esperant", "2026-11-19T09:00:00Z");
    waiting.wait(at("2026-11-19T10:00:00Z"));
    let got = add_entries(
        &mut f,
        vec![
            // Friday 20: due at 24:00 of Tuesday 24: overdue.
            entry(ager, ActivityKind::Email, "Vençuda", "2026-11-20T09:00:00Z"),
            // Tuesday 24: due at 24:00 today.
            entry(ager, ActivityKind::Call, "Per avui", "2026-11-24T09:00:00Z"),
            // Wednesday 25: due tomorrow.
            entry(ager, ActivityKind::Call, "Per demà", "2026-11-25T09:00:00Z"),
            closed_follow_up,
            tomorrow,
            closed_late,
            waiting,
        ],
    );
    let list = items(&f, Section::Support);
    assert_eq!(
        ids(&list),
        [
            Target::Activity(got[0]),
            Target::Activity(got[1]),
            Target::Activity(got[3])
        ]
    );
    assert!(matches!(
        list[2],
        Item::Support {
            due: None,
            follow_up: true,
            ..
        }
    ));
    assert!(f.app.data.activities.get(got[6]).unwrap().status == ActivityStatus::Waiting);
}

fn set_form(f: &mut Fixture, ine: IneCode, sent: &str) {
    let before = f
        .app
        .data
        .municipalities
        .iter()
        .find(|m| m.ine == ine)
        .unwrap()
        .clone();
    let mut after = before.clone();
    after.subscriber_form_sent_on = Some(sent.parse().unwrap());
    apply(
        f,
        ChangeKind::FormSent,
        vec![Edit::update(
            Record::Municipality(before),
            Record::Municipality(after),
        )],
    );
}

#[test]
fn subscriber_forms_never_sent_or_due_within_sixty_days_for_the_offices_councils() {
    let mut f = avui(Lang::Ca);
    let (ager, albesa, balaguer) = (ine(&f, "Àger"), ine(&f, "Albesa"), ine(&f, "Balaguer"));
    // Due 10 January 2027: 45 days. Sent this year: valid for two years.
    set_form(&mut f, ager, "2025-01-10");
    set_form(&mut f, albesa, "2026-01-01");
    let list = items(&f, Section::Forms);
    let served = f
        .app
        .data
        .municipalities
        .iter()
        .filter(|m| m.population < 5000)
        .count();
    assert_eq!(
        list.len(),
        served - 1,
        "every council under the threshold but Albesa"
    );
    assert!(
        !ids(&list).contains(&Target::Council(balaguer)),
        "Balaguer is over 5,000"
    );
    assert!(!ids(&list).contains(&Target::Council(albesa)));
    // Never sent first; Àger, due, after them.
    assert_eq!(
        list.last(),
        Some(&Item::Form {
            ine: ager,
            due: "2027-01-10".parse().ok()
        })
    );
    assert!(matches!(list[0], Item::Form { due: None, .. }));
}

#[test]
fn blocked_services_with_their_reason() {
    let mut f = avui(Lang::Ca);
    let ager = ine(&f, "Àger");
    let before = f.app.data.rollout_of(ager, "e-notum").unwrap().clone();
    let mut after = before.clone();
    after.status = RolloutStatus::Blocked;
    after.blocked_reason = "Falta el certificat de l'alcalde".into();
    apply(
        &mut f,
        ChangeKind::RolloutStatus,
        vec![Edit::update(Record::Rollout(before), Record::Rollout(after))],
    );
    let list = items(&f, Section::Blocked);
    assert_eq!(list.len(), 1);
    let Item::Blocked { cell, reason } = &list[0] else {
        panic!("{list:?}")
    };
    assert_eq!((cell.council, cell.service.as_str()), (ager, "e-notum"));
    assert_eq!(reason, "Falta el certificat de l'alcalde");
    // The 29 fitxes fold away to show it.
    go_to(&mut f, Section::Forms);
    press(&mut f.app, KeyCode::Char(' '));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Àger · Falta el certificat"), "{s}");
}

#[test]
fn councils_not_visited_this_year_from_october_or_as_configured() {
    let mut f = avui(Lang::Ca);
    let (ager, albesa) = (ine(&f, "Àger"), ine(&f, "Albesa"));
    add_entries(
        &mut f,
        vec![
            entry(ager, ActivityKind::Visit, "Visita", "2026-03-03T09:00:00Z"),
            entry(
                albesa,
                ActivityKind::Visit,
                "Visita de l'any passat",
                "2025-05-05T09:00:00Z",
            ),
        ],
    );
    let list = items(&f, Section::NotVisited);
    let served = f
        .app
        .data
        .municipalities
        .iter()
        .filter(|m| m.population < 5000)
        .count();
    assert_eq!(list.len(), served - 1);
    assert!(!ids(&list).contains(&Target::Council(ager)));
    // Never visited first, then the longest ago: Albesa last.
    assert_eq!(
        list.last(),
        Some(&Item::NotVisited {
            ine: albesa,
            last: "2025-05-05".parse().ok()
        })
    );

    // In September the list waits for October, unless configured.
    let mut f = avui(Lang::Ca);
    f.clock.set(at("2026-09-15T08:00:00Z"));
    f.app.changed_elsewhere(&[]);
    assert!(items(&f, Section::NotVisited).is_empty());
    let config = Config {
        unvisited_from_month: 1,
        ..Config::default()
    };
    let mut f = avui_with(Lang::Ca, config);
    f.clock.set(at("2026-09-15T08:00:00Z"));
    f.app.changed_elsewhere(&[]);
    assert_eq!(items(&f, Section::NotVisited).len(), served);
}

/// A day with a line in every section but the fitxes and the visits, which it
/// has for every council.
fn busy_day(f: &mut Fixture) -> (Vec<u64>, Vec<u64>) {
    let (ager, albesa) = (ine(f, "Àger"), ine(f, "Albesa"));
    let requests = add_requests(
        f,
        vec![
            request(ager, "Maria Puig", "2026-11-10T09:00:00Z", CertStatus::Received),
            request(
                albesa,
                "Joan Solé",
                "2026-10-01T09:00:00Z",
                CertStatus::AwaitingDocuments,
            ),
            issued(ager, "Pere Roca", "2026-11-02T09:00:00Z", CertStatus::Issued),
            issued(albesa, "Anna Vila", "2022-12-20T09:00:00Z", CertStatus::Delivered),
        ],
    );
    let activities = add_entries(
        f,
        vec![entry(
            albesa,
            ActivityKind::Email,
            "No rep les notificacions",
            "2026-11-20T09:00:00Z",
        )],
    );
    let before = f.app.data.rollout_of(ager, "e-notum").unwrap().clone();
    let mut after = before.clone();
    after.status = RolloutStatus::Blocked;
    after.blocked_reason = "Sense certificat".into();
    apply(
        f,
        ChangeKind::RolloutStatus,
        vec![Edit::update(Record::Rollout(before), Record::Rollout(after))],
    );
    (requests, activities)
}

/// Puts the cursor on the first item of `section`.
fn go_to(f: &mut Fixture, section: Section) {
    press(&mut f.app, KeyCode::Home);
    for _ in 0..200 {
        let tab = f.app.tab::<TodayTab>();
        if tab.selected_item().is_some() && tab.selected_section() == Some(section) {
            return;
        }
        press(&mut f.app, KeyCode::Down);
    }
    panic!("no item in {section:?}");
}

#[test]
fn enter_on_each_line_reaches_the_record_on_its_own_tab_selected() {
    let mut f = avui(Lang::Ca);
    let (requests, activities) = busy_day(&mut f);
    let back = |f: &mut Fixture| press(&mut f.app, KeyCode::Char('0'));
    for (section, id) in [
        (Section::RequestsDue, requests[0]),
        (Section::AwaitingDocuments, requests[1]),
        (Section::NotDelivered, requests[2]),
        (Section::Expiring, requests[3]),
    ] {
        go_to(&mut f, section);
        press(&mut f.app, KeyCode::Enter);
        assert!(f.app.showing::<CertificatesTab>(), "{section:?}");
        let tab = f.app.tab::<CertificatesTab>();
        assert_eq!(tab.selected_id(&f.app.data), Some(id), "{section:?}");
        // A certificate to renew is shown where renewals are made.
        let view = match section {
            Section::Expiring => CertView::Expiry,
            _ => CertView::Queue,
        };
        assert_eq!(tab.view, view, "{section:?}");
        back(&mut f);
        assert!(f.app.showing::<TodayTab>());
    }
    go_to(&mut f, Section::Support);
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.showing::<ActivityTab>());
    assert_eq!(
        f.app.tab::<ActivityTab>().selected_id(&f.app),
        Some(activities[0])
    );
    back(&mut f);

    go_to(&mut f, Section::Blocked);
    press(&mut f.app, KeyCode::Enter);
    assert!(f.app.showing::<RolloutTab>());
    let rollout = f.app.tab::<RolloutTab>();
    let ager = ine(&f, "Àger");
    let index = rollout.selected_index().unwrap();
    assert_eq!(f.app.data.municipalities[index].ine, ager);
    assert_eq!(ocsae::domain::catalog::services()[rollout.column].id, "e-notum");
    back(&mut f);

    for section in [Section::Forms, Section::NotVisited] {
        go_to(&mut f, section);
        let Some(Item::Form { ine, .. } | Item::NotVisited { ine, .. }) =
            f.app.tab::<TodayTab>().selected_item().cloned()
        else {
            panic!("{section:?}")
        };
        press(&mut f.app, KeyCode::Enter);
        assert!(f.app.showing::<MunicipalitiesTab>(), "{section:?}");
        let tab = f.app.tab::<MunicipalitiesTab>();
        assert!(tab.detail, "the council's page is open");
        let index = tab.selected_index(&f.app).unwrap();
        assert_eq!(f.app.data.municipalities[index].ine, ine);
        press(&mut f.app, KeyCode::Esc);
        back(&mut f);
    }
}

#[test]
fn space_folds_a_section_which_keeps_its_count() {
    let mut f = avui(Lang::Ca);
    busy_day(&mut f);
    go_to(&mut f, Section::Forms);
    let served = f
        .app
        .data
        .municipalities
        .iter()
        .filter(|m| m.population < 5000)
        .count();
    let rows = f.app.tab::<TodayTab>().rows.len();
    press(&mut f.app, KeyCode::Char(' '));
    let tab = f.app.tab::<TodayTab>();
    assert_eq!(tab.rows.len(), rows - served);
    assert_eq!(tab.selected_section(), Some(Section::Forms));
    assert!(tab.selected_item().is_none(), "the cursor goes to the heading");
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains(&format!("▸ Fitxes de subscriptor per enviar ({served})")),
        "{s}"
    );
    press(&mut f.app, KeyCode::Char(' '));
    assert_eq!(f.app.tab::<TodayTab>().rows.len(), rows);
    let s = screen(&f.app, 80, 24);
    assert!(
        s.contains(&format!("▾ Fitxes de subscriptor per enviar ({served})")),
        "{s}"
    );
}

#[test]
fn the_first_frame_marks_the_sections_that_wait_for_the_requests() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ocsae::domain::clock::FixedClock::new(at(NOW));
    let store = open_store(dir.path());
    ocsae::store::seed::seed(
        store.as_ref(),
        &ocsae::store::seed::resolve_scope("Noguera").unwrap(),
        at(NOW),
    )
    .unwrap();
    let config = Config::default();
    let keymap = ocsae::keymap::Keymap::new(&config.keys).unwrap();
    let theme = Theme::pick(ThemeName::Dark, false);
    let store: std::sync::Arc<dyn ocsae::store::Store> = store.into();
    let mut app =
        ocsae::app::App::new_lazy(store, config, Lang::Ca, keymap, theme, std::sync::Arc::new(clock))
            .unwrap();
    assert!(app.showing::<TodayTab>(), "Avui is the first screen");
    let s = screen(&app, 80, 24);
    assert!(
        s.contains("… Certificats vençuts o a 2 dies feiners (carregant)"),
        "{s}"
    );
    assert!(s.contains("▾ Fitxes de subscriptor per enviar (29)"), "{s}");
    let load = app.certificate_loader().unwrap();
    app.certificates_loaded(load());
    let s = screen(&app, 80, 24);
    assert!(s.contains("▾ Certificats vençuts o a 2 dies feiners (0)"), "{s}");
    assert!(!s.contains("carregant"), "{s}");
}

#[test]
fn start_tab_chooses_the_first_screen() {
    let f = avui(Lang::Ca);
    assert!(f.app.showing::<TodayTab>());
    let config = Config {
        start_tab: StartTab::Certificates,
        ..Config::default()
    };
    let f = avui_with(Lang::Ca, config);
    assert!(f.app.showing::<CertificatesTab>());
}

#[test]
fn v_shows_the_charts_with_their_numbers() {
    let mut f = avui(Lang::Ca);
    busy_day(&mut f);
    press(&mut f.app, KeyCode::Char('v'));
    let s = screen(&f.app, 80, 24);
    // Three requests received in the last twelve months (the fourth in 2022).
    assert!(s.contains("Sol·licituds T-CAT per mes (3)"), "{s}");
    assert!(s.contains("Adopció: fets / aplicables"), "{s}");
    assert!(s.contains("0/30"), "nothing done of 30 councils: {s}");
    assert!(s.contains("Suport obert/setmana (ara 1)"), "{s}");
    insta::assert_snapshot!("charts_ca", s);
    press(&mut f.app, KeyCode::Char('v'));
    assert!(screen(&f.app, 80, 24).contains("Avui, 26/11/2026"));
}

#[test]
fn avui_at_80x24_in_every_language_with_and_without_colour() {
    for lang in [Lang::Ca, Lang::Es, Lang::En] {
        let mut f = avui(lang);
        busy_day(&mut f);
        let s = screen(&f.app, 80, 24);
        let header = s.lines().next().unwrap();
        for key in ["0", "1", "2", "3", "4"] {
            assert!(header.contains(&format!(" {key} ")), "{header}");
        }
        insta::assert_snapshot!(format!("avui_{}", lang.code()), s);

        f.app.theme = Theme::pick(ThemeName::Dark, true);
        let terminal = render(&f.app, 80, 24);
        let buffer = terminal.backend().buffer();
        for cell in buffer.content() {
            assert_eq!(cell.fg, ratatui::style::Color::Reset);
            assert_eq!(cell.bg, ratatui::style::Color::Reset);
        }
        // The selection reads without colour: reversed, with its marker.
        assert!(
            buffer[(0, 2)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        );
        assert_eq!(buffer[(0, 2)].symbol(), "›");
        let plain = screen(&f.app, 80, 24);
        insta::assert_snapshot!(format!("avui_{}_no_colour", lang.code()), plain);
    }
}

#[test]
fn five_tabs_fit_80_columns_in_every_language_for_the_longest_comarca() {
    let longest = ocsae::store::seed::comarques()
        .into_iter()
        .max_by_key(|c| c.chars().count())
        .unwrap();
    for lang in [Lang::Ca, Lang::Es, Lang::En] {
        let mut f = fixture_with(longest, lang, Config::default());
        f.app = open_app_as_configured(f.disk.clone(), lang, Config::default(), &f.clock);
        let s = screen(&f.app, 80, 24);
        // The screen's lines are trimmed: the last label's padding with them.
        let header = format!("{} ", s.lines().next().unwrap());
        let t = &f.app.t;
        for (key, title) in [
            ("0", ocsae::i18n::Msg::tab_today),
            ("1", ocsae::i18n::Msg::tab_municipalities_short),
            ("2", ocsae::i18n::Msg::tab_rollout_short),
            ("3", ocsae::i18n::Msg::tab_certificates_short),
            ("4", ocsae::i18n::Msg::tab_activity_short),
        ] {
            let label = format!(" {key} {} ", t.t(title));
            assert!(header.contains(&label), "{}: {label} in {header}", lang.code());
        }
    }
}
