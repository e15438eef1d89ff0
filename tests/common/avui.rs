//! Avui's tests share these: an app that opens on Avui at the fixed clock, and
//! records added as another writer would add them.

use super::*;
use crossterm::event::KeyCode;
use ocsae::app::effect::Target;
use ocsae::config::Config;
use ocsae::domain::activity::{Activity, ActivityKind};
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole};
use ocsae::domain::municipality::IneCode;
use ocsae::domain::rollout::RolloutStatus;
use ocsae::i18n::Lang;
use ocsae::store::{Change, ChangeKind, Edit, NEW_ID, Record};
use ocsae::tabs::TodayTab;
use ocsae::tabs::today::worklist::{Item, Section};

pub fn avui_with(lang: Lang, config: Config) -> Fixture {
    let mut f = fixture_with("Noguera", lang, config.clone());
    f.app = open_app_as_configured(f.disk.clone(), lang, config, &f.clock);
    f
}

pub fn avui(lang: Lang) -> Fixture {
    avui_with(lang, Config::default())
}

pub fn ine(f: &Fixture, name: &str) -> IneCode {
    f.app
        .data
        .municipalities
        .iter()
        .find(|m| m.name == name)
        .unwrap()
        .ine
}

/// Applies edits as another writer would, and returns the ids the store gave.
pub fn apply(f: &mut Fixture, kind: ChangeKind, edits: Vec<Edit>) -> Vec<u64> {
    let applied = f.app.store.apply(Change::new(kind, edits), at(NOW)).unwrap();
    f.app.changed_elsewhere(&applied.edits);
    applied.ids
}

pub fn request(ine: IneCode, holder: &str, received: &str, status: CertStatus) -> CertificateRequest {
    let mut c = CertificateRequest::received(NEW_ID, ine, holder, HolderRole::Mayor, "tcat", at(received));
    c.status = status;
    c
}

pub fn issued(ine: IneCode, holder: &str, on: &str, status: CertStatus) -> CertificateRequest {
    let mut c = request(ine, holder, on, status);
    c.filed_at = Some(at(on));
    c.issued_at = Some(at(on));
    if status == CertStatus::Delivered {
        c.delivered_at = Some(at(on));
    }
    c
}

pub fn add_requests(f: &mut Fixture, list: Vec<CertificateRequest>) -> Vec<u64> {
    let edits = list
        .into_iter()
        .map(|c| Edit::create(Record::Certificate(c)))
        .collect();
    apply(f, ChangeKind::ImportCertificates, edits)
}

pub fn entry(ine: IneCode, kind: ActivityKind, summary: &str, received: &str) -> Activity {
    let mut a = Activity::new(Some(ine), kind, summary, at(received));
    a.id = NEW_ID;
    a
}

pub fn add_entries(f: &mut Fixture, list: Vec<Activity>) -> Vec<u64> {
    let edits = list
        .into_iter()
        .map(|a| Edit::create(Record::Activity(a)))
        .collect();
    apply(f, ChangeKind::ImportActivities, edits)
}

pub fn items(f: &Fixture, section: Section) -> Vec<Item> {
    f.app.tab::<TodayTab>().items(section).expect("loaded").to_vec()
}

pub fn ids(items: &[Item]) -> Vec<Target> {
    items.iter().map(Item::target).collect()
}

/// A day with a line in every section but the fitxes and the visits, which it
/// has for every council.
pub fn busy_day(f: &mut Fixture) -> (Vec<u64>, Vec<u64>) {
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
pub fn go_to(f: &mut Fixture, section: Section) {
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

/// Sets a council's service to `status`, as another writer would.
pub fn set_rollout(f: &mut Fixture, ine: IneCode, service: &str, status: RolloutStatus) {
    let before = f.app.data.rollout_of(ine, service).unwrap().clone();
    let mut after = before.clone();
    after.status = status;
    apply(
        f,
        ChangeKind::RolloutStatus,
        vec![Edit::update(Record::Rollout(before), Record::Rollout(after))],
    );
}
