//! The memòria as Markdown or plain text, as `report` writes them. Charts are
//! left out: the table beside each holds its numbers.

use super::doc::{Block, Doc, Table};
use std::fmt::Write;

pub fn markdown(doc: &Doc) -> String {
    let mut out = format!("# {}\n\n{}\n", doc.title, doc.subtitle);
    for part in &doc.parts {
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        let _ = write!(out, "## {}\n\n", part.title);
        for block in &part.blocks {
            match block {
                Block::Facts(facts) => {
                    for (what, n) in facts {
                        let _ = writeln!(out, "- {what}: **{n}**");
                    }
                    out.push('\n');
                }
                Block::Table(table) => {
                    md_table(&mut out, table);
                    out.push('\n');
                }
                Block::Note(text) => {
                    let _ = writeln!(out, "{text}\n");
                }
                Block::Chart(_) => {}
            }
        }
    }
    out
}

fn md_table(out: &mut String, table: &Table) {
    // A pipe in a name would end its cell.
    let cell = |c: &String| c.replace('|', "\\|");
    let row = |cells: &[String]| cells.iter().map(cell).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(out, "| {} |", row(&table.header));
    let rule: Vec<&str> = (0..table.header.len())
        .map(|i| if i == 0 { "---" } else { "---:" })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for r in &table.rows {
        let _ = writeln!(out, "| {} |", row(r));
    }
}

pub fn text(doc: &Doc) -> String {
    let mut out = format!("{}\n{}\n", doc.title, doc.subtitle);
    for part in &doc.parts {
        let rule = "─".repeat(part.title.chars().count());
        // One blank line between parts: each block already ends with one.
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        let _ = write!(out, "{}\n{rule}\n", part.title);
        for block in &part.blocks {
            match block {
                Block::Facts(facts) => {
                    let width = facts.iter().map(|(w, _)| w.chars().count()).max().unwrap_or(0);
                    for (what, n) in facts {
                        let pad = width - what.chars().count();
                        let _ = writeln!(out, "  {what}{}  {n}", " ".repeat(pad));
                    }
                    out.push('\n');
                }
                Block::Table(table) => {
                    text_table(&mut out, table);
                    out.push('\n');
                }
                Block::Note(text) => {
                    for line in crate::widgets::wrap_all(text, 76) {
                        let _ = writeln!(out, "  {line}");
                    }
                    out.push('\n');
                }
                Block::Chart(_) => {}
            }
        }
    }
    out
}

/// Aligned columns: the first to the left, numbers to the right.
fn text_table(out: &mut String, table: &Table) {
    let widths: Vec<usize> = (0..table.header.len())
        .map(|c| {
            table
                .rows
                .iter()
                .map(|r| r[c].chars().count())
                .chain([table.header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in std::iter::once(&table.header).chain(&table.rows) {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = " ".repeat(widths[c] - cell.chars().count());
                if c == 0 {
                    format!("{cell}{pad}")
                } else {
                    format!("{pad}{cell}")
                }
            })
            .collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
}
