//! Key bindings: the embedded defaults, merged with the user's overrides.

use crate::app::action::{Action, Context};
use crate::config::KeyOverrides;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// One key with its modifiers, as written in the keymap ("ctrl-r", "S", "f1").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeySpec {
    pub fn parse(text: &str) -> Option<KeySpec> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if lower.starts_with("ctrl-") && rest.len() > 5 {
                ctrl = true;
                rest = &rest[5..];
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "shift-tab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "delete" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok().filter(|n| (1..=12).contains(n))?),
                _ => return None,
            },
        };
        Some(KeySpec { code, ctrl, alt })
    }

    /// True if the event is this key. Shift is part of the character ("S"), so it is ignored.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        if event.kind == KeyEventKind::Release {
            return false;
        }
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        code == self.code && ctrl == self.ctrl && alt == self.alt
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A keymap that cannot be used, with the binding at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("keys.{0}: unknown context")]
    UnknownContext(String),
    #[error("keys.{context}.{action}: unknown action")]
    UnknownAction { context: String, action: String },
    #[error("keys.{context}.{action}: cannot read the key {key:?}")]
    BadKey {
        context: String,
        action: String,
        key: String,
    },
    #[error("keys.{context}.{action}: {key} discards data and may not be a Ctrl key")]
    DestructiveCtrl {
        context: String,
        action: String,
        key: String,
    },
    #[error("keys.global.quit: {0}")]
    NoWayOut(&'static str),
    #[error("keys.{context}: {key} is bound to both {first} and {second}")]
    Clash {
        context: String,
        key: String,
        first: String,
        second: String,
    },
}

impl KeymapError {
    /// The dotted names of the bindings at fault, as a configuration writes
    /// them (both of a clash: either may be the one written).
    pub fn bindings(&self) -> Vec<String> {
        match self {
            KeymapError::UnknownContext(context) => vec![format!("keys.{context}")],
            KeymapError::UnknownAction { context, action }
            | KeymapError::BadKey { context, action, .. }
            | KeymapError::DestructiveCtrl { context, action, .. } => {
                vec![format!("keys.{context}.{action}")]
            }
            KeymapError::NoWayOut(_) => vec!["keys.global.quit".to_string()],
            KeymapError::Clash {
                context,
                first,
                second,
                ..
            } => {
                // Across contexts the first is named with its own (`global.quit`).
                let first = match first.contains('.') {
                    true => format!("keys.{first}"),
                    false => format!("keys.{context}.{first}"),
                };
                vec![format!("keys.{context}.{second}"), first]
            }
        }
    }

    /// The binding at fault and what is wrong with it, in the user's language.
    pub fn localize(&self, t: &crate::i18n::I18n) -> String {
        use crate::i18n::Msg;
        match self {
            KeymapError::UnknownContext(context) => t.f(
                Msg::km_unknown_context,
                &[
                    ("context", context),
                    (
                        "contexts",
                        &"global, table, municipalities, rollout, checklist, certificates, activity, today",
                    ),
                ],
            ),
            KeymapError::UnknownAction { context, action } => t.f(
                Msg::km_unknown_action,
                &[("context", context), ("action", action)],
            ),
            KeymapError::BadKey { context, action, key } => t.f(
                Msg::km_bad_key,
                &[("context", context), ("action", action), ("key", key)],
            ),
            KeymapError::DestructiveCtrl { context, action, key } => t.f(
                Msg::km_destructive_ctrl,
                &[("context", context), ("action", action), ("key", key)],
            ),
            KeymapError::NoWayOut(why) if why.starts_with("Esc") => t.t(Msg::km_esc_quit).to_string(),
            KeymapError::NoWayOut(_) => t.t(Msg::km_no_key).to_string(),
            KeymapError::Clash {
                context,
                key,
                first,
                second,
            } => t.f(
                Msg::km_clash,
                &[
                    ("context", context),
                    ("key", key),
                    ("first", first),
                    ("second", second),
                ],
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub context: Context,
    pub action: Action,
    pub name: String,
    pub keys: Vec<KeySpec>,
    /// Set by the user's configuration rather than the defaults.
    user: bool,
}

/// Default keys added after users may have written their keymaps: `(action, key)`.
/// A user's binding of the same key wins, with a warning at start, instead of
/// the keymap being refused. Each new default key goes here.
const NEWER_DEFAULTS: &[(&str, &str)] = &[
    ("messages", "m"),
    ("tab_activity", "4"),
    ("log_call", "L"),
    ("tab_today", "0"),
    ("revoke", "x"),
    ("mark_row", "space"),
    ("check_appointment", "p"),
    ("operators", "o"),
    ("messages", "f2"),
];

/// A user's binding that keeps a key a newer default also uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapWarning {
    /// Where the user's binding is, as written: `keys.municipalities.edit`.
    pub binding: String,
    pub key: String,
    /// The default action that gave the key up there.
    pub default: String,
}

impl KeymapWarning {
    pub fn localize(&self, t: &crate::i18n::I18n) -> String {
        t.f(
            crate::i18n::Msg::keymap_yields,
            &[
                ("binding", &self.binding),
                ("key", &self.key),
                ("default", &self.default),
            ],
        )
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
    warnings: Vec<KeymapWarning>,
}

/// Whether `key` is one a later version gave `action` by default.
fn is_newer_default(action: &str, key: &KeySpec) -> bool {
    NEWER_DEFAULTS
        .iter()
        .any(|(a, k)| *a == action && KeySpec::parse(k).as_ref() == Some(key))
}

/// Whether `binding` holds `key` only as a newer default.
fn newer_default(binding: &Binding, key: &KeySpec) -> bool {
    !binding.user && is_newer_default(&binding.name, key)
}

type Table = BTreeMap<String, BTreeMap<String, Vec<String>>>;

impl Keymap {
    /// The defaults of `assets/keymap.toml` with `overrides` merged in.
    pub fn new(overrides: &KeyOverrides) -> Result<Keymap, KeymapError> {
        let mut table: Table = toml::from_str(crate::assets::KEYMAP_TOML).unwrap_or_default();
        for (context, actions) in overrides {
            let entry = table
                .get_mut(context)
                .ok_or_else(|| KeymapError::UnknownContext(context.clone()))?;
            for (action, keys) in actions {
                entry.insert(action.clone(), keys.clone());
            }
        }
        let mut bindings = Vec::new();
        let mut warnings = Vec::new();
        for (context_name, actions) in &table {
            let context: Context = deserialize_name(context_name)
                .ok_or_else(|| KeymapError::UnknownContext(context_name.clone()))?;
            let mut seen: Vec<(KeySpec, String)> = Vec::new();
            let user_actions = overrides.get(context_name);
            // The keys the user bound here: a newer default gives them up.
            let user_keys: Vec<(KeySpec, &String)> = user_actions
                .into_iter()
                .flatten()
                .flat_map(|(action, keys)| {
                    keys.iter()
                        .filter_map(move |k| Some((KeySpec::parse(k)?, action)))
                })
                .collect();
            for (action_name, key_names) in actions {
                let user = user_actions.is_some_and(|a| a.contains_key(action_name));
                let action: Action =
                    deserialize_name(action_name).ok_or_else(|| KeymapError::UnknownAction {
                        context: context_name.clone(),
                        action: action_name.clone(),
                    })?;
                let mut keys = Vec::new();
                for key_name in key_names {
                    let key = KeySpec::parse(key_name).ok_or_else(|| KeymapError::BadKey {
                        context: context_name.clone(),
                        action: action_name.clone(),
                        key: key_name.clone(),
                    })?;
                    if key.ctrl && action.is_destructive() {
                        return Err(KeymapError::DestructiveCtrl {
                            context: context_name.clone(),
                            action: action_name.clone(),
                            key: key.to_string(),
                        });
                    }
                    let newer = !user && is_newer_default(action_name, &key);
                    if let Some((_, by)) = user_keys.iter().find(|(k, _)| newer && *k == key) {
                        warnings.push(KeymapWarning {
                            binding: format!("keys.{context_name}.{by}"),
                            key: key.to_string(),
                            default: format!("{context_name}.{action_name}"),
                        });
                        continue;
                    }
                    if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                        return Err(KeymapError::Clash {
                            context: context_name.clone(),
                            key: key.to_string(),
                            first: first.clone(),
                            second: action_name.clone(),
                        });
                    }
                    seen.push((key, action_name.clone()));
                    keys.push(key);
                }
                bindings.push(Binding {
                    context,
                    action,
                    name: action_name.clone(),
                    keys,
                    user,
                });
            }
        }
        bindings.sort_by_key(|b| (b.context, b.action));
        let quit = bindings.iter().find(|b| b.action == Action::Quit);
        let quit_keys = quit.map_or(&[][..], |b| &b.keys[..]);
        if quit_keys.is_empty() {
            return Err(KeymapError::NoWayOut("needs at least one key"));
        }
        if quit_keys.iter().any(|k| k.code == KeyCode::Esc) {
            return Err(KeymapError::NoWayOut("Esc closes popups and may not quit"));
        }
        check_shadowing(&mut bindings, &mut warnings)?;
        Ok(Keymap { bindings, warnings })
    }

    /// What the user's keymap keeps from a newer default key, to say at start.
    pub fn warnings(&self) -> &[KeymapWarning] {
        &self.warnings
    }

    /// The action a key means, trying `contexts` in order.
    pub fn lookup(&self, contexts: &[Context], event: &KeyEvent) -> Option<Action> {
        contexts.iter().find_map(|&context| {
            self.bindings
                .iter()
                .filter(|b| b.context == context)
                .find(|b| b.keys.iter().any(|k| k.matches(event)))
                .map(|b| b.action)
        })
    }

    /// The keys of an action, as shown to the user ("q/Ctrl-C").
    pub fn keys_label(&self, action: Action) -> String {
        self.bindings
            .iter()
            .filter(|b| b.action == action)
            .flat_map(|b| b.keys.iter().map(ToString::to_string))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The first key of an action that means it on a screen of `contexts` (looked
    /// up in that order): `w` saves, but not on Activitat, where Ctrl-S does.
    pub fn first_key_in(&self, action: Action, contexts: &[Context]) -> Option<String> {
        self.bindings
            .iter()
            .filter(|b| b.action == action)
            .flat_map(|b| b.keys.iter())
            .find(|k| self.means(k, contexts) == Some(action))
            .map(ToString::to_string)
    }

    /// What `key` does on a screen of `contexts` (looked up in that order).
    pub fn means(&self, key: &KeySpec, contexts: &[Context]) -> Option<Action> {
        let ctrl = match key.ctrl {
            true => KeyModifiers::CONTROL,
            false => KeyModifiers::NONE,
        };
        let alt = match key.alt {
            true => KeyModifiers::ALT,
            false => KeyModifiers::NONE,
        };
        self.lookup(contexts, &KeyEvent::new(key.code, ctrl | alt))
    }

    /// The first key of an action, for the one-line hints.
    pub fn first_key(&self, action: Action) -> Option<String> {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(ToString::to_string)
    }

    /// Every binding of these contexts, in context order, for the help popup.
    pub fn bindings(&self, contexts: &[Context]) -> Vec<&Binding> {
        contexts
            .iter()
            .flat_map(|&c| {
                self.bindings
                    .iter()
                    .filter(move |b| b.context == c && !b.keys.is_empty())
            })
            .collect()
    }
}

/// A key as written on screen: "Space" in the user's language.
pub fn key_name(t: &crate::i18n::I18n, key: &str) -> String {
    key.replace("Space", t.t(crate::i18n::Msg::key_space))
}

fn deserialize_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(
        name,
    ))
    .ok()
}

/// A screen's key that is also a global or table key would hide it there
/// (`edit = ["q"]` would leave Municipis without a way to quit). A newer default
/// key is the exception: where the user's keymap already had it, the user's
/// binding keeps it, with a warning.
fn check_shadowing(bindings: &mut [Binding], warnings: &mut Vec<KeymapWarning>) -> Result<(), KeymapError> {
    // Global, then table, then each screen: a context is looked up before those above it.
    let rank = |c: Context| match c {
        Context::Global => 0,
        Context::Table => 1,
        _ => 2,
    };
    let name = |b: &Binding| format!("{:?}.{}", b.context, b.name).to_lowercase();
    let mut yielded: Vec<(usize, KeySpec)> = Vec::new();
    for (s, screen) in bindings.iter().enumerate() {
        for common in bindings.iter().filter(|b| rank(b.context) < rank(screen.context)) {
            // A screen may take one key of an action that gives way (`w` of `save` on
            // Activitat) while another of its keys still works there.
            let shadowed = |k: &KeySpec| {
                bindings
                    .iter()
                    .any(|b| b.context == screen.context && b.keys.contains(k))
            };
            if common.action.gives_way() && common.keys.iter().any(|k| !shadowed(k)) {
                continue;
            }
            for key in screen.keys.iter().filter(|k| common.keys.contains(k)) {
                let (user, default) = if screen.user && newer_default(common, key) {
                    // Looked up first, the screen's binding wins there; the default stays elsewhere.
                    (screen, common)
                } else if common.user && newer_default(screen, key) {
                    yielded.push((s, *key));
                    (common, screen)
                } else {
                    return Err(KeymapError::Clash {
                        context: format!("{:?}", screen.context).to_lowercase(),
                        key: key.to_string(),
                        first: name(common),
                        second: screen.name.clone(),
                    });
                };
                warnings.push(KeymapWarning {
                    binding: format!("keys.{}", name(user)),
                    key: key.to_string(),
                    default: name(default),
                });
            }
        }
    }
    for (s, key) in yielded {
        bindings[s].keys.retain(|k| *k != key);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
