//! Every visible string, in Catalan (the default), Spanish and English.
//!
//! Keys are the `Msg` enum, so a typo is a compile error; texts live in one TOML
//! file per language under `assets/i18n`, and a test checks that every language
//! has every key.

mod keys;
pub mod system;
pub mod words;

pub use keys::Msg;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ca,
    Es,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ca => "ca",
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// The language a POSIX locale such as `es_ES.UTF-8` asks for, if we have it.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let code = locale.split(['_', '.', '@', '-']).next()?.to_ascii_lowercase();
        match code.as_str() {
            "ca" => Some(Lang::Ca),
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Ca => include_str!("../../assets/i18n/ca.toml"),
            Lang::Es => include_str!("../../assets/i18n/es.toml"),
            Lang::En => include_str!("../../assets/i18n/en.toml"),
        }
    }
}

/// The loaded catalogue of one language.
#[derive(Debug, Clone)]
pub struct I18n {
    lang: Lang,
    texts: Vec<String>,
    /// The singular of a count message (`key_one` in the catalogue; `texts`
    /// holds `key_other`), for `n`.
    ones: Vec<Option<String>>,
}

/// The catalogue's keys for the singular and plural of a count message.
fn plural_keys(key: &str) -> (String, String) {
    (format!("{key}_one"), format!("{key}_other"))
}

fn parse(lang: Lang) -> HashMap<String, String> {
    // The catalogues are embedded and checked by tests; an unreadable one falls
    // back to key names rather than stopping the program.
    toml::from_str(lang.source()).unwrap_or_default()
}

impl I18n {
    pub fn new(lang: Lang) -> I18n {
        let mut table = parse(lang);
        let mut fallback = (lang != Lang::Ca).then(|| parse(Lang::Ca));
        let mut take = |key: &str| {
            table
                .remove(key)
                .or_else(|| fallback.as_mut().and_then(|f| f.remove(key)))
        };
        let mut texts = Vec::with_capacity(Msg::ALL.len());
        let mut ones = Vec::with_capacity(Msg::ALL.len());
        for m in Msg::ALL {
            let (one, other) = plural_keys(m.key());
            let one = take(&one);
            let text = take(m.key()).or_else(|| take(&other));
            texts.push(text.unwrap_or_else(|| m.key().to_string()));
            ones.push(one);
        }
        I18n { lang, texts, ones }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn t(&self, msg: Msg) -> &str {
        &self.texts[msg as usize]
    }

    /// The text with each `{name}` replaced by its value.
    pub fn f(&self, msg: Msg, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut out = self.t(msg).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }

    /// A count message with `n` in it: the singular for one (`1 fila`), the
    /// plural otherwise (`3 files`), `n` grouped as `int` does.
    pub fn n(&self, msg: Msg, n: usize) -> String {
        self.nf(msg, n, &[])
    }

    /// A count message with `n` and other placeholders.
    pub fn nf(&self, msg: Msg, n: usize, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let text = match &self.ones[msg as usize] {
            Some(one) if n == 1 => one.as_str(),
            _ => self.t(msg),
        };
        let mut out = text.replace("{n}", &self.int(n as u64));
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }

    /// "de" and a name as Catalan writes them: `d'Anna`, `d'Hug`, `de Joan`,
    /// `de Iolanda` (i/u before a vowel is a consonant). Messages take it as
    /// `{de_NAME}` in Catalan; the other languages word it themselves.
    pub fn de(&self, name: &str) -> String {
        if self.lang == Lang::Ca && elides(name) {
            format!("d'{name}")
        } else {
            format!("de {name}")
        }
    }

    /// Whether `msg` has a singular and a plural.
    pub fn is_plural(&self, msg: Msg) -> bool {
        self.ones[msg as usize].is_some()
    }

    /// A date as people write it: 26/11/2026 (ISO in English, which has no single order).
    pub fn date(&self, date: chrono::NaiveDate) -> String {
        match self.lang {
            Lang::En => date.format("%Y-%m-%d").to_string(),
            Lang::Ca | Lang::Es => date.format("%d/%m/%Y").to_string(),
        }
    }

    /// A time of day on a date, as the language writes dates: 26/11/2026 10:30.
    pub fn datetime(&self, at: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
        let local = at.with_timezone(&tz);
        format!("{} {}", self.date(local.date_naive()), local.format("%H:%M"))
    }

    /// A deadline as the promise is worded: the end of a day is "24:00" of that
    /// day, not "00:00" of the next ("15/12/2026 24:00").
    pub fn deadline(&self, at: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
        use chrono::Timelike;
        let local = at.with_timezone(&tz);
        let (date, time) = if local.hour() == 0 && local.minute() == 0 {
            (
                local.date_naive().pred_opt().unwrap_or(local.date_naive()),
                "24:00".to_string(),
            )
        } else {
            (local.date_naive(), local.format("%H:%M").to_string())
        };
        format!("{} {time}", self.date(date))
    }

    /// Formats an integer with the language's thousands separator (17.729 / 17,729).
    pub fn int(&self, n: u64) -> String {
        let sep = if self.lang == Lang::En { ',' } else { '.' };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
}

/// Whether Catalan elides "de" before `word`: a vowel, or h and a vowel, but not
/// i or u before a vowel (`de iogurt`, `de Huelva`).
fn elides(word: &str) -> bool {
    let folded = crate::domain::search::fold(word);
    let mut chars = folded.chars().peekable();
    if chars.peek() == Some(&'h') {
        chars.next();
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    match (chars.next(), chars.next()) {
        (Some('i' | 'u'), Some(next)) if vowel(next) => false,
        (Some(first), _) => vowel(first),
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn de_elides_before_a_vowel_or_h_and_a_vowel_in_catalan_only() {
        let ca = I18n::new(Lang::Ca);
        assert_eq!(ca.de("Anna Roca"), "d'Anna Roca");
        assert_eq!(ca.de("Èric"), "d'Èric");
        assert_eq!(ca.de("Hug"), "d'Hug");
        assert_eq!(ca.de("estat.csv:2"), "d'estat.csv:2");
        assert_eq!(ca.de("Joan"), "de Joan");
        assert_eq!(ca.de("Iolanda"), "de Iolanda");
        assert_eq!(ca.de("Huelva"), "de Huelva");
        assert_eq!(ca.de("Ignasi"), "d'Ignasi");
        assert_eq!(I18n::new(Lang::Es).de("Anna"), "de Anna");
    }

    #[test]
    fn counts_of_one_are_singular_in_every_language() {
        let one = |lang, msg| I18n::new(lang).n(msg, 1);
        assert_eq!(one(Lang::Ca, Msg::svc_count_added), "1 servei nou");
        assert_eq!(one(Lang::Es, Msg::count_attendees), "1 asistente");
        assert_eq!(one(Lang::En, Msg::today_working_days), "1 working day");
        assert_eq!(
            I18n::new(Lang::En).n(Msg::today_working_days, 2),
            "2 working days"
        );
        for lang in [Lang::Ca, Lang::Es, Lang::En] {
            let t = I18n::new(lang);
            for msg in [
                Msg::svc_count_added,
                Msg::svc_count_retired,
                Msg::svc_count_columns,
                Msg::count_attendees,
                Msg::act_ticked,
                Msg::handover_revoked,
                Msg::live_changed_more,
                Msg::act_form_contacts,
                Msg::today_working_days,
                Msg::prompt_tick_training,
                Msg::handover_question,
            ] {
                // `counts_take_the_singular_for_one_in_every_language` checks the forms differ.
                assert!(t.is_plural(msg), "{} in {}", msg.key(), lang.code());
            }
        }
    }

    /// The catalogue's keys with each count message's `_one`/`_other` pair
    /// folded into its own key, and the count messages found.
    fn catalogue_keys(table: &HashMap<String, String>) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut keys = BTreeSet::new();
        let mut plurals = BTreeSet::new();
        for key in table.keys() {
            let base = key.strip_suffix("_one").or_else(|| key.strip_suffix("_other"));
            match base {
                Some(base) if Msg::ALL.iter().any(|m| m.key() == base) => {
                    let (one, other) = plural_keys(base);
                    assert!(
                        table.contains_key(&one) && table.contains_key(&other),
                        "{base} needs both _one and _other"
                    );
                    assert!(
                        !table.contains_key(base),
                        "{base} is both a count message and not"
                    );
                    keys.insert(base.to_string());
                    plurals.insert(base.to_string());
                }
                _ => {
                    keys.insert(key.clone());
                }
            }
        }
        (keys, plurals)
    }

    #[test]
    fn every_language_has_every_key_and_no_other() {
        let expected: BTreeSet<String> = Msg::ALL.iter().map(|m| m.key().to_string()).collect();
        let mut plural_sets = Vec::new();
        for lang in [Lang::Ca, Lang::Es, Lang::En] {
            let table: HashMap<String, String> = toml::from_str(lang.source())
                .unwrap_or_else(|e| panic!("{} catalogue does not parse: {e}", lang.code()));
            let (found, plurals) = catalogue_keys(&table);
            let missing: Vec<_> = expected.difference(&found).collect();
            let extra: Vec<_> = found.difference(&expected).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
            assert!(extra.is_empty(), "{} has unknown keys {extra:?}", lang.code());
            assert!(
                table.values().all(|v| !v.trim().is_empty()),
                "{} has an empty text",
                lang.code()
            );
            plural_sets.push(plurals);
        }
        assert_eq!(plural_sets[0], plural_sets[1], "es counts as ca does");
        assert_eq!(plural_sets[0], plural_sets[2], "en counts as ca does");
    }

    #[test]
    fn counts_take_the_singular_for_one_in_every_language() {
        let cases = [
            (
                Lang::Ca,
                Msg::exported_view,
                "Exportat a f.csv (1 fila).",
                "Exportat a f.csv (3 files).",
            ),
            (
                Lang::Es,
                Msg::exported_view,
                "Exportado a f.csv (1 fila).",
                "Exportado a f.csv (3 filas).",
            ),
            (
                Lang::En,
                Msg::exported_view,
                "Exported to f.csv (1 row).",
                "Exported to f.csv (3 rows).",
            ),
        ];
        for (lang, msg, one, three) in cases {
            let t = I18n::new(lang);
            assert_eq!(t.nf(msg, 1, &[("file", &"f.csv")]), one);
            assert_eq!(t.nf(msg, 3, &[("file", &"f.csv")]), three);
        }
        let ca = I18n::new(Lang::Ca);
        assert!(
            ca.n(Msg::import_cleaned, 1).ends_with("d'1 cel·la"),
            "{}",
            ca.n(Msg::import_cleaned, 1)
        );
        assert!(ca.n(Msg::unsaved_written, 1).contains("el canvi pendent ja és"));
        assert_eq!(ca.n(Msg::count_councils, 1), "1 municipi");
        assert_eq!(ca.n(Msg::count_councils, 1234), "1.234 municipis");
        // Every count message, in every language: the singular names one, the plural n.
        for lang in [Lang::Ca, Lang::Es, Lang::En] {
            let t = I18n::new(lang);
            for &m in Msg::ALL.iter().filter(|&&m| t.is_plural(m)) {
                let one = t.n(m, 1);
                let two = t.n(m, 2);
                assert_ne!(
                    one.replace('1', "2"),
                    two,
                    "{} {}: the singular is the plural",
                    lang.code(),
                    m.key()
                );
            }
        }
    }

    #[test]
    fn placeholders_match_across_languages() {
        let placeholders = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
                // Catalan's `{de_holder}` (`d'Anna`) is another language's "de {holder}".
                .map(|n| n.strip_prefix("de_").map_or(n.clone(), str::to_string))
                .collect()
        };
        let ca = I18n::new(Lang::Ca);
        for lang in [Lang::Es, Lang::En] {
            let other = I18n::new(lang);
            for m in Msg::ALL {
                assert_eq!(
                    placeholders(ca.t(*m)),
                    placeholders(other.t(*m)),
                    "{} in {}",
                    m.key(),
                    lang.code()
                );
                if let (Some(a), Some(b)) = (&ca.ones[*m as usize], &other.ones[*m as usize]) {
                    let (mut a, mut b) = (placeholders(a), placeholders(b));
                    // The singular may spell the one out ("el canvi pendent").
                    a.remove("n");
                    b.remove("n");
                    assert_eq!(a, b, "{}_one in {}", m.key(), lang.code());
                }
            }
        }
    }

    #[test]
    fn formatting_fills_placeholders_and_groups_digits() {
        let ca = I18n::new(Lang::Ca);
        assert_eq!(ca.int(17729), "17.729");
        let tz = chrono_tz::Europe::Madrid;
        let midnight: chrono::DateTime<chrono::Utc> = "2026-12-14T23:00:00Z".parse().unwrap();
        assert_eq!(ca.deadline(midnight, tz), "14/12/2026 24:00");
        let ten: chrono::DateTime<chrono::Utc> = "2026-12-09T09:00:00Z".parse().unwrap();
        assert_eq!(I18n::new(Lang::En).deadline(ten, tz), "2026-12-09 10:00");
        assert_eq!(ca.datetime(ten, tz), "09/12/2026 10:00");
        assert_eq!(ca.datetime(midnight, tz), "15/12/2026 00:00");
        assert_eq!(I18n::new(Lang::Es).datetime(ten, tz), "09/12/2026 10:00");
        assert_eq!(I18n::new(Lang::En).datetime(ten, tz), "2026-12-09 10:00");
        assert_eq!(ca.int(479), "479");
        assert_eq!(I18n::new(Lang::En).int(1234567), "1,234,567");
        assert_eq!(ca.t(Msg::tab_municipalities), "Municipis");
        assert_eq!(I18n::new(Lang::Es).t(Msg::tab_municipalities), "Municipios");
    }

    #[test]
    fn locales_pick_a_language() {
        assert_eq!(Lang::from_locale("es_ES.UTF-8"), Some(Lang::Es));
        assert_eq!(Lang::from_locale("ca_ES@valencia"), Some(Lang::Ca));
        assert_eq!(Lang::from_locale("C"), None);
    }
}
