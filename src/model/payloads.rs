//! The per-source payload types of IncrementalSnapshot events (rrweb `packages/types`, v2.1).
//! Fields a player or analyzer does not strictly need are optional, so exports that omit them
//! still load; unknown fields are skipped.

use super::incremental::MouseInteraction;
use super::node::{AttrMap, AttrValue, NodeTree};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// Mutation (source 0): DOM changes coalesced by rrweb per tick.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MutationData {
    pub texts: Vec<TextMutation>,
    pub attributes: Vec<AttributeMutation>,
    pub removes: Vec<RemovedNode>,
    pub adds: Vec<AddedNode>,
    pub is_attach_iframe: Option<bool>,
}

/// A characterData change: `value` is the node's new text (`null` in rare rrweb output).
#[derive(Clone, Debug, Deserialize)]
pub struct TextMutation {
    pub id: i64,
    pub value: Option<String>,
}

/// Attribute changes of one element; [`AttrValue::Null`] means removed.
#[derive(Clone, Debug)]
pub struct AttributeMutation {
    pub id: i64,
    pub attributes: Vec<(String, AttrValue)>,
}

impl<'de> Deserialize<'de> for AttributeMutation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            id: i64,
            #[serde(default)]
            attributes: Option<AttrMap>,
        }
        let raw = Raw::deserialize(d)?;
        Ok(AttributeMutation { id: raw.id, attributes: raw.attributes.map(|a| a.0).unwrap_or_default() })
    }
}

/// A removed node: `id` left `parentId`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedNode {
    pub parent_id: i64,
    pub id: i64,
    #[serde(default)]
    pub is_shadow: Option<bool>,
}

/// An added node (with any serialized descendants) under `parentId`, before `nextId`
/// (`null`: append). `previousId` is legacy rrweb output.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedNode {
    pub parent_id: i64,
    #[serde(default)]
    pub next_id: Option<i64>,
    #[serde(default)]
    pub previous_id: Option<i64>,
    pub node: NodeTree,
}

/// MouseMove (1), TouchMove (6) and Drag (12): sampled pointer positions.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PositionsData {
    pub positions: Vec<PointerPosition>,
}

/// One pointer sample. `time_offset` (ms, ≤ 0) is relative to the event's timestamp.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointerPosition {
    pub x: f64,
    pub y: f64,
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub time_offset: f64,
}

/// MouseInteraction (2). `x`/`y` are viewport CSS pixels; absent for focus/blur.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MouseInteractionData {
    #[serde(rename = "type")]
    pub interaction: MouseInteraction,
    pub id: i64,
    #[serde(default)]
    pub x: Option<f64>,
    #[serde(default)]
    pub y: Option<f64>,
    /// rrweb PointerTypes: Mouse 0, Pen 1, Touch 2.
    #[serde(default)]
    pub pointer_type: Option<i64>,
}

/// Scroll (3): the scroll offset (CSS pixels) of node `id` (the document's id for the page).
#[derive(Clone, Debug, Deserialize)]
pub struct ScrollData {
    pub id: i64,
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
}

/// ViewportResize (4), CSS pixels.
#[derive(Clone, Debug, Deserialize)]
pub struct ViewportResizeData {
    pub width: f64,
    pub height: f64,
}

/// Input (5): the value of input/textarea/select `id` (masked by the recorder where configured)
/// or the checked state of a checkbox/radio.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputData {
    pub id: i64,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub is_checked: bool,
    /// Present when the recorder ran with `userTriggeredOnInput`; `false` means the page set
    /// the value from script.
    #[serde(default)]
    pub user_triggered: Option<bool>,
}

/// MediaInteraction (7). `interaction`: Play 0, Pause 1, Seeked 2, VolumeChange 3, RateChange 4.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaInteractionData {
    #[serde(rename = "type")]
    pub interaction: i64,
    pub id: i64,
    /// Seconds, as `HTMLMediaElement.currentTime`.
    #[serde(default)]
    pub current_time: Option<f64>,
    #[serde(default)]
    pub volume: Option<f64>,
    #[serde(default)]
    pub muted: Option<bool>,
    #[serde(default, rename = "loop")]
    pub looped: Option<bool>,
    #[serde(default)]
    pub playback_rate: Option<f64>,
}

/// A CSS rule index: a number, or a path of numbers into nested grouping rules.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum RuleIndex {
    At(i64),
    Path(Vec<i64>),
}

/// A rule inserted into a stylesheet.
#[derive(Clone, Debug, Deserialize)]
pub struct StyleRuleAdd {
    pub rule: String,
    #[serde(default)]
    pub index: Option<RuleIndex>,
}

/// A rule deleted from a stylesheet.
#[derive(Clone, Debug, Deserialize)]
pub struct StyleRuleRemove {
    pub index: RuleIndex,
}

/// StyleSheetRule (8): rule inserts/deletes on the sheet of node `id` or adopted sheet `styleId`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StyleSheetRuleData {
    pub id: Option<i64>,
    pub style_id: Option<i64>,
    pub adds: Option<Vec<StyleRuleAdd>>,
    pub removes: Option<Vec<StyleRuleRemove>>,
    pub replace: Option<String>,
    pub replace_sync: Option<String>,
}

/// One recorded canvas call; `args` stay raw JSON (they may be serialized typed arrays).
#[derive(Clone, Debug, Deserialize)]
pub struct CanvasCommand {
    pub property: String,
    #[serde(default)]
    pub args: Vec<Box<RawValue>>,
    #[serde(default)]
    pub setter: Option<bool>,
}

/// CanvasMutation (9): either a `commands` list or a single command inline.
/// `context`: 2D 0, WebGL 1, WebGL2 2.
#[derive(Clone, Debug, Deserialize)]
pub struct CanvasMutationData {
    pub id: i64,
    #[serde(default, rename = "type")]
    pub context: Option<i64>,
    #[serde(default)]
    pub commands: Option<Vec<CanvasCommand>>,
    #[serde(default)]
    pub property: Option<String>,
    #[serde(default)]
    pub args: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    pub setter: Option<bool>,
}

/// Font (10): a font loaded through the FontFace API.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FontData {
    pub family: String,
    pub font_source: String,
    #[serde(default)]
    pub buffer: bool,
    #[serde(default)]
    pub descriptors: Option<Box<RawValue>>,
}

/// StyleDeclaration (13): `style.setProperty`/`removeProperty` on a CSS rule found by `index`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StyleDeclarationData {
    pub id: Option<i64>,
    pub style_id: Option<i64>,
    pub index: Vec<i64>,
    pub set: Option<StyleDeclarationSet>,
    pub remove: Option<StyleDeclarationRemove>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct StyleDeclarationSet {
    pub property: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct StyleDeclarationRemove {
    pub property: String,
}

/// Selection (14). An empty `ranges` means the selection was cleared.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SelectionData {
    pub ranges: Vec<SelectionRange>,
}

/// A selected range between two nodes. Offsets count UTF-16 code units (DOM `Range`
/// offsets) in text nodes, child positions otherwise.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectionRange {
    pub start: i64,
    pub start_offset: i64,
    pub end: i64,
    pub end_offset: i64,
}

/// AdoptedStyleSheet (15): the sheets adopted by a document or shadow root `id`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdoptedStyleSheetData {
    pub id: i64,
    #[serde(default)]
    pub styles: Option<Vec<AdoptedStyle>>,
    #[serde(default)]
    pub style_ids: Vec<i64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdoptedStyle {
    pub style_id: i64,
    #[serde(default)]
    pub rules: Vec<StyleRuleAdd>,
}

/// CustomElement (16): `customElements.define(name)` was called.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CustomElementData {
    pub define: Option<CustomElementDefine>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct CustomElementDefine {
    pub name: String,
}
