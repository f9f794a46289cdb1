//! Typed reading of one feature's properties, with an error per bad field.

use geojson::JsonObject;
use serde_json::Value;

use super::{a, json_kind, json_kind_zh, LoadError};
use crate::model::Layer;

/// The properties of the feature being read, and where errors go.
pub(crate) struct Props<'e> {
    file: String,
    index: usize,
    id: Option<String>,
    layer: Option<Layer>,
    props: JsonObject,
    feature_id: Option<Value>,
    errors: &'e mut Vec<LoadError>,
}

impl<'e> Props<'e> {
    pub fn new(file: &str, index: usize, errors: &'e mut Vec<LoadError>) -> Self {
        Props {
            file: file.to_string(),
            index,
            id: None,
            layer: None,
            props: JsonObject::new(),
            feature_id: None,
            errors,
        }
    }

    pub fn set_props(&mut self, props: JsonObject, feature_id: Option<Value>) {
        // A first, lenient look at the id, so that early errors can name it.
        self.id = props
            .get("id")
            .or(feature_id.as_ref())
            .and_then(id_text)
            .filter(|s| !s.trim().is_empty());
        self.props = props;
        self.feature_id = feature_id;
    }

    pub fn set_layer(&mut self, layer: Layer) {
        self.layer = Some(layer);
    }

    pub fn feature_id_hint(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub fn file_name(&self) -> &str {
        &self.file
    }

    pub fn index(&self) -> usize {
        self.index
    }

    fn error(
        &mut self,
        field: Option<&str>,
        code: &'static str,
        en: String,
        zh: String,
        fix_en: String,
        fix_zh: String,
    ) {
        self.errors.push(LoadError {
            file: self.file.clone(),
            feature_index: Some(self.index),
            feature_id: self.id.clone(),
            layer: self.layer.map(Layer::as_str),
            field: field.map(str::to_string),
            code,
            problem_en: en,
            problem_zh: zh,
            fix_en,
            fix_zh,
        });
    }

    pub fn fail_feature(
        &mut self,
        code: &'static str,
        en: String,
        zh: String,
        fix_en: &str,
        fix_zh: &str,
    ) {
        self.error(None, code, en, zh, fix_en.into(), fix_zh.into());
    }

    pub fn fail_field(
        &mut self,
        field: &str,
        code: &'static str,
        en: String,
        zh: String,
        fix_en: String,
        fix_zh: String,
    ) {
        self.error(Some(field), code, en, zh, fix_en, fix_zh);
    }

    fn wrong_type(
        &mut self,
        field: &str,
        expected_en: &str,
        expected_zh: &str,
        found: &Value,
        fix_en: String,
        fix_zh: String,
    ) {
        let shown = shown(found);
        let (kind, kind_zh) = (json_kind(found), json_kind_zh(found));
        let (en, zh) = if found.is_null() {
            ("null".to_string(), "空值 null".to_string())
        } else {
            (format!("{} {shown}", a(kind)), format!("{kind_zh} {shown}"))
        };
        self.fail_field(
            field,
            "load.wrong_type",
            format!("expected {expected_en}, found {en}"),
            format!("应为{expected_zh}，实际为{zh}"),
            fix_en,
            fix_zh,
        );
    }

    pub fn is_missing(&self, key: &str) -> bool {
        matches!(self.props.get(key), None | Some(Value::Null))
    }

    /// `properties.layer`, removed from the properties.
    pub fn take_layer(&mut self) -> Option<Result<Layer, ()>> {
        let v = self.props.remove("layer")?;
        let all = Layer::ALL
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        match &v {
            Value::String(s) => match Layer::parse(s) {
                Some(l) => Some(Ok(l)),
                None => {
                    let names = Layer::ALL.map(Layer::as_str);
                    let lower = s.trim().to_lowercase().replace([' ', '-'], "_");
                    if let Some(right) = names.iter().find(|n| **n == lower) {
                        self.fail_field(
                            "layer",
                            "load.unknown_layer",
                            format!("unknown layer {}: layer names are lowercase, this one is {right:?}", quoted(s)),
                            format!("未知图层 {}：图层名须为小写，应为 {right:?}", quoted(s)),
                            format!("write \"layer\": {right:?} (in QGIS: Field Calculator, lower(\"layer\"))"),
                            format!("请改为 \"layer\": {right:?}（QGIS 中可用字段计算器 lower(\"layer\") 批量修改）"),
                        );
                    } else {
                        let meant = closest_with(s, &names, LAYER_ALIASES);
                        let shown = quoted(s);
                        self.fail_field(
                            "layer",
                            "load.unknown_layer",
                            format!("unknown layer {shown}{}", mean_en(meant)),
                            format!("未知图层 {shown}{}", mean_zh(meant)),
                            format!("use one of {all}"),
                            format!("请使用 {all} 之一"),
                        );
                    }
                    Some(Err(()))
                }
            },
            Value::Null => None,
            other => {
                let other = other.clone();
                self.wrong_type(
                    "layer",
                    "a layer name",
                    "图层名称",
                    &other,
                    format!("use one of {all}"),
                    format!("请使用 {all} 之一"),
                );
                Some(Err(()))
            }
        }
    }

    /// The feature's id: `properties.id`, else the Feature's own `id`.
    pub fn id(&mut self) -> Option<String> {
        let v = match self.props.remove("id") {
            Some(Value::Null) | None => self.feature_id.clone(),
            some => some,
        };
        match v {
            None | Some(Value::Null) => {
                self.fail_field(
                    "id",
                    "load.missing_id",
                    "missing; every feature needs an id that is unique in its layer".into(),
                    "缺失；每个要素须有在本图层内唯一的编号".into(),
                    "add \"id\" to properties, e.g. \"id\": \"C01\"".into(),
                    "请在 properties 中添加 \"id\"，例如 \"id\": \"C01\"".into(),
                );
                None
            }
            Some(v) => match id_text(&v) {
                Some(s) if !s.trim().is_empty() => Some(s),
                Some(_) => {
                    self.fail_field(
                        "id",
                        "load.empty_id",
                        "is empty; every feature needs an id that is unique in its layer".into(),
                        "为空；每个要素须有在本图层内唯一的编号".into(),
                        "fill in the id, e.g. \"id\": \"C01\"".into(),
                        "请填写编号，例如 \"id\": \"C01\"".into(),
                    );
                    None
                }
                None => {
                    self.wrong_type(
                        "id",
                        "a string or a whole number",
                        "字符串或整数",
                        &v,
                        "write the id as text, e.g. \"C01\"".into(),
                        "编号请写成文本，例如 \"C01\"".into(),
                    );
                    None
                }
            },
        }
    }

    /// An optional text property; whole numbers are taken as text (codes often are).
    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.props.remove(key)? {
            Value::Null => None,
            Value::String(s) => Some(s),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
            other => {
                self.wrong_type(
                    key,
                    "text",
                    "文本",
                    &other,
                    format!("write {key} as text in quotes"),
                    format!("{key} 请写成带引号的文本"),
                );
                None
            }
        }
    }

    /// A whole number `0..=max` (staff counts).
    pub fn count(&mut self, key: &str, max: u32) -> Option<u32> {
        match self.props.remove(key)? {
            Value::Null => None,
            v => self.whole(key, v, max, "a whole number of people", "人数（整数）"),
        }
    }

    /// Households: a whole number `0..=max`. Required when `required`.
    pub fn households(&mut self, key: &str, max: u32, required: bool) -> Option<u32> {
        match self.props.remove(key) {
            None | Some(Value::Null) => {
                if required {
                    self.fail_field(
                        key,
                        "load.missing_field",
                        "missing; a compound needs its number of existing households".into(),
                        "缺失；小区须填写现有户数".into(),
                        format!("add \"{key}\": the number of homes (住宅套数), 0 if none yet"),
                        format!("请添加 \"{key}\"：住宅套数，尚无住户填 0"),
                    );
                }
                None
            }
            Some(v) => self.whole(key, v, max, "a whole number of households", "户数（整数）"),
        }
    }

    fn whole(
        &mut self,
        key: &str,
        v: Value,
        max: u32,
        what_en: &str,
        what_zh: &str,
    ) -> Option<u32> {
        let max_shown = crate::fmt::int(u64::from(max));
        let fix_en = format!("write {key} as a whole number from 0 to {max_shown}");
        let fix_zh = format!("{key} 请填写 0 到 {max_shown} 之间的整数");
        match &v {
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                let shown = number(x);
                if x < 0.0 {
                    self.fail_field(
                        key,
                        "load.negative",
                        format!("{shown} is negative; expected {what_en}"),
                        format!("{shown} 为负数；应为{what_zh}"),
                        fix_en,
                        fix_zh,
                    );
                    None
                } else if x.fract() != 0.0 {
                    self.fail_field(
                        key,
                        "load.fractional",
                        format!("{shown} is not a whole number; expected {what_en}"),
                        format!("{shown} 不是整数；应为{what_zh}"),
                        fix_en,
                        fix_zh,
                    );
                    None
                } else if x > f64::from(max) {
                    self.fail_field(
                        key,
                        "load.absurd",
                        format!("{shown} is implausibly large (more than {max_shown}); is it a typing error?"),
                        format!("{shown} 过大（超过 {max_shown}），是否录入有误？"),
                        format!("check the number; a compound rarely has more than {max_shown} households (split a merged compound into its parts)"),
                        format!("请核对该数值；单个小区一般不超过 {max_shown} 户（合并录入的小区请拆分）"),
                    );
                    None
                } else {
                    Some(x as u32)
                }
            }
            Value::String(s) => {
                let t = s.trim();
                let digits: String = t
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                let as_number = if t.parse::<f64>().is_ok() {
                    Some(t.to_string())
                } else {
                    Some(digits).filter(|d| d.parse::<f64>().is_ok())
                }
                .filter(|d| d.len() <= 15);
                let (fix_en, fix_zh) = match &as_number {
                    Some(d) => (
                        format!("write it as a number without quotes: \"{key}\": {d}"),
                        format!("请去掉引号写成数字：\"{key}\": {d}"),
                    ),
                    None => (fix_en, fix_zh),
                };
                let s = quoted(s);
                self.fail_field(
                    key,
                    "load.wrong_type",
                    format!("expected {what_en}, found the text {s}"),
                    format!("应为{what_zh}，实际为文本 {s}"),
                    fix_en,
                    fix_zh,
                );
                None
            }
            other => {
                let other = other.clone();
                self.wrong_type(key, what_en, what_zh, &other, fix_en, fix_zh);
                None
            }
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.props.remove(key)? {
            Value::Null => None,
            Value::Bool(b) => Some(b),
            other => {
                let meant = match &other {
                    Value::String(s) => match s.trim().to_lowercase().as_str() {
                        "true" | "yes" | "y" | "t" | "1" | "是" | "有" => Some(true),
                        "false" | "no" | "n" | "f" | "0" | "否" | "无" | "没有" => Some(false),
                        _ => None,
                    },
                    Value::Number(n) if n.as_f64() == Some(1.0) => Some(true),
                    Value::Number(n) if n.as_f64() == Some(0.0) => Some(false),
                    _ => None,
                };
                let (fix_en, fix_zh) = match meant {
                    Some(b) => {
                        let written = shown(&other);
                        (
                            format!("write {b} (without quotes) instead of {written}"),
                            format!("请将 {written} 改为 {b}（不加引号）"),
                        )
                    }
                    None => (
                        format!("write {key} as true or false, without quotes"),
                        format!("{key} 请填写 true 或 false（不加引号）"),
                    ),
                };
                self.wrong_type(
                    key,
                    "true or false",
                    " true 或 false",
                    &other,
                    fix_en,
                    fix_zh,
                );
                None
            }
        }
    }

    /// A floor area in m².
    pub fn area(&mut self, key: &str) -> Option<f64> {
        match self.props.remove(key)? {
            Value::Null => None,
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if (0.0..=1_000_000.0).contains(&x) {
                    Some(x)
                } else {
                    self.fail_field(
                        key,
                        "load.out_of_range",
                        format!("{n} m² is outside 0 to 1,000,000 m²"),
                        format!("{n} 平方米超出 0 至 1,000,000 平方米范围"),
                        format!("write {key} in square metres"),
                        format!("{key} 请以平方米为单位填写"),
                    );
                    None
                }
            }
            other => {
                self.wrong_type(
                    key,
                    "a number of square metres",
                    "面积数字（平方米）",
                    &other,
                    format!("write {key} as a number without quotes"),
                    format!("{key} 请填写数字（不加引号）"),
                );
                None
            }
        }
    }

    /// One of `allowed`, parsed by `parse`.
    ///
    /// `aliases` maps what planners write instead (Chinese names, mostly) to
    /// the value meant, for the did-you-mean.
    pub fn enum_value<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &[&str],
        aliases: &[(&str, &str)],
    ) -> Option<T> {
        match self.props.remove(key)? {
            Value::Null => None,
            Value::String(s) => match parse(&s) {
                Some(t) => Some(t),
                None => {
                    let meant = closest_with(&s, allowed, aliases);
                    let (en, zh, s) = (mean_en(meant), mean_zh(meant), quoted(&s));
                    self.fail_field(
                        key,
                        "load.unknown_value",
                        format!("{s} is not one of {}", allowed.join(", ")),
                        format!("{s} 不在可选值 {} 之中", allowed.join("、")),
                        format!("use one of {}{en}", allowed.join(", ")),
                        format!("请使用 {} 之一{zh}", allowed.join("、")),
                    );
                    None
                }
            },
            other => {
                self.wrong_type(
                    key,
                    "text",
                    "文本",
                    &other,
                    format!("use one of {}", allowed.join(", ")),
                    format!("请使用 {} 之一", allowed.join("、")),
                );
                None
            }
        }
    }

    /// An array of values from `allowed`; repeats are dropped.
    pub fn enum_list<T: PartialEq>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        allowed: &[&str],
        aliases: &[(&str, &str)],
    ) -> Option<Vec<T>> {
        match self.props.remove(key)? {
            Value::Null => None,
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.as_str().map(|s| (s, parse(s))) {
                        Some((_, Some(t))) => {
                            if !out.contains(&t) {
                                out.push(t)
                            }
                        }
                        Some((s, None)) => {
                            let meant = closest_with(s, allowed, aliases);
                            let (en, zh, s) = (mean_en(meant), mean_zh(meant), quoted(s));
                            self.fail_field(
                                key,
                                "load.unknown_value",
                                format!("{s} is not one of {}", allowed.join(", ")),
                                format!("{s} 不在可选值 {} 之中", allowed.join("、")),
                                format!("use values from {}{en}", allowed.join(", ")),
                                format!("请使用 {} 中的值{zh}", allowed.join("、")),
                            );
                            return None;
                        }
                        None => {
                            self.wrong_type(
                                key,
                                "an array of text values",
                                "文本数组",
                                &item,
                                format!("write {key} as [\"{}\", ...]", allowed[0]),
                                format!("{key} 请写成 [\"{}\", ...]", allowed[0]),
                            );
                            return None;
                        }
                    }
                }
                Some(out)
            }
            other => {
                self.wrong_type(
                    key,
                    "an array",
                    "数组",
                    &other,
                    format!("write {key} as [\"{}\", ...]", allowed[0]),
                    format!("{key} 请写成 [\"{}\", ...]", allowed[0]),
                );
                None
            }
        }
    }

    /// Explained findings: an object of finding code → the planner's reason.
    pub fn explanations(&mut self, key: &str) -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        let v = match self.props.remove(key) {
            None | Some(Value::Null) => return out,
            Some(v) => v,
        };
        let Value::Object(map) = v else {
            self.wrong_type(
                key,
                "an object of finding code → reason",
                "“规则代码: 理由”形式的对象",
                &v,
                format!("write {key} as {{\"scale.below_target\": \"the reason\"}}"),
                format!("{key} 请写成 {{\"scale.below_target\": \"理由\"}}"),
            );
            return out;
        };
        for (code, reason) in map {
            let Value::String(reason) = reason else {
                self.wrong_type(
                    key,
                    "text (the reason)",
                    "文本（理由）",
                    &reason,
                    format!("write the reason for {code} as text in quotes"),
                    format!("{code} 的理由请写成带引号的文本"),
                );
                continue;
            };
            match crate::model::explanation_problem(&code, &reason) {
                None => {
                    out.insert(code, reason.trim().to_string());
                }
                Some(p) => self.fail_field(
                    key,
                    "load.bad_explanation",
                    p.en,
                    p.zh,
                    p.fix_en.into(),
                    p.fix_zh.into(),
                ),
            }
        }
        out
    }

    /// The properties the engine does not know, kept for export.
    pub fn finish(self) -> JsonObject {
        self.props
    }
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// A number as planners read it: `1,000,000,000`, `1200.5`.
fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let sign = if x < 0.0 { "-" } else { "" };
        format!("{sign}{}", crate::fmt::int(x.abs() as u64))
    } else {
        x.to_string()
    }
}

/// A short rendering of a JSON value for messages.
fn shown(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// Text from the file, quoted and cut to 40 characters for a message.
pub(crate) fn quoted(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{:?}…", s.chars().take(40).collect::<String>())
    } else {
        format!("{s:?}")
    }
}

/// ` (did you mean "x"?)`, or nothing.
pub(crate) fn mean_en(v: Option<&str>) -> String {
    v.map(|v| format!(" (did you mean {v:?}?)"))
        .unwrap_or_default()
}

/// `（是否应为 "x"？）`, or nothing.
pub(crate) fn mean_zh(v: Option<&str>) -> String {
    v.map(|v| format!("（是否应为 {v:?}？）"))
        .unwrap_or_default()
}

/// The allowed value close to what was written, if one is.
pub(crate) fn closest<'a>(s: &str, allowed: &[&'a str]) -> Option<&'a str> {
    closest_with(s, allowed, &[])
}

/// Layer names as planners write them in Chinese.
const LAYER_ALIASES: &[(&str, &str)] = &[
    ("社区", "community"),
    ("居委会", "community"),
    ("小区", "compound"),
    ("住宅区", "compound"),
    ("网格", "grid"),
    ("党群服务中心", "service_center"),
    ("服务中心", "service_center"),
    ("街道", "street"),
    ("道路", "barrier"),
    ("河流", "barrier"),
];

/// Like [`closest`], trying `aliases` (text → value) and prefixes first.
pub(crate) fn closest_with<'a>(
    s: &str,
    allowed: &[&'a str],
    aliases: &[(&str, &'a str)],
) -> Option<&'a str> {
    let t = s.trim();
    if let Some((_, v)) = aliases
        .iter()
        .find(|(alias, _)| !alias.is_empty() && t.starts_with(alias))
    {
        return Some(v);
    }
    if t.chars().count() > 64 {
        return None;
    }
    let lower = t.to_lowercase().replace([' ', '-'], "_");
    if lower.len() >= 3 {
        if let Some(a) = allowed.iter().find(|a| a.starts_with(&lower)) {
            return Some(a);
        }
    }
    allowed
        .iter()
        .map(|a| (edit_distance(&lower, &a.to_lowercase()), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min()
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
