//! The numbers and names of the wire format, defined once and always built (no feature):
//! rrweb's `EventType` and `IncrementalSource` numbers, the console plugin's name, and the
//! batch envelope's field names. The recorder and the SDK's transport write them, the decoder
//! (`codec`, `model`) reads them, and the collector (`rewind-collector`'s `wire` and `redact`)
//! checks them; each used to carry its own copy.
//!
//! Source: rrweb `packages/types/src/index.ts` (v2.1/2.2: `EventType`, `IncrementalSource`),
//! `packages/rrweb/src/plugins/console/record` (`PLUGIN_NAME`); the envelope is rewind's batch
//! contract (ARCHITECTURE.md, "Collector"). All `u8`, the width the recorder writes; readers
//! widen them (`i64::from`).

/// rrweb `EventType` numbers (0–7).
pub mod event_type {
    /// `DomContentLoaded`.
    pub const DOM_CONTENT_LOADED: u8 = 0;
    /// `Load`.
    pub const LOAD: u8 = 1;
    /// `FullSnapshot`: the serialized DOM.
    pub const FULL_SNAPSHOT: u8 = 2;
    /// `IncrementalSnapshot`: `data.source` is an [`super::incremental_source`] number.
    pub const INCREMENTAL_SNAPSHOT: u8 = 3;
    /// `Meta`: `data.href`, `width`, `height`.
    pub const META: u8 = 4;
    /// `Custom`: `data.tag`, `data.payload`.
    pub const CUSTOM: u8 = 5;
    /// `Plugin`: `data.plugin`, `data.payload` (console output: [`super::CONSOLE_PLUGIN`]).
    pub const PLUGIN: u8 = 6;
    /// `Asset` (rrweb 2.1, #1833): canvas data or stylesheet text sent out of band.
    pub const ASSET: u8 = 7;
}

/// rrweb `IncrementalSource` numbers (0–16), the `data.source` of an IncrementalSnapshot.
pub mod incremental_source {
    /// `Mutation`.
    pub const MUTATION: u8 = 0;
    /// `MouseMove`.
    pub const MOUSE_MOVE: u8 = 1;
    /// `MouseInteraction`.
    pub const MOUSE_INTERACTION: u8 = 2;
    /// `Scroll`.
    pub const SCROLL: u8 = 3;
    /// `ViewportResize`.
    pub const VIEWPORT_RESIZE: u8 = 4;
    /// `Input`.
    pub const INPUT: u8 = 5;
    /// `TouchMove`.
    pub const TOUCH_MOVE: u8 = 6;
    /// `MediaInteraction`.
    pub const MEDIA_INTERACTION: u8 = 7;
    /// `StyleSheetRule`.
    pub const STYLE_SHEET_RULE: u8 = 8;
    /// `CanvasMutation`.
    pub const CANVAS_MUTATION: u8 = 9;
    /// `Font`.
    pub const FONT: u8 = 10;
    /// `Log` (rrweb 1's console events; the plugin replaced it).
    pub const LOG: u8 = 11;
    /// `Drag`.
    pub const DRAG: u8 = 12;
    /// `StyleDeclaration`.
    pub const STYLE_DECLARATION: u8 = 13;
    /// `Selection`.
    pub const SELECTION: u8 = 14;
    /// `AdoptedStyleSheet`.
    pub const ADOPTED_STYLE_SHEET: u8 = 15;
    /// `CustomElement`.
    pub const CUSTOM_ELEMENT: u8 = 16;
}

/// The rrweb console plugin's name (`data.plugin` of its Plugin events).
pub const CONSOLE_PLUGIN: &str = "rrweb/console@1";

/// Field names of the batch envelope the SDK sends and the collector stores:
/// `{session_id, window_id, seq, app_id, sdk_version, sent_at, distinct_id?, events}`.
pub mod envelope {
    /// The session id (`[A-Za-z0-9_-]{1,64}`).
    pub const SESSION_ID: &str = "session_id";
    /// The tab.
    pub const WINDOW_ID: &str = "window_id";
    /// The batch's position in the session, from 0.
    pub const SEQ: &str = "seq";
    /// The app.
    pub const APP_ID: &str = "app_id";
    /// The SDK's version.
    pub const SDK_VERSION: &str = "sdk_version";
    /// When the SDK sent the batch (Unix ms, the browser's clock).
    pub const SENT_AT: &str = "sent_at";
    /// The user, after `identify`.
    pub const DISTINCT_ID: &str = "distinct_id";
    /// The rrweb events.
    pub const EVENTS: &str = "events";
}

/// A frustration signal or error a session has: the `has=` vocabulary of the collector's
/// `GET /v1/sessions`, its MCP tools' `has` filter and the CLI's `--has`, one definition for
/// all three. Names are snake_case everywhere (`errors`, `rage`, `dead`, `error_clicks`); the
/// signals are the analyzer's (rage: 3 clicks within 1 s on one element; dead: the page did
/// not respond).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// At least one console error (`errors`).
    Errors,
    /// At least one rage-click burst (`rage`; once the session is analysed).
    Rage,
    /// At least one dead click (`dead`; once the session is analysed).
    Dead,
    /// At least one click followed by an error (`error_clicks`; once the session is analysed).
    ErrorClicks,
}

impl Signal {
    /// Every signal, in the order the docs list them.
    pub const ALL: [Signal; 4] = [Signal::Errors, Signal::Rage, Signal::Dead, Signal::ErrorClicks];

    /// The `has=` name: `errors`, `rage`, `dead`, `error_clicks`.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Errors => "errors",
            Signal::Rage => "rage",
            Signal::Dead => "dead",
            Signal::ErrorClicks => "error_clicks",
        }
    }

    /// The signal a `has=` name names, if any (the inverse of [`Signal::name`]).
    pub fn parse(name: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|s| s.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rrwebs() {
        assert_eq!([event_type::FULL_SNAPSHOT, event_type::META, event_type::PLUGIN, event_type::ASSET], [2, 4, 6, 7]);
        assert_eq!([incremental_source::MUTATION, incremental_source::CUSTOM_ELEMENT], [0, 16]);
    }

    #[test]
    fn signal_names_round_trip_through_parse_and_serde() {
        for signal in Signal::ALL {
            let name = signal.name();
            assert_eq!(Signal::parse(name), Some(signal));
            assert_eq!(serde_json::from_value::<Signal>(serde_json::json!(name)).unwrap(), signal);
            assert_eq!(serde_json::to_value(signal).unwrap(), serde_json::json!(name));
        }
        assert_eq!(Signal::parse("error-clicks"), None);
        assert!(serde_json::from_value::<Signal>(serde_json::json!("clicks")).is_err());
    }
}
