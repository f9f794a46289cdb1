//! Converts the built-in rule profiles (profiles/*.toml, commented for people)
//! to JSON at build time, so that the engine reads them without a TOML parser
//! (which the WASM build leaves out to stay small).

use std::path::Path;

fn main() {
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_profiles.rs");
    let mut code = String::from("/// Built-in profiles as `(name, JSON)`, default first.\npub const BUILTIN_JSON: &[(&str, &str)] = &[\n");
    for name in ["yangzhou-2022", "national-2025"] {
        let path = format!("profiles/{name}.toml");
        println!("cargo:rerun-if-changed={path}");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{path} is not valid TOML: {e}"));
        let json = serde_json::to_string(&table).expect("a TOML table converts to JSON");
        code.push_str(&format!("    ({name:?}, {json:?}),\n"));
    }
    code.push_str("];\n");
    std::fs::write(&out, code).expect("OUT_DIR is writable");
}
