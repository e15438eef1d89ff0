//! Countdowns in words, styled by how close they are.

use crate::domain::countdown::{Band, Countdown, Unit};
use crate::i18n::{I18n, Msg};
use crate::theme::Theme;
use ratatui::style::Style;

/// `4d 03h`, `5h 12m`, `⚠ 3h 10m`, `⚠ 12m 05s`, `VENÇUT fa 2h`: each band reads differently
/// even without colour.
pub fn text(t: &I18n, c: Countdown) -> String {
    match c {
        Countdown::Days { days, hours } => format!("{days}d {hours:02}h"),
        Countdown::Hours {
            hours,
            minutes,
            band: Band::Under4h,
        } => format!("⚠ {hours}h {minutes:02}m"),
        Countdown::Hours { hours, minutes, .. } => format!("{hours}h {minutes:02}m"),
        Countdown::Minutes { minutes, seconds } => format!("⚠ {minutes}m {seconds:02}s"),
        Countdown::Overdue {
            amount: 0,
            unit: Unit::Minutes,
        } => t.t(Msg::overdue_now).to_string(),
        Countdown::Overdue { amount, unit } => t.f(
            Msg::overdue_by,
            &[("n", &format!("{amount}{}", unit_suffix(unit)))],
        ),
    }
}

/// The countdown in `width` columns: in full where it fits, else overdue ones
/// without the words between (`VENÇUT 2517d`), so the number keeps its unit.
pub fn fit(t: &I18n, c: Countdown, width: usize) -> String {
    let full = text(t, c);
    match c {
        Countdown::Overdue { amount, unit } if super::width(&full) > width && amount > 0 => t.f(
            Msg::overdue_short,
            &[("n", &format!("{amount}{}", unit_suffix(unit)))],
        ),
        _ => full,
    }
}

fn unit_suffix(unit: Unit) -> &'static str {
    match unit {
        Unit::Minutes => "m",
        Unit::Hours => "h",
        Unit::Days => "d",
    }
}

/// A deadline column: wide enough for every countdown of this language, the
/// longest overdue ones (27 years) in their short form, and for its header.
pub fn column_width(t: &I18n, header: &str) -> u16 {
    let overdue = t.f(Msg::overdue_short, &[("n", &"99999d")]);
    let now = t.t(Msg::overdue_now);
    super::column_width(14, [overdue.as_str(), now, t.t(Msg::no_deadline), header])
}

pub fn style(theme: &Theme, band: Band) -> Style {
    match band {
        Band::Over24h => theme.ok,
        Band::Under24h => theme.soon,
        Band::Under4h => theme.warn,
        Band::Overdue => theme.overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_band_has_its_own_colour() {
        let theme = crate::theme::Theme::pick(crate::theme::ThemeName::Dark, false);
        let bands = [Band::Over24h, Band::Under24h, Band::Under4h, Band::Overdue];
        let styles: Vec<_> = bands.iter().map(|&b| style(&theme, b)).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn a_narrow_column_keeps_the_unit_of_a_long_overdue() {
        let years = Countdown::Overdue {
            amount: 2517,
            unit: Unit::Days,
        };
        for lang in [Lang::Ca, Lang::Es, Lang::En] {
            let t = I18n::new(lang);
            let width = usize::from(column_width(&t, t.t(Msg::col_deadline)));
            let shown = fit(&t, years, width);
            assert!(shown.ends_with("2517d"), "{}: {shown}", lang.code());
            assert!(
                crate::widgets::width(&shown) <= width,
                "{}: {shown} in {width}",
                lang.code()
            );
            assert!(width <= 14, "{}: {width} columns", lang.code());
        }
        let ca = I18n::new(Lang::Ca);
        assert_eq!(fit(&ca, years, 14), "VENÇUT 2517d");
        let hours = Countdown::Overdue {
            amount: 2,
            unit: Unit::Hours,
        };
        assert_eq!(fit(&ca, hours, 14), "VENÇUT fa 2h", "in full where it fits");
    }

    #[test]
    fn every_band_has_its_own_words() {
        let ca = I18n::new(Lang::Ca);
        assert_eq!(text(&ca, Countdown::Days { days: 4, hours: 3 }), "4d 03h");
        assert_eq!(
            text(
                &ca,
                Countdown::Hours {
                    hours: 5,
                    minutes: 12,
                    band: Band::Under24h
                }
            ),
            "5h 12m"
        );
        assert_eq!(
            text(
                &ca,
                Countdown::Hours {
                    hours: 3,
                    minutes: 5,
                    band: Band::Under4h
                }
            ),
            "⚠ 3h 05m"
        );
        assert_eq!(
            text(
                &ca,
                Countdown::Minutes {
                    minutes: 12,
                    seconds: 5
                }
            ),
            "⚠ 12m 05s"
        );
        assert_eq!(
            text(
                &ca,
                Countdown::Overdue {
                    amount: 2,
                    unit: Unit::Hours
                }
            ),
            "VENÇUT fa 2h"
        );
        assert_eq!(
            text(
                &ca,
                Countdown::Overdue {
                    amount: 3,
                    unit: Unit::Days
                }
            ),
            "VENÇUT fa 3d"
        );
        assert_eq!(
            text(
                &I18n::new(Lang::Es),
                Countdown::Overdue {
                    amount: 3,
                    unit: Unit::Days
                }
            ),
            "VENCIDO hace 3d"
        );
        assert_eq!(
            text(
                &I18n::new(Lang::En),
                Countdown::Overdue {
                    amount: 3,
                    unit: Unit::Days
                }
            ),
            "OVERDUE by 3d"
        );
    }
}
