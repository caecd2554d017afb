//! `Grid`: a rectangular table in one allocation, indexed by (row, column): counters per
//! (channel, interval) and (group, interval), handoffs per (channel, channel), work per
//! (group, channel), a plan's outcomes per (channel, interval). The one place that knows
//! how a pair of indices becomes an offset.

use std::ops::{Index, IndexMut, Range};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid<T> {
    n_columns: usize,
    cells: Vec<T>,
}

impl<T: Clone> Grid<T> {
    /// `n_rows` x `n_columns` copies of `value`.
    pub fn filled(n_rows: usize, n_columns: usize, value: T) -> Grid<T> {
        Grid {
            n_columns,
            cells: vec![value; n_rows * n_columns],
        }
    }
}

impl<T: Clone + Default> Grid<T> {
    /// `n_rows` x `n_columns` default values.
    pub fn new(n_rows: usize, n_columns: usize) -> Grid<T> {
        Grid::filled(n_rows, n_columns, T::default())
    }

    /// `Grid::new(n_rows, n_columns)` in this grid's memory when it has that shape (its
    /// cells reset to the default, with no new allocation), else a new grid.
    pub fn reset_to(mut self, n_rows: usize, n_columns: usize) -> Grid<T> {
        if self.n_columns == n_columns && self.cells.len() == n_rows * n_columns {
            self.cells.fill(T::default());
            self
        } else {
            Grid::new(n_rows, n_columns)
        }
    }
}

impl<T> Grid<T> {
    pub fn n_rows(&self) -> usize {
        self.cells.len().checked_div(self.n_columns).unwrap_or(0)
    }

    pub fn n_columns(&self) -> usize {
        self.n_columns
    }

    /// Every cell of one row, in column order.
    pub fn row(&self, row: usize) -> &[T] {
        &self.cells[row * self.n_columns..(row + 1) * self.n_columns]
    }

    /// The cells of one row in a range of columns (a span of intervals).
    pub fn span(&self, row: usize, columns: Range<usize>) -> &[T] {
        &self.row(row)[columns]
    }

    /// Every cell, row after row.
    pub fn cells(&self) -> &[T] {
        &self.cells
    }

    /// Every cell, row after row.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.cells.iter()
    }

    /// Every cell mutably, row after row.
    pub fn cells_mut(&mut self) -> &mut [T] {
        &mut self.cells
    }
}

impl<T> Default for Grid<T> {
    /// An empty grid.
    fn default() -> Grid<T> {
        Grid {
            n_columns: 0,
            cells: Vec::new(),
        }
    }
}

impl<'a, T> IntoIterator for &'a Grid<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.cells.iter()
    }
}

impl<T> Index<(usize, usize)> for Grid<T> {
    type Output = T;

    #[inline]
    fn index(&self, (row, column): (usize, usize)) -> &T {
        debug_assert!(column < self.n_columns);
        &self.cells[row * self.n_columns + column]
    }
}

impl<T> IndexMut<(usize, usize)> for Grid<T> {
    #[inline]
    fn index_mut(&mut self, (row, column): (usize, usize)) -> &mut T {
        debug_assert!(column < self.n_columns);
        &mut self.cells[row * self.n_columns + column]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_grid_is_a_new_one() {
        let mut grid: Grid<u32> = Grid::new(2, 3);
        grid[(1, 2)] = 7;
        assert_eq!(grid.clone().reset_to(2, 3), Grid::new(2, 3));
        assert_eq!(grid.clone().reset_to(3, 2), Grid::new(3, 2));
        assert_eq!(grid.reset_to(0, 0), Grid::new(0, 0));
    }

    #[test]
    fn cells_are_row_major() {
        let mut grid: Grid<u32> = Grid::new(3, 4);
        grid[(1, 2)] = 7;
        grid[(2, 0)] = 9;
        assert_eq!((grid.n_rows(), grid.n_columns()), (3, 4));
        assert_eq!(grid.row(1), &[0, 0, 7, 0]);
        assert_eq!(grid.span(1, 2..4), &[7, 0]);
        assert_eq!(grid.cells()[8], 9);
        assert_eq!(Grid::<u8>::new(0, 5).n_rows(), 0);
    }
}
