//! The queue's, the expiry view's and the closed requests' orders, kept by
//! moving a changed request within them, are the orders computed from scratch.

use chrono::{DateTime, Duration, Utc};
use ocsae::app::cert_data::CertData;
use ocsae::domain::calendar::Calendar;
use ocsae::domain::certificate::{CertStatus, CertificateRequest, HolderRole, Operation};
use ocsae::domain::municipality::IneCode;
use proptest::prelude::*;

const STATUSES: [CertStatus; 7] = [
    CertStatus::Received,
    CertStatus::AwaitingDocuments,
    CertStatus::Filed,
    CertStatus::Issued,
    CertStatus::Delivered,
    CertStatus::Rejected,
    CertStatus::Cancelled,
];

fn calendar() -> Calendar {
    Calendar::catalan(&[], chrono_tz::Europe::Madrid)
}

fn start() -> DateTime<Utc> {
    "2026-01-05T08:00:00Z".parse().unwrap()
}

/// A request from small numbers: equal times and renewals of one certificate happen often.
fn request(
    id: u64,
    (status, day, issued, urgent, renews): (usize, i64, i64, bool, u64),
) -> CertificateRequest {
    let ine = IneCode::parse("250019").unwrap();
    let received = start() + Duration::hours(day * 12);
    let mut c = CertificateRequest::received(
        id,
        ine,
        format!("Titular {id}"),
        HolderRole::Mayor,
        "tcat",
        received,
    );
    c.status = STATUSES[status];
    c.urgent = urgent;
    if c.status.is_issued() {
        c.issued_at = Some(received + Duration::hours(issued * 12));
    }
    if c.status == CertStatus::Delivered {
        c.delivered_at = c.issued_at;
    }
    c.set_renews((renews > 0 && renews != id).then_some(renews));
    // Some revoke a certificate instead.
    if renews % 3 == 0 && renews > 0 && renews != id {
        c.operation = Operation::Revocation;
        c.set_revokes(Some(renews));
    }
    c
}

fn fields() -> impl Strategy<Value = (usize, i64, i64, bool, u64)> {
    (0..STATUSES.len(), 0..6i64, 0..3i64, any::<bool>(), 0..8u64)
}

fn orders(d: &CertData) -> impl PartialEq + std::fmt::Debug {
    let mut renewed: Vec<(u64, u64)> = d.renewed_by.iter().map(|(a, b)| (*a, *b)).collect();
    renewed.sort();
    let mut revoked: Vec<(u64, u64)> = d.revoked_by.iter().map(|(a, b)| (*a, *b)).collect();
    revoked.sort();
    (
        d.open_by_due.clone(),
        d.to_deliver.clone(),
        d.closed.clone(),
        d.issued_by_expiry.clone(),
        renewed,
        revoked,
    )
}

proptest! {
    #[test]
    fn requests_changed_in_place_keep_the_orders_a_full_sort_gives(
        initial in prop::collection::vec(fields(), 1..30),
        changes in prop::collection::vec((0..30usize, fields()), 1..20),
    ) {
        let cal = calendar();
        let list: Vec<CertificateRequest> =
            initial.iter().enumerate().map(|(i, f)| request(i as u64 + 1, *f)).collect();
        let mut kept = CertData::new(list.clone(), &cal);
        let mut now = list;
        for (at, f) in changes {
            let id = (at % now.len()) as u64 + 1;
            let c = request(id, f);
            now[id as usize - 1] = c.clone();
            let before = kept.generation;
            kept.put_all(vec![(id, Some(c))], &cal);
            prop_assert!(kept.generation > before);
            let fresh = CertData::new(now.clone(), &cal);
            prop_assert_eq!(orders(&kept), orders(&fresh));
        }
    }
}

fn council(code: &str, name: &str) -> ocsae::domain::municipality::Municipality {
    ocsae::domain::municipality::Municipality {
        ine: IneCode::parse(code).unwrap(),
        name: name.to_string(),
        comarca: "Noguera".to_string(),
        population: 100,
        population_year: 2024,
        contacts: Vec::new(),
        notes: String::new(),
        subscriber_form_sent_on: None,
    }
}

/// Three councils (the third has no requests at first) with `list`'s requests.
fn data_of(list: Vec<CertificateRequest>) -> ocsae::app::data::Data {
    use ocsae::store::{Edit, Record};
    let mut data = ocsae::app::data::Data::new(calendar());
    let councils = [("250019", "Tiurana"), ("250024", "Agramunt"), ("250030", "Àger")];
    let edits: Vec<Edit> = councils
        .iter()
        .map(|(code, name)| Edit::create(Record::Municipality(council(code, name))))
        .collect();
    data.apply(&edits);
    data.set_certificates(CertData::new(list, &calendar()));
    data
}

const COUNCILS: [&str; 3] = ["250019", "250024", "250030"];

proptest! {
    /// A change moves the per-council figures (open requests, earliest deadline)
    /// by the requests it changed: the figures are those counted from scratch.
    #[test]
    fn per_council_figures_follow_each_change_as_a_full_count_gives(
        initial in prop::collection::vec((fields(), 0..2usize), 1..30),
        changes in prop::collection::vec(prop::collection::vec((0..34usize, fields(), 0..3usize, 0..8u8), 1..4), 1..12),
    ) {
        use ocsae::store::{Edit, Record};
        let with_council = |mut c: CertificateRequest, k: usize| {
            c.ine = IneCode::parse(COUNCILS[k]).unwrap();
            c
        };
        let list: Vec<CertificateRequest> = initial
            .iter()
            .enumerate()
            .map(|(i, (f, k))| with_council(request(i as u64 + 1, *f), *k))
            .collect();
        let mut kept = data_of(list.clone());
        let mut now: std::collections::BTreeMap<u64, CertificateRequest> =
            list.into_iter().map(|c| (c.id, c)).collect();
        for batch in changes {
            let mut edits = Vec::new();
            for (id, f, k, what) in batch {
                let id = id as u64 + 1;
                let before = now.get(&id).cloned();
                // Now and then a request goes (undone), or a new one comes.
                let after = (what != 0 || before.is_none()).then(|| with_council(request(id, f), k));
                match (&before, &after) {
                    (_, Some(c)) => now.insert(id, c.clone()),
                    (Some(_), None) => now.remove(&id),
                    (None, None) => None,
                };
                edits.push(Edit {
                    before: before.map(Record::Certificate),
                    after: after.map(Record::Certificate),
                });
            }
            kept.apply(&edits);
            let fresh = data_of(now.values().cloned().collect());
            for i in 0..COUNCILS.len() {
                prop_assert_eq!(kept.open_certificates(i), fresh.open_certificates(i), "council {}", i);
                prop_assert_eq!(kept.next_due(i), fresh.next_due(i), "council {}", i);
            }
        }
    }
}

/// A list as large as a start reads from the store (its orders are computed on two
/// threads, with the deadlines) orders as the same list given out of order does.
#[test]
fn a_large_list_in_id_order_gets_the_orders_and_deadlines_of_the_same_list_shuffled() {
    let cal = calendar();
    let list: Vec<CertificateRequest> = (0..60_000u64)
        .map(|i| {
            let f = (
                (i % 7) as usize,
                (i % 6) as i64,
                (i % 3) as i64,
                i % 5 == 0,
                i % 8,
            );
            request(i + 1, (f.0 % STATUSES.len(), f.1, f.2, f.3, f.4))
        })
        .collect();
    let mut shuffled = list.clone();
    shuffled.reverse();
    shuffled.swap(0, 30_000);
    let (ordered, reordered) = (CertData::new(list, &cal), CertData::new(shuffled, &cal));
    assert!(!ordered.open_by_due.is_empty() && !ordered.closed.is_empty());
    assert_eq!(orders(&ordered), orders(&reordered));
    assert_eq!(ordered.due, reordered.due);
    assert_eq!(ordered.ine, reordered.ine);
    assert_eq!(ordered.list, reordered.list);
    assert_eq!(ordered.generation, reordered.generation);
    assert!((0..ordered.list.len()).all(|i| ordered.folded.get(i) == reordered.folded.get(i)));
}
