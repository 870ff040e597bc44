//! The collector's three kinds of key and how a request presents one.
//!
//! - **public** keys (one or more, e.g. one per app) may only ingest; they ship in web pages.
//! - the **read** key lists sessions and reads their events and analyses.
//! - the **admin** key reads and deletes.
//! - a **share token** (`share.TOKEN`, [`super::share`]) reads the one session it names and its
//!   analysis, until it expires; every other endpoint refuses it (403).
//!
//! A request presents its key in `X-Rewind-Key` or as `Authorization: Bearer KEY`, never in the
//! URL (URLs end up in logs and referrers). Keys are compared in constant time.

use super::api::ApiError;
use axum::http::{header, HeaderMap};
use subtle::ConstantTimeEq;

/// Header that carries a key (the SDK's and the viewer's way).
pub const KEY_HEADER: &str = "x-rewind-key";

/// Shortest key accepted from flags or the environment, in bytes: 16. Shorter keys are easy to
/// guess; generated keys are much longer ([`generate_key`]).
pub const MIN_KEY_BYTES: usize = 16;

/// Random bytes in a generated key: 24 (192 bits), printed as 48 hex digits.
pub const GENERATED_KEY_RANDOM_BYTES: usize = 24;

/// What a key allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Ingest only. The number is the key's position among the public keys (its rate bucket).
    Public(usize),
    /// List and read sessions.
    Read,
    /// Read and delete sessions.
    Admin,
    /// Read one session and its analysis: a valid share token ([`super::share`]).
    Share,
}

/// The configured keys.
#[derive(Clone, Debug)]
pub struct Keys {
    /// Keys accepted by `POST /v1/ingest`.
    pub public: Vec<String>,
    /// Key for the read API.
    pub read: String,
    /// Key for the read API and `DELETE`.
    pub admin: String,
}

impl Keys {
    /// Checks the keys: each at least [`MIN_KEY_BYTES`] long, and no key given two roles.
    pub fn validate(&self) -> Result<(), String> {
        let all: Vec<(&str, &String)> =
            self.public.iter().map(|k| ("public", k)).chain([("read", &self.read), ("admin", &self.admin)]).collect();
        for (role, key) in &all {
            if key.len() < MIN_KEY_BYTES {
                return Err(format!("the {role} key is shorter than {MIN_KEY_BYTES} characters"));
            }
            if !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(format!("the {role} key must be printable ASCII without spaces"));
            }
        }
        for (i, (role_a, a)) in all.iter().enumerate() {
            if let Some((role_b, _)) = all[i + 1..].iter().find(|(_, b)| a == b) {
                return Err(format!("the same key is given as {role_a} and {role_b} key; keys must differ"));
            }
        }
        Ok(())
    }

    /// The role of `presented`, or `None` for an unknown key. Every configured key is compared
    /// in constant time, so timing tells neither which key matched nor how much of it.
    pub fn identify(&self, presented: &str) -> Option<Role> {
        let presented = presented.as_bytes();
        let mut found = None;
        for (i, key) in self.public.iter().enumerate() {
            if bool::from(key.as_bytes().ct_eq(presented)) {
                found = Some(Role::Public(i));
            }
        }
        if bool::from(self.read.as_bytes().ct_eq(presented)) {
            found = Some(Role::Read);
        }
        if bool::from(self.admin.as_bytes().ct_eq(presented)) {
            found = Some(Role::Admin);
        }
        found
    }
}

/// The key a request presents: `X-Rewind-Key`, else `Authorization: Bearer KEY`.
pub fn presented_key(headers: &HeaderMap) -> Option<&str> {
    if let Some(value) = headers.get(KEY_HEADER) {
        return value.to_str().ok().map(str::trim);
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = auth.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// What an endpoint needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// A public key (ingest).
    Ingest,
    /// The read or the admin key.
    Read,
    /// The admin key.
    Admin,
}

/// The role of the request's key if it may do `need`: 401 without a key or with an unknown
/// one, 403 with a known key of the wrong kind.
pub fn authorize(keys: &Keys, headers: &HeaderMap, need: Need) -> Result<Role, ApiError> {
    let Some(presented) = presented_key(headers).filter(|k| !k.is_empty()) else {
        return Err(ApiError::unauthorized("missing key: send it in the X-Rewind-Key header"));
    };
    if presented.starts_with(super::share::TOKEN_PREFIX) {
        return Err(ApiError::forbidden(
            "a share link only reads the session it names (GET /v1/sessions/{id} and /analysis)",
        ));
    }
    let Some(role) = keys.identify(presented) else {
        return Err(ApiError::unauthorized("unknown key"));
    };
    let allowed = match need {
        Need::Ingest => matches!(role, Role::Public(_)),
        Need::Read => matches!(role, Role::Read | Role::Admin),
        Need::Admin => role == Role::Admin,
    };
    if allowed {
        return Ok(role);
    }
    Err(ApiError::forbidden(match need {
        Need::Ingest => "this key cannot ingest: use a public key",
        Need::Read => "this key cannot read sessions: use the read key",
        Need::Admin => "this key cannot delete sessions: use the admin key",
    }))
}

/// A fresh random key: `rw_{kind}_` and [`GENERATED_KEY_RANDOM_BYTES`] random bytes in hex,
/// from the operating system's generator.
pub fn generate_key(kind: &str) -> Result<String, String> {
    let mut bytes = [0u8; GENERATED_KEY_RANDOM_BYTES];
    getrandom::fill(&mut bytes).map_err(|e| format!("cannot generate a random key: {e}"))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("rw_{kind}_{hex}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn keys() -> Keys {
        Keys {
            public: vec!["public-key-0000001".into(), "public-key-0000002".into()],
            read: "read-key-000000001".into(),
            admin: "admin-key-00000001".into(),
        }
    }

    #[test]
    fn roles() {
        let k = keys();
        assert_eq!(k.identify("public-key-0000002"), Some(Role::Public(1)));
        assert_eq!(k.identify("read-key-000000001"), Some(Role::Read));
        assert_eq!(k.identify("admin-key-00000001"), Some(Role::Admin));
        assert_eq!(k.identify("admin-key-0000000"), None);
        assert_eq!(k.identify(""), None);
    }

    #[test]
    fn validation() {
        assert!(keys().validate().is_ok());
        let mut same = keys();
        same.read = same.admin.clone();
        assert!(same.validate().unwrap_err().contains("read and admin"));
        let mut short = keys();
        short.admin = "short".into();
        assert!(short.validate().is_err());
    }

    #[test]
    fn key_from_headers() {
        let mut h = HeaderMap::new();
        assert_eq!(presented_key(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer  abc "));
        assert_eq!(presented_key(&h), Some("abc"));
        h.insert(KEY_HEADER, HeaderValue::from_static("xyz"));
        assert_eq!(presented_key(&h), Some("xyz"));
    }

    #[test]
    fn permissions() {
        let k = keys();
        let with = |key: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(KEY_HEADER, HeaderValue::from_static(key));
            h
        };
        let status = |r: Result<Role, ApiError>| r.map(|_| 200).unwrap_or_else(|e| e.status.as_u16());
        assert_eq!(status(authorize(&k, &HeaderMap::new(), Need::Ingest)), 401);
        assert_eq!(status(authorize(&k, &with("nope-nope-nope-nope"), Need::Ingest)), 401);
        assert_eq!(status(authorize(&k, &with("public-key-0000001"), Need::Ingest)), 200);
        assert_eq!(status(authorize(&k, &with("read-key-000000001"), Need::Ingest)), 403);
        assert_eq!(status(authorize(&k, &with("admin-key-00000001"), Need::Ingest)), 403);
        assert_eq!(status(authorize(&k, &with("public-key-0000001"), Need::Read)), 403);
        assert_eq!(status(authorize(&k, &with("admin-key-00000001"), Need::Read)), 200);
        assert_eq!(status(authorize(&k, &with("read-key-000000001"), Need::Admin)), 403);
        assert_eq!(status(authorize(&k, &with("admin-key-00000001"), Need::Admin)), 200);
        for need in [Need::Ingest, Need::Read, Need::Admin] {
            assert_eq!(status(authorize(&k, &with("share.abc.def"), need)), 403);
        }
    }

    #[test]
    fn generated_keys_differ() {
        let a = generate_key("read").unwrap();
        assert!(a.starts_with("rw_read_") && a.len() == 8 + 2 * GENERATED_KEY_RANDOM_BYTES);
        assert_ne!(a, generate_key("read").unwrap());
    }
}
