//! The GraphiQL page at `GET /graphiql`, working with no internet access: the page and every
//! file it loads (React, ReactDOM, GraphiQL and its stylesheet, the bootstrap script) are
//! built into the binary from `api/assets/graphiql/` and served under `/graphiql/assets/`.
//! This module owns that page, those files, their content types and cache headers, and the
//! page's Content-Security-Policy. The bootstrap script points GraphiQL at `/graphql` with
//! GraphiQL's own fetcher, which sends the headers typed in the headers pane, so an
//! `Authorization: Bearer …` header written there goes with every request.
//!
//! The vendored files, their versions and licences are listed in
//! `api/assets/graphiql/README.md`. Their names carry their versions, so they can be cached
//! for a year; the small files of our own are revalidated on each load instead.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Where the page is served.
pub const PAGE_PATH: &str = "/graphiql";

/// Allows only this origin for scripts, styles, fonts, images and fetches. Inline styles are
/// allowed because GraphiQL's components set `style` attributes; inline scripts are not, the
/// bootstrap being a file of its own. Fonts and a few images of GraphiQL's stylesheet are
/// `data:` URLs inside it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; \
     frame-ancestors 'none'";

const JAVASCRIPT: &str = "application/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// A year, for files whose names change whenever their content does.
const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For our own small files, whose names stay the same from one release to the next.
const CACHE_REVALIDATE: &str = "no-cache";

/// One file served under `/graphiql/assets/`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    cache_control: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $content_type:expr, $cache_control:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            cache_control: $cache_control,
            body: include_bytes!(concat!("../assets/graphiql/", $name)),
        }
    };
}

/// Every file that `/graphiql/assets/{file}` serves; any other name is a 404.
const ASSETS: &[Asset] = &[
    asset!("react-18.3.1.production.min.js", JAVASCRIPT, CACHE_IMMUTABLE),
    asset!("react-dom-18.3.1.production.min.js", JAVASCRIPT, CACHE_IMMUTABLE),
    asset!("graphiql-3.9.0.min.js", JAVASCRIPT, CACHE_IMMUTABLE),
    asset!("graphiql-3.9.0.min.css", CSS, CACHE_IMMUTABLE),
    asset!("emis-graphiql.css", CSS, CACHE_REVALIDATE),
    asset!("init.js", JAVASCRIPT, CACHE_REVALIDATE),
];

/// The page. Scripts are deferred, so they run in this order once the document is parsed.
const PAGE: &str = r#"<!doctype html>
<html lang="vi">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>EMIS GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/graphiql/assets/graphiql-3.9.0.min.css">
    <link rel="stylesheet" href="/graphiql/assets/emis-graphiql.css">
    <script defer src="/graphiql/assets/react-18.3.1.production.min.js"></script>
    <script defer src="/graphiql/assets/react-dom-18.3.1.production.min.js"></script>
    <script defer src="/graphiql/assets/graphiql-3.9.0.min.js"></script>
    <script defer src="/graphiql/assets/init.js"></script>
  </head>
  <body>
    <div id="graphiql">
      <noscript>GraphiQL cần JavaScript. / GraphiQL needs JavaScript.</noscript>
    </div>
  </body>
</html>
"#;

/// `GET /graphiql` and `GET /graphiql/assets/{file}`, to be merged into the API's router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(PAGE_PATH, get(page)).route("/graphiql/assets/{file}", get(asset))
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::CACHE_CONTROL, CACHE_REVALIDATE),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        PAGE,
    )
        .into_response()
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.name == file) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, asset.cache_control),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            asset.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt as _;

    async fn get(uri: &str) -> Response {
        routes::<()>().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap()
    }

    async fn body_of(response: Response) -> Vec<u8> {
        to_bytes(response.into_body(), 8 * 1024 * 1024).await.unwrap().to_vec()
    }

    fn header_of(response: &Response, name: header::HeaderName) -> &str {
        response.headers().get(name).unwrap().to_str().unwrap()
    }

    /// The values of every `src="…"` and `href="…"` attribute of the page.
    fn references(html: &str) -> Vec<&str> {
        let mut found = Vec::new();
        for attribute in ["src=\"", "href=\""] {
            for (start, _) in html.match_indices(attribute) {
                let rest = &html[start + attribute.len()..];
                found.push(&rest[..rest.find('"').unwrap()]);
            }
        }
        found
    }

    #[tokio::test]
    async fn page_loads_only_files_of_this_server() {
        let response = get("/graphiql").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header_of(&response, header::CONTENT_TYPE), "text/html; charset=utf-8");
        let csp = header_of(&response, header::CONTENT_SECURITY_POLICY).to_owned();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("script-src 'self';"), "inline scripts must stay refused: {csp}");
        let html = String::from_utf8(body_of(response).await).unwrap();
        assert!(html.contains("<title>EMIS GraphiQL</title>"));
        assert!(!html.contains("http://") && !html.contains("https://"), "{html}");
        assert!(!html.contains("<script>"), "no inline script: {html}");

        let references = references(&html);
        let loaded: Vec<&str> = references.iter().copied().filter(|url| *url != "data:,").collect();
        assert_eq!(loaded.len(), ASSETS.len(), "every asset is loaded, once: {loaded:?}");
        for url in loaded {
            assert!(url.starts_with("/graphiql/assets/"), "{url}");
            let response = get(url).await;
            assert_eq!(response.status(), StatusCode::OK, "{url}");
            let expected = if url.ends_with(".js") { JAVASCRIPT } else { CSS };
            assert_eq!(header_of(&response, header::CONTENT_TYPE), expected, "{url}");
            assert!(!header_of(&response, header::CACHE_CONTROL).is_empty(), "{url}");
            assert!(!body_of(response).await.is_empty(), "{url}");
        }
    }

    #[tokio::test]
    async fn vendored_files_are_cached_long() {
        for name in ["graphiql-3.9.0.min.js", "graphiql-3.9.0.min.css", "react-18.3.1.production.min.js"] {
            let response = get(&format!("/graphiql/assets/{name}")).await;
            assert_eq!(header_of(&response, header::CACHE_CONTROL), CACHE_IMMUTABLE, "{name}");
        }
    }

    #[tokio::test]
    async fn bootstrap_points_graphiql_at_graphql_with_the_headers_pane() {
        let response = get("/graphiql/assets/init.js").await;
        assert_eq!(response.status(), StatusCode::OK);
        let script = String::from_utf8(body_of(response).await).unwrap();
        assert!(script.contains("GraphiQL.createFetcher({ url: '/graphql' })"));
        assert!(script.contains("isHeadersEditorEnabled: true"));
        assert!(script.contains("mutation SignIn"));
        assert!(script.contains("Bearer <accessToken>"));
    }

    #[tokio::test]
    async fn unknown_assets_are_not_found() {
        for uri in [
            "/graphiql/assets/nope.js",
            "/graphiql/assets/graphiql-3.9.0.min.js.map",
            "/graphiql/assets/..%2FCargo.toml",
            "/graphiql/assets/",
            "/graphiql/assets/init.js/x",
        ] {
            assert_eq!(get(uri).await.status(), StatusCode::NOT_FOUND, "{uri}");
        }
    }
}
