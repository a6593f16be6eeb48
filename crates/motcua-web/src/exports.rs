//! Tables as CSV and XLSX files (issue #7: every table of a report can be taken away).
//!
//! A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return
//! first) is written with a leading apostrophe in CSV, so a hostile name in a report cannot run
//! in the leader's spreadsheet (CSV injection). XLSX cells are typed, so text stays text.

use rust_xlsxwriter::{Format, Workbook};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A decimal number.
    Num(f64),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Int(v)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Cell::Empty, Cell::Num)
    }
}

impl From<Option<u64>> for Cell {
    fn from(v: Option<u64>) -> Self {
        v.map_or(Cell::Empty, |v| {
            Cell::Int(i64::try_from(v).unwrap_or(i64::MAX))
        })
    }
}

/// A named table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet name and file-name part (ASCII, at most 31 characters).
    pub name: &'static str,
    /// Column headings.
    pub headers: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// One table as CSV (UTF-8 with a byte-order mark, which spreadsheet programs need to read
/// Vietnamese correctly).
pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(&t.headers);
    for row in &t.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => csv_text(s),
                Cell::Int(v) => v.to_string(),
                Cell::Num(v) => v.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        let _ = w.write_record(&cells);
    }
    w.into_inner().unwrap_or_default()
}

/// Tables as one workbook, a sheet each.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(t.name)?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => {
                        sheet.write_string(r, c, s)?;
                    }
                    Cell::Int(v) => {
                        sheet.write_number(r, c, *v as f64)?;
                    }
                    Cell::Num(v) => {
                        sheet.write_number(r, c, *v)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.autofit();
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            name: "agencies",
            headers: vec!["code", "name", "filed", "share"],
            rows: vec![
                vec![
                    "68.SNV".into(),
                    "Sở Nội vụ".into(),
                    3i64.into(),
                    Some(0.5).into(),
                ],
                vec![
                    "x".into(),
                    "=HYPERLINK(\"http://evil\")".into(),
                    0i64.into(),
                    None::<f64>.into(),
                ],
            ],
        }
    }

    #[test]
    fn csv_has_a_bom_quotes_and_defuses_formulas() {
        let out = String::from_utf8(to_csv(&table())).unwrap();
        assert!(out.starts_with('\u{feff}'));
        let lines: Vec<&str> = out.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "code,name,filed,share");
        assert_eq!(lines[1], "68.SNV,Sở Nội vụ,3,0.5");
        assert_eq!(lines[2], "x,\"'=HYPERLINK(\"\"http://evil\"\")\",0,");
    }

    #[test]
    fn xlsx_is_a_zip_with_one_sheet_per_table() {
        let mut second = table();
        second.name = "months";
        let bytes = to_xlsx(&[table(), second]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("xl/worksheets/sheet2.xml"));
    }
}
