//! The memòria as one CSV file: each indicator a table after a row that names
//! its section and the indicator, single figures as a two-column table.

use super::doc::{Block, Doc};

pub fn write(doc: &Doc) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for part in &doc.parts {
        let mut n = 0;
        for block in &part.blocks {
            n += 1;
            let section =
                |w: &mut csv::Writer<Vec<u8>>| w.write_record(["section", &part.title, &n.to_string()]);
            match block {
                Block::Facts(facts) => {
                    section(&mut w)?;
                    for (what, value) in facts {
                        w.write_record([guard(what), guard(value)])?;
                    }
                }
                Block::Table(table) => {
                    section(&mut w)?;
                    w.write_record(table.header.iter().map(|c| guard(c)))?;
                    for row in &table.rows {
                        w.write_record(row.iter().map(|c| guard(c)))?;
                    }
                }
                // The chart's numbers are the table's; a note is not an indicator.
                Block::Chart(_) | Block::Note(_) => n -= 1,
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A cell a spreadsheet must not read as a formula.
fn guard(cell: &str) -> String {
    crate::io::formula::neutralise(cell).into_owned()
}
