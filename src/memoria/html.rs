//! The memòria as one self-contained HTML file: inline CSS and SVG, no script,
//! nothing fetched, laid out to print on A4. Every tag is closed, so an XML
//! parser reads it too (the tests check it is well-formed that way).

use super::doc::{Block, Doc, Table};
use super::svg::{bar_chart, escape};
use std::fmt::Write;

const STYLE: &str = "\
@page { size: A4; margin: 18mm 15mm; }
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; color: #111; max-width: 180mm; margin: 0 auto; }
h1 { font-size: 17pt; margin: 0 0 2pt; }
h2 { font-size: 13pt; border-bottom: 1px solid #888; margin-top: 16pt; break-after: avoid; }
.sub { color: #444; margin: 0 0 10pt; }
table { border-collapse: collapse; margin: 6pt 0 10pt; break-inside: auto; }
th, td { border: 1px solid #bbb; padding: 2pt 5pt; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #eee; }
tr { break-inside: avoid; }
dl.facts { display: grid; grid-template-columns: max-content max-content; gap: 2pt 14pt; }
dl.facts dt { margin: 0; } dl.facts dd { margin: 0; font-weight: bold; text-align: right; }
figure { margin: 6pt 0; break-inside: avoid; }
svg { width: 100%; height: auto; }
svg text { font-size: 11px; font-family: inherit; }
svg .t { font-size: 13px; font-weight: bold; }
svg .v, svg .l { text-anchor: middle; }
table.matrix td { text-align: center; padding: 1pt 3pt; }
table.matrix td:first-child { text-align: left; }
.note { color: #333; }
";

pub fn write(doc: &Doc, lang: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        escape(&doc.title),
        escape(&doc.title),
        escape(&doc.subtitle)
    );
    for part in &doc.parts {
        let _ = writeln!(out, "<section>\n<h2>{}</h2>", escape(&part.title));
        for block in &part.blocks {
            match block {
                Block::Facts(facts) => {
                    out.push_str("<dl class=\"facts\">");
                    for (what, n) in facts {
                        let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", escape(what), escape(n));
                    }
                    out.push_str("</dl>\n");
                }
                Block::Table(table) => table_html(&mut out, table),
                Block::Chart(chart) => {
                    let _ = writeln!(out, "<figure>{}</figure>", bar_chart(chart));
                }
                Block::Note(text) => {
                    let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(text));
                }
            }
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn table_html(out: &mut String, table: &Table) {
    // The council × service table is wide: narrow cells.
    let class = if table.header.len() > 6 {
        " class=\"matrix\""
    } else {
        ""
    };
    let _ = write!(out, "<table{class}>\n<thead><tr>");
    for h in &table.header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for c in row {
            let _ = write!(out, "<td>{}</td>", escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}
