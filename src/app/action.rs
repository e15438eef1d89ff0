//! What a key means, once the keymap has read it.

use serde::Deserialize;

/// Where a binding applies. Lookups try the screen's own context first, then
/// the table, then global.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    Table,
    Municipalities,
    Rollout,
    /// The checklist popup of the Implantació tab.
    Checklist,
    Certificates,
    /// The Activitat tab.
    Activity,
    /// The Avui tab.
    Today,
}

/// Declaration order is the order of the help popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    NextTab,
    PrevTab,
    TabToday,
    TabMunicipalities,
    TabRollout,
    TabCertificates,
    TabActivity,
    Jump,
    /// `L`: log a call about the council selected or open, from any screen.
    LogCall,
    Undo,
    Redo,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Filter,
    Open,
    Back,
    ToggleAll,
    SortNext,
    SortReverse,
    Edit,
    FormSent,
    Left,
    Right,
    CycleStatus,
    NotApplicable,
    Block,
    FilterStatus,
    ToggleStep,
    EditNotes,
    NewRequest,
    Advance,
    CancelRequest,
    RejectRequest,
    ToggleView,
    ExportView,
    CopyRow,
    Save,
    Messages,
    NewActivity,
    CloseActivity,
    /// Waiting for the council, or back from waiting.
    MarkWaiting,
    /// Folds or unfolds a section of Avui.
    ToggleSection,
    /// A revocation of the selected certificate.
    Revoke,
    /// Marks or unmarks a row, for a renewal of several at once.
    MarkRow,
    /// Records the appointment check in EACAT's register.
    CheckAppointment,
    /// The office's ER operators and their cards.
    Operators,
}

impl Action {
    /// Actions that discard data; they may not sit on a Ctrl key.
    pub fn is_destructive(self) -> bool {
        // Each overwrites what was there (undo can bring it back, but a slip of a
        // Ctrl chord should not be the way it goes).
        matches!(
            self,
            Action::CancelRequest | Action::RejectRequest | Action::NotApplicable | Action::Block
        )
    }

    /// A global action that a screen may take one of whose keys for its own, as long
    /// as another key of it still works there: `w` saves everywhere but on
    /// Activitat, where it marks waiting (Ctrl-S saves there).
    pub fn gives_way(self) -> bool {
        matches!(self, Action::Save)
    }
}

impl Action {
    /// Actions that change the store; `--read-only` refuses them.
    pub fn is_edit(self) -> bool {
        matches!(
            self,
            Action::Undo
                | Action::Redo
                | Action::Edit
                | Action::FormSent
                | Action::CycleStatus
                | Action::NotApplicable
                | Action::Block
                | Action::ToggleStep
                | Action::EditNotes
                | Action::NewRequest
                | Action::Advance
                | Action::CancelRequest
                | Action::RejectRequest
                | Action::LogCall
                | Action::NewActivity
                | Action::CloseActivity
                | Action::MarkWaiting
                | Action::Revoke
                | Action::CheckAppointment
        )
    }

    /// What the action does where it is bound, for the help popup.
    pub fn describe_in(self, context: Context) -> crate::i18n::Msg {
        match (self, context) {
            (Action::Edit, Context::Certificates) => crate::i18n::Msg::action_edit_request,
            (Action::Edit, Context::Activity) => crate::i18n::Msg::action_edit_activity,
            (Action::ToggleView, Context::Activity) => crate::i18n::Msg::action_activity_view,
            (Action::ToggleView, Context::Today) => crate::i18n::Msg::action_today_view,
            (Action::Open, Context::Today) => crate::i18n::Msg::action_today_open,
            (Action::Open, _) => crate::i18n::Msg::action_open,
            (Action::Advance, Context::Certificates) => crate::i18n::Msg::action_advance_cert,
            _ => self.describe(),
        }
    }

    /// What the action does, for the help popup.
    pub fn describe(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            Action::Quit => Msg::action_quit,
            Action::Help => Msg::action_help,
            Action::NextTab => Msg::action_next_tab,
            Action::PrevTab => Msg::action_prev_tab,
            Action::TabMunicipalities => Msg::action_tab_municipalities,
            Action::TabRollout => Msg::action_tab_rollout,
            Action::TabCertificates => Msg::action_tab_certificates,
            Action::Up => Msg::action_up,
            Action::Down => Msg::action_down,
            Action::PageUp => Msg::action_page_up,
            Action::PageDown => Msg::action_page_down,
            Action::First => Msg::action_first,
            Action::Last => Msg::action_last,
            Action::Jump => Msg::action_jump,
            Action::Undo => Msg::action_undo,
            Action::Redo => Msg::action_redo,
            Action::Filter => Msg::action_filter,
            Action::Open => Msg::action_open,
            Action::Back => Msg::action_back,
            Action::ToggleAll => Msg::action_toggle_all,
            Action::SortNext => Msg::action_sort_next,
            Action::SortReverse => Msg::action_sort_reverse,
            Action::Edit => Msg::action_edit,
            Action::FormSent => Msg::action_form_sent,
            Action::Left => Msg::action_left,
            Action::Right => Msg::action_right,
            Action::CycleStatus => Msg::action_cycle_status,
            Action::NotApplicable => Msg::action_not_applicable,
            Action::Block => Msg::action_block,
            Action::FilterStatus => Msg::action_filter_status,
            Action::ToggleStep => Msg::action_toggle_step,
            Action::EditNotes => Msg::action_edit_notes,
            Action::NewRequest => Msg::action_new_request,
            Action::Advance => Msg::action_advance,
            Action::CancelRequest => Msg::action_cancel_request,
            Action::RejectRequest => Msg::action_reject_request,
            Action::ToggleView => Msg::action_toggle_view,
            Action::ExportView => Msg::action_export_view,
            Action::CopyRow => Msg::action_copy_row,
            Action::Save => Msg::action_save,
            Action::Messages => Msg::action_messages,
            Action::TabActivity => Msg::action_tab_activity,
            Action::LogCall => Msg::action_log_call,
            Action::NewActivity => Msg::action_new_activity,
            Action::CloseActivity => Msg::action_close_activity,
            Action::MarkWaiting => Msg::action_mark_waiting,
            Action::TabToday => Msg::action_tab_today,
            Action::ToggleSection => Msg::action_toggle_section,
            Action::Revoke => Msg::action_revoke,
            Action::MarkRow => Msg::action_mark_row,
            Action::CheckAppointment => Msg::action_check_appointment,
            Action::Operators => Msg::action_operators,
        }
    }
}
