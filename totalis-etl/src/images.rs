//! Image type detection and object naming.
//!
//! Legacy `tls_image` rows have bytes and a free-form extension but no MIME
//! type, and the extension is sometimes wrong (`jpe`, PNG bytes labelled as
//! JPEG, NULL). So the bytes decide first and the extension only second.

use ring::digest;

/// One image format we can recognise.
struct Format {
    content_type: &'static str,
    /// The extension we write objects with.
    extension: &'static str,
    /// Short name for messages.
    name: &'static str,
}

const JPEG: Format = Format {
    content_type: "image/jpeg",
    extension: "jpg",
    name: "JPEG",
};
const PNG: Format = Format {
    content_type: "image/png",
    extension: "png",
    name: "PNG",
};
const GIF: Format = Format {
    content_type: "image/gif",
    extension: "gif",
    name: "GIF",
};
const WEBP: Format = Format {
    content_type: "image/webp",
    extension: "webp",
    name: "WEBP",
};
const SVG: Format = Format {
    content_type: "image/svg+xml",
    extension: "svg",
    name: "SVG",
};
const BMP: Format = Format {
    content_type: "image/bmp",
    extension: "bmp",
    name: "BMP",
};
const ICO: Format = Format {
    content_type: "image/x-icon",
    extension: "ico",
    name: "ICO",
};
const AVIF: Format = Format {
    content_type: "image/avif",
    extension: "avif",
    name: "AVIF",
};

/// The format whose magic bytes `bytes` start with.
fn sniff_format(bytes: &[u8]) -> Option<&'static Format> {
    let b = bytes;
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(&JPEG)
    } else if b.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(&PNG)
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some(&GIF)
    } else if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some(&WEBP)
    } else if b.len() >= 12 && &b[4..8] == b"ftyp" && matches!(&b[8..12], b"avif" | b"avis") {
        Some(&AVIF)
    } else if is_bmp(b) {
        Some(&BMP)
    } else if b.len() >= 6 && b[0..4] == [0, 0, 1, 0] && b[4..6] != [0, 0] {
        // ICO: reserved 0, type 1, then a non-zero image count.
        Some(&ICO)
    } else if is_svg(b) {
        Some(&SVG)
    } else {
        None
    }
}

/// "BM" alone is too weak a signature for text-like data, so also require the
/// two reserved 16-bit fields to be zero and a plausible header size.
fn is_bmp(b: &[u8]) -> bool {
    b.len() >= 18
        && b.starts_with(b"BM")
        && b[6..10] == [0, 0, 0, 0]
        && matches!(
            u32::from_le_bytes([b[14], b[15], b[16], b[17]]),
            12 | 40 | 52 | 56 | 64 | 108 | 124
        )
}

/// SVG is text: after an optional UTF-8 BOM and whitespace it starts with
/// `<svg`, or with an XML declaration / doctype / comment and has `<svg` in the
/// first kilobyte.
fn is_svg(b: &[u8]) -> bool {
    let head = &b[..b.len().min(1024)];
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(head);
    let start = text
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    if text.starts_with(b"<svg") {
        return true;
    }
    let prolog =
        text.starts_with(b"<?xml") || text.starts_with(b"<!--") || text.starts_with(b"<!DOCTYPE");
    prolog && text.windows(4).any(|w| w == b"<svg")
}

/// The content type the bytes' magic number says, if it is a known image format.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    sniff_format(bytes).map(|f| f.content_type)
}

/// The format an extension names (case-insensitive, leading dot optional).
fn format_of_extension(ext: &str) -> Option<&'static Format> {
    let ext = ext.trim();
    let ext = ext.strip_prefix('.').unwrap_or(ext).to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Some(&JPEG),
        "png" => Some(&PNG),
        "gif" => Some(&GIF),
        "webp" => Some(&WEBP),
        "svg" => Some(&SVG),
        "bmp" => Some(&BMP),
        "ico" => Some(&ICO),
        "avif" => Some(&AVIF),
        _ => None,
    }
}

/// The content type a legacy extension stands for: lowercased, leading dot
/// stripped; `jpg`, `jpeg`, `jpe`, `jfif` are JPEG. Unknown or None → None
/// (unlike the legacy tool, which called anything unknown JPEG).
pub fn from_extension(ext: Option<&str>) -> Option<&'static str> {
    ext.and_then(format_of_extension).map(|f| f.content_type)
}

/// What decided the content type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetectedBy {
    /// The magic bytes.
    Magic,
    /// The legacy extension (the bytes were not recognised).
    Extension,
}

/// The type of one legacy image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detected {
    /// MIME type for the upload, e.g. `image/png`.
    pub content_type: &'static str,
    /// Canonical extension for the object name: jpg, png, gif, webp, svg, bmp, ico or avif.
    pub extension: &'static str,
    /// Whether the bytes or the extension decided.
    pub by: DetectedBy,
    /// Set when the legacy extension says something else than the bytes,
    /// e.g. "labelled jpe but the bytes are PNG".
    pub mismatch: Option<String>,
}

/// Decides the type of an image: magic bytes first, the extension second.
/// Errors on empty data and when neither is recognised.
pub fn detect(bytes: &[u8], ext: Option<&str>) -> Result<Detected, String> {
    if bytes.is_empty() {
        return Err("image is empty (0 bytes)".to_string());
    }
    let label = ext.map(str::trim).filter(|e| !e.is_empty());
    let by_ext = label.and_then(format_of_extension);
    if let Some(f) = sniff_format(bytes) {
        let mismatch = match (label, by_ext) {
            (Some(l), by_ext) if by_ext.map(|e| e.extension) != Some(f.extension) => {
                Some(format!("labelled {l} but the bytes are {}", f.name))
            }
            _ => None,
        };
        return Ok(Detected {
            content_type: f.content_type,
            extension: f.extension,
            by: DetectedBy::Magic,
            mismatch,
        });
    }
    if let Some(f) = by_ext {
        return Ok(Detected {
            content_type: f.content_type,
            extension: f.extension,
            by: DetectedBy::Extension,
            mismatch: None,
        });
    }
    let what = match label {
        Some(l) => format!("extension '{l}' is not a known image type"),
        None => "no extension".to_string(),
    };
    Err(format!(
        "unknown image type: {what} and the bytes are not a known image format (first bytes: {})",
        first_bytes_hex(bytes)
    ))
}

/// Up to the first 8 bytes as spaced hex, for error messages.
fn first_bytes_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(8)
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The object path of a legacy image: `legacy/image_<id>.<ext>`. One path per
/// legacy id, so a rerun overwrites instead of adding.
pub fn object_path(legacy_image_id: i32, d: &Detected) -> String {
    format!("legacy/image_{legacy_image_id}.{}", d.extension)
}

/// The URL the rows store: the object's public URL and `?v=` with the first
/// 12 hex digits of the bytes' SHA-256. The object keeps its one path per
/// legacy id (overwritten when the bytes change), but its URL changes with
/// the bytes, so caches and the app show a changed picture at once.
pub fn versioned_url(public_url: &str, sha256_hex: &str) -> String {
    format!("{public_url}?v={}", &sha256_hex[..sha256_hex.len().min(12)])
}

/// SHA-256 of the bytes as 64 lowercase hex characters.
pub fn sha256_hex(bytes: &[u8]) -> String {
    digest::digest(&digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG_BYTES: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
    const PNG_BYTES: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D,
    ];

    #[test]
    fn sniff_knows_the_magic_numbers() {
        assert_eq!(sniff(JPEG_BYTES), Some("image/jpeg"));
        assert_eq!(sniff(PNG_BYTES), Some("image/png"));
        assert_eq!(sniff(b"GIF87a\x01\x00"), Some("image/gif"));
        assert_eq!(sniff(b"GIF89a\x01\x00"), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            sniff(b"\x00\x00\x00\x1cftypavif\x00\x00"),
            Some("image/avif")
        );
        let mut bmp =
            b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00".to_vec();
        bmp.extend([0; 8]);
        assert_eq!(sniff(&bmp), Some("image/bmp"));
        assert_eq!(sniff(&[0, 0, 1, 0, 1, 0, 16, 16]), Some("image/x-icon"));
    }

    #[test]
    fn sniff_rejects_near_misses() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(&[0xFF, 0xD8]), None, "too short for JPEG");
        assert_eq!(sniff(&PNG_BYTES[..7]), None, "truncated PNG signature");
        assert_eq!(
            sniff(b"RIFF\x24\x00\x00\x00WAVEfmt "),
            None,
            "RIFF but audio"
        );
        assert_eq!(sniff(b"BMW is a car brand, not a bitmap"), None);
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(
            sniff(b"<html><svg></svg></html>"),
            None,
            "HTML embedding SVG is not SVG"
        );
    }

    #[test]
    fn sniff_recognises_svg_text() {
        assert_eq!(
            sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some("image/svg+xml")
        );
        assert_eq!(
            sniff(b"\xEF\xBB\xBF  \n<svg/>"),
            Some("image/svg+xml"),
            "BOM and whitespace"
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<!-- c -->\n<svg/>"),
            Some("image/svg+xml")
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><note>no</note>"),
            None,
            "XML without svg"
        );
        let mut far = b"<?xml version=\"1.0\"?>".to_vec();
        far.extend(vec![b' '; 2000]);
        far.extend(b"<svg/>");
        assert_eq!(sniff(&far), None, "<svg only after the first KB");
    }

    #[test]
    fn from_extension_normalises_and_maps() {
        for e in ["jpg", "JPG", ".jpeg", "jpe", ".JPE", "jfif", " jpg "] {
            assert_eq!(from_extension(Some(e)), Some("image/jpeg"), "{e}");
        }
        assert_eq!(from_extension(Some(".png")), Some("image/png"));
        assert_eq!(from_extension(Some("gif")), Some("image/gif"));
        assert_eq!(from_extension(Some("WebP")), Some("image/webp"));
        assert_eq!(from_extension(Some("svg")), Some("image/svg+xml"));
        assert_eq!(from_extension(Some("tiff")), None);
        assert_eq!(from_extension(Some("")), None);
        assert_eq!(from_extension(Some(".")), None);
        assert_eq!(from_extension(None), None);
    }

    #[test]
    fn detect_prefers_magic_and_agrees_with_aliases() {
        let d = detect(JPEG_BYTES, Some("jpe")).unwrap();
        assert_eq!(
            d,
            Detected {
                content_type: "image/jpeg",
                extension: "jpg",
                by: DetectedBy::Magic,
                mismatch: None
            }
        );
        let d = detect(PNG_BYTES, Some(".PNG")).unwrap();
        assert_eq!(
            (d.extension, d.by, d.mismatch),
            ("png", DetectedBy::Magic, None)
        );
        // No extension at all is not a mismatch.
        assert_eq!(detect(JPEG_BYTES, None).unwrap().mismatch, None);
    }

    #[test]
    fn detect_reports_a_wrong_label() {
        let d = detect(PNG_BYTES, Some("jpe")).unwrap();
        assert_eq!(d.content_type, "image/png");
        assert_eq!(d.extension, "png");
        assert_eq!(
            d.mismatch.as_deref(),
            Some("labelled jpe but the bytes are PNG")
        );
        let d = detect(JPEG_BYTES, Some("dat")).unwrap();
        assert_eq!(
            d.mismatch.as_deref(),
            Some("labelled dat but the bytes are JPEG")
        );
    }

    #[test]
    fn detect_falls_back_to_the_extension() {
        let d = detect(b"\x00\x01\x02\x03", Some(".webp")).unwrap();
        assert_eq!(
            d,
            Detected {
                content_type: "image/webp",
                extension: "webp",
                by: DetectedBy::Extension,
                mismatch: None
            }
        );
    }

    #[test]
    fn detect_errors_name_the_problem() {
        assert_eq!(
            detect(b"", Some("png")),
            Err("image is empty (0 bytes)".to_string())
        );
        let e = detect(b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09", Some("dat")).unwrap_err();
        assert!(e.contains("'dat'"), "{e}");
        assert!(e.contains("00 01 02 03 04 05 06 07)"), "{e}");
        let e = detect(b"\xAB", None).unwrap_err();
        assert!(e.contains("no extension") && e.contains("AB"), "{e}");
    }

    #[test]
    fn object_path_is_deterministic_per_id() {
        let png = detect(PNG_BYTES, Some("jpe")).unwrap();
        assert_eq!(object_path(18, &png), "legacy/image_18.png");
        let jpg = detect(JPEG_BYTES, Some("JPE")).unwrap();
        assert_eq!(object_path(18, &jpg), "legacy/image_18.jpg");
        assert_eq!(object_path(100, &jpg), object_path(100, &jpg));
    }

    #[test]
    fn sha256_hex_matches_known_digests() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
