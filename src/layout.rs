//! Screen sizes both the state and the drawing need: the state refuses keys in a
//! window too small to show them, and opens the detail beside or instead of the table.

/// The smallest terminal the dashboard draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The width from which the detail pane sits beside the table.
pub const WIDE: u16 = 120;
