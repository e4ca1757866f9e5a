//! Reading the embedded tab-separated tables.

/// The data lines of a table (its header skipped), each split on tabs, with the lines that do
/// not have `columns` cells reported through `defects`.
pub fn rows<'t, const N: usize>(
    name: &'static str,
    text: &'t str,
    defects: &mut Vec<String>,
) -> impl Iterator<Item = [&'t str; N]> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter_map(move |(i, line)| {
            let mut cells = [""; N];
            let mut count = 0;
            for (slot, cell) in line.split('\t').enumerate() {
                if let Some(target) = cells.get_mut(slot) {
                    *target = cell;
                }
                count += 1;
            }
            if count == N {
                Some(cells)
            } else {
                defects.push(format!(
                    "{name} line {}: {count} cells, expected {N}",
                    i + 1
                ));
                None
            }
        })
}

/// An empty cell is an absent value.
pub fn optional(cell: &str) -> Option<&str> {
    (!cell.is_empty()).then_some(cell)
}
