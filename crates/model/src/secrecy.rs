//! Statistical secrecy of a published table of counts (issue 20, point 2).
//!
//! A count under the threshold (20 by default, a setting) is withheld: the *primary*
//! suppression. That is not enough when the table's totals are published too: a withheld
//! cell alone in its row is the row's total minus the other cells. So more cells are
//! withheld (the *secondary* suppression) until no withheld cell can be recomputed from what
//! is published by adding and subtracting published cells.
//!
//! The table is read with its margins: `R` rows and `C` columns of cells, each row's total,
//! each column's total and the grand total, an `(R + 1) × (C + 1)` grid whose last row and
//! last column are the totals. Every line of that grid (a row with its total, a column with
//! its total) is one equation. The values the withheld cells could take while every published
//! figure stays as it is differ from the true ones by a combination of *cycles*: in the graph
//! whose nodes are the grid's rows and columns and whose edges are the withheld cells, adding
//! and removing one unit alternately around a cycle keeps every line's balance. A withheld
//! cell can therefore be recomputed exactly when no cycle passes through it, that is when it
//! is a *bridge* of that graph. The secondary suppression withholds, for each bridge, the
//! cheapest other cells that close a rectangle through it (the fewest people hidden, then the
//! first in the table's order), and starts again until the graph has no bridge.
//!
//! Rates follow their denominator: a rate whose denominator is withheld is withheld.

use std::collections::HashMap;

/// The default threshold: counts under 20 are withheld.
pub const THRESHOLD: u64 = 20;

/// A table of counts with its margins, as published or withheld.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The grid with margins: `rows + 1` lines of `columns + 1` figures, the last line and
    /// the last column the totals; `None` where withheld.
    pub grid: Vec<Vec<Option<u64>>>,
    /// Cells withheld because they are under the threshold.
    pub primary: usize,
    /// Cells withheld so that the primary ones cannot be recomputed.
    pub secondary: usize,
}

/// What went wrong with a table handed over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecrecyError {
    #[error("the table has no cell")]
    Empty,
    #[error("row {row} has {found} cells where the first has {expected}")]
    Ragged {
        row: usize,
        found: usize,
        expected: usize,
    },
}

/// The grid with its margins: the cells, each row's total, each column's, the grand total.
pub fn with_margins(cells: &[Vec<u64>]) -> Result<Vec<Vec<u64>>, SecrecyError> {
    let columns = cells.first().map_or(0, Vec::len);
    if cells.is_empty() || columns == 0 {
        return Err(SecrecyError::Empty);
    }
    let mut grid = Vec::with_capacity(cells.len() + 1);
    let mut totals = vec![0u64; columns + 1];
    for (row, line) in cells.iter().enumerate() {
        if line.len() != columns {
            return Err(SecrecyError::Ragged {
                row,
                found: line.len(),
                expected: columns,
            });
        }
        let mut full = line.clone();
        full.push(line.iter().fold(0u64, |sum, n| sum.saturating_add(*n)));
        for (total, n) in totals.iter_mut().zip(&full) {
            *total = total.saturating_add(*n);
        }
        grid.push(full);
    }
    grid.push(totals);
    Ok(grid)
}

/// Publishes `cells` (rows of counts) with their margins under `threshold`: every figure
/// under it withheld (totals included), then as many others as needed so that none can be
/// recomputed.
pub fn publish(cells: &[Vec<u64>], threshold: u64) -> Result<Published, SecrecyError> {
    publish_with(
        cells,
        |_, _, n| n < threshold,
        |n| n > 0 && n < threshold,
        &[],
    )
}

/// [`publish`] with the primary cells chosen by `secret` (row and column in the grid with
/// margins, and the figure): a zero that describes nobody, say, or the complement of a share
/// under the threshold. Beyond the bridges, a line (row or column) whose total is published
/// must not have withheld cells that add up to a `small` count, in `cells` nor in any of the
/// `companions` (grids with margins of the same shape, counts that share the withheld
/// pattern: the complement of a share, denominator minus numerator): more cells of the line
/// are withheld until they do not.
pub fn publish_with(
    cells: &[Vec<u64>],
    secret: impl Fn(usize, usize, u64) -> bool,
    small: impl Fn(u64) -> bool,
    companions: &[Vec<Vec<u64>>],
) -> Result<Published, SecrecyError> {
    let grid = with_margins(cells)?;
    let (rows, columns) = (grid.len(), grid.first().map_or(0, Vec::len));
    let mut withheld: Vec<Vec<bool>> = grid
        .iter()
        .enumerate()
        .map(|(r, line)| {
            line.iter()
                .enumerate()
                .map(|(c, n)| secret(r, c, *n))
                .collect()
        })
        .collect();
    let primary = count(&withheld);
    // Each round withholds one cell at least, so at most every cell of the grid gets
    // withheld.
    for _ in 0..rows * columns + 1 {
        if let Some((row, column)) = bridges(&withheld).into_iter().next() {
            close_rectangle(&grid, &mut withheld, row, column);
            continue;
        }
        let exposed = std::iter::once(&grid)
            .chain(companions)
            .find_map(|values| exposed_line(values, &withheld, &small).map(|l| (values, l)));
        match exposed {
            Some((values, line)) => widen(values, &mut withheld, line, &small),
            None => break,
        }
    }
    let secondary = count(&withheld) - primary;
    let grid = grid
        .iter()
        .zip(&withheld)
        .map(|(line, hidden)| {
            line.iter()
                .zip(hidden)
                .map(|(n, hidden)| (!hidden).then_some(*n))
                .collect()
        })
        .collect();
    Ok(Published {
        grid,
        primary,
        secondary,
    })
}

/// A rate published only when its denominator is (and is not zero).
pub fn rate(numerator: Option<u64>, denominator: Option<u64>) -> Option<f64> {
    match (numerator, denominator) {
        (Some(n), Some(d)) if d > 0 => Some(n as f64 / d as f64),
        _ => None,
    }
}

/// Figures tied by equations — each line's members add up to its total — some withheld: the
/// linked tables of the same events cut two ways (by department, by occupation family)
/// share their totals, and what one publishes may give away what the other withholds. The
/// graph of [`publish_with`] reads one table; this reads any set of lines, by linear algebra:
/// a withheld figure can be recomputed when the published ones pin it down.
#[derive(Debug, Clone, Default)]
pub struct System {
    values: Vec<u64>,
    withheld: Vec<bool>,
    /// May be withheld to protect another (the figures of a table already published may not).
    free: Vec<bool>,
    /// Withheld for itself (a count under the threshold): it must not be recomputable. A free
    /// figure withheld but not secret is withheld only to protect others, and is published
    /// again when the published figures pin it down anyway.
    secret: Vec<bool>,
    lines: Vec<(Vec<usize>, usize)>,
}

impl System {
    /// A figure: its value, whether it is withheld (for itself: it must not be recomputable),
    /// whether more suppression may withhold it.
    pub fn figure(&mut self, value: u64, withheld: bool, free: bool) -> usize {
        self.figure_withheld_for(value, withheld, withheld, free)
    }

    /// [`System::figure`], withheld for itself (`secret`) or only to protect others.
    fn figure_withheld_for(
        &mut self,
        value: u64,
        withheld: bool,
        secret: bool,
        free: bool,
    ) -> usize {
        self.values.push(value);
        self.withheld.push(withheld || secret);
        self.secret.push(secret);
        self.free.push(free);
        self.values.len() - 1
    }

    /// An equation: the figures of `members` add up to the figure `total`.
    pub fn line(&mut self, members: Vec<usize>, total: usize) {
        self.lines.push((members, total));
    }

    pub fn is_withheld(&self, figure: usize) -> bool {
        self.withheld.get(figure).copied().unwrap_or(false)
    }

    /// Whether `figure` may be published again: free, and not withheld for itself.
    fn releasable(&self, figure: usize) -> bool {
        self.free.get(figure) == Some(&true) && self.secret.get(figure) == Some(&false)
    }

    /// The withheld figures the published ones pin down: in the reduced row echelon form of
    /// the equations over the withheld figures, a pivot whose row holds no other unknown.
    pub fn recomputable(&self) -> Vec<usize> {
        let unknowns: Vec<usize> = (0..self.values.len())
            .filter(|f| self.is_withheld(*f))
            .collect();
        let column: HashMap<usize, usize> =
            unknowns.iter().enumerate().map(|(c, f)| (*f, c)).collect();
        let mut rows: Vec<Vec<f64>> = self
            .lines
            .iter()
            .map(|(members, total)| {
                let mut row = vec![0.0f64; unknowns.len()];
                for (f, sign) in members.iter().map(|m| (m, 1.0f64)).chain([(total, -1.0)]) {
                    if let Some(x) = column.get(f).and_then(|c| row.get_mut(*c)) {
                        *x += sign;
                    }
                }
                row
            })
            .filter(|row| row.iter().any(|x| x.abs() > EPSILON))
            .collect();
        let pivots = reduce(&mut rows, unknowns.len());
        pivots
            .iter()
            .enumerate()
            .filter(|(r, pivot)| {
                rows.get(*r).is_some_and(|row| {
                    row.iter()
                        .enumerate()
                        .all(|(c, x)| c == **pivot || x.abs() <= EPSILON)
                })
            })
            .filter_map(|(_, pivot)| unknowns.get(*pivot).copied())
            .collect()
    }

    /// Withholds more free figures until no figure withheld for itself, nor any withheld of a
    /// table already published, can be recomputed beyond those of `already` (pinned down
    /// before this system's free figures came in, which no free figure can protect), and no
    /// line whose total is published has withheld members adding up to a `small` count: for
    /// each figure pinned down, the cheapest free one of its lines (the fewest people hidden
    /// but not none, then the first; a zero last, since under a published total it still
    /// bounds what it sits beside), else the cheapest anywhere.
    ///
    /// A free figure withheld only to protect another (by this, or by [`add_cut`] because a
    /// figure it adds up to is withheld) needs no protection itself; if what is published in
    /// the end pins it down, it is published: withholding it hides nothing, and publishing it
    /// tells nothing the reader could not work out, so every other figure stays as free.
    pub fn protect(&mut self, already: &[usize], small: impl Fn(u64) -> bool) {
        for _ in 0..=self.values.len() {
            let exposed: Vec<usize> = self
                .recomputable()
                .into_iter()
                .filter(|f| !already.contains(f))
                .filter(|f| !self.releasable(*f))
                .collect();
            let mut wanted: Vec<Vec<usize>> = exposed
                .iter()
                .map(|f| {
                    self.lines
                        .iter()
                        .filter(|(m, t)| t == f || m.contains(f))
                        .flat_map(|(m, t)| m.iter().chain([t]).copied())
                        .collect()
                })
                .collect();
            for (members, total) in &self.lines {
                let sum: u64 = members
                    .iter()
                    .filter(|m| self.is_withheld(**m))
                    .filter_map(|m| self.values.get(*m))
                    .sum();
                if !self.is_withheld(*total) && sum > 0 && small(sum) {
                    wanted.push(members.clone());
                }
            }
            if wanted.is_empty() {
                break;
            }
            let mut progressed = false;
            for among in wanted {
                let cheapest = |candidates: &mut dyn Iterator<Item = usize>| {
                    candidates
                        .filter(|f| self.free.get(*f) == Some(&true) && !self.is_withheld(*f))
                        .min_by_key(|f| {
                            // A zero hides nobody and bounds nothing: the last resort.
                            let n = self.values.get(*f).copied().unwrap_or(u64::MAX);
                            (n == 0, n, *f)
                        })
                };
                let chosen = cheapest(&mut among.into_iter())
                    .or_else(|| cheapest(&mut (0..self.values.len())));
                if let Some(slot) = chosen.and_then(|f| self.withheld.get_mut(f)) {
                    *slot = true;
                    progressed = true;
                }
            }
            if !progressed {
                break;
            }
        }
        let pinned: Vec<usize> = self
            .recomputable()
            .into_iter()
            .filter(|f| self.releasable(*f))
            .collect();
        for f in pinned {
            if let Some(w) = self.withheld.get_mut(f) {
                *w = false;
            }
        }
    }
}

/// Adds to `system` a published table (its grid with margins, the last line and column the
/// totals, and which of its figures are withheld) as fixed figures with its lines; the ids
/// of its grid.
pub fn add_published(
    system: &mut System,
    truth: &[Vec<u64>],
    withheld: &[Vec<bool>],
) -> Vec<Vec<usize>> {
    let ids: Vec<Vec<usize>> = truth
        .iter()
        .enumerate()
        .map(|(r, line)| {
            line.iter()
                .enumerate()
                .map(|(c, n)| {
                    let hidden = withheld
                        .get(r)
                        .and_then(|l| l.get(c))
                        .copied()
                        .unwrap_or(true);
                    system.figure(*n, hidden, false)
                })
                .collect()
        })
        .collect();
    let width = ids.first().map_or(0, Vec::len);
    for line in &ids {
        if let Some((total, members)) = line.split_last() {
            system.line(members.to_vec(), *total);
        }
    }
    if let Some((totals, rows)) = ids.split_last() {
        for c in 0..width {
            let members: Vec<usize> = rows.iter().filter_map(|l| l.get(c).copied()).collect();
            if let Some(total) = totals.get(c) {
                system.line(members, *total);
            }
        }
    }
    ids
}

/// Adds to `system` a cut of the events of a table already in it: `cells` (groups × the
/// table's columns, without margins) whose totals by column are the table's last line,
/// `totals` (ids, with the grand total last), and whose groups nest in some of the table's
/// lines: each of `parents` is the groups that make up one line exactly (the intercommunalities
/// of a department) and that line's ids. Free figures, withheld for themselves where
/// `primary` says, and withheld to protect others wherever a figure they add up to (a
/// column's total, a parent's) is withheld: then this cut leaves the table's withheld figures
/// as free as it found them, and so does any other cut of the same table, each protected on
/// its own — together they give nothing more away than each alone. Such a figure may still be
/// pinned down by another of its lines (a group that is its department alone equals the
/// department's figure, published though the column's total is withheld): it is not secret,
/// so [`System::protect`] publishes it rather than try to hide what the reader already
/// knows. The ids of the cut's grid (its lines, each with its total last).
pub fn add_cut(
    system: &mut System,
    totals: &[usize],
    parents: &[(Vec<usize>, Vec<usize>)],
    cells: &[Vec<u64>],
    primary: impl Fn(usize, usize, u64) -> bool,
) -> Vec<Vec<usize>> {
    let truth = with_margins(cells).unwrap_or_default();
    let ids: Vec<Vec<usize>> = truth
        .iter()
        .take(cells.len())
        .enumerate()
        .map(|(r, line)| {
            line.iter()
                .enumerate()
                .map(|(c, n)| {
                    let above_hidden = std::iter::once(totals.get(c))
                        .chain(
                            parents
                                .iter()
                                .filter(|(rows, _)| rows.contains(&r))
                                .map(|(_, ids)| ids.get(c)),
                        )
                        .flatten()
                        .any(|t| system.is_withheld(*t));
                    system.figure_withheld_for(*n, above_hidden, primary(r, c, *n), true)
                })
                .collect()
        })
        .collect();
    for line in &ids {
        if let Some((total, members)) = line.split_last() {
            system.line(members.to_vec(), *total);
        }
    }
    for (c, total) in totals.iter().enumerate() {
        let members: Vec<usize> = ids.iter().filter_map(|l| l.get(c).copied()).collect();
        system.line(members, *total);
    }
    for (rows, parent) in parents {
        for (c, total) in parent.iter().enumerate() {
            let members: Vec<usize> = rows
                .iter()
                .filter_map(|r| ids.get(*r).and_then(|l| l.get(c)).copied())
                .collect();
            system.line(members, *total);
        }
    }
    ids
}

/// Below it, an entry of the elimination is zero (they are small integers' combinations).
const EPSILON: f64 = 1e-9;

/// Brings `rows` (of `columns` entries) to reduced row echelon form, partial pivoting; the
/// pivot column of each leading row, in order.
fn reduce(rows: &mut [Vec<f64>], columns: usize) -> Vec<usize> {
    let mut pivots = Vec::new();
    for column in 0..columns {
        let rank = pivots.len();
        let best = (rank..rows.len())
            .filter_map(|r| Some((r, rows.get(r)?.get(column)?.abs())))
            .filter(|(_, x)| *x > EPSILON)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((pivot_row, _)) = best else {
            continue;
        };
        rows.swap(rank, pivot_row);
        let Some(head) = rows.get(rank).cloned() else {
            continue;
        };
        let lead = head.get(column).copied().unwrap_or(1.0);
        let head: Vec<f64> = head.iter().map(|x| x / lead).collect();
        for (r, row) in rows.iter_mut().enumerate() {
            if r == rank {
                row.clone_from(&head);
                continue;
            }
            let factor = row.get(column).copied().unwrap_or(0.0);
            if factor.abs() > EPSILON {
                for (x, h) in row.iter_mut().zip(&head) {
                    *x -= factor * h;
                }
            }
        }
        pivots.push(column);
    }
    pivots
}

/// A row (`true`) or a column of the grid, by its index.
type GridLine = (bool, usize);

/// The cells of a line, its total last.
fn line_cells(line: GridLine, rows: usize, columns: usize) -> Vec<(usize, usize)> {
    match line {
        (true, r) => (0..columns).map(|c| (r, c)).collect(),
        (false, c) => (0..rows).map(|r| (r, c)).collect(),
    }
}

/// A line whose total is published and whose withheld cells add up to a small count.
fn exposed_line(
    values: &[Vec<u64>],
    withheld: &[Vec<bool>],
    small: &impl Fn(u64) -> bool,
) -> Option<GridLine> {
    let (rows, columns) = (values.len(), values.first().map_or(0, Vec::len));
    let at = |g: &[Vec<u64>], (r, c): (usize, usize)| g.get(r).and_then(|l| l.get(c)).copied();
    let hidden = |(r, c): (usize, usize)| {
        withheld
            .get(r)
            .and_then(|l| l.get(c))
            .copied()
            .unwrap_or(false)
    };
    (0..rows)
        .map(|r| (true, r))
        .chain((0..columns).map(|c| (false, c)))
        .find(|&line| {
            let cells = line_cells(line, rows, columns);
            let Some((&total, inner)) = cells.split_last() else {
                return false;
            };
            let hidden_inner: Vec<u64> = inner
                .iter()
                .filter(|cell| hidden(**cell))
                .filter_map(|cell| at(values, *cell))
                .collect();
            !hidden(total)
                && !hidden_inner.is_empty()
                && small(hidden_inner.iter().fold(0u64, |s, n| s.saturating_add(*n)))
        })
}

/// Withholds more of `line`'s cells: the smallest that brings its withheld sum out of the
/// small counts, or else the largest and again; the total when none is left.
fn widen(
    values: &[Vec<u64>],
    withheld: &mut [Vec<bool>],
    line: GridLine,
    small: &impl Fn(u64) -> bool,
) {
    let (rows, columns) = (values.len(), values.first().map_or(0, Vec::len));
    let cells = line_cells(line, rows, columns);
    let Some((&total, inner)) = cells.split_last() else {
        return;
    };
    let value = |(r, c): (usize, usize)| values.get(r).and_then(|l| l.get(c)).copied().unwrap_or(0);
    let is_hidden = |w: &[Vec<bool>], (r, c): (usize, usize)| {
        w.get(r).and_then(|l| l.get(c)).copied().unwrap_or(false)
    };
    let sum: u64 = inner
        .iter()
        .filter(|cell| is_hidden(withheld, **cell))
        .map(|cell| value(*cell))
        .sum();
    let open: Vec<(usize, usize)> = inner
        .iter()
        .copied()
        .filter(|cell| !is_hidden(withheld, *cell))
        .collect();
    let enough = open
        .iter()
        .copied()
        .filter(|cell| !small(sum.saturating_add(value(*cell))))
        .min_by_key(|cell| value(*cell));
    let chosen = enough
        .or_else(|| open.iter().copied().max_by_key(|cell| value(*cell)))
        .unwrap_or(total);
    if let Some(slot) = withheld.get_mut(chosen.0).and_then(|l| l.get_mut(chosen.1)) {
        *slot = true;
    }
}

fn count(withheld: &[Vec<bool>]) -> usize {
    withheld.iter().flatten().filter(|w| **w).count()
}

/// Withholds the cheapest cells that, with the withheld cell at (`row`, `column`), make a
/// rectangle of withheld cells: another row and another column, whose three other corners
/// are withheld already or added. Cheapest: the fewest people newly hidden, then the fewest
/// cells, then the first in the grid's order.
fn close_rectangle(grid: &[Vec<u64>], withheld: &mut [Vec<bool>], row: usize, column: usize) {
    let cost = |withheld: &[Vec<bool>], r: usize, c: usize| -> (u64, usize) {
        let hidden = withheld
            .get(r)
            .and_then(|line| line.get(c))
            .copied()
            .unwrap_or(true);
        if hidden {
            (0, 0)
        } else {
            (grid.get(r).and_then(|l| l.get(c)).copied().unwrap_or(0), 1)
        }
    };
    let mut best: Option<((u64, usize), usize, usize)> = None;
    for (r, _) in grid.iter().enumerate().filter(|(r, _)| *r != row) {
        for c in (0..grid.first().map_or(0, Vec::len)).filter(|c| *c != column) {
            let corners = [(row, c), (r, column), (r, c)];
            let total = corners.iter().fold((0u64, 0usize), |sum, (r, c)| {
                let (people, cells) = cost(withheld, *r, *c);
                (sum.0.saturating_add(people), sum.1 + cells)
            });
            if best.is_none_or(|(cost, _, _)| total < cost) {
                best = Some((total, r, c));
            }
        }
    }
    if let Some((_, r, c)) = best {
        for (r, c) in [(row, c), (r, column), (r, c)] {
            if let Some(cell) = withheld.get_mut(r).and_then(|line| line.get_mut(c)) {
                *cell = true;
            }
        }
    }
}

/// The withheld cells no cycle passes through, in the grid's order: those a reader could
/// recompute. The graph: a node for each line of the grid (rows `0..R`, then columns), an
/// edge for each withheld cell; bridges found by depth-first search (Tarjan's low-links).
fn bridges(withheld: &[Vec<bool>]) -> Vec<(usize, usize)> {
    let rows = withheld.len();
    let columns = withheld.first().map_or(0, Vec::len);
    let nodes = rows + columns;
    // Edges by node: (neighbour, edge id); edge ids index `cells`.
    let mut cells = Vec::new();
    let mut adjacent: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nodes];
    for (r, line) in withheld.iter().enumerate() {
        for (c, hidden) in line.iter().enumerate() {
            if *hidden {
                let id = cells.len();
                cells.push((r, c));
                if let Some(list) = adjacent.get_mut(r) {
                    list.push((rows + c, id));
                }
                if let Some(list) = adjacent.get_mut(rows + c) {
                    list.push((r, id));
                }
            }
        }
    }
    let mut order = vec![usize::MAX; nodes];
    let mut low = vec![0usize; nodes];
    let mut is_bridge = vec![false; cells.len()];
    let mut next = 0usize;
    for start in 0..nodes {
        if order.get(start) != Some(&usize::MAX) {
            continue;
        }
        // Iterative depth-first search: (node, the edge it was reached by, next neighbour).
        let mut stack: Vec<(usize, Option<usize>, usize)> = vec![(start, None, 0)];
        if let (Some(o), Some(l)) = (order.get_mut(start), low.get_mut(start)) {
            *o = next;
            *l = next;
        }
        next += 1;
        while let Some(&mut (node, via, ref mut index)) = stack.last_mut() {
            let neighbour = adjacent
                .get(node)
                .and_then(|list| list.get(*index))
                .copied();
            *index += 1;
            match neighbour {
                Some((_, edge)) if Some(edge) == via => {}
                Some((to, _)) if order.get(to).is_some_and(|o| *o != usize::MAX) => {
                    let seen = order.get(to).copied().unwrap_or(usize::MAX);
                    if let Some(l) = low.get_mut(node) {
                        *l = (*l).min(seen);
                    }
                }
                Some((to, edge)) => {
                    if let (Some(o), Some(l)) = (order.get_mut(to), low.get_mut(to)) {
                        *o = next;
                        *l = next;
                    }
                    next += 1;
                    stack.push((to, Some(edge), 0));
                }
                None => {
                    stack.pop();
                    if let (Some(edge), Some(&(parent, _, _))) = (via, stack.last()) {
                        let child_low = low.get(node).copied().unwrap_or(0);
                        if let Some(l) = low.get_mut(parent) {
                            *l = (*l).min(child_low);
                        }
                        if child_low > order.get(parent).copied().unwrap_or(0)
                            && let Some(b) = is_bridge.get_mut(edge)
                        {
                            *b = true;
                        }
                    }
                }
            }
        }
    }
    cells
        .into_iter()
        .zip(is_bridge)
        .filter_map(|(cell, bridge)| bridge.then_some(cell))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn margins_are_the_sums() {
        let grid = with_margins(&[vec![1, 2], vec![3, 4]]).unwrap();
        assert_eq!(grid, vec![vec![1, 2, 3], vec![3, 4, 7], vec![4, 6, 10]]);
        assert_eq!(with_margins(&[]), Err(SecrecyError::Empty));
        assert_eq!(
            with_margins(&[vec![1, 2], vec![3]]),
            Err(SecrecyError::Ragged {
                row: 1,
                found: 1,
                expected: 2
            })
        );
    }

    #[test]
    fn a_table_over_the_threshold_is_published_whole() {
        let published = publish(&[vec![25, 30], vec![40, 50]], 20).unwrap();
        assert_eq!(published.primary + published.secondary, 0);
        assert_eq!(
            published.grid,
            vec![
                vec![Some(25), Some(30), Some(55)],
                vec![Some(40), Some(50), Some(90)],
                vec![Some(65), Some(80), Some(145)],
            ]
        );
    }

    #[test]
    fn a_small_count_alone_in_its_lines_takes_the_cheapest_rectangle_with_it() {
        // 5 is withheld; its row and column totals would give it back, so the cheapest
        // rectangle through it is withheld too: 30 (its row), 25 (its column) and 60.
        let published =
            publish(&[vec![5, 30, 100], vec![25, 60, 200], vec![90, 80, 70]], 20).unwrap();
        assert_eq!(published.primary, 1);
        assert_eq!(published.secondary, 3);
        assert_eq!(
            published.grid,
            vec![
                vec![None, None, Some(100), Some(135)],
                vec![None, None, Some(200), Some(285)],
                vec![Some(90), Some(80), Some(70), Some(240)],
                vec![Some(120), Some(170), Some(370), Some(660)],
            ]
        );
    }

    #[test]
    fn a_rate_needs_its_denominator() {
        assert_eq!(rate(Some(5), Some(20)), Some(0.25));
        assert_eq!(rate(Some(5), None), None);
        assert_eq!(rate(None, Some(20)), None);
        assert_eq!(rate(Some(0), Some(0)), None);
    }
}
