//! From bytes to text: the size limit, the encoding, and the files planners
//! load by mistake (a zipped shapefile, a GeoPackage, KML, a table).

use super::{LoadError, LoadOptions};

const EXPORT_EN: &str = "export the layer as GeoJSON (QGIS: right-click the layer ▸ Export ▸ Save Features As… ▸ Format GeoJSON, CRS EPSG:4326)";
const EXPORT_ZH: &str =
    "请导出为 GeoJSON（QGIS：右键图层 ▸ 导出 ▸ 要素另存为… ▸ 格式选 GeoJSON，坐标系选 EPSG:4326）";

fn err(
    file: &str,
    code: &'static str,
    en: String,
    zh: String,
    fix_en: &str,
    fix_zh: &str,
) -> Box<LoadError> {
    Box::new(LoadError::file(
        file,
        code,
        en,
        zh,
        fix_en.to_string(),
        fix_zh.to_string(),
    ))
}

/// The text of a plan file, or why it cannot be one.
pub(crate) fn text<'b>(
    file: &str,
    bytes: &'b [u8],
    opts: &LoadOptions,
) -> Result<&'b str, Box<LoadError>> {
    if bytes.len() > opts.max_bytes {
        let mb = |n: usize| format!("{:.1}", n as f64 / (1024.0 * 1024.0));
        return Err(err(
            file,
            "load.too_large",
            format!("the file is {} MB; the limit is {} MB", mb(bytes.len()), mb(opts.max_bytes)),
            format!("文件大小 {} MB，超过上限 {} MB", mb(bytes.len()), mb(opts.max_bytes)),
            "split the plan by street, or simplify the geometry (QGIS: Vector ▸ Geometry Tools ▸ Simplify, tolerance 0.5 m)",
            "请按街道拆分方案，或简化几何图形（QGIS：矢量 ▸ 几何图形工具 ▸ 简化，容差 0.5 米）",
        ));
    }
    if let Some(e) = other_format(file, bytes) {
        return Err(e);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| not_utf8(file, bytes, e.valid_up_to()))?;
    if text.trim().is_empty() {
        let (en, zh) = if text.is_empty() {
            (
                "the file is empty (0 bytes)".to_string(),
                "文件为空（0 字节）".to_string(),
            )
        } else {
            (
                format!("the file holds only blank space ({} bytes)", text.len()),
                format!("文件只有空白（{} 字节）", text.len()),
            )
        };
        return Err(err(
            file,
            "load.empty_file",
            en,
            zh,
            "export the plan again; the export may have been interrupted (a plan is a GeoJSON FeatureCollection)",
            "请重新导出方案，导出可能被中断（方案文件应为 GeoJSON FeatureCollection）",
        ));
    }
    let head = text.trim_start();
    if head.starts_with('<') {
        let lower: String = head.chars().take(400).collect::<String>().to_lowercase();
        let what = if lower.contains("<kml") {
            ("KML (Google Earth)", "KML（Google 地球）")
        } else if lower.contains("gml") {
            ("GML", "GML")
        } else if lower.contains("<html") || lower.contains("<!doctype") {
            (
                "an HTML page (a download that failed?)",
                "HTML 网页（下载失败？）",
            )
        } else {
            ("XML", "XML")
        };
        return Err(err(
            file,
            "load.not_geojson",
            format!("the file is {}, not GeoJSON", what.0),
            format!("文件是 {}，不是 GeoJSON", what.1),
            EXPORT_EN,
            EXPORT_ZH,
        ));
    }
    Ok(text)
}

/// Binary formats recognised by their first bytes.
fn other_format(file: &str, bytes: &[u8]) -> Option<Box<LoadError>> {
    let (en, zh) = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        (
            "a ZIP archive (a zipped shapefile, KMZ or an Excel .xlsx?)",
            "ZIP 压缩包（压缩的 Shapefile、KMZ 或 Excel .xlsx？）",
        )
    } else if bytes.starts_with(b"SQLite format 3\0") {
        (
            "a GeoPackage or SQLite database (QGIS's default export format)",
            "GeoPackage 或 SQLite 数据库（QGIS 默认的导出格式）",
        )
    } else if bytes.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
        ("an ESRI shapefile (.shp)", "ESRI Shapefile（.shp）")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        (
            "an old Office document (an Excel .xls?)",
            "旧版 Office 文档（Excel .xls？）",
        )
    } else if bytes.starts_with(b"%PDF") {
        ("a PDF document", "PDF 文档")
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(err(
            file,
            "load.not_utf8",
            "the file is UTF-16 text; GeoJSON must be UTF-8".into(),
            "文件是 UTF-16 编码，GeoJSON 须为 UTF-8".into(),
            "save it again as UTF-8 (in Notepad: Save As ▸ Encoding UTF-8), or export it again from your GIS",
            "请另存为 UTF-8 编码（记事本：另存为 ▸ 编码 UTF-8），或从 GIS 重新导出",
        ));
    } else {
        return None;
    };
    let space = if zh.starts_with(|c: char| c.is_ascii()) {
        " "
    } else {
        ""
    };
    Some(err(
        file,
        "load.not_geojson",
        format!("the file is {en}, not GeoJSON"),
        format!("文件是{space}{zh}，不是 GeoJSON"),
        EXPORT_EN,
        EXPORT_ZH,
    ))
}

fn not_utf8(file: &str, bytes: &[u8], at: usize) -> Box<LoadError> {
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    if looks_like_gbk(bytes) {
        err(
            file,
            "load.not_utf8",
            format!("the file is not UTF-8: it looks like GBK (GB18030), which Chinese GIS software often writes (first non-UTF-8 byte at line {line}, offset {at})"),
            format!("文件不是 UTF-8 编码，看起来是国产 GIS 软件常用的 GBK（GB18030）编码（第 {line} 行，偏移 {at} 处）"),
            "save it as UTF-8: in QGIS set Layer Properties ▸ Source ▸ Data source encoding to GBK, then Export ▸ Save Features As… with Encoding UTF-8",
            "请转存为 UTF-8：在 QGIS 中将 图层属性 ▸ 源 ▸ 数据源编码 设为 GBK，再用 导出 ▸ 要素另存为… 并将编码选为 UTF-8",
        )
    } else {
        err(
            file,
            "load.not_utf8",
            format!("the file is not UTF-8 text (invalid byte at line {line}, offset {at})"),
            format!("文件不是 UTF-8 编码（第 {line} 行，偏移 {at} 处有无效字节）"),
            "save it as UTF-8 (GeoJSON must be UTF-8), or export it again from your GIS",
            "请另存为 UTF-8 编码（GeoJSON 须为 UTF-8），或从 GIS 重新导出",
        )
    }
}

/// Whether every non-ASCII byte in the first 64 KB pairs up as GBK/GB18030.
pub(crate) fn looks_like_gbk(bytes: &[u8]) -> bool {
    let b = &bytes[..bytes.len().min(64 * 1024)];
    let (mut i, mut pairs) = (0, 0);
    while i < b.len() {
        match b[i] {
            0x00..=0x7F => i += 1,
            0x81..=0xFE => match (b.get(i + 1), b.get(i + 2), b.get(i + 3)) {
                (Some(0x30..=0x39), Some(0x81..=0xFE), Some(0x30..=0x39)) => {
                    i += 4;
                    pairs += 1;
                }
                (Some(0x40..=0x7E | 0x80..=0xFE), _, _) => {
                    i += 2;
                    pairs += 1;
                }
                // Cut off by the 64 KB window.
                (None, _, _) if i + 1 == b.len() && b.len() < bytes.len() => i += 1,
                _ => return false,
            },
            _ => return false,
        }
    }
    pairs > 0
}
