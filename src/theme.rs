//! Named styles. The default uses only the 16 basic colours, so it follows the
//! terminal's own palette on dark and light backgrounds; the no-colour theme
//! sends no colour at all and marks things with bold and reverse video.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    NoColour,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
    pub title: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub table_header: Style,
    pub selected: Style,
    pub dim: Style,
    pub border: Style,
    pub popup_border: Style,
    pub key: Style,
    pub status: Style,
    pub ok: Style,
    pub warn: Style,
    /// Due within a day: between "fine" and the bold warning of the last hours.
    pub soon: Style,
    pub error: Style,
    /// A deadline passed: red where there is colour (the row's words say it too,
    /// and no bold keeps a cursor move within two rows' text), bold without.
    pub overdue: Style,
    /// A T-CAT P to be delivered by the council, and one to be downloaded by its holder.
    pub deliver: Style,
    pub download: Style,
}

impl Theme {
    /// The theme to use: `NO_COLOR` (any value) wins over the configuration.
    pub fn pick(name: ThemeName, no_color_env: bool) -> Theme {
        if no_color_env {
            return Theme::no_colour();
        }
        match name {
            ThemeName::Dark => Theme::basic(Color::Cyan, Color::Yellow),
            ThemeName::Light => Theme::basic(Color::Blue, Color::Magenta),
            ThemeName::NoColour => Theme::no_colour(),
        }
    }

    /// Built on the basic colours only; the accent differs so each reads on its background.
    fn basic(accent: Color, highlight: Color) -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            colour: true,
            title: bold.fg(accent),
            tab: Style::new(),
            tab_active: bold.add_modifier(Modifier::REVERSED),
            table_header: bold.fg(accent),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new().add_modifier(Modifier::DIM),
            border: Style::new().fg(accent),
            popup_border: Style::new().fg(highlight),
            key: bold.fg(highlight),
            status: Style::new(),
            ok: Style::new().fg(Color::Green),
            warn: bold.fg(Color::Yellow),
            soon: Style::new().fg(Color::Yellow),
            error: bold.fg(Color::Red),
            overdue: Style::new().fg(Color::Red),
            deliver: Style::new().fg(Color::Magenta),
            download: Style::new().fg(Color::Blue),
        }
    }

    fn no_colour() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            colour: false,
            title: bold,
            tab: Style::new(),
            tab_active: bold.add_modifier(Modifier::REVERSED),
            table_header: bold.add_modifier(Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new(),
            border: Style::new(),
            popup_border: bold,
            key: bold,
            status: Style::new(),
            ok: Style::new(),
            warn: bold,
            soon: Style::new(),
            error: bold,
            overdue: bold,
            deliver: Style::new(),
            download: Style::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(t: &Theme) -> Vec<Style> {
        vec![
            t.title,
            t.tab,
            t.tab_active,
            t.table_header,
            t.selected,
            t.dim,
            t.border,
            t.popup_border,
            t.key,
            t.status,
            t.ok,
            t.warn,
            t.soon,
            t.error,
            t.overdue,
            t.deliver,
            t.download,
        ]
    }

    #[test]
    fn no_color_sends_no_colour_and_keeps_the_selection_visible() {
        let t = Theme::pick(ThemeName::Dark, true);
        assert!(styles(&t).iter().all(|s| s.fg.is_none() && s.bg.is_none()));
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn colour_themes_use_only_the_16_basic_colours() {
        for name in [ThemeName::Dark, ThemeName::Light] {
            for s in styles(&Theme::pick(name, false)) {
                for c in [s.fg, s.bg].into_iter().flatten() {
                    assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
                }
            }
        }
    }
}
