use super::*;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn key_names_parse_and_print() {
    for name in [
        "q", "?", "ctrl-c", "f1", "tab", "backtab", "enter", "esc", "space", "S", "pagedown", "alt-x",
    ] {
        let k = KeySpec::parse(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            KeySpec::parse(
                &k.to_string()
                    .replace("Ctrl-", "ctrl-")
                    .replace("Alt-", "alt-")
                    .replace("Shift-Tab", "backtab")
                    .replace("PgDn", "pagedown")
            ),
            Some(k),
            "{name}"
        );
    }
    assert_eq!(KeySpec::parse("ctrl-c").unwrap().to_string(), "Ctrl-C");
    assert_eq!(KeySpec::parse("f13"), None);
    assert_eq!(KeySpec::parse("hyper-x"), None);
}

#[test]
fn defaults_resolve_through_contexts() {
    let km = Keymap::new(&KeyOverrides::new()).unwrap();
    let ctx = [Context::Municipalities, Context::Table, Context::Global];
    assert_eq!(
        km.lookup(&ctx, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
        Some(Action::Quit)
    );
    assert_eq!(
        km.lookup(&ctx, &key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Some(Action::Quit)
    );
    assert_eq!(
        km.lookup(&ctx, &key(KeyCode::F(1), KeyModifiers::NONE)),
        Some(Action::Help)
    );
    assert_eq!(
        km.lookup(&ctx, &key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        Some(Action::PrevTab)
    );
    assert_eq!(
        km.lookup(&ctx, &key(KeyCode::Char('j'), KeyModifiers::NONE)),
        Some(Action::Down)
    );
    assert_eq!(
        km.lookup(&[Context::Global], &key(KeyCode::Char('j'), KeyModifiers::NONE)),
        None
    );
    assert_eq!(
        km.lookup(&ctx, &key(KeyCode::Esc, KeyModifiers::NONE)),
        Some(Action::Back),
        "Esc never quits"
    );
    assert_eq!(km.keys_label(Action::Quit), "q/Ctrl-C");
}

#[test]
fn overrides_replace_an_actions_keys() {
    let mut o = KeyOverrides::new();
    o.entry("global".into())
        .or_default()
        .insert("quit".into(), vec!["Q".into()]);
    let km = Keymap::new(&o).unwrap();
    let ctx = [Context::Global];
    assert_eq!(
        km.lookup(&ctx, &key(KeyCode::Char('Q'), KeyModifiers::SHIFT)),
        Some(Action::Quit)
    );
    assert_eq!(
        km.lookup(&ctx, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
        None
    );
}

#[test]
fn a_newer_default_key_gives_way_to_the_users_binding_with_a_warning() {
    let with = |ctx: &str, action: &str, keys: &[&str]| {
        let mut o = KeyOverrides::new();
        o.entry(ctx.into())
            .or_default()
            .insert(action.into(), keys.iter().map(|s| s.to_string()).collect());
        Keymap::new(&o)
    };
    let m = key(KeyCode::Char('m'), KeyModifiers::NONE);
    // The same context: the default loses the key.
    let km = with("global", "jump", &["m"]).unwrap();
    assert_eq!(km.lookup(&[Context::Global], &m), Some(Action::Jump));
    assert_eq!(km.keys_label(Action::Messages), "F2", "F2 stays the log's");
    assert_eq!(
        km.warnings(),
        [KeymapWarning {
            binding: "keys.global.jump".into(),
            key: "m".into(),
            default: "global.messages".into(),
        }]
    );
    // A screen: the user's binding there, the default everywhere else.
    let km = with("municipalities", "edit", &["m"]).unwrap();
    let municipis = [Context::Municipalities, Context::Table, Context::Global];
    assert_eq!(km.lookup(&municipis, &m), Some(Action::Edit));
    let queue = [Context::Certificates, Context::Table, Context::Global];
    assert_eq!(km.lookup(&queue, &m), Some(Action::Messages));
    assert_eq!(km.warnings()[0].binding, "keys.municipalities.edit");
    // Older keys are still refused, and the default keymap warns of nothing.
    assert!(with("municipalities", "edit", &["q"]).is_err());
    assert!(with("table", "copy_row", &["m"]).unwrap().warnings().len() == 1);
    assert!(Keymap::new(&KeyOverrides::new()).unwrap().warnings().is_empty());
    // `0`, Avui's key, came after users wrote keymaps too.
    let km = with("rollout", "sort_next", &["0"]).unwrap();
    let zero = key(KeyCode::Char('0'), KeyModifiers::NONE);
    let rollout = [Context::Rollout, Context::Table, Context::Global];
    assert_eq!(km.lookup(&rollout, &zero), Some(Action::SortNext));
    assert_eq!(km.lookup(&queue, &zero), Some(Action::TabToday));
    assert_eq!(km.warnings()[0].default, "global.tab_today");
}

#[test]
fn bad_overrides_name_the_binding() {
    let with = |ctx: &str, action: &str, keys: &[&str]| {
        let mut o = KeyOverrides::new();
        o.entry(ctx.into())
            .or_default()
            .insert(action.into(), keys.iter().map(|s| s.to_string()).collect());
        Keymap::new(&o).unwrap_err().to_string()
    };
    assert_eq!(with("global", "fly", &["x"]), "keys.global.fly: unknown action");
    let mut o = KeyOverrides::new();
    o.entry("global".into())
        .or_default()
        .insert("fly".into(), vec!["x".into()]);
    let ca = crate::i18n::I18n::new(crate::i18n::Lang::Ca);
    assert_eq!(
        Keymap::new(&o).unwrap_err().localize(&ca),
        "keys.global.fly: acció desconeguda"
    );
    assert_eq!(with("nowhere", "quit", &["x"]), "keys.nowhere: unknown context");
    assert_eq!(
        with("global", "quit", &["ctrl-"]),
        "keys.global.quit: cannot read the key \"ctrl-\""
    );
    assert!(with("global", "quit", &["?"]).contains("bound to both"));
    assert_eq!(
        with("certificates", "cancel_request", &["ctrl-x"]),
        "keys.certificates.cancel_request: Ctrl-X discards data and may not be a Ctrl key"
    );
    assert!(with("rollout", "block", &["ctrl-b"]).contains("may not be a Ctrl key"));
    assert_eq!(
        with("global", "quit", &[]),
        "keys.global.quit: needs at least one key"
    );
    assert!(with("global", "quit", &["esc"]).contains("Esc closes popups"));
    assert_eq!(
        with("municipalities", "edit", &["q"]),
        "keys.municipalities: q is bound to both global.quit and edit"
    );
    assert!(with("table", "up", &["g"]).contains("bound to both"));
    // Only an action that gives way, and only while it keeps a key there.
    assert!(with("activity", "new_activity", &["q"]).contains("bound to both"));
    assert!(with("activity", "new_activity", &["ctrl-s"]).contains("bound to both global.save"));
}

#[test]
fn w_marks_waiting_on_activitat_and_saves_everywhere_else() {
    let km = Keymap::new(&KeyOverrides::new()).unwrap();
    let w = key(KeyCode::Char('w'), KeyModifiers::NONE);
    let on = |screen| [screen, Context::Table, Context::Global];
    assert_eq!(km.lookup(&on(Context::Activity), &w), Some(Action::MarkWaiting));
    assert_eq!(km.lookup(&on(Context::Certificates), &w), Some(Action::Save));
    assert_eq!(
        km.lookup(
            &on(Context::Activity),
            &key(KeyCode::Char('s'), KeyModifiers::CONTROL)
        ),
        Some(Action::Save)
    );
    assert_eq!(
        km.first_key_in(Action::Save, &on(Context::Activity)).unwrap(),
        "Ctrl-S"
    );
    assert_eq!(km.first_key_in(Action::Save, &on(Context::Rollout)).unwrap(), "w");
    let big_l = key(KeyCode::Char('L'), KeyModifiers::SHIFT);
    for screen in [
        Context::Municipalities,
        Context::Rollout,
        Context::Certificates,
        Context::Activity,
    ] {
        assert_eq!(
            km.lookup(&on(screen), &big_l),
            Some(Action::LogCall),
            "{screen:?}"
        );
    }
}
