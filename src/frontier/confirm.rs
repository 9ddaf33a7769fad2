//! Confirmation on fresh seeds. Optimising on a fixed set of seeds overfits them: the
//! points that look best are partly the ones those seeds favoured. Every point of the
//! search's front is simulated again on replications the search never used ([`FRESH`]
//! on), all on the same fresh worlds, and compared pair by pair with paired 95%
//! t-intervals of the differences in each objective. Replications then go only where
//! they decide dominance: a racing rule (Maron & Moore 1994's races, used here in the
//! spirit of multi-objective OCBA, Lee, Chew, Teng & Goldsman 2010) adds a batch to
//! every point of a pair not yet decided, until every pair is decided or its points
//! reached the most allowed. A point is called non-dominated only when its intervals
//! separate it from every other point; one some point surely dominates is dropped; the
//! rest are unresolved.
//!
//! [`FRESH`]: super::FRESH

use super::evaluate::{Evaluator, Row};
use super::{FRESH, FrontierError, Options};
use crate::models::Policy;
use crate::stats::Estimate;

/// How two points compare on paired fresh replications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The first is better on some objective and worse on none, by the intervals.
    Dominates,
    /// The second dominates the first.
    DominatedBy,
    /// Each is better on some objective, by the intervals: both belong on a front.
    Separated,
    /// The same on every replication (their assignments act alike here).
    Identical,
    /// The intervals do not decide yet.
    Undecided,
}

/// What the confirmation says of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Separated from every other point by its paired intervals.
    NonDominated,
    /// Some point dominates it by the intervals.
    Dominated,
    /// Neither: some pair stayed undecided at the most replications allowed.
    Unresolved,
}

impl Status {
    /// The word in `frontier.csv`.
    pub fn key(self) -> &'static str {
        match self {
            Status::NonDominated => "non-dominated",
            Status::Dominated => "dominated",
            Status::Unresolved => "unresolved",
        }
    }
}

/// The confirmation's result: the front's points first (`front_len` of them), then the
/// reference points, each with its fresh replications.
#[derive(Debug, Clone)]
pub struct Confirmed {
    /// Points compared (front, then references).
    pub policies: Vec<Policy>,
    /// How many of them are the front's.
    pub front_len: usize,
    /// Each point's fresh replications, in replication order.
    pub rows: Vec<Vec<Row>>,
    /// Each front point's status (references: by comparison with the front only).
    pub status: Vec<Status>,
    /// Fresh replications used, over all points.
    pub simulations: u64,
    /// Batches of added replications.
    pub rounds: u32,
    /// The objectives compared ([`Row::objective`]'s first `dims`).
    pub dims: usize,
}

/// The paired interval of `f(a) − f(b)` over their common replications.
pub fn paired(a: &[Row], b: &[Row], f: impl Fn(&Row) -> f64) -> Estimate {
    Estimate::of(a.iter().zip(b).map(|(x, y)| f(x) - f(y)))
}

/// The indifference zone of the worst tier's share (Bechhofer 1954): two points whose
/// paired 95% interval of the difference lies within ±5 percentage points of
/// service-years are taken to meet their targets equally often. Without it, attainment
/// differences no one could act on keep points on the front that cost more and are no
/// more reliable, and the racing spends its replications trying to order them.
pub const TIER_INDIFFERENCE: f64 = 0.05;

/// How `a` compares with `b` on the first `dims` objectives ([`Row::objective`]); the
/// third (the worst tier's share) with its indifference zone, [`TIER_INDIFFERENCE`].
pub fn relation(a: &[Row], b: &[Row], dims: usize) -> Relation {
    let mut a_better = false;
    let mut b_better = false;
    let mut unsure = false;
    let mut identical = true;
    for k in 0..dims {
        let d: Vec<f64> = a
            .iter()
            .zip(b)
            .map(|(x, y)| x.objective(k) - y.objective(k))
            .collect();
        if d.iter().all(|x| *x == 0.0) {
            continue;
        }
        let e = Estimate::of(d);
        if k == 2 && e.low >= -TIER_INDIFFERENCE && e.high <= TIER_INDIFFERENCE {
            continue;
        }
        identical = false;
        if e.high < 0.0 {
            a_better = true;
        } else if e.low > 0.0 {
            b_better = true;
        } else {
            unsure = true;
        }
    }
    match (identical, a_better, b_better, unsure) {
        (true, ..) => Relation::Identical,
        (_, true, true, _) => Relation::Separated,
        (_, true, false, false) => Relation::Dominates,
        (_, false, true, false) => Relation::DominatedBy,
        _ => Relation::Undecided,
    }
}

/// The relation of every pair of `rows`' points (on their common replications), as
/// `rel[i][j]` from `i`'s side.
fn relations(rows: &[Vec<Row>], points: usize, dims: usize) -> Vec<Vec<Relation>> {
    let mut rel = vec![vec![Relation::Identical; points]; points];
    for i in 0..points {
        for j in (i + 1)..points {
            let n = rows[i].len().min(rows[j].len());
            let r = relation(&rows[i][..n], &rows[j][..n], dims);
            rel[i][j] = r;
            rel[j][i] = match r {
                Relation::Dominates => Relation::DominatedBy,
                Relation::DominatedBy => Relation::Dominates,
                other => other,
            };
        }
    }
    rel
}

/// The status of each of the first `points` from their relations.
fn statuses(rel: &[Vec<Relation>], points: usize) -> Vec<Status> {
    (0..points)
        .map(|i| {
            let row = &rel[i][..points];
            if row.contains(&Relation::DominatedBy) {
                Status::Dominated
            } else if (0..points).any(|j| j != i && row[j] == Relation::Undecided) {
                Status::Unresolved
            } else {
                Status::NonDominated
            }
        })
        .collect()
}

/// Confirms the first `front_len` of `policies` against each other, and the rest (the
/// references) against them, on fresh replications; then brings the references and the
/// front points `twins` (a reference's assignment) to the most any point had, so that
/// twins show the same results.
pub fn confirm(
    eval: &Evaluator<'_>,
    policies: Vec<Policy>,
    front_len: usize,
    twins: &[usize],
    options: &Options,
    progress: &(dyn Fn() + Sync),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Confirmed>, FrontierError> {
    let max = options.confirm_max.max(options.confirm_initial);
    let dims = options.dims();
    let mut rows: Vec<Vec<Row>> = vec![Vec::new(); policies.len()];
    let mut simulations = 0u64;
    let mut rounds = 0;
    // Extends the points `who` to `to` fresh replications each.
    let mut extend = |who: &[usize], to: u32, rows: &mut Vec<Vec<Row>>| {
        let from = who
            .iter()
            .map(|&i| rows[i].len() as u32)
            .min()
            .unwrap_or(to);
        if who.is_empty() || from >= to {
            return Ok(Some(()));
        }
        let refs: Vec<&Policy> = who.iter().map(|&i| &policies[i]).collect();
        let Some(new) = eval.simulate(&refs, FRESH + from..FRESH + to, progress, stop)? else {
            return Ok::<_, FrontierError>(None);
        };
        for (&i, new) in who.iter().zip(new) {
            let have = rows[i].len() as u32 - from;
            rows[i].extend(new.into_iter().skip(have as usize));
            simulations += u64::from(to - from);
        }
        Ok(Some(()))
    };
    // Every point from the start: the references race too, against the front, so that
    // a named model is called dominated or not by intervals that decide it.
    let all: Vec<usize> = (0..policies.len()).collect();
    if extend(&all, options.confirm_initial, &mut rows)?.is_none() {
        return Ok(None);
    }
    loop {
        let rel = relations(&rows, policies.len(), dims);
        let mut involved: Vec<usize> = Vec::new();
        for (i, row) in rel.iter().enumerate() {
            // Front points against each other and against the references; references
            // against the front only.
            let others = if i < front_len {
                policies.len()
            } else {
                front_len
            };
            let open = (0..others).any(|j| i != j && row[j] == Relation::Undecided);
            if open && rows[i].len() < max as usize {
                involved.push(i);
            }
        }
        if involved.is_empty() {
            break;
        }
        // Pairs compare on their common replications: bring the involved points level,
        // then one batch further.
        let top = involved
            .iter()
            .map(|&i| rows[i].len() as u32)
            .max()
            .unwrap_or(0);
        let to = (top + options.confirm_batch.max(1)).min(max);
        rounds += 1;
        if extend(&involved, to, &mut rows)?.is_none() {
            return Ok(None);
        }
    }
    let most = rows
        .iter()
        .map(|r| r.len() as u32)
        .max()
        .unwrap_or(options.confirm_initial);
    let mut references: Vec<usize> = (front_len..policies.len()).collect();
    for &t in twins {
        if !references.contains(&t) {
            references.push(t);
        }
    }
    if extend(&references, most, &mut rows)?.is_none() {
        return Ok(None);
    }
    let status = statuses(&relations(&rows, front_len, dims), front_len);
    Ok(Some(Confirmed {
        policies,
        front_len,
        rows,
        status,
        simulations,
        rounds,
        dims,
    }))
}

impl Confirmed {
    /// How reference `r` (an index past the front) compares with the front: the front
    /// points that dominate it, and whether it dominates any front point.
    pub fn against_front(&self, r: usize) -> (Vec<usize>, Vec<usize>) {
        let mut dominated_by = Vec::new();
        let mut dominates = Vec::new();
        for i in 0..self.front_len {
            if self.status[i] == Status::Dominated {
                continue;
            }
            let n = self.rows[i].len().min(self.rows[r].len());
            match relation(&self.rows[r][..n], &self.rows[i][..n], self.dims) {
                Relation::DominatedBy => dominated_by.push(i),
                Relation::Dominates => dominates.push(i),
                _ => {}
            }
        }
        (dominated_by, dominates)
    }

    /// The estimate of `f` over point `i`'s fresh replications.
    pub fn estimate(&self, i: usize, f: impl Fn(&Row) -> f64) -> Estimate {
        Estimate::of(self.rows[i].iter().map(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(operating: f64, unreliability: f64, worst: f64) -> Row {
        Row {
            cost_operating: operating,
            cost_unreliability: unreliability,
            cost_total: operating + unreliability,
            availability: 1.0,
            met_share: worst,
            tiers: vec![worst],
            worst_tier: worst,
            dedicated_headcount: 0.0,
            charged_headcount: 0.0,
            dev_oncall_hours: 0.0,
        }
    }

    #[test]
    fn the_worst_tier_separates_what_the_costs_order() {
        // `a` is cheaper and more reliable on every replication, but its worst tier meets
        // its target less often.
        let a: Vec<Row> = (0..10)
            .map(|k| row(100.0 + f64::from(k), 50.0, 0.5 + 0.01 * f64::from(k % 3)))
            .collect();
        let b: Vec<Row> = (0..10)
            .map(|k| row(120.0 + f64::from(k), 60.0, 0.9 + 0.01 * f64::from(k % 2)))
            .collect();
        assert_eq!(relation(&a, &b, 2), Relation::Dominates);
        assert_eq!(relation(&b, &a, 2), Relation::DominatedBy);
        assert_eq!(relation(&a, &b, 3), Relation::Separated);
        assert_eq!(relation(&b, &a, 3), Relation::Separated);
        assert_eq!(relation(&a, &a, 3), Relation::Identical);
        // Attainment within the indifference zone: the costs decide.
        let c: Vec<Row> = (0..10)
            .map(|k| row(120.0 + f64::from(k), 60.0, 0.52 + 0.01 * f64::from(k % 2)))
            .collect();
        assert_eq!(relation(&a, &c, 3), Relation::Dominates);
    }
}
