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
    c.renews = (renews > 0 && renews != id).then_some(renews);
    // Some revoke a certificate instead.
    if renews % 3 == 0 && renews > 0 && renews != id {
        c.operation = Operation::Revocation;
        c.revokes = Some(renews);
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
