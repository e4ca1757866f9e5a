//! Statistical secrecy against a reader who adds and subtracts what is published: random
//! tables, and for each withheld cell a check, by linear algebra rather than by the graph the
//! code uses, that the published figures do not pin it down.

use model::secrecy::{publish, with_margins};
use proptest::prelude::*;

/// The rank of `matrix` (rows of equal length), by Gaussian elimination with partial pivoting.
/// Its entries are small integers (0, 1, -1 and their combinations): exact enough in f64.
fn rank(mut matrix: Vec<Vec<f64>>) -> usize {
    let columns = matrix.first().map_or(0, Vec::len);
    let mut rank = 0;
    for column in 0..columns {
        let Some(pivot) = (rank..matrix.len())
            .filter(|r| matrix[*r][column].abs() > 1e-9)
            .max_by(|a, b| {
                matrix[*a][column]
                    .abs()
                    .total_cmp(&matrix[*b][column].abs())
            })
        else {
            continue;
        };
        matrix.swap(rank, pivot);
        let head = matrix[rank].clone();
        for row in matrix.iter_mut().skip(rank + 1) {
            let factor = row[column] / head[column];
            if factor != 0.0 {
                for (x, h) in row.iter_mut().zip(&head) {
                    *x -= factor * h;
                }
            }
        }
        rank += 1;
    }
    rank
}

/// The withheld cells a reader can recompute from the published ones: the table's equations
/// (each row's cells add up to its total, each column's too), the withheld cells the
/// unknowns; an unknown is pinned down when its column of the system is not a combination of
/// the others' (removing it lowers the rank).
fn recomputable(withheld: &[(usize, usize)], rows: usize, columns: usize) -> Vec<(usize, usize)> {
    // Lines of the grid with margins: rows 0..rows-1 (the last the totals), columns likewise.
    let mut equations = Vec::new();
    for r in 0..rows {
        equations.push(
            withheld
                .iter()
                .map(|(wr, wc)| match (*wr == r, *wc == columns - 1) {
                    (true, false) => 1.0,
                    (true, true) => -1.0,
                    _ => 0.0,
                })
                .collect::<Vec<f64>>(),
        );
    }
    for c in 0..columns {
        equations.push(
            withheld
                .iter()
                .map(|(wr, wc)| match (*wc == c, *wr == rows - 1) {
                    (true, false) => 1.0,
                    (true, true) => -1.0,
                    _ => 0.0,
                })
                .collect::<Vec<f64>>(),
        );
    }
    let whole = rank(equations.clone());
    (0..withheld.len())
        .filter(|k| {
            let without: Vec<Vec<f64>> = equations
                .iter()
                .map(|e| {
                    e.iter()
                        .enumerate()
                        .filter(|(i, _)| i != k)
                        .map(|(_, x)| *x)
                        .collect()
                })
                .collect();
            rank(without) < whole
        })
        .map(|k| withheld[k])
        .collect()
}

/// Tables of 1 to 6 rows and columns, many counts small (a department's month of a rare
/// event), some large.
fn tables() -> impl Strategy<Value = Vec<Vec<u64>>> {
    (1usize..=6, 1usize..=6).prop_flat_map(|(rows, columns)| {
        prop::collection::vec(
            prop::collection::vec(prop_oneof![0u64..20, 0u64..200, 20u64..5_000], columns),
            rows,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn no_withheld_count_can_be_recomputed(cells in tables(), threshold in 1u64..=30) {
        let truth = with_margins(&cells).unwrap();
        let published = publish(&cells, threshold).unwrap();
        let (rows, columns) = (truth.len(), truth[0].len());
        let mut withheld = Vec::new();
        for (r, (line, true_line)) in published.grid.iter().zip(&truth).enumerate() {
            for (c, (figure, true_figure)) in line.iter().zip(true_line).enumerate() {
                match *figure {
                    // What is published is the truth, and never under the threshold.
                    Some(n) => {
                        prop_assert_eq!(n, *true_figure);
                        prop_assert!(n >= threshold, "{} published at ({}, {})", n, r, c);
                    }
                    None => withheld.push((r, c)),
                }
            }
        }
        prop_assert_eq!(withheld.len(), published.primary + published.secondary);
        // No line whose total is published has withheld cells adding up to a small count.
        let hidden = |r: usize, c: usize| published.grid[r][c].is_none();
        for r in 0..rows {
            if !hidden(r, columns - 1) {
                let sum: u64 = (0..columns - 1).filter(|&c| hidden(r, c)).map(|c| truth[r][c]).sum();
                prop_assert!(sum == 0 || sum >= threshold, "row {} hides {} in all", r, sum);
            }
        }
        for c in 0..columns {
            if !hidden(rows - 1, c) {
                let sum: u64 = (0..rows - 1).filter(|&r| hidden(r, c)).map(|r| truth[r][c]).sum();
                prop_assert!(sum == 0 || sum >= threshold, "column {} hides {} in all", c, sum);
            }
        }
        let exposed = recomputable(&withheld, rows, columns);
        prop_assert!(exposed.is_empty(), "recomputable: {:?} of {:?}", exposed, published.grid);
    }
}

/// The checker itself finds what a naive suppression leaves open: the one small cell of a
/// table withheld alone is its row's total minus the rest.
#[test]
fn the_checker_sees_a_cell_withheld_alone() {
    // A 2 × 2 table with margins: withholding only (0, 0) leaves it recomputable.
    assert_eq!(recomputable(&[(0, 0)], 3, 3), vec![(0, 0)]);
    // A rectangle of four withheld cells is not.
    assert!(recomputable(&[(0, 0), (0, 1), (1, 0), (1, 1)], 3, 3).is_empty());
    // Two cycles joined by one cell: that cell is pinned down, the cycles' are not.
    let joined = [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (1, 2),
        (2, 2),
        (2, 3),
        (3, 2),
        (3, 3),
    ];
    assert_eq!(recomputable(&joined, 5, 5), vec![(1, 2)]);
}
