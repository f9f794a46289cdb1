//! Numbers as planners read them: `5,230 户`, `62%`, `1,234 m²`.

/// A whole number with thousands separators: `5230` → `5,230`.
pub fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A real number rounded to whole units, with separators.
pub fn real(x: f64) -> String {
    if x.is_finite() && x >= 0.0 {
        int(x.round() as u64)
    } else {
        format!("{x:.0}")
    }
}

/// A share as a whole percentage: `0.624` → `62%`.
pub fn pct(share: f64) -> String {
    format!("{}%", (share * 100.0).round() as i64)
}

/// A plan section in English: `三（一）` → `§3(1)`.
pub fn section_en(section: &str) -> String {
    let numeral = |c: char| match c {
        '一' => Some('1'),
        '二' => Some('2'),
        '三' => Some('3'),
        '四' => Some('4'),
        '五' => Some('5'),
        _ => None,
    };
    let mut out = String::from("§");
    for c in section.chars() {
        match c {
            '（' => out.push('('),
            '）' => out.push(')'),
            '、' => out.push_str(", §"),
            c => out.push(numeral(c).unwrap_or(c)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(5230), "5,230");
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(real(1234.6), "1,235");
    }

    #[test]
    fn sections_in_english() {
        assert_eq!(section_en("三（一）"), "§3(1)");
        assert_eq!(section_en("二（一）、三（一）"), "§2(1), §3(1)");
    }

    #[test]
    fn percentages_round() {
        assert_eq!(pct(0.624), "62%");
        assert_eq!(pct(1.0), "100%");
    }
}
