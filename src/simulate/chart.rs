//! The chart: demand (right axis) and each engine's replicas (left axis) over time, as SVG.
//! Rendered into a string; the caller writes it.

use plotters::prelude::*;

use super::report::{RunInfo, span};
use super::timeline::{EngineKind, Timeline};

/// Chart size in pixels.
pub const SIZE: (u32, u32) = (1000, 520);

/// The demand's colour (grey, drawn first, under the replicas).
pub const DEMAND_COLOR: RGBColor = RGBColor(150, 150, 150);

/// Each engine's colour: Kubernetes blue, Docker orange.
pub fn engine_color(engine: EngineKind) -> RGBColor {
    match engine {
        EngineKind::Kubernetes => RGBColor(50, 108, 229),
        EngineKind::Docker => RGBColor(230, 110, 20),
    }
}

/// The label of an engine's replica series in the legend.
pub fn series_label(engine: EngineKind) -> String {
    format!("{} replicas", engine.title())
}

/// What the demand series shows, its unit and each row's value.
fn demand_series(timeline: &Timeline) -> (&'static str, Vec<(f64, f64)>) {
    let minutes = |t: i64| t as f64 / 60.0;
    let has_rps = timeline.rows.iter().any(|r| r.demand.rps.is_some());
    let has_cpu = timeline.rows.iter().any(|r| r.demand.cpu_cores > 0.0);
    let (unit, value): (&str, fn(&super::load::Demand) -> f64) = if has_rps {
        ("demand (requests per second)", |d| d.rps.unwrap_or(0.0))
    } else if has_cpu {
        ("demand (CPU cores)", |d| d.cpu_cores)
    } else {
        ("demand (memory GiB)", |d| {
            d.memory_bytes / f64::from(1u32 << 30)
        })
    };
    let points = timeline
        .rows
        .iter()
        .map(|r| (minutes(r.time_seconds), value(&r.demand)))
        .collect();
    (unit, points)
}

/// A replica count as steps: it holds from one row to the next.
fn steps(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (x, y) in points {
        if let Some(&(_, previous)) = out.last()
            && previous != y
        {
            out.push((x, previous));
        }
        out.push((x, y));
    }
    out
}

/// Renders the chart as an SVG document.
pub fn svg(info: &RunInfo, timeline: &Timeline) -> Result<String, String> {
    let mut buffer = String::new();
    draw(&mut buffer, info, timeline).map_err(|err| format!("drawing the chart failed: {err}"))?;
    Ok(buffer)
}

fn draw(
    buffer: &mut String,
    info: &RunInfo,
    timeline: &Timeline,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(buffer, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let minutes = (timeline.duration_seconds as f64 / 60.0).max(1.0 / 60.0);
    let peak = timeline
        .rows
        .iter()
        .flat_map(|r| r.engines.iter().map(|e| e.replicas))
        .max()
        .unwrap_or(1)
        .max(timeline.initial_replicas)
        .max(1);
    let (unit, demand) = demand_series(timeline);
    let demand_top = demand.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-9) * 1.15;
    let caption = format!(
        "{}: {} for {}",
        info.service,
        info.load,
        span(timeline.duration_seconds)
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .right_y_label_area_size(70)
        .build_cartesian_2d(0f64..minutes, 0f64..f64::from(peak) * 1.15 + 0.5)?
        .set_secondary_coord(0f64..minutes, 0f64..demand_top);
    chart
        .configure_mesh()
        .x_desc("minutes")
        .y_desc("replicas")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    chart
        .configure_secondary_axes()
        .y_desc(unit)
        .y_label_formatter(&|y| super::load::number((y * 100.0).round() / 100.0))
        .draw()?;

    chart
        .draw_secondary_series(LineSeries::new(demand, DEMAND_COLOR.stroke_width(1)))?
        .label(unit)
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], DEMAND_COLOR.stroke_width(2)));
    // Earlier engines are drawn wider, so where the lines coincide both stay visible.
    let engines = timeline.engines.len();
    for (index, &engine) in timeline.engines.iter().enumerate() {
        let color = engine_color(engine);
        let width = 2 + 2 * u32::try_from(engines - 1 - index).unwrap_or(0);
        let points = steps(timeline.rows.iter().filter_map(|r| {
            r.engines
                .get(index)
                .map(|e| (r.time_seconds as f64 / 60.0, f64::from(e.replicas)))
        }));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(width)))?
            .label(series_label(engine))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicas_are_drawn_as_steps() {
        let points = steps([(0.0, 2.0), (1.0, 2.0), (2.0, 4.0), (3.0, 3.0)].into_iter());
        assert_eq!(
            points,
            [
                (0.0, 2.0),
                (1.0, 2.0),
                (2.0, 2.0),
                (2.0, 4.0),
                (3.0, 4.0),
                (3.0, 3.0)
            ]
        );
    }
}
