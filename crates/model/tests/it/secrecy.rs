//! Statistical secrecy against a reader who adds and subtracts what is published: random
//! tables, and for each withheld cell a check, by linear algebra rather than by the graph the
//! code uses, that the published figures do not pin it down.

use model::secrecy::{System, add_cut, add_published, publish, with_margins};
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

/// Which of `unknowns` the equations pin down, by rank: each equation a list of (figure,
/// coefficient), the figures not unknown being known.
fn pinned(equations: &[Vec<(usize, f64)>], unknowns: &[usize]) -> Vec<usize> {
    let matrix = |skip: Option<usize>| -> Vec<Vec<f64>> {
        equations
            .iter()
            .map(|e| {
                unknowns
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| Some(*k) != skip)
                    .map(|(_, u)| e.iter().filter(|(f, _)| f == u).map(|(_, x)| x).sum())
                    .collect()
            })
            .collect()
    };
    let whole = rank(matrix(None));
    (0..unknowns.len())
        .filter(|k| rank(matrix(Some(*k))) < whole)
        .map(|k| unknowns[k])
        .collect()
}

/// Events in departments × groups × quarters, many counts small.
fn cubes() -> impl Strategy<Value = Vec<Vec<Vec<u64>>>> {
    (1usize..=4, 1usize..=5, 1usize..=4).prop_flat_map(|(departments, groups, quarters)| {
        prop::collection::vec(
            prop::collection::vec(
                prop::collection::vec(prop_oneof![0u64..8, 0u64..60, 20u64..400], quarters),
                groups,
            ),
            departments,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Two tables of the same events, by department and by group, sharing their totals by
    /// quarter: the first published alone, the second protected as a system linked to it;
    /// no withheld figure of either can be recomputed from what both publish, and nothing
    /// the first published is withheld again.
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn linked_tables_give_nothing_away(cube in cubes(), threshold in 5u64..=25) {
        let (departments, groups, quarters) = (cube.len(), cube[0].len(), cube[0][0].len());
        let by_department: Vec<Vec<u64>> = cube
            .iter()
            .map(|d| (0..quarters).map(|q| d.iter().map(|g| g[q]).sum()).collect())
            .collect();
        let by_group: Vec<Vec<u64>> = (0..groups)
            .map(|g| (0..quarters).map(|q| cube.iter().map(|d| d[g][q]).sum()).collect())
            .collect();
        let first = publish(&by_department, threshold).unwrap();
        let truth = with_margins(&by_department).unwrap();
        let mut system = System::default();
        let mut equations: Vec<Vec<(usize, f64)>> = Vec::new();
        let mut line = |system: &mut System, members: Vec<usize>, total: usize| {
            equations.push(members.iter().map(|m| (*m, 1.0)).chain([(total, -1.0)]).collect());
            system.line(members, total);
        };
        let d: Vec<Vec<usize>> = truth
            .iter()
            .zip(&first.grid)
            .map(|(t, p)| {
                t.iter().zip(p).map(|(n, shown)| system.figure(*n, shown.is_none(), false)).collect()
            })
            .collect();
        for r in 0..=departments {
            line(&mut system, d[r][..quarters].to_vec(), d[r][quarters]);
        }
        for c in 0..=quarters {
            line(&mut system, (0..departments).map(|r| d[r][c]).collect(), d[departments][c]);
        }
        let already = system.recomputable();
        prop_assert!(already.is_empty(), "the first table alone gives {:?} away", already);
        let second = with_margins(&by_group).unwrap();
        let g: Vec<Vec<usize>> = second[..groups]
            .iter()
            .map(|l| l.iter().map(|n| system.figure(*n, *n > 0 && *n < threshold, true)).collect())
            .collect();
        for r in 0..groups {
            line(&mut system, g[r][..quarters].to_vec(), g[r][quarters]);
        }
        for c in 0..=quarters {
            line(&mut system, (0..groups).map(|r| g[r][c]).collect(), d[departments][c]);
        }
        system.protect(&already, |n| n > 0 && n < threshold);
        // The first table's figures keep their state.
        for r in 0..=departments {
            for c in 0..=quarters {
                prop_assert_eq!(system.is_withheld(d[r][c]), first.grid[r][c].is_none());
            }
        }
        // Nothing published in the second is under the threshold.
        for r in 0..groups {
            for c in 0..=quarters {
                let n = second[r][c];
                prop_assert!(system.is_withheld(g[r][c]) || n == 0 || n >= threshold,
                    "{} published in group {}", n, r);
            }
        }
        let unknowns: Vec<usize> = d.iter().chain(&g).flatten().copied()
            .filter(|f| system.is_withheld(*f))
            .collect();
        let exposed = pinned(&equations, &unknowns);
        prop_assert!(exposed.is_empty(), "recomputable: {:?}", exposed);
    }
}

/// The system's own reading agrees with the rank on a case worked by hand: a group's cell
/// withheld alone in its column is the region's total minus the others.
#[test]
fn a_cell_alone_in_a_linked_column_is_recomputable() {
    let mut system = System::default();
    let total = system.figure(50, false, false);
    let a = system.figure(5, true, true);
    let b = system.figure(45, false, true);
    system.line(vec![a, b], total);
    assert_eq!(system.recomputable(), vec![a]);
    system.protect(&[], |n| n > 0 && n < 20);
    assert!(system.is_withheld(b));
    assert!(system.recomputable().is_empty() || system.is_withheld(total));
}

/// Events in departments × quarters, and the same events split two other ways (by family,
/// by public), many counts small.
/// A table of counts, rows of cells.
type Counts = Vec<Vec<u64>>;

fn two_cuts() -> impl Strategy<Value = (Counts, Counts, Counts)> {
    (1usize..=3, 1usize..=4, 1usize..=4, 1usize..=4).prop_flat_map(
        |(departments, a, b, quarters)| {
            prop::collection::vec(
                prop::collection::vec((0usize..a, 0usize..b, 0usize..quarters), 0..24),
                departments,
            )
            .prop_map(move |events| {
                let mut by_department = vec![vec![0u64; quarters]; departments];
                let mut by_a = vec![vec![0u64; quarters]; a];
                let mut by_b = vec![vec![0u64; quarters]; b];
                for (d, list) in events.iter().enumerate() {
                    for &(ga, gb, q) in list {
                        by_department[d][q] += 1;
                        by_a[ga][q] += 1;
                        by_b[gb][q] += 1;
                    }
                }
                (by_department, by_a, by_b)
            })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Two cuts of the same events, each protected on its own against the department table
    /// (as the pages compute them, one at a time): read together with the department table,
    /// the three give no withheld figure away.
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn two_cuts_protected_apart_give_nothing_away_together(
        (by_department, by_a, by_b) in two_cuts(),
        threshold in 3u64..=12,
    ) {
        let first = publish(&by_department, threshold).unwrap();
        let truth = with_margins(&by_department).unwrap();
        let hidden: Vec<Vec<bool>> =
            first.grid.iter().map(|l| l.iter().map(Option::is_none).collect()).collect();
        let protect = |cells: &Vec<Vec<u64>>| {
            let mut system = System::default();
            let d = add_published(&mut system, &truth, &hidden);
            let already = system.recomputable();
            let g = add_cut(&mut system, d.last().unwrap(), &[], cells, |_, _, n| n > 0 && n < threshold);
            system.protect(&already, |n| n > 0 && n < threshold);
            let withheld: Vec<Vec<bool>> =
                g.iter().map(|l| l.iter().map(|f| system.is_withheld(*f)).collect()).collect();
            withheld
        };
        let (wa, wb) = (protect(&by_a), protect(&by_b));
        let exposed = recomputable_together(&hidden, &wa, &wb, &[]);
        prop_assert!(exposed.is_empty(), "recomputable: {:?}", exposed);
    }
}

/// The equations of a reader of a department table (`d`, its figures' ids, its last row the
/// totals) and of cuts of it (`cuts`, likewise): each row of each adds up to its last figure,
/// each column of the department table and of each cut to the department table's total, and
/// every department to its groups in the first cut (`nested[department]`: their rows; none
/// when the cut does not nest).
fn equations_of(
    d: &[Vec<usize>],
    cuts: &[&Vec<Vec<usize>>],
    nested: &[Vec<usize>],
) -> Vec<Vec<(usize, f64)>> {
    let mut equations: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut line = |members: Vec<usize>, total: usize| {
        equations.push(
            members
                .iter()
                .map(|m| (*m, 1.0))
                .chain([(total, -1.0)])
                .collect(),
        );
    };
    let width = d[0].len();
    for l in d.iter().chain(cuts.iter().copied().flatten()) {
        line(l[..width - 1].to_vec(), l[width - 1]);
    }
    let totals = d.last().unwrap();
    for c in 0..width {
        line(d[..d.len() - 1].iter().map(|l| l[c]).collect(), totals[c]);
        for cut in cuts {
            line(cut.iter().map(|l| l[c]).collect(), totals[c]);
        }
        for (dep, rows) in nested.iter().enumerate() {
            line(rows.iter().map(|r| cuts[0][*r][c]).collect(), d[dep][c]);
        }
    }
    equations
}

/// The withheld figures that a department table (`hidden`: which of its figures are withheld)
/// and two cuts of it (`wa`, `wb`, likewise) give away, read together as one system of
/// equations: every row and column of each adds up, each cut's columns to the department
/// table's totals, and every department to its groups in the first cut (`nested[department]`,
/// the rows of `wa`; none when the cut does not nest).
fn recomputable_together(
    hidden: &[Vec<bool>],
    wa: &[Vec<bool>],
    wb: &[Vec<bool>],
    nested: &[Vec<usize>],
) -> Vec<usize> {
    let mut figures: Vec<bool> = Vec::new();
    let mut ids = |w: &[Vec<bool>]| -> Vec<Vec<usize>> {
        w.iter()
            .map(|l| {
                l.iter()
                    .map(|w| {
                        figures.push(*w);
                        figures.len() - 1
                    })
                    .collect()
            })
            .collect()
    };
    let (d, ga, gb) = (ids(hidden), ids(wa), ids(wb));
    let equations = equations_of(&d, &[&ga, &gb], nested);
    let unknowns: Vec<usize> = (0..figures.len()).filter(|f| figures[*f]).collect();
    pinned(&equations, &unknowns)
}

/// Events in departments × quarters, each in one of its department's groups (its
/// intercommunalities): the group's department is its department.
fn nested() -> impl Strategy<Value = (Counts, Counts, Vec<usize>)> {
    (1usize..=3, 1usize..=3, 1usize..=4).prop_flat_map(|(departments, per, quarters)| {
        prop::collection::vec(
            prop::collection::vec((0usize..per, 0usize..quarters), 0..40),
            departments,
        )
        .prop_map(move |events| {
            let mut by_department = vec![vec![0u64; quarters]; departments];
            let mut by_group = vec![vec![0u64; quarters]; departments * per];
            for (d, list) in events.iter().enumerate() {
                for &(k, q) in list {
                    by_department[d][q] += 1;
                    by_group[d * per + k][q] += 1;
                }
            }
            let department_of = (0..departments * per).map(|g| g / per).collect();
            (by_department, by_group, department_of)
        })
    })
}

/// The rank check of a department table and a cut of it whose groups nest in departments,
/// the cut protected with (`nest`) or without its parents.
fn nested_leaks(
    by_department: &Counts,
    by_group: &Counts,
    department_of: &[usize],
    threshold: u64,
    nest: bool,
) -> Vec<usize> {
    let first = publish(by_department, threshold).unwrap();
    let truth = with_margins(by_department).unwrap();
    let hidden: Vec<Vec<bool>> = first
        .grid
        .iter()
        .map(|l| l.iter().map(Option::is_none).collect())
        .collect();
    let mut system = System::default();
    let d = add_published(&mut system, &truth, &hidden);
    let already = system.recomputable();
    let parents: Vec<(Vec<usize>, Vec<usize>)> = (0..by_department.len())
        .map(|dep| {
            let rows = (0..by_group.len())
                .filter(|g| department_of[*g] == dep)
                .collect();
            (rows, d[dep].clone())
        })
        .collect();
    let used: &[(Vec<usize>, Vec<usize>)] = if nest { &parents } else { &[] };
    let g = add_cut(&mut system, d.last().unwrap(), used, by_group, |_, _, n| {
        n > 0 && n < threshold
    });
    system.protect(&already, |n| n > 0 && n < threshold);
    // The reader's equations: both tables, and each department the sum of its groups.
    let rows: Vec<Vec<usize>> = parents.iter().map(|(rows, _)| rows.clone()).collect();
    let equations = equations_of(&d, &[&g], &rows);
    let unknowns: Vec<usize> = d
        .iter()
        .chain(&g)
        .flatten()
        .copied()
        .filter(|f| system.is_withheld(*f))
        .collect();
    pinned(&equations, &unknowns)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A cut whose groups nest in the departments (intercommunalities): protected with its
    /// parents, the department table and the cut together, with every department the sum of
    /// its groups, give no withheld figure away.
    #[test]
    fn a_cut_nested_in_departments_gives_nothing_away(
        (by_department, by_group, department_of) in nested(),
        threshold in 3u64..=12,
    ) {
        let exposed = nested_leaks(&by_department, &by_group, &department_of, threshold, true);
        prop_assert!(exposed.is_empty(), "recomputable: {:?}", exposed);
    }
}

/// Without its parents, the same protection leaves a group recomputable as its department's
/// figure minus its neighbours' (the leak a probe found): the check above can fail.
#[test]
fn without_its_parents_a_nested_cut_leaks() {
    // Department 0: groups of 5, 30 and 25 events in the first quarter; department 1: 21
    // and 79. The second department's 21 is the cheapest in the region's column.
    let by_department = vec![vec![60, 0], vec![100, 0]];
    let by_group = vec![
        vec![5, 0],
        vec![30, 0],
        vec![25, 0],
        vec![21, 0],
        vec![79, 0],
    ];
    let department_of = [0, 0, 0, 1, 1];
    assert!(!nested_leaks(&by_department, &by_group, &department_of, 20, false).is_empty());
    assert!(nested_leaks(&by_department, &by_group, &department_of, 20, true).is_empty());
}

/// Each group its whole department (Paris, one department and one intercommunality): the
/// cut repeats the department table, and protecting it must not expose what the department
/// table withholds (the leak a probe found).
#[test]
fn a_cut_equal_to_the_department_table_gives_nothing_away() {
    let cells = vec![vec![0, 2, 0], vec![3, 3, 5], vec![1, 4, 3]];
    let exposed = nested_leaks(&cells, &cells, &[0, 1, 2], 5, true);
    assert!(exposed.is_empty(), "recomputable: {exposed:?}");
}

/// Events in departments × quarters, each in one of its department's groups (its
/// intercommunalities) and in one group of another cut (a family).
fn nested_and_other() -> impl Strategy<Value = (Counts, Counts, Vec<usize>, Counts)> {
    (1usize..=3, 1usize..=3, 1usize..=3, 1usize..=4).prop_flat_map(
        |(departments, per, b, quarters)| {
            prop::collection::vec(
                prop::collection::vec((0usize..per, 0usize..b, 0usize..quarters), 0..30),
                departments,
            )
            .prop_map(move |events| {
                let mut by_department = vec![vec![0u64; quarters]; departments];
                let mut by_group = vec![vec![0u64; quarters]; departments * per];
                let mut by_b = vec![vec![0u64; quarters]; b];
                for (d, list) in events.iter().enumerate() {
                    for &(k, gb, q) in list {
                        by_department[d][q] += 1;
                        by_group[d * per + k][q] += 1;
                        by_b[gb][q] += 1;
                    }
                }
                let department_of = (0..departments * per).map(|g| g / per).collect();
                (by_department, by_group, department_of, by_b)
            })
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A cut nested in the departments and another cut, each protected on its own against
    /// the department table (as the pages compute them): read together, with every
    /// department the sum of its groups, the three give no withheld figure away.
    #[test]
    #[allow(clippy::needless_range_loop)]
    fn a_nested_cut_and_another_protected_apart_give_nothing_away_together(
        (by_department, by_group, department_of, by_b) in nested_and_other(),
        threshold in 3u64..=12,
    ) {
        let first = publish(&by_department, threshold).unwrap();
        let truth = with_margins(&by_department).unwrap();
        let hidden: Vec<Vec<bool>> =
            first.grid.iter().map(|l| l.iter().map(Option::is_none).collect()).collect();
        let rows_of = |dep: usize| -> Vec<usize> {
            (0..by_group.len()).filter(|g| department_of[*g] == dep).collect()
        };
        let protect = |cells: &Vec<Vec<u64>>, nest: bool| {
            let mut system = System::default();
            let d = add_published(&mut system, &truth, &hidden);
            let already = system.recomputable();
            let parents: Vec<(Vec<usize>, Vec<usize>)> = if nest {
                (0..by_department.len()).map(|dep| (rows_of(dep), d[dep].clone())).collect()
            } else { Vec::new() };
            let small = |n: u64| n > 0 && n < threshold;
            let g = add_cut(&mut system, d.last().unwrap(), &parents, cells, |_, _, n| small(n));
            system.protect(&already, small);
            let withheld: Vec<Vec<bool>> =
                g.iter().map(|l| l.iter().map(|f| system.is_withheld(*f)).collect()).collect();
            withheld
        };
        let (wa, wb) = (protect(&by_group, true), protect(&by_b, false));
        let nested: Vec<Vec<usize>> = (0..by_department.len()).map(rows_of).collect();
        let exposed = recomputable_together(&hidden, &wa, &wb, &nested);
        prop_assert!(exposed.is_empty(), "recomputable: {:?}", exposed);
    }
}
