//! The player's page: the browser side of a [`Session`], driven once per animation frame by
//! the `Player` export (`wasm/player.rs`). It lays out the stage (the recorded viewport scaled
//! into the container), applies the session's changes to the iframe ([`DomView`]) and redraws
//! the overlay ([`Overlay`]); the clock and everything else it shows come from the session.

use super::dom::DomView;
use super::overlay::{Overlay, Scene};
use crate::play::session::{Session, FRAME_TIME};
use crate::play::vdom::Change;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

/// Frames after a rebuild during which the recorded scroll offsets are re-applied (every
/// [`REAPPLY_SCROLL_EVERY`] frames): images and styles arriving after a rebuild change what can
/// scroll.
const REAPPLY_SCROLL_FRAMES: u32 = 120;
/// See [`REAPPLY_SCROLL_FRAMES`].
const REAPPLY_SCROLL_EVERY: u32 = 10;
/// Wall time (ms) of building the page given to a seek issued while a page is being built in
/// slices (it starts the build over) and to each animation frame meanwhile; `js/player.js`
/// goes on with [`PlayerView::build_step`] in slices of its own. Kept well under the 50 ms of a long task (the Long Tasks API's
/// threshold) with room for the rest of the call.
pub const BUILD_SLICE_MS: f64 = 8.0;

/// The page a session plays into: a stage in the container holding the iframe and the
/// overlay canvas over it.
pub struct PlayerView {
    dom: DomView,
    overlay: Overlay,
    /// Scratch list for `draw_with` (the page's painted canvases), kept to not allocate per frame.
    page_canvases: std::cell::RefCell<Vec<JsValue>>,
    root: HtmlElement,
    stage: HtmlElement,
    changes: Vec<Change>,
    /// Whether the overlay draws the URL and caption chips over the page (a host showing them
    /// in its own chrome turns them off, so nothing covers the page).
    labels: bool,
    /// The viewport the stage is laid out for, CSS px.
    viewport: (f64, f64),
    frames_since_rebuild: u32,
    /// Whether the page has been started: mounting only lays out the stage, the first
    /// [`PlayerView::build_step`] (a task of its own) brings the virtual DOM to the position
    /// and starts building the page.
    started: bool,
    /// Whether `changes` already holds the virtual DOM's changes up to the position (the first
    /// build step's work), for the next sync to add to instead of taking anew.
    advanced: bool,
}

impl PlayerView {
    /// Mounts the player in `container` (a sandboxed iframe with a canvas over it); the page
    /// is built by [`PlayerView::build_step`] (in slices, or at once with an infinite budget).
    /// Errors: the container is not in a document, or the browser
    /// refused to create the elements.
    pub fn mount(container: &Element, session: &mut Session) -> Result<PlayerView, JsValue> {
        let host: Document = container.owner_document().ok_or("container is not in a document")?;
        let root: HtmlElement = host.create_element("div")?.unchecked_into();
        root.set_attribute("class", "rewind-player")?;
        root.set_attribute(
            "style",
            "position:relative;width:100%;height:100%;min-height:120px;overflow:hidden;background:#e5e7eb;",
        )?;
        let stage: HtmlElement = host.create_element("div")?.unchecked_into();
        stage.set_attribute("class", "rewind-player__stage")?;
        stage.set_attribute(
            "style",
            "position:absolute;left:0;top:0;transform-origin:0 0;overflow:hidden;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.15);",
        )?;
        root.append_child(&stage)?;
        let dom = DomView::new(&host, &stage)?;
        let overlay = Overlay::new(&host, &stage)?;
        container.append_child(&root)?;
        let mut view = PlayerView {
            dom,
            overlay,
            page_canvases: Default::default(),
            root,
            stage,
            changes: Vec::new(),
            labels: true,
            viewport: (0.0, 0.0),
            frames_since_rebuild: 0,
            started: false,
            advanced: false,
        };
        view.resize(session);
        Ok(view)
    }

    /// Whether the page is being built in slices (after mounting, or a seek issued meanwhile):
    /// the document fills in from the top, `<head>` first, until [`PlayerView::build_step`]
    /// returns true, and the clock does not move meanwhile.
    pub fn building(&self) -> bool {
        !self.started || self.dom.building()
    }

    /// Goes on building the page for up to `budget_ms` of wall time (at least a few dozen
    /// nodes); true when it is in place (or no build was in progress). The position may have
    /// moved since the build began (a seek, the rest of the file decoded): the build then
    /// starts over for it.
    pub fn build_step(&mut self, s: &mut Session, budget_ms: f64) -> bool {
        if !self.started {
            // A step of its own each: bringing the virtual DOM to the position (a large
            // FullSnapshot applied), then emptying the document; the nodes come in the next
            // steps.
            if budget_ms.is_finite() && !self.advanced {
                s.advance(&mut self.changes);
                self.advanced = true;
                return false;
            }
            let first = if budget_ms.is_finite() { 0.0 } else { f64::INFINITY };
            self.sync_sliced(s, true, first);
            return !self.building();
        }
        if !self.dom.building() {
            return true;
        }
        s.advance(&mut self.changes);
        if !self.changes.is_empty() {
            self.dom.start_rebuild(s.vdom());
        }
        if !self.dom.build_step(s.vdom(), &mut now, budget_ms) {
            return false;
        }
        self.frames_since_rebuild = 0;
        self.dom.sync_media(s.vdom(), s.dom_time(), s.playing());
        self.draw(s);
        true
    }

    /// One animation frame at `now` (ms): ticks the session's clock, updates the page and
    /// redraws the overlay. Returns the session's `FRAME_*` bits.
    pub fn frame(&mut self, s: &mut Session, now: f64) -> u32 {
        if self.building() {
            // the page is not there yet: hold the clock, so playing starts where it is shown
            s.hold();
            self.build_step(s, BUILD_SLICE_MS);
            return 0;
        }
        // Read the page's scroll metrics before this frame's changes: the browser has just laid
        // the page out, so this costs nothing, where reading after the changes would force a
        // layout inside the frame. The scroll bar lags the page by one frame.
        let scroll = self.dom.scroll_metrics();
        let mut flags = s.tick(now);
        flags |= self.sync(s);
        self.draw_with(s, scroll);
        flags
    }

    /// Starts playing (from the start when at the end).
    pub fn play(&mut self, s: &mut Session) {
        if s.at_end() {
            self.seek(s, 0.0);
        }
        s.play();
    }

    /// Pauses; the page's media stop with the player, even if no frame follows.
    pub fn pause(&mut self, s: &mut Session) {
        s.pause();
        self.dom.sync_media(s.vdom(), s.dom_time(), false);
    }

    /// Jumps to `ms` from the start (clamped) and updates the page and overlay at once.
    /// Returns `FRAME_*` bits as [`PlayerView::frame`] does.
    pub fn seek(&mut self, s: &mut Session, ms: f64) -> u32 {
        s.seek(ms);
        let flags = FRAME_TIME | self.sync(s);
        self.draw(s);
        flags
    }

    /// Whether the overlay draws the URL and caption chips; redraws at once.
    pub fn set_labels(&mut self, s: &Session, on: bool) {
        self.labels = on;
        self.draw(s);
    }

    /// Shows the session's position again after it changed outside a frame (the rest of the
    /// recording decoded, the analysis applied).
    pub fn refresh(&mut self, s: &mut Session) {
        self.sync(s);
        self.draw(s);
    }

    /// What the browser refused while replaying, as `infoJson`'s warnings.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let canvas_refused = self.dom.canvases.refused.get();
        if canvas_refused > 0 {
            warnings
                .push(format!("{canvas_refused} canvas calls the browser refused (bad arguments, images that failed)"));
        }
        if self.dom.fonts_refused > 0 {
            warnings.push(format!("{} fonts the browser refused", self.dom.fonts_refused));
        }
        if self.dom.css_refused > 0 {
            warnings.push(format!(
                "{} style sheet changes the browser refused (bad rules or indices)",
                self.dom.css_refused
            ));
        }
        warnings
    }

    /// Fits the recorded viewport into the container (call when the container's size changes).
    pub fn resize(&mut self, s: &Session) {
        let viewport = s.viewport();
        let (cw, mut ch) = (f64::from(self.root.client_width()), f64::from(self.root.client_height()));
        if ch <= 0.0 && cw > 0.0 {
            // a container without a height: take the recording's aspect ratio
            ch = (cw * viewport.1 / viewport.0).round();
            let _ = self.root.style().set_property("height", &format!("{ch}px"));
        }
        let scale = if cw > 0.0 && ch > 0.0 { (cw / viewport.0).min(ch / viewport.1) } else { 1.0 };
        let (left, top) = (((cw - viewport.0 * scale) / 2.0).max(0.0), ((ch - viewport.1 * scale) / 2.0).max(0.0));
        let style = self.stage.style();
        let _ = style.set_property("width", &format!("{}px", viewport.0));
        let _ = style.set_property("height", &format!("{}px", viewport.1));
        let _ = style.set_property("left", &format!("{left}px"));
        let _ = style.set_property("top", &format!("{top}px"));
        let _ = style.set_property("transform", &format!("scale({scale})"));
        self.dom.set_size(viewport.0, viewport.1);
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
        self.overlay.resize(viewport, scale, dpr);
        self.viewport = viewport;
        self.draw(s);
    }

    /// Removes the player from the page.
    pub fn destroy(&mut self) {
        self.root.remove();
    }

    /// The replayed document (`None` before it exists).
    pub fn page_document(&self) -> Option<Document> {
        self.dom.document()
    }

    /// The iframe holding the replayed page.
    pub fn page_frame(&self) -> web_sys::HtmlIFrameElement {
        self.dom.iframe.clone()
    }

    /// The overlay canvas.
    pub fn overlay_canvas(&self) -> web_sys::HtmlCanvasElement {
        self.overlay.canvas.clone()
    }

    /// Rebuilds the page at the current position from scratch, seeking from the nearest
    /// FullSnapshot without checkpoints (tests compare it with a seek); the next frame
    /// re-syncs with the playback state.
    pub fn rebuild_straight(&mut self, s: &mut Session) {
        let straight = s.replay_straight();
        self.dom.rebuild(&straight);
        self.dom.sync_media(&straight, s.dom_time(), false);
    }

    /// Brings the page to the session's position; returns `FRAME_ACTION` when the current
    /// action changed.
    fn sync(&mut self, s: &mut Session) -> u32 {
        self.sync_sliced(s, false, BUILD_SLICE_MS)
    }

    /// [`PlayerView::sync`]; a rebuild of the page is done in slices (the first of `slice_ms`)
    /// when `sliced`, before the page was started, or when a build in slices is already in
    /// progress (it is abandoned for the new position).
    fn sync_sliced(&mut self, s: &mut Session, sliced: bool, slice_ms: f64) -> u32 {
        let sliced = sliced || !self.started;
        self.started = true;
        if std::mem::take(&mut self.advanced) {
            let mut more = Vec::new();
            s.advance(&mut more);
            self.changes.extend(more);
        } else {
            s.advance(&mut self.changes);
        }
        if !self.changes.is_empty() {
            let rebuilt = self.changes.iter().any(|c| matches!(c, Change::Reset));
            if self.dom.building() || (rebuilt && sliced) {
                self.dom.start_rebuild(s.vdom());
                if !self.dom.build_step(s.vdom(), &mut now, slice_ms) {
                    if s.viewport() != self.viewport {
                        self.resize(s);
                    }
                    return s.update_action();
                }
                self.frames_since_rebuild = 0;
            } else {
                self.dom.apply(s.vdom(), &self.changes);
                if rebuilt {
                    self.frames_since_rebuild = 0;
                }
            }
        } else if self.dom.building() {
            return s.update_action();
        }
        self.dom.sync_media(s.vdom(), s.dom_time(), s.playing());
        // Images and styles arriving after a rebuild change what can scroll: keep the
        // recorded offsets for a while.
        if self.frames_since_rebuild < REAPPLY_SCROLL_FRAMES {
            self.frames_since_rebuild += 1;
            if self.frames_since_rebuild.is_multiple_of(REAPPLY_SCROLL_EVERY) {
                self.dom.reapply_scrolls(s.vdom());
            }
        }
        if s.viewport() != self.viewport {
            self.resize(s);
        }
        s.update_action()
    }

    fn draw(&self, s: &Session) {
        self.draw_with(s, self.dom.scroll_metrics());
    }

    fn draw_with(&self, s: &Session, scroll: Option<(f64, f64, f64)>) {
        let t = s.abs();
        let timeline = s.timeline();
        let (url, caption) = if self.labels { (timeline.url_at(t), timeline.caption_at(t)) } else { (None, None) };
        let scene = Scene { t_ms: t, url, caption, scroll };
        let mut canvases = self.page_canvases.borrow_mut();
        self.dom.painted_canvases(&mut canvases);
        self.overlay.draw(timeline, &scene, &canvases);
    }
}

/// The page's monotonic clock, ms (`performance.now()`, else `Date.now()`): the budgets of the
/// session's time-sliced passes.
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or_else(js_sys::Date::now, |p| p.now())
}
