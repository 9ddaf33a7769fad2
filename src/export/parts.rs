//! The tables a shard of a sweep or sensitivity analysis writes for `whoruns merge`
//! (`cells.parquet`, `values.parquet`), and the values read back from them.

use polars::prelude::{Column, DataFrame};

use super::{ExportError, wrap};
use crate::model::ModelKind;
use crate::sensitivity::{Side, SideValues};
use crate::sweep::{Cell, metric_names};

/// A sweep shard's cells as rows (point, model, name, replication, value); `name` is a
/// metric or `tier:<target>`. `points` pairs each point's index in the plan with its cells.
pub fn cells_frame(points: &[(usize, Vec<Cell>)]) -> Result<DataFrame, ExportError> {
    let (mut point, mut model, mut name, mut rep, mut v) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let names = metric_names();
    for (i, cells) in points {
        for c in cells {
            let mut push = |n: String, xs: &[f64]| {
                for (r, x) in xs.iter().enumerate() {
                    point.push(*i as u32);
                    model.push(c.model.key());
                    name.push(n.clone());
                    rep.push(r as u32);
                    v.push(*x);
                }
            };
            for (k, xs) in c.values.iter().enumerate() {
                push(names[k].to_string(), xs);
            }
            for (t, xs) in &c.tiers {
                push(format!("tier:{t}"), xs);
            }
        }
    }
    wrap(
        "cells",
        DataFrame::new_infer_height(vec![
            Column::new("point".into(), point),
            Column::new("model".into(), model),
            Column::new("name".into(), name),
            Column::new("replication".into(), rep),
            Column::new("value".into(), v),
        ]),
    )
}

fn unreadable(table: &'static str, problem: impl Into<String>) -> ExportError {
    ExportError::Unreadable {
        table,
        problem: problem.into(),
    }
}

/// Cells back from [`cells_frame`]'s table, point by point (their parameter values are
/// the plan's to fill in).
pub fn cells_from(df: &DataFrame) -> Result<Vec<Vec<Cell>>, ExportError> {
    const T: &str = "cells";
    let col = |n: &str| wrap(T, df.column(n));
    let point = wrap(T, col("point")?.u32())?.clone();
    let model = wrap(T, col("model")?.str())?.clone();
    let name = wrap(T, col("name")?.str())?.clone();
    let value = wrap(T, col("value")?.f64())?.clone();
    let names = metric_names();
    let mut out: Vec<(u32, Vec<Cell>)> = Vec::new();
    for i in 0..df.height() {
        let (Some(p), Some(m), Some(n), Some(x)) =
            (point.get(i), model.get(i), name.get(i), value.get(i))
        else {
            return Err(unreadable(T, format!("an empty entry in row {i}")));
        };
        let m = m
            .parse::<ModelKind>()
            .map_err(|e| unreadable(T, e.to_string()))?;
        if out.last().is_none_or(|(q, _)| *q != p) {
            out.push((p, Vec::new()));
        }
        let Some((_, cells)) = out.last_mut() else {
            return Err(unreadable(T, "unreadable"));
        };
        if cells.last().is_none_or(|c: &Cell| c.model != m) {
            cells.push(Cell {
                model: m,
                value: f64::NAN,
                value_2: None,
                values: vec![Vec::new(); names.len()],
                tiers: Vec::new(),
            });
        }
        let Some(cell) = cells.last_mut() else {
            return Err(unreadable(T, "unreadable"));
        };
        if let Some(t) = n.strip_prefix("tier:") {
            let t: f64 = t.parse().map_err(|_| unreadable(T, format!("tier {t}")))?;
            match cell.tiers.last_mut() {
                Some((last, xs)) if *last == t => xs.push(x),
                _ => cell.tiers.push((t, vec![x])),
            }
        } else if let Some(k) = names.iter().position(|q| *q == n) {
            cell.values[k].push(x);
        }
    }
    Ok(out.into_iter().map(|(_, c)| c).collect())
}

/// A sensitivity shard's output values as rows (point, output, side, replication, value).
pub fn sides_frame(sides: &[SideValues]) -> Result<DataFrame, ExportError> {
    let (mut point, mut output, mut side, mut rep, mut v) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in sides {
        for (r, x) in s.values.iter().enumerate() {
            point.push(s.point);
            output.push(s.output.as_str());
            side.push(s.side.key());
            rep.push(r as u32);
            v.push(*x);
        }
    }
    wrap(
        "values",
        DataFrame::new_infer_height(vec![
            Column::new("point".into(), point),
            Column::new("output".into(), output),
            Column::new("side".into(), side),
            Column::new("replication".into(), rep),
            Column::new("value".into(), v),
        ]),
    )
}

/// Output values back from [`sides_frame`]'s table.
pub fn sides_from(df: &DataFrame) -> Result<Vec<SideValues>, ExportError> {
    const T: &str = "values";
    let col = |n: &str| wrap(T, df.column(n));
    let point = wrap(T, col("point")?.u32())?.clone();
    let output = wrap(T, col("output")?.str())?.clone();
    let side = wrap(T, col("side")?.str())?.clone();
    let value = wrap(T, col("value")?.f64())?.clone();
    let mut out: Vec<SideValues> = Vec::new();
    for i in 0..df.height() {
        let (Some(p), Some(o), Some(sd), Some(x)) =
            (point.get(i), output.get(i), side.get(i), value.get(i))
        else {
            return Err(unreadable(T, format!("an empty entry in row {i}")));
        };
        let Some(sd) = Side::parse(sd) else {
            return Err(unreadable(T, format!("unknown side {sd} in row {i}")));
        };
        match out.last_mut() {
            Some(last) if last.point == p && last.output == o && last.side == sd => {
                last.values.push(x);
            }
            _ => out.push(SideValues {
                point: p,
                output: o.to_string(),
                side: sd,
                values: vec![x],
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_sides_round_trip_through_their_tables() {
        let n = metric_names().len();
        let cell = |m: ModelKind, d: f64| Cell {
            model: m,
            value: f64::NAN,
            value_2: None,
            values: (0..n)
                .map(|k| vec![k as f64 + d, k as f64 + 2.0 * d])
                .collect(),
            tiers: vec![(0.999, vec![0.5, 1.0]), (0.99, vec![1.0, 1.0])],
        };
        let points = vec![
            (
                3,
                vec![cell(ModelKind::YouRun, 0.1), cell(ModelKind::OpsRun, 0.2)],
            ),
            (
                4,
                vec![cell(ModelKind::YouRun, 0.3), cell(ModelKind::OpsRun, 0.4)],
            ),
        ];
        let back = cells_from(&cells_frame(&points).unwrap()).unwrap();
        assert_eq!(back.len(), 2);
        for (b, (_, want)) in back.iter().zip(&points) {
            for (x, y) in b.iter().zip(want) {
                assert_eq!(
                    (x.model, &x.values, &x.tiers),
                    (y.model, &y.values, &y.tiers)
                );
            }
        }
        let sides = vec![
            SideValues {
                point: crate::sensitivity::BASE,
                output: "o".into(),
                side: Side::Base,
                values: vec![1.0, 2.0],
            },
            SideValues {
                point: 0,
                output: "o".into(),
                side: Side::Low,
                values: vec![3.0],
            },
        ];
        assert_eq!(sides_from(&sides_frame(&sides).unwrap()).unwrap(), sides);
    }
}

/// One model's headline metric at one strength of learning, per replication in order: the
/// report's "Across the long-run strength", saved by `whoruns run` so that `whoruns
/// report` draws it without simulating again.
#[derive(Debug, Clone, PartialEq)]
pub struct StrengthValues {
    /// The strength (`learning.incentive`).
    pub strength: f64,
    /// The model.
    pub model: ModelKind,
    /// The headline metric.
    pub metric: String,
    /// Its value per replication.
    pub values: Vec<f64>,
}

/// `strengths.parquet`: rows (strength, model, metric, replication, value), the values'
/// replications numbered from `first` (a shard's block starts at its own).
pub fn strengths_frame(all: &[StrengthValues], first: u32) -> Result<DataFrame, ExportError> {
    let (mut strength, mut model, mut metric, mut rep, mut v) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in all {
        for (r, x) in s.values.iter().enumerate() {
            strength.push(s.strength);
            model.push(s.model.key());
            metric.push(s.metric.as_str());
            rep.push(first + r as u32);
            v.push(*x);
        }
    }
    wrap(
        "strengths",
        DataFrame::new_infer_height(vec![
            Column::new("strength".into(), strength),
            Column::new("model".into(), model),
            Column::new("metric".into(), metric),
            Column::new("replication".into(), rep),
            Column::new("value".into(), v),
        ]),
    )
}

/// The values back from [`strengths_frame`]'s table.
pub fn strengths_from(df: &DataFrame) -> Result<Vec<StrengthValues>, ExportError> {
    const T: &str = "strengths";
    let col = |n: &str| wrap(T, df.column(n));
    let strength = wrap(T, col("strength")?.f64())?.clone();
    let model = wrap(T, col("model")?.str())?.clone();
    let metric = wrap(T, col("metric")?.str())?.clone();
    let rep = wrap(T, col("replication")?.u32())?.clone();
    let value = wrap(T, col("value")?.f64())?.clone();
    let mut out: Vec<StrengthValues> = Vec::new();
    // Each entry's first replication; every entry starts at the table's first.
    let mut starts: Vec<u32> = Vec::new();
    let mut first = 0;
    for i in 0..df.height() {
        let (Some(s), Some(m), Some(k), Some(r), Some(x)) = (
            strength.get(i),
            model.get(i),
            metric.get(i),
            rep.get(i),
            value.get(i),
        ) else {
            return Err(unreadable(T, format!("an empty entry in row {i}")));
        };
        let m: ModelKind = m
            .parse()
            .map_err(|e| unreadable(T, format!("row {i}: {e}")))?;
        // Shards' blocks stacked: a key seen before continues its replications.
        let key = |v: &StrengthValues| {
            v.strength.to_bits() == s.to_bits() && v.model == m && v.metric == k
        };
        match out.iter().position(key) {
            Some(j) => {
                let (start, values) = (&starts[j], &mut out[j].values);
                if r as usize != *start as usize + values.len() {
                    return Err(unreadable(
                        T,
                        format!("row {i}: replication {r} out of order"),
                    ));
                }
                values.push(x);
            }
            None => {
                if out.is_empty() {
                    first = r;
                } else if r != first {
                    return Err(unreadable(
                        T,
                        format!("row {i}: replication {r} out of order"),
                    ));
                }
                starts.push(r);
                out.push(StrengthValues {
                    strength: s,
                    model: m,
                    metric: k.to_string(),
                    values: vec![x],
                });
            }
        }
    }
    Ok(out)
}
