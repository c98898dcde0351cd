//! Deterministic UUIDs for legacy integer ids.
//!
//! The legacy tool derived the target primary keys from the legacy ids with a
//! home-made formula (it looks like a v4 UUID but is neither v4 nor v5). We keep
//! it bit for bit so that rows migrated by the old tool and by this one line up.

use ring::digest;

/// The UUID the legacy tool gave to `<entity>` number `legacy_id`.
///
/// SHA-256 of `totalis-<entity>-<legacy_id>` as lowercase hex `h`, then the
/// groups `h[0..8]`, `h[8..12]`, `'4' + h[13..16]`, `x + h[17..20]` and
/// `h[20..32]`, where `x` is the hex digit `(h[16] & 3) | 8`.
/// Note that `h[12]` is skipped, not overwritten: that is the legacy quirk.
pub fn deterministic(entity: &str, legacy_id: i32) -> String {
    let seed = format!("totalis-{entity}-{legacy_id}");
    let h = hex(digest::digest(&digest::SHA256, seed.as_bytes()).as_ref());
    let variant = hex_value(h.as_bytes()[16]) & 3 | 8;
    format!(
        "{}-{}-4{}-{:x}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        variant,
        &h[17..20],
        &h[20..32]
    )
}

/// The target id of legacy coach `legacy_id` (`tls_coach.id`).
pub fn coach_id(legacy_id: i32) -> String {
    deterministic("coach", legacy_id)
}

/// The target id of legacy category `legacy_id` (`tls_category.id`).
pub fn category_id(legacy_id: i32) -> String {
    deterministic("category", legacy_id)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Value of one lowercase hex digit (the input comes from `hex`, so it is one).
fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        _ => digit - b'a' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coach_vectors_match_the_legacy_tool() {
        assert_eq!(coach_id(1), "0d33d926-1ff8-45a4-8e96-bc45b919a131");
        assert_eq!(coach_id(2), "a26e7af1-be94-46e2-a211-e9caeec2625f");
        assert_eq!(coach_id(8), "4027b708-40f1-46e7-ba8c-690b8f7e8d03");
    }

    #[test]
    fn category_vectors_match_the_legacy_tool() {
        assert_eq!(category_id(1), "e28a1646-906d-41b7-a87c-6e01e5f8ddc4");
        assert_eq!(category_id(2), "504df835-5b69-4e05-b264-5c31318de4b7");
        assert_eq!(category_id(89), "7789dfe6-65d0-4a0f-bd39-56c675dc1927");
    }

    #[test]
    fn deterministic_is_the_general_form() {
        assert_eq!(deterministic("coach", 8), coach_id(8));
        assert_eq!(deterministic("category", 89), category_id(89));
        // Same id, different entity: different UUIDs.
        assert_ne!(deterministic("coach", 1), deterministic("category", 1));
    }

    #[test]
    fn shape_is_uuid_like_for_any_id() {
        for id in [i32::MIN, -1, 0, 7, 12345, i32::MAX] {
            let u = coach_id(id);
            let groups: Vec<&str> = u.split('-').collect();
            let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            assert_eq!(lens, [8, 4, 4, 4, 12], "{u}");
            assert!(groups[2].starts_with('4'), "{u}");
            assert!("89ab".contains(&groups[3][..1]), "{u}");
            assert!(u
                .chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
            assert_eq!(u, coach_id(id), "stable");
        }
    }
}
