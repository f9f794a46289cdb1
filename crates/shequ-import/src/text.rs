//! Text in the encodings Chinese GIS and office software write: UTF-8 (with
//! or without a byte-order mark) and GBK (code page 936, which Windows
//! software of every era writes for "ANSI" in a Chinese locale).

use encoding_rs::{Encoding, GBK, UTF_8};

/// Which encoding was used and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Decoding {
    /// `UTF-8` or `GBK` (or another WHATWG label named by a `.cpg`).
    pub encoding: &'static str,
    /// `cpg`, `ldid` (the dBase language driver byte), `bom` or `detected`.
    pub source: &'static str,
}

/// The encoding a `.cpg` names (`UTF-8`, `GBK`, `936`, `CP936`, `GB2312`,
/// `GB18030`, `65001`, …), or `None` when it names nothing known.
pub fn encoding_from_cpg(cpg: &[u8]) -> Option<&'static Encoding> {
    let text = String::from_utf8_lossy(cpg);
    let label = text.trim().trim_start_matches('\u{feff}').trim();
    let upper = label.to_ascii_uppercase();
    match upper.as_str() {
        "65001" | "UTF8" | "UTF-8" => Some(UTF_8),
        "936" | "CP936" | "GBK" | "GB2312" | "ANSI 936" | "MS936" | "WINDOWS-936" | "20936" => {
            Some(GBK)
        }
        "54936" | "GB18030" => Some(encoding_rs::GB18030),
        "950" | "CP950" | "BIG5" => Some(encoding_rs::BIG5),
        _ => Encoding::for_label(label.as_bytes()),
    }
}

/// Decodes `bytes`: a byte-order mark wins, then valid UTF-8, else GBK.
pub fn decode_auto(bytes: &[u8]) -> (String, Decoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (
            String::from_utf8_lossy(rest).into_owned(),
            Decoding {
                encoding: "UTF-8",
                source: "bom",
            },
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (
            s.to_string(),
            Decoding {
                encoding: "UTF-8",
                source: "detected",
            },
        ),
        Err(_) => (
            GBK.decode_without_bom_handling(bytes).0.into_owned(),
            Decoding {
                encoding: "GBK",
                source: "detected",
            },
        ),
    }
}

/// Full-width ASCII and the ideographic space as their half-width forms.
pub fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A name as compared when joining: half-width, no whitespace, ASCII lowercase.
///
/// ```
/// assert_eq!(shequ_import::text::normalise("  文昌花园（一期）Ａ区 "), "文昌花园(一期)a区");
/// ```
pub fn normalise(s: &str) -> String {
    half_width(s)
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Suffixes that name the same compound with or without them.
const SUFFIXES: [&str; 7] = ["住宅小区", "居住区", "小区", "花园", "家园", "新村", "公寓"];

/// `normalise(s)` without one compound-type suffix (`小区`, `花园`, …), when
/// something remains.
pub fn strip_suffix(normalised: &str) -> Option<&str> {
    SUFFIXES.iter().find_map(|suf| {
        normalised
            .strip_suffix(suf)
            .filter(|rest| rest.chars().count() >= 2)
    })
}

/// A header as compared when recognising fields: half-width, trimmed, uppercase ASCII.
pub fn header_key(s: &str) -> String {
    half_width(s)
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_detected_when_not_utf8() {
        let (bytes, _, _) = GBK.encode("文昌社区");
        let (text, d) = decode_auto(&bytes);
        assert_eq!(text, "文昌社区");
        assert_eq!(d.encoding, "GBK");
        let (text, d) = decode_auto("文昌社区".as_bytes());
        assert_eq!((text.as_str(), d.encoding), ("文昌社区", "UTF-8"));
    }

    #[test]
    fn cpg_labels() {
        for l in ["UTF-8", "utf8", "65001", "\u{feff}UTF-8\r\n"] {
            assert_eq!(encoding_from_cpg(l.as_bytes()), Some(UTF_8), "{l}");
        }
        for l in ["GBK", "936", "cp936", "GB2312", "ANSI 936"] {
            assert_eq!(encoding_from_cpg(l.as_bytes()), Some(GBK), "{l}");
        }
        assert_eq!(encoding_from_cpg(b"nonsense"), None);
    }

    #[test]
    fn suffix_variants() {
        assert_eq!(strip_suffix(&normalise("文昌花园小区")), Some("文昌花园"));
        assert_eq!(strip_suffix(&normalise("小区")), None);
        assert_eq!(half_width("ＡＢ１２　"), "AB12 ");
    }
}
