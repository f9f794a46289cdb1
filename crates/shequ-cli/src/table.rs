//! Column-aligned text tables that line up Chinese and Latin text alike.
//!
//! Widths are terminal columns (`unicode-width`: a Han character takes two),
//! not bytes or chars. Colour is applied after padding so escape codes never
//! count towards a width.

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// ANSI colours used by the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Red,
    Yellow,
    Green,
    Cyan,
    Bold,
}

impl Paint {
    fn code(self) -> &'static str {
        match self {
            Paint::Red => "\x1b[1;31m",
            Paint::Yellow => "\x1b[1;33m",
            Paint::Green => "\x1b[32m",
            Paint::Cyan => "\x1b[36m",
            Paint::Bold => "\x1b[1m",
        }
    }

    /// `text` in this colour when `on`, else unchanged.
    pub fn apply(self, text: &str, on: bool) -> String {
        if on {
            format!("{}{text}\x1b[0m", self.code())
        } else {
            text.to_string()
        }
    }
}

#[derive(Debug, Clone)]
pub struct Cell {
    text: String,
    paint: Option<Paint>,
}

impl Cell {
    pub fn painted(text: impl Into<String>, paint: Paint) -> Self {
        Cell {
            text: clean(&text.into()),
            paint: Some(paint),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell {
            text: clean(&text),
            paint: None,
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell {
            text: clean(text),
            paint: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    align: Vec<Align>,
    header: Option<Vec<String>>,
    rows: Vec<Vec<Cell>>,
    indent: usize,
}

impl Table {
    /// A table with a header row, one alignment per column.
    pub fn new(header: &[&str], align: &[Align]) -> Self {
        Table {
            align: align.to_vec(),
            header: Some(header.iter().map(|h| h.to_string()).collect()),
            rows: Vec::new(),
            indent: 0,
        }
    }

    /// A table without a header row (label/value lists).
    pub fn bare(align: &[Align]) -> Self {
        Table {
            align: align.to_vec(),
            header: None,
            rows: Vec::new(),
            indent: 0,
        }
    }

    pub fn indent(mut self, columns: usize) -> Self {
        self.indent = columns;
        self
    }

    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines, each ending in `\n`.
    pub fn render(&self, color: bool) -> String {
        let columns = self.align.len();
        let mut widths = vec![0; columns];
        let header_cells: Option<Vec<Cell>> = self.header.as_ref().map(|h| {
            h.iter()
                .map(|t| Cell::painted(t.as_str(), Paint::Bold))
                .collect()
        });
        for row in header_cells.iter().chain(&self.rows) {
            for (k, cell) in row.iter().enumerate().take(columns) {
                widths[k] = widths[k].max(cell.text.width());
            }
        }
        let mut out = String::new();
        let line = |row: &[Cell], out: &mut String| {
            let mut s = " ".repeat(self.indent);
            for (k, &w) in widths.iter().enumerate() {
                let empty = Cell::from("");
                let cell = row.get(k).unwrap_or(&empty);
                let pad = " ".repeat(w.saturating_sub(cell.text.width()));
                let text = match cell.paint {
                    Some(p) => p.apply(&cell.text, color),
                    None => cell.text.clone(),
                };
                if k > 0 {
                    s.push_str("  ");
                }
                match self.align[k] {
                    Align::Left => {
                        s.push_str(&text);
                        s.push_str(&pad);
                    }
                    Align::Right => {
                        s.push_str(&pad);
                        s.push_str(&text);
                    }
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        if let Some(h) = &header_cells {
            line(h, &mut out);
            let rule: Vec<Cell> = widths.iter().map(|&w| Cell::from("-".repeat(w))).collect();
            line(&rule, &mut out);
        }
        for row in &self.rows {
            line(row, &mut out);
        }
        out
    }
}

/// Text from a plan is the planner's: escape control characters so that a
/// name can neither break a line nor send escape codes to the terminal.
pub fn clean(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_line_up_with_latin_ones() {
        let mut t = Table::new(
            &["id", "name", "n"],
            &[Align::Left, Align::Left, Align::Right],
        );
        t.row(vec!["A".into(), "文昌社区".into(), "2,600".into()]);
        t.row(vec!["B".into(), "Xyz".into(), "5".into()]);
        let out = t.render(false);
        let lines: Vec<&str> = out.lines().collect();
        // Every line ends at the same terminal column.
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{out}");
        assert_eq!(lines[2], "A   文昌社区  2,600");
        assert_eq!(lines[3], "B   Xyz           5");
    }

    #[test]
    fn colour_does_not_shift_columns() {
        let mut t = Table::bare(&[Align::Left, Align::Left]);
        t.row(vec![Cell::painted("错误", Paint::Red), "x".into()]);
        t.row(vec!["ok".into(), "y".into()]);
        let out = t.render(true);
        assert!(out.contains("\x1b[1;31m错误\x1b[0m  x"), "{out:?}");
        assert!(out.contains("ok    y"), "{out:?}");
    }

    #[test]
    fn control_characters_in_names_are_escaped() {
        assert_eq!(clean("a\nb\x1b[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(clean("文昌"), "文昌");
    }
}
