//! A small progress bar with its count, as in `▰▰▰▰▱▱ 8/12`.

/// The bar for `done` out of `total`, `cells` wide.
pub fn bar(done: usize, total: usize, cells: usize) -> String {
    let filled = (done * cells + total / 2).checked_div(total).unwrap_or(0);
    let filled = filled.min(cells);
    let mut out = String::with_capacity(cells * 3);
    out.extend(std::iter::repeat_n('▰', filled));
    out.extend(std::iter::repeat_n('▱', cells - filled));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_rounds_to_the_nearest_cell() {
        assert_eq!(bar(8, 12, 6), "▰▰▰▰▱▱");
        assert_eq!(bar(0, 12, 6), "▱▱▱▱▱▱");
        assert_eq!(bar(12, 12, 6), "▰▰▰▰▰▰");
        assert_eq!(bar(1, 12, 6), "▰▱▱▱▱▱");
        assert_eq!(bar(0, 0, 3), "▱▱▱");
    }
}
