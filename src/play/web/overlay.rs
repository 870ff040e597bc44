//! The overlay: an HTML canvas over the replayed page, drawn every frame from the timeline.
//!
//! The pointer with a fading trail, click pulses (rage clicks red with a double ring, right
//! clicks and touches in their own look), a scroll-position indicator, the current URL and the
//! current action's caption. Positions are recorded viewport CSS px, scaled to the player; the
//! cursor, pulses and text keep their on-screen size at any scale. A frame allocates nothing
//! on the Rust side: colours are constants with `globalAlpha`, text is borrowed.

use crate::play::text::fit;
use crate::play::timeline::{ClickKind, Timeline};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, Document, Element, HtmlCanvasElement};

/// How long the trail is, in ms.
pub(super) const TRAIL_MS: i64 = 600;
/// How long a click pulse lasts, in ms.
pub(super) const PULSE_MS: i64 = 700;

const ACCENT: &str = "#4f46e5";
const RAGE: &str = "#dc2626";
const RIGHT: &str = "#d97706";
const TOUCH: &str = "#0891b2";
const INK: &str = "#111827";
const PAPER: &str = "#ffffff";
const CHIP: &str = "rgba(17,24,39,0.78)";
const FONT: &str = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const CAPTION_FONT: &str = "600 13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/// What the overlay shows besides the timeline's own data.
pub(super) struct Scene<'a> {
    /// Playback position, Unix epoch ms.
    pub t_ms: i64,
    pub url: Option<&'a str>,
    pub caption: Option<&'a str>,
    /// (scroll top, scroll height, client height) of the replayed document.
    pub scroll: Option<(f64, f64, f64)>,
}

pub(super) struct Overlay {
    pub(super) canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// Recorded viewport (CSS px) and the scale it is shown at.
    viewport: (f64, f64),
    scale: f64,
    dpr: f64,
}

impl Overlay {
    pub(super) fn new(host: &Document, stage: &Element) -> Result<Self, JsValue> {
        let canvas: HtmlCanvasElement = host.create_element("canvas")?.unchecked_into();
        canvas.set_attribute("class", "rewind-player__overlay")?;
        canvas.set_attribute("aria-hidden", "true")?;
        canvas.set_attribute("style", "position:absolute;left:0;top:0;pointer-events:none;")?;
        stage.append_child(&canvas)?;
        let ctx: CanvasRenderingContext2d =
            canvas.get_context("2d")?.ok_or_else(|| JsValue::from_str("no 2d context"))?.dyn_into()?;
        Ok(Overlay { canvas, ctx, viewport: (0.0, 0.0), scale: 1.0, dpr: 1.0 })
    }

    /// Sizes the canvas for a viewport shown at `scale`, on a screen of `dpr` device pixels per
    /// CSS px. The canvas sits in the scaled stage: its CSS size is the viewport's; its bitmap
    /// has one pixel per device pixel on screen.
    pub(super) fn resize(&mut self, viewport: (f64, f64), scale: f64, dpr: f64) {
        if self.viewport == viewport && self.scale == scale && self.dpr == dpr {
            return;
        }
        self.viewport = viewport;
        self.scale = scale;
        self.dpr = dpr;
        let (w, h) = ((viewport.0 * scale * dpr).round().max(1.0), (viewport.1 * scale * dpr).round().max(1.0));
        self.canvas.set_width(w as u32);
        self.canvas.set_height(h as u32);
        let style = self.canvas.style();
        let _ = style.set_property("width", &format!("{}px", viewport.0));
        let _ = style.set_property("height", &format!("{}px", viewport.1));
    }

    /// Draws one frame. `page_canvases`: the replayed page's `<canvas>` elements with a
    /// bitmap, painted where they are laid out (the frame cannot show them itself, having no
    /// scripting), under the pointer; content the page stacks above a canvas is not above it
    /// here.
    pub(super) fn draw(&self, timeline: &Timeline, scene: &Scene, page_canvases: &[JsValue]) {
        let ctx = &self.ctx;
        let (s, dpr) = (self.scale, self.dpr);
        let (w, h) = (self.viewport.0 * s, self.viewport.1 * s); // on-screen CSS px
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, w, h);
        let t = scene.t_ms;

        for c in page_canvases {
            let c: &HtmlCanvasElement = c.unchecked_ref();
            let r = c.get_bounding_client_rect();
            let visible =
                r.right() > 0.0 && r.bottom() > 0.0 && r.left() < self.viewport.0 && r.top() < self.viewport.1;
            if c.is_connected() && c.width() > 0 && c.height() > 0 && r.width() > 0.0 && r.height() > 0.0 && visible {
                let _ = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                    c,
                    r.left() * s,
                    r.top() * s,
                    r.width() * s,
                    r.height() * s,
                );
            }
        }

        // Trail: the pointer's path over the last TRAIL_MS, older segments fainter.
        let trail = timeline.pointer_between(t - TRAIL_MS, t);
        let here = timeline.pointer_at(t);
        if let Some((hx, hy)) = here {
            ctx.set_line_cap("round");
            ctx.set_line_join("round");
            ctx.set_stroke_style_str(ACCENT);
            ctx.set_line_width(3.0);
            let mut prev: Option<(f64, f64, i64)> = None;
            for p in trail.iter().map(|p| (p.x, p.y, p.t_ms)).chain(std::iter::once((hx, hy, t))) {
                if let Some((px, py, _)) = prev {
                    let age = (t - p.2) as f64 / TRAIL_MS as f64;
                    ctx.set_global_alpha((0.55 * (1.0 - age)).clamp(0.0, 0.55));
                    ctx.begin_path();
                    ctx.move_to(px * s, py * s);
                    ctx.line_to(p.0 * s, p.1 * s);
                    ctx.stroke();
                }
                prev = Some(p);
            }
            ctx.set_global_alpha(1.0);
        }

        // Click pulses.
        for c in timeline.clicks_between(t - PULSE_MS, t) {
            let p = ((t - c.t_ms) as f64 / PULSE_MS as f64).clamp(0.0, 1.0);
            let (x, y) = (c.x * s, c.y * s);
            let color = if c.rage {
                RAGE
            } else {
                match c.kind {
                    ClickKind::RightClick => RIGHT,
                    ClickKind::Touch => TOUCH,
                    _ => ACCENT,
                }
            };
            ctx.set_stroke_style_str(color);
            ctx.set_fill_style_str(color);
            let base = if c.rage { 10.0 } else { 6.0 };
            let grow = if c.rage { 34.0 } else { 22.0 };
            ctx.set_global_alpha(0.9 * (1.0 - p));
            ctx.set_line_width(if c.rage { 3.0 } else { 2.0 });
            circle(ctx, x, y, base + grow * p);
            ctx.stroke();
            if c.rage || c.kind == ClickKind::DoubleClick {
                circle(ctx, x, y, (base + grow * p) * 0.6);
                ctx.stroke();
            }
            ctx.set_global_alpha(0.35 * (1.0 - p));
            circle(ctx, x, y, base);
            ctx.fill();
        }
        ctx.set_global_alpha(1.0);

        // The pointer.
        if let Some((x, y)) = here {
            let touch = timeline.clicks_between(t - PULSE_MS, t).last().is_some_and(|c| c.kind == ClickKind::Touch);
            if touch {
                ctx.set_fill_style_str(TOUCH);
                ctx.set_global_alpha(0.5);
                circle(ctx, x * s, y * s, 12.0);
                ctx.fill();
                ctx.set_global_alpha(1.0);
            } else {
                arrow(ctx, x * s, y * s);
            }
        }

        // Scroll position: a thin bar at the right edge when the page scrolls.
        if let Some((top, height, client)) = scene.scroll {
            if height > client + 1.0 && client > 0.0 {
                let track = h - 16.0;
                let thumb = (track * client / height).max(24.0);
                let y = 8.0 + (track - thumb) * (top / (height - client)).clamp(0.0, 1.0);
                ctx.set_fill_style_str(INK);
                ctx.set_global_alpha(0.12);
                rounded(ctx, w - 9.0, 8.0, 5.0, track, 2.5);
                ctx.fill();
                ctx.set_global_alpha(0.55);
                rounded(ctx, w - 9.0, y, 5.0, thumb, 2.5);
                ctx.fill();
                ctx.set_global_alpha(1.0);
            }
        }

        // The URL (bottom left, at most a third of the width) and the caption (bottom centre,
        // a row above when there is a URL), as chips. The top left is where pages put their
        // logo and navigation, which a URL chip there used to cover; the bottom edge is what
        // pages least often use for what a viewer needs to see.
        let mut caption_y = h - 36.0;
        if let Some(url) = scene.url {
            ctx.set_font(FONT);
            chip(ctx, url, 8.0, h - 32.0, (w / 3.0).max(160.0).min(w - 16.0), false);
            caption_y = h - 64.0;
        }
        if let Some(caption) = scene.caption {
            ctx.set_font(CAPTION_FONT);
            chip(ctx, caption, w / 2.0, caption_y, w - 48.0, true);
        }
    }
}

fn circle(ctx: &CanvasRenderingContext2d, x: f64, y: f64, r: f64) {
    ctx.begin_path();
    let _ = ctx.arc(x, y, r.max(0.0), 0.0, std::f64::consts::TAU);
}

fn rounded(ctx: &CanvasRenderingContext2d, x: f64, y: f64, w: f64, h: f64, r: f64) {
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(x, y, w, h, r);
}

/// A mouse pointer arrow with its tip at (x, y), 1.4× the usual 12 px.
fn arrow(ctx: &CanvasRenderingContext2d, x: f64, y: f64) {
    const PTS: [(f64, f64); 7] =
        [(0.0, 0.0), (0.0, 16.0), (4.2, 12.2), (7.0, 18.4), (9.6, 17.2), (6.9, 11.2), (12.0, 11.2)];
    ctx.begin_path();
    for (i, (px, py)) in PTS.iter().enumerate() {
        let (px, py) = (x + px * 1.15, y + py * 1.15);
        if i == 0 {
            ctx.move_to(px, py);
        } else {
            ctx.line_to(px, py);
        }
    }
    ctx.close_path();
    ctx.set_fill_style_str(INK);
    ctx.set_stroke_style_str(PAPER);
    ctx.set_line_width(1.5);
    ctx.set_line_join("round");
    ctx.fill();
    ctx.stroke();
}

/// A text chip: a dark rounded box with white text, at most `max_w` wide; longer text is cut
/// with `…` ([`fit`]) rather than condensed by the canvas' `maxWidth`. `centered`: `x` is the chip's centre.
fn chip(ctx: &CanvasRenderingContext2d, text: &str, x: f64, y: f64, max_w: f64, centered: bool) {
    if max_w < 40.0 || text.is_empty() {
        return;
    }
    let width = |t: &str| ctx.measure_text(t).map(|m| m.width()).unwrap_or(0.0);
    let text = fit(text, max_w - 20.0, width);
    let text_w = width(&text).min(max_w - 20.0);
    let (w, h) = (text_w + 20.0, 24.0);
    let left = if centered { x - w / 2.0 } else { x };
    ctx.set_fill_style_str(CHIP);
    rounded(ctx, left, y, w, h, 12.0);
    ctx.fill();
    ctx.set_fill_style_str(PAPER);
    ctx.set_text_baseline("middle");
    let _ = ctx.fill_text_with_max_width(&text, left + 10.0, y + h / 2.0 + 0.5, text_w);
}
