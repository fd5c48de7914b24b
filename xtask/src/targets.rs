//! Issue 20's target table: each figure the bench measured beside its target at 100k and
//! 1M specs, printed at the end as one line per target with the verdict (met / NOT met).

use std::time::Duration;

use crate::bench::ms;

/// The limit of one timed figure: a time, a ratio to the same-run baseline, a time per
/// spec, or a time over a floor.
#[derive(Clone, Copy)]
pub(crate) enum Limit {
    Ms(u64),
    Ratio(f64),
    MicrosPerSpec(f64),
    OverFloorMs(u64),
}

/// One measured figure and its verdict (`None`: no figure, with the reason in `measured`).
pub(crate) struct Row {
    figure: String,
    size: usize,
    measured: String,
    limit: String,
    met: Option<bool>,
}

#[derive(Default)]
pub(crate) struct Targets {
    rows: Vec<Row>,
}

impl Targets {
    /// A duration against a limit; `baseline` turns it into a ratio for `Limit::Ratio`,
    /// `floor` is subtracted for `Limit::OverFloorMs`.
    pub(crate) fn time(
        &mut self,
        figure: &str,
        size: usize,
        d: Duration,
        limit: Limit,
        base: Duration,
    ) {
        let secs = d.as_secs_f64();
        let (measured, met, said) = match limit {
            Limit::Ms(l) => (ms(d), d <= Duration::from_millis(l), format!("<= {l} ms")),
            Limit::Ratio(r) => {
                let x = secs / base.as_secs_f64();
                (
                    format!("{} = {x:.3}x baseline {}", ms(d), ms(base)),
                    x <= r,
                    format!("<= {r:.3}x baseline"),
                )
            }
            Limit::OverFloorMs(l) => (
                format!(
                    "+{} over the floor (floor {})",
                    ms(d.saturating_sub(base)),
                    ms(base)
                ),
                d <= base + Duration::from_millis(l),
                format!("<= floor + {l} ms"),
            ),
            Limit::MicrosPerSpec(u) => {
                let per = secs * 1e6 / size.max(1) as f64;
                (
                    format!("{per:.2} µs/spec ({})", ms(d)),
                    per <= u,
                    format!("<= {u} µs/spec"),
                )
            }
        };
        self.push(figure, size, measured, said, Some(met));
    }

    /// Peak memory in bytes (`None`: not measurable here, reported as skipped).
    pub(crate) fn memory(&mut self, figure: &str, size: usize, bytes: Option<u64>, limit_mb: u64) {
        let met = bytes.map(|b| b <= limit_mb * 1_000_000);
        let said = format!("<= {limit_mb} MB");
        self.push(figure, size, crate::rss::mb(bytes), said, met);
    }

    fn push(
        &mut self,
        figure: &str,
        size: usize,
        measured: String,
        limit: String,
        met: Option<bool>,
    ) {
        self.rows.push(Row {
            figure: figure.into(),
            size,
            measured,
            limit,
            met,
        });
    }

    /// The final table, in markdown so it can be pasted into docs/BENCH.md.
    pub(crate) fn print(&self) {
        if self.rows.is_empty() {
            return;
        }
        println!("\nissue 20 targets (this run):\n");
        println!("| figure | specs | measured | target | verdict |");
        println!("|---|---:|---|---|---|");
        for r in &self.rows {
            let verdict = match r.met {
                Some(true) => "met",
                Some(false) => "NOT met",
                None => "-",
            };
            println!(
                "| {} | {} | {} | {} | {verdict} |",
                r.figure,
                size(r.size),
                r.measured,
                r.limit
            );
        }
        let missed = self.rows.iter().filter(|r| r.met == Some(false)).count();
        let judged = self.rows.iter().filter(|r| r.met.is_some()).count();
        println!(
            "\n{} of {judged} judged targets met, {missed} not met",
            judged - missed
        );
    }
}

/// `100k`, `1M`, `10k`.
pub(crate) fn size(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// The per-size limits of issue 20 (100k and 1M columns); `None` at other sizes.
pub(crate) struct Column {
    pub show: u64,
    pub add: u64,
    pub write: u64,
    pub everyday: u64,
    pub search: u64,
    pub list_mb: u64,
    pub pre_receive: u64,
}

pub(crate) fn column(size: usize) -> Option<Column> {
    match size {
        100_000 => Some(Column {
            show: 10,
            add: 20,
            write: 20,
            everyday: 15,
            search: 150,
            list_mb: 100,
            pre_receive: 20,
        }),
        1_000_000 => Some(Column {
            show: 15,
            add: 40,
            write: 40,
            everyday: 30,
            search: 1_500,
            list_mb: 400,
            pre_receive: 50,
        }),
        _ => None,
    }
}

/// `list --json` of everything at 100k: at most 0.3x the figure before issue 20 (291 ms
/// against a 3,215 ms baseline in docs/SCALE.md), as a ratio to the same-run baseline.
pub(crate) const LIST_JSON_RATIO: f64 = 0.3 * 291.0 / 3215.0;
