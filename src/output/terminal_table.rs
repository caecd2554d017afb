//! The terminal's tables, drawn by comfy-table without borders: each column as wide as its
//! widest cell, numbers right-aligned, two spaces between columns and two before the first,
//! no trailing spaces. Sections of the dashboard, `compare` and `sweep` put their rows here
//! instead of counting widths by hand, so a long channel name widens its column rather than
//! pushing the rest out of line.

use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// `rows` under `headings` (each with its alignment), as lines of text ending in a newline.
pub fn aligned_table(headings: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let mut table = Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(headings.iter().map(|(heading, _)| *heading));
    for row in rows {
        table.add_row(row);
    }
    for (column, (_, align)) in table.column_iter_mut().zip(headings) {
        column.set_padding((0, 2));
        column.set_cell_alignment(match align {
            Align::Left => CellAlignment::Left,
            Align::Right => CellAlignment::Right,
        });
        column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(1)));
    }
    let mut text = String::new();
    for line in table.lines() {
        text.push_str("  ");
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_fit_their_widest_cell_and_numbers_align_right() {
        let text = aligned_table(
            &[("channel", Align::Left), ("SLA", Align::Right)],
            &[
                vec!["a_very_long_channel_name".into(), "80.0%".into()],
                vec!["sms".into(), "100.0%".into()],
            ],
        );
        assert_eq!(
            text,
            "  channel                      SLA\n  \
             a_very_long_channel_name   80.0%\n  \
             sms                       100.0%\n"
        );
    }
}
