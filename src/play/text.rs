//! Text for the overlay's chips, pure so it is tested natively: [`fit`] cuts a label to a width
//! with `…` (the canvas' `maxWidth` would condense it instead, squeezing the letters).

/// `text` as it fits in `max_w` by `width` (the canvas' measure): whole, or its longest prefix
/// (on a character boundary) that fits with `…` appended.
pub fn fit(text: &str, max_w: f64, width: impl Fn(&str) -> f64) -> String {
    if width(text) <= max_w {
        return text.to_string();
    }
    let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).chain(std::iter::once(text.len())).collect();
    // The longest prefix that fits, by bisection over character ends (widths grow with length).
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if width(&format!("{}…", &text[..ends[mid - 1]])) <= max_w {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let cut = if lo == 0 { "" } else { &text[..ends[lo - 1]] };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::fit;

    /// One unit per character, as a monospace font measures.
    fn mono(t: &str) -> f64 {
        t.chars().count() as f64
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_not_condensed() {
        assert_eq!(fit("Clicked button", 20.0, mono), "Clicked button");
        assert_eq!(fit("Clicked button \"Apply coupon\"", 10.0, mono), "Clicked b…");
        assert_eq!(fit("Clicked button", 9.0, mono), "Clicked…", "no space before the ellipsis");
        assert_eq!(fit("héllo wörld", 6.0, mono), "héllo…", "on a character boundary");
        assert_eq!(fit("abc", 0.5, mono), "…");
    }
}
