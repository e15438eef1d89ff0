//! Avui's worklist: each section at a fixed clock (Thursday 26 November 2026,
//! 10:30 in Madrid), Enter to the record on its own tab, and folding.

mod common;

use chrono::NaiveDate;
use common::avui::*;
use common::*;
use crossterm::event::KeyCode;
use ocsae::app::effect::Target;
use ocsae::config::Config;
use ocsae::domain::activity::{ActivityKind, ActivityStatus};
use ocsae::domain::certificate::CertStatus;
use ocsae::domain::municipality::IneCode;
use ocsae::domain::rollout::RolloutStatus;
use ocsae::i18n::Lang;
use ocsae::store::{ChangeKind, Edit, Record};
use ocsae::tabs::certificates::CertView;
use ocsae::tabs::today::Row;
use ocsae::tabs::today::worklist::{Item, Section};
use ocsae::tabs::{ActivityTab, CertificatesTab, MunicipalitiesTab, RolloutTab, TodayTab};

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
fn each_waiting_request_counts_the_working_days_since_its_own_day() {
    let mut f = avui(Lang::Ca);
    let ager = ine(&f, "Àger");
    // Received on days apart, a weekend and a holiday (12 October) among them; two on one day.
    let received = [
        "2025-12-24T09:00:00Z",
        "2026-10-01T09:00:00Z",
        "2026-10-10T09:00:00Z",
        "2026-10-13T16:00:00Z",
        "2026-10-13T08:00:00Z",
        "2026-11-13T09:00:00Z",
    ];
    let list = received
        .iter()
        .map(|r| request(ager, "Sense documents", r, CertStatus::AwaitingDocuments))
        .collect();
    add_requests(&mut f, list);
    let calendar = &f.app.data.calendar;
    let day = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&calendar.tz()).date_naive();
    let today = day(at(NOW));
    let mut expected: Vec<(chrono::DateTime<chrono::Utc>, u32)> = received
        .iter()
        .map(|r| {
            // Counted day by day: the working days after the day of receipt, up to today.
            let from = day(at(r));
            let n = from
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= today)
                .filter(|d| calendar.is_working_day(*d))
                .count();
            (at(r), n as u32)
        })
        .filter(|(_, n)| *n > 10)
        .collect();
    expected.sort();
    let got: Vec<_> = items(&f, Section::AwaitingDocuments)
        .into_iter()
        .map(|i| match i {
            Item::Awaiting { since, days, .. } => (since, days),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 5, "the one of 13 November has waited fewer than ten");
}

#[test]
fn a_change_made_on_another_tab_is_on_avui_when_it_is_shown() {
    let mut f = avui(Lang::Ca);
    let ager = ine(&f, "Àger");
    add_requests(
        &mut f,
        vec![issued(ager, "Emesa", "2026-11-25T09:00:00Z", CertStatus::Issued)],
    );
    assert_eq!(items(&f, Section::NotDelivered).len(), 1);
    press(&mut f.app, KeyCode::Char('3'));
    let got = add_requests(
        &mut f,
        vec![issued(
            ager,
            "Emesa fa dies",
            "2026-11-02T09:00:00Z",
            CertStatus::Issued,
        )],
    );
    press(&mut f.app, KeyCode::Char('0'));
    assert!(f.app.showing::<TodayTab>());
    let list = items(&f, Section::NotDelivered);
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[0].target(), Target::Request(got[0]));
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
    renewal.set_renews(Some(got[2]));
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
    // Due 10 January 2027: 45 days. Sent this year: valid for two years. Sent in
    // June 2024: expired on 1 June 2026.
    let algerri = ine(&f, "Algerri");
    set_form(&mut f, ager, "2025-01-10");
    set_form(&mut f, albesa, "2026-01-01");
    set_form(&mut f, algerri, "2024-06-01");
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
    // What can be done first: the expired, then the one due soonest; the never sent after.
    assert_eq!(
        list[..2],
        [
            Item::Form {
                ine: algerri,
                due: "2026-06-01".parse().ok()
            },
            Item::Form {
                ine: ager,
                due: "2027-01-10".parse().ok()
            }
        ]
    );
    assert!(
        list[2..]
            .iter()
            .all(|i| matches!(i, Item::Form { due: None, .. }))
    );
    // On screen, the expired one says so.
    go_to(&mut f, Section::Forms);
    let s = screen(&f.app, 80, 24);
    let line = |name: &str| {
        s.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name}: {s}"))
            .to_string()
    };
    assert!(line("Algerri").contains("caducada"), "{s}");
    assert!(!line("Algerri").contains("venç"), "{s}");
    assert!(line("Àger").contains("venç 10/01/2027"), "{s}");
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

    // In September the list waits for October, unless configured: no section at
    // all, since "(0)" would read as every council visited.
    let mut f = avui(Lang::Ca);
    f.clock.set(at("2026-09-15T08:00:00Z"));
    f.app.changed_elsewhere(&[]);
    let tab = f.app.tab::<TodayTab>();
    assert!(tab.items(Section::NotVisited).is_none());
    assert!(!tab.rows.contains(&Row::Heading(Section::NotVisited)));
    go_to(&mut f, Section::Forms);
    press(&mut f.app, KeyCode::Char(' '));
    let s = screen(&f.app, 80, 24);
    assert!(s.contains("Fitxes de subscriptor per enviar (29)"), "{s}");
    assert!(!s.contains("Sense visita"), "{s}");
    let config = Config {
        unvisited_from_month: 1,
        ..Config::default()
    };
    let mut f = avui_with(Lang::Ca, config);
    f.clock.set(at("2026-09-15T08:00:00Z"));
    f.app.changed_elsewhere(&[]);
    assert_eq!(items(&f, Section::NotVisited).len(), served);
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
fn an_operator_card_near_expiry_is_listed_and_a_revoked_certificate_is_not_to_renew() {
    use ocsae::domain::operator::Operator;
    let mut f = avui(Lang::Ca);
    // NOW is 26 November 2026: Laia's card expires on 10 January 2027 (45 days).
    let laia = Operator {
        name: "Laia Font".into(),
        card_issued_on: NaiveDate::from_ymd_opt(2023, 1, 10).unwrap(),
    };
    let pol = Operator {
        name: "Pol Vidal".into(),
        card_issued_on: NaiveDate::from_ymd_opt(2025, 1, 10).unwrap(),
    };
    apply(
        &mut f,
        ChangeKind::OperatorAdd,
        vec![
            Edit::create(Record::Operator(laia)),
            Edit::create(Record::Operator(pol)),
        ],
    );
    assert_eq!(
        items(&f, Section::OperatorCards),
        [Item::OperatorCard {
            name: "Laia Font".into(),
            days: 45
        }]
    );
    assert!(screen(&f.app, 100, 30).contains("Laia Font: renovar-la vol dir tornar a enviar la Fitxa d'ER"));
    // A certificate in its renewal window, then revoked: no longer to renew.
    let ager = ine(&f, "Àger");
    let ids = add_requests(
        &mut f,
        vec![issued(
            ager,
            "Maria Puig",
            "2023-01-10T10:00:00Z",
            CertStatus::Delivered,
        )],
    );
    assert_eq!(items(&f, Section::Expiring).len(), 1);
    let mut revocation = request(ager, "Maria Puig", "2026-11-20T09:00:00Z", CertStatus::Issued);
    revocation.operation = ocsae::domain::certificate::Operation::Revocation;
    revocation.issued_at = Some(at("2026-11-21T09:00:00Z"));
    revocation.set_revokes(Some(ids[0]));
    revocation.set_revocation_reason(Some(ocsae::domain::revocation::RevocationReason::CardLost));
    add_requests(&mut f, vec![revocation]);
    assert!(items(&f, Section::Expiring).is_empty());
}

#[test]
fn at_midnight_avui_and_activitats_follow_ups_are_computed_for_the_new_day() {
    use ocsae::event::Event;
    use ocsae::tabs::activity::ActivityView;
    let mut f = avui(Lang::Ca);
    // 22:50 in the office: nothing counts down on screen, so only midnight wakes the loop.
    f.clock.set(at("2026-11-26T21:50:00Z"));
    let mut call = entry(
        ine(&f, "Àger"),
        ActivityKind::Call,
        "Trucar demà",
        "2026-11-26T21:00:00Z",
    );
    call.follow_up_on = "2026-11-27".parse().ok();
    let id = add_entries(&mut f, vec![call])[0];
    // Activitat's follow-ups on screen.
    press(&mut f.app, KeyCode::Char('4'));
    press(&mut f.app, KeyCode::Char('v'));
    assert_eq!(f.app.tab::<ActivityTab>().view, ActivityView::FollowUps);
    assert_eq!(f.app.next_tick(), Some(std::time::Duration::from_secs(70 * 60)));
    assert!(
        items(&f, Section::Support).is_empty(),
        "{:?}",
        items(&f, Section::Support)
    );
    let follow_ups = |f: &Fixture| {
        let tab = f.app.tab::<ActivityTab>();
        tab.rows
            .iter()
            .map(|&i| f.app.data.activities.list[i].id)
            .collect::<Vec<_>>()
    };
    assert!(follow_ups(&f).is_empty());
    // An idle tick before midnight changes nothing.
    f.clock.set(at("2026-11-26T22:59:59Z"));
    f.app.handle_event(Event::Tick);
    assert!(items(&f, Section::Support).is_empty());
    // The loop wakes just after midnight: the new day's list, with no key pressed.
    f.clock.set(at("2026-11-26T23:00:00Z"));
    assert!(f.app.handle_event(Event::Tick));
    assert_eq!(follow_ups(&f), [id]);
    // Avui, hidden, computes its list when it is shown: for the new day.
    press(&mut f.app, KeyCode::Char('0'));
    assert_eq!(ids(&items(&f, Section::Support)), [Target::Activity(id)]);
    assert!(screen(&f.app, 80, 24).contains("Avui, 27/11/2026"));
    // And the next wake-up is the next midnight (nothing else waits).
    assert_eq!(f.app.next_tick(), Some(std::time::Duration::from_secs(24 * 3600)));
}
