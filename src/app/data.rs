//! The store's records in memory, with what the screens derive from them.

use super::activity_data::ActivityData;
use super::cert_data::CertData;
use crate::domain::calendar::Calendar;
use crate::domain::catalog::{service_index, services};
use crate::domain::certificate::CertificateRequest;
use crate::domain::council_search::{CouncilIndex, Hit, Query};
use crate::domain::municipality::{IneCode, Municipality};
use crate::domain::rollout::{Rollout, RolloutStatus, Tally};
use crate::domain::search::{CollationKey, fold};
use crate::store::{BulkRange, Edit, Kind, Record, Result, Store};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// Up to this many requests changed at once move the per-council figures one by
/// one; more (an import mirrored) are counted again.
const IN_PLACE_MAX: usize = 64;

/// One cell of the rollout matrix, by identity: a council's INE code and the
/// service's catalogue id, which stay put when other records come and go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutCell {
    pub council: IneCode,
    pub service: String,
}

impl RolloutCell {
    /// The cell at council `council`, service `service` (indexes, as listed now).
    pub fn at(data: &Data, council: usize, service: usize) -> RolloutCell {
        RolloutCell {
            council: data.municipalities[council].ine,
            service: services()[service].id.clone(),
        }
    }

    /// Where the cell is now, as (council, service) indexes; None if the council has gone.
    pub fn locate(&self, data: &Data) -> Option<(usize, usize)> {
        Some((*data.by_ine.get(&self.council)?, service_index(&self.service)?))
    }
}

#[derive(Debug)]
pub struct Data {
    /// Working days and deadlines of the office.
    pub calendar: Calendar,
    pub municipalities: Vec<Municipality>,
    /// Folded names, parallel to `municipalities`, for filtering.
    pub folded: Vec<String>,
    /// Sort keys, parallel to `municipalities`.
    pub collation: Vec<CollationKey>,
    /// Names, codes, contacts, phones and addresses, folded for finding a council.
    pub search: CouncilIndex,
    pub by_ine: HashMap<IneCode, usize>,
    /// Per council, per catalogue service; None until first stored.
    pub rollout: Vec<Vec<Option<Rollout>>>,
    pub certs: CertData,
    /// Per council: its requests still waiting to be issued.
    pub open_certs: Vec<usize>,
    /// Per council: the earliest deadline among them.
    pub next_dues: Vec<Option<DateTime<Utc>>>,
    /// False while the requests are still being read in the background.
    pub certs_loaded: bool,
    /// The per-council figures are right, from the requests or from the cache.
    pub summary_known: bool,
    /// The support log.
    pub activities: ActivityData,
    /// Bumped on every change of any record, so views know when to recompute.
    pub generation: u64,
    /// The office's ER operators, by name.
    pub operators: Vec<crate::domain::operator::Operator>,
}

impl Data {
    pub fn new(calendar: Calendar) -> Data {
        Data {
            calendar,
            municipalities: Vec::new(),
            folded: Vec::new(),
            collation: Vec::new(),
            search: CouncilIndex::default(),
            by_ine: HashMap::new(),
            rollout: Vec::new(),
            certs: CertData::default(),
            open_certs: Vec::new(),
            next_dues: Vec::new(),
            certs_loaded: true,
            summary_known: true,
            activities: ActivityData::default(),
            generation: 0,
            operators: Vec::new(),
        }
    }

    /// Everything, at once.
    pub fn load(store: &dyn Store, calendar: Calendar) -> Result<Data> {
        let mut data = Data::load_councils(store, calendar)?;
        let certs = CertData::new(store.certificates()?, &data.calendar);
        data.set_certificates(certs);
        Ok(data)
    }

    /// The councils and their rollout; the certificate requests come later
    /// through `certificate_loader`, off the first frame's path.
    pub fn load_councils(store: &dyn Store, calendar: Calendar) -> Result<Data> {
        crate::domain::catalog::use_catalogue(stored_catalogue(store)?);
        let mut data = Data::new(calendar);
        for m in store.municipalities()? {
            data.put_municipality(m);
        }
        for r in store.rollouts()? {
            data.put_rollout(r);
        }
        // A few thousand a year, read with the councils: the first screen marks them.
        let mut activities = Vec::new();
        for record in store.records(Kind::Activity)? {
            if let Record::Activity(a) = record? {
                activities.push(a);
            }
        }
        data.activities = ActivityData::new(activities, &data.calendar, data.activities.response_days);
        // A handful: read with the councils, so the first screen can remind of a card.
        for record in store.records(Kind::Operator)? {
            if let Record::Operator(o) = record? {
                data.operators.push(o);
            }
        }
        data.certs_loaded = false;
        data.summary_known = false;
        data.recount();
        Ok(data)
    }

    /// Work that reads and indexes every certificate request, for another thread.
    pub fn certificate_loader(
        &self,
        store: Arc<dyn Store>,
    ) -> impl FnOnce() -> Result<CertData> + Send + 'static {
        let calendar = self.calendar.clone();
        move || {
            tracing::debug!(peak_kb = crate::logging::peak_rss_kb(), "loading requests");
            let list = store.certificates();
            // Let go of the store before the requests are indexed: the dashboard
            // closes it at the end, and waits for nothing else.
            drop(store);
            let list = list?;
            tracing::debug!(
                peak_kb = crate::logging::peak_rss_kb(),
                requests = list.len(),
                "requests decoded"
            );
            Ok(CertData::new(list, &calendar))
        }
    }

    /// Per-council figures known before the requests are read (from the summary cache).
    pub fn set_summary(&mut self, figures: impl Fn(IneCode) -> (usize, Option<DateTime<Utc>>)) {
        for (i, m) in self.municipalities.iter().enumerate() {
            (self.open_certs[i], self.next_dues[i]) = figures(m.ine);
        }
        self.summary_known = true;
        self.generation += 1;
    }

    pub fn set_certificates(&mut self, mut certs: CertData) {
        // Views compare generations: the new data must not look like the old.
        certs.generation += self.certs.generation + 1;
        self.certs = certs;
        self.certs_loaded = true;
        self.summary_known = true;
        self.generation += 1;
        self.recount();
    }

    /// The councils matching what a caller gave (name, typo, code, contact,
    /// phone, address), best first.
    pub fn find(&self, query: &str) -> Vec<Hit> {
        self.search.search(&Query::new(query), &self.collation)
    }

    /// The answer's term (`response_days`): every activity's clock again.
    pub fn set_response_days(&mut self, days: u32) {
        self.activities.set_response_days(days, &self.calendar);
        self.generation += 1;
    }

    /// A council's name by INE code, or the code when the council is not in the store.
    pub fn council_name(&self, ine: IneCode) -> String {
        self.by_ine
            .get(&ine)
            .map_or_else(|| ine.to_string(), |&i| self.municipalities[i].name.clone())
    }

    /// The comarca the store holds, or "Catalunya" when it holds several.
    pub fn comarca_label(&self) -> &str {
        match self.municipalities.first() {
            Some(first) if self.municipalities.iter().all(|m| m.comarca == first.comarca) => &first.comarca,
            Some(_) => "Catalunya",
            None => "—",
        }
    }

    pub fn status(&self, council: usize, service: usize) -> RolloutStatus {
        self.rollout
            .get(council)
            .and_then(|row| row.get(service))
            .and_then(|r| r.as_ref())
            .map_or(RolloutStatus::Pending, |r| r.status)
    }

    /// The stored rollout, or a pending one that is not stored yet.
    pub fn rollout_or_pending(&self, council: usize, service: usize) -> Rollout {
        self.rollout[council][service]
            .clone()
            .unwrap_or_else(|| Rollout::pending(self.municipalities[council].ine, &services()[service]))
    }

    /// A council's stored rollout of a service (by catalogue id), if stored.
    pub fn rollout_of(&self, ine: IneCode, service: &str) -> Option<&Rollout> {
        let (&i, s) = (self.by_ine.get(&ine)?, service_index(service)?);
        self.rollout.get(i)?.get(s)?.as_ref()
    }

    /// Done out of applicable services for a council.
    pub fn tally(&self, council: usize) -> Tally {
        let mut t = Tally::default();
        // A retired service no longer counts: its column is hidden.
        for s in crate::domain::catalog::active_columns() {
            t.add(self.status(council, s));
        }
        t
    }

    /// The share of applicable services done, in thousandths, for sorting.
    pub fn rollout_ratio(&self, council: usize) -> usize {
        let t = self.tally(council);
        (t.done * 1000).checked_div(t.applicable).unwrap_or(0)
    }

    pub fn open_certificates(&self, council: usize) -> usize {
        self.open_certs.get(council).copied().unwrap_or(0)
    }

    /// The earliest deadline among a council's open requests.
    pub fn next_due(&self, council: usize) -> Option<DateTime<Utc>> {
        self.next_dues.get(council).copied().flatten()
    }

    /// The certificate requests of a council (indexes into `certs.list`): open
    /// ones by deadline first, then the rest, newest first.
    pub fn certificates_of(&self, council: usize) -> Vec<usize> {
        let ine = self.municipalities[council].ine;
        let mut out: Vec<usize> = (0..self.certs.ine.len())
            .filter(|&i| self.certs.ine[i] == ine)
            .collect();
        out.sort_by_key(|&i| {
            let c = &self.certs.list[i];
            (
                !c.status.is_open(),
                c.status.is_open().then_some(self.certs.due[i]),
                std::cmp::Reverse(c.received_at),
            )
        });
        out
    }

    /// Recomputes the per-council certificate figures.
    fn recount(&mut self) {
        self.open_certs = vec![0; self.municipalities.len()];
        self.next_dues = vec![None; self.municipalities.len()];
        for (index, c) in self.certs.list.iter().enumerate() {
            if let Some(&i) = self.by_ine.get(&c.ine)
                && c.status.is_open()
            {
                self.open_certs[i] += 1;
                if let Some(due) = self.certs.deadline(index)
                    && self.next_dues[i].is_none_or(|d| due < d)
                {
                    self.next_dues[i] = Some(due);
                }
            }
        }
    }

    /// Mirrors edits the store has applied. Requests and activities go in at once, in order.
    pub fn apply(&mut self, edits: &[Edit]) {
        self.generation += 1;
        let (mut requests, mut activities) = (Vec::new(), Vec::new());
        let (mut services_put, mut services_gone) = (Vec::new(), Vec::new());
        for edit in edits {
            match (&edit.before, &edit.after) {
                (_, Some(Record::Municipality(m))) => self.put_municipality(m.clone()),
                (_, Some(Record::Rollout(r))) => self.put_rollout(r.clone()),
                (_, Some(Record::Certificate(c))) => requests.push((c.id, Some(c.clone()))),
                (_, Some(Record::Activity(a))) => activities.push((a.id, Some(a.clone()))),
                (Some(Record::Municipality(m)), None) => self.remove_municipality(m.ine),
                (Some(Record::Rollout(r)), None) => {
                    if let (Some(&i), Some(s)) = (self.by_ine.get(&r.ine), service_index(&r.service)) {
                        self.rollout[i][s] = None;
                    }
                }
                (Some(Record::Certificate(c)), None) => requests.push((c.id, None)),
                (Some(Record::Activity(a)), None) => activities.push((a.id, None)),
                (_, Some(Record::Operator(o))) => {
                    self.operators.retain(|x| x.name != o.name);
                    self.operators.push(o.clone());
                    self.operators.sort_by(|a, b| a.name.cmp(&b.name));
                }
                (Some(Record::Operator(o)), None) => self.operators.retain(|x| x.name != o.name),
                // A catalogue changed by `services import` (here or by a colleague)
                // or its undo: the columns follow, without a restart.
                (_, Some(Record::Service(s))) => services_put.push(s.clone()),
                (Some(Record::Service(s)), None) => services_gone.push(s.id.clone()),
                (None, None) => {}
            }
        }
        if !services_put.is_empty() || !services_gone.is_empty() {
            self.change_catalogue(services_put, services_gone);
        }
        let councils_changed = edits.iter().any(|e| e.kind() == Some(Kind::Municipality));
        // Before the requests move: the figures follow the changed requests alone,
        // so a change costs the same whatever the store holds.
        let earliest_gone = match councils_changed || requests.len() > IN_PLACE_MAX {
            false => self.count_changes(&requests),
            true => Vec::new(),
        };
        let requests_len = requests.len();
        if !requests.is_empty() {
            self.certs.put_all(requests, &self.calendar);
        }
        if !activities.is_empty() {
            self.activities.put_all(activities, &self.calendar);
        }
        if councils_changed || requests_len > IN_PLACE_MAX {
            self.recount();
        } else {
            for council in earliest_gone {
                self.next_dues[council] = self.earliest_due(council);
            }
        }
    }

    /// Moves the per-council figures by what `requests` (id, and the request after,
    /// in order) change from the requests in memory, as `recount` would find them.
    /// Returns the councils whose earliest deadline may have gone, to look for
    /// their next one once the orders are updated.
    fn count_changes(&mut self, requests: &[(u64, Option<CertificateRequest>)]) -> Vec<usize> {
        let mut earliest_gone = Vec::new();
        for (n, (id, after)) in requests.iter().enumerate() {
            // Changed twice in one batch: the last one says where it ends up.
            if requests[n + 1..].iter().any(|(later, _)| later == id) {
                continue;
            }
            if let Some(c) = self.certs.get(*id)
                && let Some(&i) = self.by_ine.get(&c.ine)
                && c.status.is_open()
            {
                self.open_certs[i] = self.open_certs[i].saturating_sub(1);
                let due = self.certs.index_of(*id).and_then(|x| self.certs.deadline(x));
                if due.is_some() && self.next_dues[i].is_some_and(|d| Some(d) >= due) {
                    earliest_gone.push(i);
                }
            }
            if let Some(c) = after
                && let Some(&i) = self.by_ine.get(&c.ine)
                && c.status.is_open()
            {
                self.open_certs[i] += 1;
                if let Some(due) = c.due_at(&self.calendar)
                    && self.next_dues[i].is_none_or(|d| due < d)
                {
                    self.next_dues[i] = Some(due);
                }
            }
        }
        earliest_gone.sort_unstable();
        earliest_gone.dedup();
        earliest_gone
    }

    /// The earliest deadline among council `council`'s open requests: the first of
    /// the queue's order that is theirs (a few hundred steps for a council of many).
    fn earliest_due(&self, council: usize) -> Option<DateTime<Utc>> {
        if self.open_certs[council] == 0 {
            return None;
        }
        let ine = self.municipalities[council].ine;
        let certs = &self.certs;
        let first = certs.open_by_due.iter().find(|&&i| certs.ine[i] == ine)?;
        certs.deadline(*first)
    }

    /// Mirrors a run of records the store wrote or took away at once; `written`
    /// are the records it wrote (ignored for a run taken away).
    pub fn apply_run(&mut self, run: BulkRange, written: Vec<Record>) {
        match (run.kind, run.removed) {
            (Kind::Certificate, true) => self.certs.remove_run(run.first, run.last),
            (Kind::Certificate, false) => {
                let list = written.into_iter().filter_map(|r| match r {
                    Record::Certificate(c) => Some(c),
                    _ => None,
                });
                self.certs.put_many(list, &self.calendar);
            }
            (Kind::Activity, true) => {
                for id in run.first..=run.last {
                    self.activities.remove(id, &self.calendar);
                }
            }
            (Kind::Activity, false) => {
                for r in written {
                    if let Record::Activity(a) = r {
                        self.activities.put(a, &self.calendar);
                    }
                }
            }
            // Not numbered: never written as a run.
            (Kind::Municipality | Kind::Rollout | Kind::Operator | Kind::Service, _) => {}
        }
        if run.kind == Kind::Certificate {
            self.recount();
        }
    }

    fn put_municipality(&mut self, m: Municipality) {
        if let Some(&i) = self.by_ine.get(&m.ine) {
            self.folded[i] = fold(&m.name);
            self.collation[i] = CollationKey::new(&m.name);
            self.search.put(i, &m);
            self.municipalities[i] = m;
            return;
        }
        self.by_ine.insert(m.ine, self.municipalities.len());
        self.search.put(self.municipalities.len(), &m);
        self.folded.push(fold(&m.name));
        self.collation.push(CollationKey::new(&m.name));
        self.rollout.push(vec![None; services().len()]);
        self.municipalities.push(m);
    }

    fn remove_municipality(&mut self, ine: IneCode) {
        let Some(i) = self.by_ine.remove(&ine) else {
            return;
        };
        self.municipalities.remove(i);
        self.folded.remove(i);
        self.collation.remove(i);
        self.search.remove(i);
        self.rollout.remove(i);
        for v in self.by_ine.values_mut() {
            if *v > i {
                *v -= 1;
            }
        }
    }

    /// Puts the services written and takes away those removed, makes the result
    /// the catalogue in use, and lays each council's rollout row out again by
    /// service id, as the new columns are ordered.
    fn change_catalogue(&mut self, put: Vec<crate::domain::catalog::Service>, gone: Vec<String>) {
        let mut list: Vec<crate::domain::catalog::Service> = services()
            .iter()
            .filter(|s| !gone.contains(&s.id) && !put.iter().any(|p| p.id == s.id))
            .cloned()
            .collect();
        list.extend(put);
        crate::domain::catalog::use_catalogue(list);
        let catalogue = services();
        for row in &mut self.rollout {
            let mut by_id: HashMap<String, Rollout> =
                row.drain(..).flatten().map(|r| (r.service.clone(), r)).collect();
            *row = catalogue.iter().map(|s| by_id.remove(&s.id)).collect();
        }
    }

    fn put_rollout(&mut self, r: Rollout) {
        if let (Some(&i), Some(s)) = (self.by_ine.get(&r.ine), service_index(&r.service)) {
            self.rollout[i][s] = Some(r);
        }
    }
}

/// The rules of an activity ask which councils and requests exist: those in memory.
impl crate::ops::activity::Known for Data {
    fn has_council(&self, ine: IneCode) -> bool {
        self.by_ine.contains_key(&ine)
    }

    fn request_council(&self, id: u64) -> Option<IneCode> {
        self.certs.get(id).map(|c| c.ine)
    }
}

/// The service catalogue a store holds (empty if it holds none).
pub fn stored_catalogue(store: &dyn Store) -> Result<Vec<crate::domain::catalog::Service>> {
    let mut list = Vec::new();
    for record in store.records(Kind::Service)? {
        if let Record::Service(s) = record? {
            list.push(s);
        }
    }
    Ok(list)
}
