//! A bar chart in SVG, written by hand: a few rectangles and texts need no
//! crate. Each bar carries its number (`data-value` and a label above it), so
//! the chart says what the table beside it says, in print and without colour.

use super::doc::Chart;
use std::fmt::Write;

const WIDTH: f64 = 680.0;
const HEIGHT: f64 = 230.0;
const LEFT: f64 = 10.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 40.0;
/// Shades that differ in grey too, for a printer without colour.
const FILLS: [&str; 2] = ["#1f4e79", "#9dc3e6"];

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn bar_chart(chart: &Chart) -> String {
    let n = chart.labels.len().max(1) as f64;
    let series = chart.series.len().max(1) as f64;
    let max = match chart.percent {
        true => 100,
        false => chart
            .series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied())
            .max()
            .unwrap_or(0)
            .max(1),
    } as f64;
    let plot_w = WIDTH - 2.0 * LEFT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let group = plot_w / n;
    let bar = group * 0.8 / series;
    let base = TOP + plot_h;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}">"#,
        escape(&chart.title)
    );
    let _ = write!(
        out,
        r#"<text x="{LEFT}" y="16" class="t">{}</text>"#,
        escape(&chart.title)
    );
    for (s, (name, values)) in chart.series.iter().enumerate() {
        let fill = FILLS[s % FILLS.len()];
        if chart.series.len() > 1 {
            // A legend: the shade and the series' name, at the top right.
            let x = WIDTH - 260.0 + 130.0 * s as f64;
            let _ = write!(
                out,
                r#"<rect x="{x}" y="6" width="12" height="12" fill="{fill}"/><text x="{}" y="16">{}</text>"#,
                x + 16.0,
                escape(name)
            );
        }
        for (i, &value) in values.iter().enumerate() {
            let v = value.unwrap_or(0);
            let h = v as f64 / max * plot_h;
            let x = LEFT + group * i as f64 + group * 0.1 + bar * s as f64;
            let y = base - h;
            let label = chart.labels.get(i).map_or("", String::as_str);
            let unit = if chart.percent { "%" } else { "" };
            // Nothing to measure: a dash, as the table says.
            let shown = value.map_or("—".to_string(), |v| v.to_string());
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{bar:.1}" height="{h:.1}" fill="{fill}" data-series="{s}" data-value="{shown}"><title>{}: {shown}{unit}</title></rect>"#,
                escape(label)
            );
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" class="v">{shown}</text>"#,
                x + bar / 2.0,
                y - 3.0
            );
        }
    }
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" y1="{base}" x2="{}" y2="{base}" stroke="#333"/>"##,
        WIDTH - LEFT
    );
    for (i, label) in chart.labels.iter().enumerate() {
        let x = LEFT + group * (i as f64 + 0.5);
        let _ = write!(
            out,
            r#"<text x="{x:.1}" y="{}" class="l">{}</text>"#,
            base + 16.0,
            escape(label)
        );
    }
    out.push_str("</svg>");
    out
}
