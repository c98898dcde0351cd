//! Properties of the parsers that see secrets, on arbitrary input (proptest):
//! the URL parser, `${}` interpolation, durations and the profile reader
//! never panic, and never put the password in an error or a printed URL.

use std::path::Path;

use proptest::prelude::*;
use runner::db::DbUrl;

/// Text biased towards what breaks URL parsers: reserved characters, `%`
/// followed by anything (multi-byte characters included), unicode, controls.
fn tricky() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        any::<char>().prop_map(|c| format!("%{c}")),
        (any::<char>(), any::<char>()).prop_map(|(a, b)| format!("%{a}{b}")),
        prop::sample::select(vec!["/", "?", "#", "@", ":", "%", "%2F", "%zz", "&", "=", "[", "]", " ", "€", "${", "}", ","])
            .prop_map(str::to_string),
        "[a-z0-9]{1,6}".prop_map(|s| s),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn none(_: &str) -> Option<String> {
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn url_parser_never_panics(text in tricky()) {
        let _ = DbUrl::parse(&text);
        let _ = DbUrl::parse(&format!("postgres://{text}"));
    }

    #[test]
    fn url_password_is_never_in_an_error_or_the_printed_url(pw in tricky(), rest in tricky()) {
        let password = format!("Pw-{pw}");
        let url = format!("postgres://app:{password}@{rest}");
        let shown = match DbUrl::parse(&url) {
            Ok(u) => format!("{u} {u:?} {}", u.pooler().unwrap_or_default()),
            Err(e) => e.message().to_string(),
        };
        prop_assert!(!shown.contains(&password), "{shown}");
        let decoded = percent_encoding::percent_decode_str(&password).decode_utf8_lossy().into_owned();
        prop_assert!(!shown.contains(&decoded), "{shown}");
    }

    #[test]
    fn password_parameter_is_never_printed(pw in tricky(), host in "[a-z]{1,8}") {
        let password = format!("Pw-{pw}");
        let url = format!("postgres://app@{host}/db?password={password}");
        let shown = match DbUrl::parse(&url) {
            Ok(u) => format!("{u} {u:?}"),
            Err(e) => e.message().to_string(),
        };
        prop_assert!(!shown.contains(&password), "{shown}");
    }

    #[test]
    fn interpolation_never_panics_nor_quotes_its_text(before in tricky(), after in tricky()) {
        let secret = "Pw-secret-in-text";
        let text = format!("{before}{secret}{after}");
        if let Err(e) = runner::interpolate::expand(&text, &none) {
            prop_assert!(!e.contains(secret), "{e}");
        }
    }

    #[test]
    fn durations_never_panic(text in tricky()) {
        let _ = runner::duration::parse(&text);
    }

    #[test]
    fn profile_reader_never_panics(text in tricky(), lines in prop::collection::vec(tricky(), 0..6)) {
        let yaml = format!("targets:\n  - name: a\n    schema: morse\n    url: {text}\n{}", lines.join("\n"));
        let _ = runner::profile::parse("p", Path::new("p.yaml"), &yaml, &none);
        let _ = runner::profile::parse("p", Path::new("p.yaml"), &text, &none);
    }
}
