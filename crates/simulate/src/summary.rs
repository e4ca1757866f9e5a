//! What a simulated region holds, to print and to check against the published figures.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use model::{
    ContractType, JobSeekerRecord, OfferRecord, OfferStatus, PriorityStatus, StructureKind,
    StructureRecord,
};

#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub structures: BTreeMap<&'static str, u64>,
    pub job_seekers: u64,
    /// Department → (job seekers, of whom in a QPV, disabled, long-term)
    pub by_department: BTreeMap<String, [u64; 4]>,
    pub statuses: BTreeMap<PriorityStatus, u64>,
    /// Among disabled job seekers: long-term, aged 50 or more.
    pub disabled_long_term: u64,
    pub disabled_senior: u64,
    pub consenting: u64,
    pub targets: HashMap<String, u64>,
    pub open_offers: u64,
    pub closed_offers: BTreeMap<&'static str, u64>,
    /// Cancelled for lack of candidates.
    pub abandoned_offers: u64,
    pub offers_by_contract: BTreeMap<&'static str, u64>,
    pub hard_to_fill: u64,
    pub offer_occupations: HashMap<String, u64>,
}

impl Summary {
    pub fn add_structure(&mut self, structure: &StructureRecord) {
        *self.structures.entry(structure.kind.as_str()).or_default() += 1;
    }

    pub fn add_job_seeker(&mut self, seeker: &JobSeekerRecord) {
        self.job_seekers += 1;
        let has = |status| seeker.priorities.contains_key(&status);
        let entry = self
            .by_department
            .entry(seeker.commune.department().to_string())
            .or_default();
        entry[0] += 1;
        entry[1] += u64::from(has(PriorityStatus::Qpv));
        entry[2] += u64::from(has(PriorityStatus::Rqth));
        entry[3] += u64::from(has(PriorityStatus::LongTerm));
        for status in seeker.priorities.keys() {
            *self.statuses.entry(*status).or_default() += 1;
        }
        if has(PriorityStatus::Rqth) {
            self.disabled_long_term += u64::from(has(PriorityStatus::LongTerm));
            self.disabled_senior += u64::from(has(PriorityStatus::Senior));
        }
        self.consenting += u64::from(seeker.consent.is_some());
        for target in seeker.targets.as_slice() {
            *self.targets.entry(target.rome.to_string()).or_default() += 1;
        }
    }

    pub fn add_offer(&mut self, offer: &OfferRecord) {
        match offer.status {
            OfferStatus::Open => self.open_offers += 1,
            status => *self.closed_offers.entry(status.as_str()).or_default() += 1,
        }
        self.abandoned_offers +=
            u64::from(offer.close_reason == Some(model::CloseReason::LackOfCandidates));
        *self
            .offers_by_contract
            .entry(offer.contract_type.as_str())
            .or_default() += 1;
        self.hard_to_fill += u64::from(offer.hard_to_fill);
        *self
            .offer_occupations
            .entry(offer.rome.to_string())
            .or_default() += 1;
    }

    /// The share of job seekers holding a status.
    pub fn share(&self, status: PriorityStatus) -> f64 {
        self.statuses.get(&status).copied().unwrap_or(0) as f64 / self.job_seekers.max(1) as f64
    }

    pub fn offers(&self) -> u64 {
        self.open_offers + self.closed_offers.values().sum::<u64>()
    }

    pub fn kind_count(&self, kind: StructureKind) -> u64 {
        self.structures.get(kind.as_str()).copied().unwrap_or(0)
    }

    pub fn contract_share(&self, kind: ContractType) -> f64 {
        self.offers_by_contract
            .get(kind.as_str())
            .copied()
            .unwrap_or(0) as f64
            / self.offers().max(1) as f64
    }
}

fn top(counts: &HashMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut list: Vec<(String, u64)> = counts.iter().map(|(k, v)| (k.clone(), *v)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(n);
    list
}

fn percent(part: u64, whole: u64) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "structures:")?;
        for (kind, count) in &self.structures {
            writeln!(f, "  {kind:<16} {count:>8}")?;
        }
        writeln!(f, "job seekers: {}", self.job_seekers)?;
        writeln!(
            f,
            "  department   job seekers   in a QPV   disabled   long-term"
        )?;
        for (department, [seekers, qpv, disabled, long_term]) in &self.by_department {
            writeln!(
                f,
                "  {department:<10} {seekers:>13} {:>9.1} % {:>8.1} % {:>9.1} %",
                percent(*qpv, *seekers),
                percent(*disabled, *seekers),
                percent(*long_term, *seekers)
            )?;
        }
        writeln!(f, "  priority statuses (share of all job seekers):")?;
        for status in PriorityStatus::ALL {
            writeln!(
                f,
                "    {:<18} {:>5.1} %",
                status.as_str(),
                100.0 * self.share(*status)
            )?;
        }
        let disabled = self
            .statuses
            .get(&PriorityStatus::Rqth)
            .copied()
            .unwrap_or(0);
        writeln!(
            f,
            "  among the disabled: {:.1} % long-term, {:.1} % aged 50 or more",
            percent(self.disabled_long_term, disabled),
            percent(self.disabled_senior, disabled)
        )?;
        writeln!(
            f,
            "  consenting to be proposed to agencies: {:.1} %",
            percent(self.consenting, self.job_seekers)
        )?;
        writeln!(f, "  top target occupations:")?;
        let rome = refdata::rome();
        for (code, count) in top(&self.targets, 8) {
            let label = rome.occupation(&code).map_or("", |o| o.label);
            writeln!(f, "    {code} {label:<50} {count:>8}")?;
        }
        writeln!(
            f,
            "offers: {} open, {} closed, published over the past year ({}; {} abandoned for lack \
             of candidates)",
            self.open_offers,
            self.closed_offers.values().sum::<u64>(),
            self.closed_offers
                .iter()
                .map(|(status, n)| format!("{n} {status}"))
                .collect::<Vec<_>>()
                .join(", "),
            self.abandoned_offers
        )?;
        writeln!(
            f,
            "  contracts: {}; hard to fill: {:.1} %",
            self.offers_by_contract
                .iter()
                .map(|(kind, n)| format!("{kind} {:.1} %", percent(*n, self.offers())))
                .collect::<Vec<_>>()
                .join(", "),
            percent(self.hard_to_fill, self.offers())
        )?;
        writeln!(f, "  top occupations offered:")?;
        for (code, count) in top(&self.offer_occupations, 8) {
            let label = rome.occupation(&code).map_or("", |o| o.label);
            writeln!(f, "    {code} {label:<50} {count:>8}")?;
        }
        Ok(())
    }
}
