//! The summary table as a picture: two bar charts, squaring above and the prime below.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{BarChart, Canvas, Chart, DrawResult};
use crate::table::Table;

/// One panel: seconds per backend for the squares (`prime == false`) or the prime.
fn panel(table: &Table, prime: bool) -> BarChart {
    let bars = table
        .rows
        .iter()
        .map(|r| {
            let v = if prime {
                r.prime_seconds
            } else {
                r.squares_per_million
            };
            (r.backend.to_string(), v)
        })
        .collect();
    if prime {
        BarChart::new(format!("Is {} prime?", table.prime), "seconds", bars)
    } else {
        BarChart::new("Random squaring", "seconds per 10^6 squares", bars)
    }
}

impl Chart for Table {
    fn size(&self) -> (u32, u32) {
        let (w, h) = panel(self, false).size();
        (w, 2 * h)
    }

    fn draw(&self, area: &DrawingArea<Canvas<'_>, Shift>) -> DrawResult {
        let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
        panel(self, false).draw(&top)?;
        panel(self, true).draw(&bottom)
    }
}
