//! Inline `style` attribute text, edited the way `style.setProperty` / `removeProperty` edit
//! it: one declaration per property, set in place or appended, `!important` kept as priority.
//! The browser re-parses the text the edge writes, so only the declarations must be right, not
//! the browser's own serialization.

/// Splits declaration text at top-level `;` (not inside quotes, parentheses or brackets).
fn declarations(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0usize);
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ';') if depth <= 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out.into_iter().filter(|d| !d.trim().is_empty()).collect()
}

/// The property name of a declaration, lower-cased unless custom (`--x`).
fn property_of(decl: &str) -> Option<String> {
    let (name, _) = decl.split_once(':')?;
    let name = name.trim();
    Some(if name.starts_with("--") { name.to_string() } else { name.to_ascii_lowercase() })
}

fn normalize_name(name: &str) -> String {
    let name = name.trim();
    if name.starts_with("--") {
        name.to_string()
    } else {
        name.to_ascii_lowercase()
    }
}

fn join(decls: &[String]) -> String {
    let mut out = String::new();
    for d in decls {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(d);
        out.push(';');
    }
    out
}

/// `style.setProperty(name, value, priority)` on the declarations in `text`. An empty value
/// removes the property, as in the DOM.
pub fn set_style_property(text: &str, name: &str, value: &str, priority: Option<&str>) -> String {
    let name = normalize_name(name);
    if value.trim().is_empty() {
        return remove_style_property(text, &name);
    }
    let important = priority.is_some_and(|p| p.eq_ignore_ascii_case("important"));
    let decl = format!("{name}: {}{}", value.trim(), if important { " !important" } else { "" });
    let mut decls: Vec<String> = declarations(text).into_iter().map(|d| d.trim().to_string()).collect();
    match decls.iter().position(|d| property_of(d).as_deref() == Some(name.as_str())) {
        Some(i) => {
            decls[i] = decl;
            // a later duplicate of the same property would override the new value
            let mut k = i + 1;
            while k < decls.len() {
                if property_of(&decls[k]).as_deref() == Some(name.as_str()) {
                    decls.remove(k);
                } else {
                    k += 1;
                }
            }
        }
        None => decls.push(decl),
    }
    join(&decls)
}

/// `style.removeProperty(name)` on the declarations in `text`.
pub fn remove_style_property(text: &str, name: &str) -> String {
    let name = normalize_name(name);
    let decls: Vec<String> = declarations(text)
        .into_iter()
        .filter(|d| property_of(d).as_deref() != Some(name.as_str()))
        .map(|d| d.trim().to_string())
        .collect();
    join(&decls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_in_place_or_appends() {
        assert_eq!(set_style_property("", "width", "10px", None), "width: 10px;");
        assert_eq!(set_style_property("color: red; width: 1px", "WIDTH", "2px", None), "color: red; width: 2px;");
        assert_eq!(set_style_property("color: red", "top", "0", Some("important")), "color: red; top: 0 !important;");
        assert_eq!(set_style_property("color: red", "color", "", None), "");
    }

    #[test]
    fn semicolons_inside_values_do_not_split() {
        let text = "background: url(\"a;b.png\"); content: ';'";
        assert_eq!(
            set_style_property(text, "color", "red", None),
            "background: url(\"a;b.png\"); content: ';'; color: red;"
        );
        assert_eq!(remove_style_property(text, "content"), "background: url(\"a;b.png\");");
    }
}
