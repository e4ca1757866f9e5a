//! The generated files: sorted, tab-separated, UTF-8, `\n` line ends, one header line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

#[derive(Default)]
pub struct Files(BTreeMap<String, String>);

impl Files {
    pub fn add(&mut self, path: &str, content: String) {
        self.0.insert(path.to_string(), content);
    }

    /// A file generated earlier in this run.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.0.get(path).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn write(&self, out: &Path) -> Result<()> {
        for (path, content) in &self.0 {
            let target = out.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, content)
                .with_context(|| format!("writing {}", target.display()))?;
        }
        Ok(())
    }

    /// Paths whose committed content differs from the generated one.
    pub fn compare(&self, committed: &Path) -> Result<Vec<String>> {
        let mut differences = Vec::new();
        for (path, content) in &self.0 {
            match std::fs::read_to_string(committed.join(path)) {
                Ok(old) if &old == content => {}
                Ok(_) => differences.push(format!("{path}: differs")),
                Err(_) => differences.push(format!("{path}: missing")),
            }
        }
        Ok(differences)
    }
}

/// A table whose rows are sorted by their text when rendered.
pub struct Table {
    header: String,
    columns: usize,
    rows: Vec<String>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.join("\t"),
            columns: header.len(),
            rows: Vec::new(),
        }
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<()> {
        if cells.len() != self.columns {
            bail!("row has {} cells, header has {}", cells.len(), self.columns);
        }
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let cell = cell.as_ref();
            if cell.contains(['\t', '\n', '\r']) {
                bail!("value {cell:?} contains a tab or a line break");
            }
            if i > 0 {
                line.push('\t');
            }
            line.push_str(cell);
        }
        self.rows.push(line);
        Ok(())
    }

    pub fn render(mut self) -> String {
        self.rows.sort();
        self.rows.dedup();
        let mut text = String::with_capacity(self.rows.iter().map(|r| r.len() + 1).sum());
        let _ = writeln!(text, "{}", self.header);
        for row in &self.rows {
            let _ = writeln!(text, "{row}");
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[&str; 2]]) -> String {
        let mut table = Table::new(&["code", "label"]);
        for row in rows {
            table.row(row).unwrap();
        }
        table.render()
    }

    #[test]
    fn rendering_does_not_depend_on_the_order_rows_came_in() {
        let a = table(&[
            ["N1103", "Préparateur"],
            ["N1101", "Cariste"],
            ["N1101", "Cariste"],
        ]);
        let b = table(&[["N1101", "Cariste"], ["N1103", "Préparateur"]]);
        assert_eq!(a, b);
        assert_eq!(a, "code\tlabel\nN1101\tCariste\nN1103\tPréparateur\n");
    }

    #[test]
    fn cells_with_tabs_or_line_breaks_are_refused() {
        let mut table = Table::new(&["code", "label"]);
        assert!(table.row(&["N1101", "Car\tiste"]).is_err());
        assert!(table.row(&["N1101", "Car\niste"]).is_err());
        assert!(table.row(&["N1101"]).is_err());
    }
}
