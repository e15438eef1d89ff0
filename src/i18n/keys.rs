//! The message keys. Add a key here and in each `assets/i18n/*.toml`.

macro_rules! messages {
    ($($name:ident),* $(,)?) => {
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg { $($name),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$name),*];

            pub fn key(self) -> &'static str {
                match self { $(Msg::$name => stringify!($name)),* }
            }
        }
    };
}

messages! {
    action_down,
    action_first,
    action_help,
    action_last,
    action_next_tab,
    action_page_down,
    action_page_up,
    action_prev_tab,
    action_quit,
    action_tab_certificates,
    action_tab_municipalities,
    action_tab_rollout,
    action_up,
    certificates_title,
    col_deadline,
    col_holder,
    col_municipality,
    col_operation,
    col_population,
    col_post,
    col_status,
    col_type,
    col_urgent,
    count_councils,
    empty_list,
    err_config,
    err_no_home,
    err_store_conflict,
    err_store_damaged,
    err_store_in_use,
    err_store_io,
    err_store_newer,
    err_store_not_empty,
    err_store_write,
    err_terminal,
    err_unknown_comarca,
    help_close,
    help_global,
    help_table,
    help_title,
    hint_help,
    hint_next_tab,
    hint_quit,
    init_done,
    no_requests,
    rollout_title,
    tab_certificates,
    tab_municipalities,
    tab_rollout,
    too_small,
    view_all_councils,
    view_under_threshold,
}
