//! A static server for the built site on 127.0.0.1, with the CSP a portal would set.

use std::path::{Component, Path, PathBuf};

use tiny_http::{Header, Response, Server};

/// The Content-Security-Policy the app is built and tested against (as in
/// web/scripts/csp.mjs), with the tile servers allowed at build time.
fn csp() -> String {
    let tiles = std::env::var("SHEQU_TILE_ORIGINS").unwrap_or_default();
    let tiles = if tiles.trim().is_empty() {
        String::new()
    } else {
        format!(" {}", tiles.trim())
    };
    format!("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:{tiles}")
}

pub fn serve(dir: &Path, port: u16) -> Result<(), String> {
    if !dir.join("index.html").exists() {
        return Err(format!(
            "{} has no index.html; run `cargo xtask build`",
            dir.display()
        ));
    }
    let (server, port) = (port..port.saturating_add(20))
        .find_map(|p| Server::http(("127.0.0.1", p)).ok().map(|s| (s, p)))
        .ok_or_else(|| format!("no free port from {port}"))?;
    eprintln!("\nShequ is running: open http://127.0.0.1:{port}/ (Ctrl+C to stop)\n");
    let csp = csp();
    for request in server.incoming_requests() {
        let path = request
            .url()
            .split(['?', '#'])
            .next()
            .unwrap_or("/")
            .to_string();
        let response = match resolve(dir, &path) {
            Some(file) => match std::fs::read(&file) {
                Ok(bytes) => Response::from_data(bytes)
                    .with_status_code(200)
                    .with_header(header("Content-Type", mime(&file))),
                Err(_) => Response::from_data(b"not found".to_vec()).with_status_code(404),
            },
            None => Response::from_data(b"not found".to_vec()).with_status_code(404),
        };
        let response = response
            .with_header(header("Content-Security-Policy", &csp))
            .with_header(header("X-Content-Type-Options", "nosniff"))
            .with_header(header("Cache-Control", "no-cache"));
        let _ = request.respond(response);
    }
    Ok(())
}

/// The file for a URL path inside `dir`, refusing anything that climbs out.
fn resolve(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = Path::new(url_path.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = dir.join(rel);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn header(k: &str, v: &str) -> Header {
    Header::from_bytes(k.as_bytes(), v.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("static header")
    })
}

fn mime(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json; charset=utf-8",
        "geojson" => "application/geo+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "toml" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
