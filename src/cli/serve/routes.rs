//! The HTTP surface of `whoruns serve`: the page, its JSON API, the answers as
//! server-sent events and the downloads. Every request must name this server in its
//! `Host` (DNS rebinding), bodies are small and size-limited, malformed requests get a 4xx
//! with the reason, and nothing a request sends is ever used as a path.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::Stream;
use serde_json::{Value, json};
use whoruns::ModelKind;
use whoruns::whatif::{Edit, Refusal};

use super::engine::Shared;

/// The largest request body accepted: an edit of every lever is a few kilobytes.
pub const BODY_LIMIT: usize = 64 * 1024;

const PAGE: &str = include_str!("../../../assets/serve/page.html");
const CSS: &str = include_str!("../../../assets/serve/page.css");
const JS: &str = include_str!("../../../assets/serve/page.js");

/// The `Host` values a request may carry: the address served, and `localhost` when it is
/// a loopback address.
pub fn allowed_hosts(local: SocketAddr) -> Vec<String> {
    let port = local.port();
    let mut hosts = vec![match local {
        SocketAddr::V4(a) => format!("{}:{port}", a.ip()),
        SocketAddr::V6(a) => format!("[{}]:{port}", a.ip()),
    }];
    if local.ip().is_loopback() || local.ip().is_unspecified() {
        hosts.push(format!("localhost:{port}"));
        hosts.push(format!("127.0.0.1:{port}"));
        hosts.push(format!("[::1]:{port}"));
    }
    hosts
}

/// Every route, behind the `Host` check and the body limit.
pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/levers", get(levers))
        .route("/api/edit", post(edit))
        .route("/api/events", get(events))
        .route("/api/answer", get(latest))
        .route("/api/pin", post(pin).delete(unpin))
        .route("/api/scenario.toml", get(scenario_file))
        .route("/api/results.tar", get(results))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            host_check,
        ))
        .with_state(shared)
}

fn reason(status: StatusCode, message: impl Into<String>) -> Response {
    let body = json!({ "error": message.into() }).to_string();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Refuses requests whose `Host` is not this server's address: a page on another site
/// that rebinds its name to 127.0.0.1 sends its own name, and is refused.
async fn host_check(State(s): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    match host {
        None => reason(StatusCode::BAD_REQUEST, "the request has no Host header"),
        Some(h) if !s.hosts.contains(&h) => reason(
            StatusCode::FORBIDDEN,
            format!(
                "Host \"{h}\" is not this server's address ({}): refused, so that no other site can reach the page through its own name (DNS rebinding)",
                s.hosts.join(", ")
            ),
        ),
        Some(_) => {
            let mut response = next.run(request).await;
            let headers = response.headers_mut();
            headers.insert(
                "x-content-type-options",
                header::HeaderValue::from_static("nosniff"),
            );
            headers.insert("x-frame-options", header::HeaderValue::from_static("DENY"));
            response
        }
    }
}

async fn not_found() -> Response {
    reason(
        StatusCode::NOT_FOUND,
        "no such page: the page is at / and its API under /api/",
    )
}

async fn page() -> Response {
    let html = PAGE.replace("/*CSS*/", CSS).replace("/*JS*/", JS);
    let mut r = Html(html).into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    r
}

async fn levers(State(s): State<Arc<Shared>>) -> Response {
    let current = s.current();
    let edit = current.as_ref().map(|c| c.edit.clone()).unwrap_or_default();
    let body = json!({
        "scenario": s.stated.name,
        "file": s.file,
        "levers": s.levers,
        "models": ModelKind::ALL.iter().map(|m| json!({
            "key": m.key(), "name": m.name(), "title": m.title(),
            "colour": whoruns::report::charts::colour_hex(*m),
        })).collect::<Vec<_>>(),
        "compared": edit.models.clone().unwrap_or_else(|| s.stated.models.clone()).iter().map(|m| m.key()).collect::<Vec<_>>(),
        "reference": edit.reference.unwrap_or(s.stated.reference).key(),
        "values": edit.values,
        "plan": { "first": s.plan.first, "cap": s.plan.cap, "share": s.plan.share },
    });
    axum::Json(body).into_response()
}

/// Reads an edit from the page's JSON: `{"values": {id: number}, "models": [key],
/// "reference": key, "last": id}`. Anything else is a malformed request.
fn parse_edit(body: &[u8]) -> Result<Edit, String> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Value::Object(o) = v else {
        return Err("the body must be a JSON object".into());
    };
    let mut edit = Edit::default();
    for (k, x) in &o {
        match (k.as_str(), x) {
            ("values", Value::Object(values)) => {
                for (id, n) in values {
                    let n = n.as_f64().ok_or_else(|| {
                        format!("the value of lever \"{id}\" must be a number, not {n}")
                    })?;
                    edit.values.insert(id.clone(), n);
                }
            }
            ("models", Value::Array(ms)) => {
                let mut models = Vec::new();
                for m in ms {
                    let key = m.as_str().ok_or("models must be model keys")?;
                    models.push(key.parse::<ModelKind>()?);
                }
                edit.models = Some(models);
            }
            ("reference", Value::String(r)) => edit.reference = Some(r.parse::<ModelKind>()?),
            ("last", Value::String(l)) => edit.last = Some(l.clone()),
            ("last" | "reference" | "models" | "values", _) => {
                return Err(format!("\"{k}\" has the wrong type"));
            }
            _ => {
                return Err(format!(
                    "unknown field \"{k}\" (fields: values, models, reference, last)"
                ));
            }
        }
    }
    Ok(edit)
}

async fn edit(State(s): State<Arc<Shared>>, body: Bytes) -> Response {
    let edit = match parse_edit(&body) {
        Ok(e) => e,
        Err(e) => return reason(StatusCode::BAD_REQUEST, e),
    };
    let shared = Arc::clone(&s);
    let started = tokio::task::spawn_blocking(move || Shared::start(&shared, edit)).await;
    match started {
        Ok(Ok(generation)) => (
            StatusCode::ACCEPTED,
            axum::Json(json!({ "generation": generation })),
        )
            .into_response(),
        Ok(Err(e @ Refusal::UnknownLever { .. })) => reason(StatusCode::BAD_REQUEST, e.to_string()),
        Ok(Err(Refusal::Invalid { problems })) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(
                json!({ "error": "the edited scenario is not valid", "problems": problems }),
            ),
        )
            .into_response(),
        Err(e) => reason(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn events(
    State(s): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = s.events.subscribe();
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let e = Arc::clone(&rx.borrow_and_update());
        let event = Event::default().event(e.0.as_str()).data(e.1.as_str());
        Some((Ok(event), (rx, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn latest(State(s): State<Arc<Shared>>) -> Response {
    let e = Arc::clone(&s.events.borrow());
    let body = format!("{{\"event\":\"{}\",\"data\":{}}}", e.0, e.1);
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn pin(State(s): State<Arc<Shared>>) -> Response {
    match tokio::task::spawn_blocking(move || s.pin()).await {
        Ok(Some(label)) => axum::Json(json!({ "pinned": label })).into_response(),
        Ok(None) => reason(StatusCode::CONFLICT, "no answer to pin yet"),
        Err(e) => reason(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn unpin(State(s): State<Arc<Shared>>) -> Response {
    match tokio::task::spawn_blocking(move || s.unpin()).await {
        Ok(()) => axum::Json(json!({ "pinned": null })).into_response(),
        Err(e) => reason(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The edited scenario with the replications and seed of the answer shown.
fn take_scenario(
    s: &Shared,
    c: &super::engine::Current,
) -> Result<(String, whoruns::Scenario), (StatusCode, String)> {
    let scenario = c.scenario.clone().ok_or((
        StatusCode::CONFLICT,
        "no answer yet: the first batch is running".to_string(),
    ))?;
    let text = whoruns::whatif::take::scenario_file(&s.base, &s.file, &c.applied, &scenario)
        .map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((text, scenario))
}

fn attachment(name: &str, kind: &'static str, bytes: Vec<u8>) -> Response {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{safe}\"");
    let mut r = ([(header::CONTENT_TYPE, kind)], bytes).into_response();
    if let Ok(v) = header::HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

async fn scenario_file(State(s): State<Arc<Shared>>) -> Response {
    let taken = move || {
        let c = s
            .current()
            .ok_or((StatusCode::CONFLICT, "no answer yet".to_string()))?;
        take_scenario(&s, &c)
    };
    match tokio::task::spawn_blocking(taken).await {
        Ok(Ok((text, scenario))) => attachment(
            &format!("{}.toml", scenario.name),
            "application/toml",
            text.into_bytes(),
        ),
        Ok(Err((status, e))) => reason(status, e),
        Err(e) => reason(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The result folder `whoruns run` writes for the edited scenario at the answer's
/// replications and seed, as a tar archive.
fn take_results(s: &Shared) -> Result<(String, Vec<u8>), (StatusCode, String)> {
    let c = s
        .current()
        .ok_or((StatusCode::CONFLICT, "no answer yet".to_string()))?;
    let (text, _) = take_scenario(s, &c)?;
    let fail = |e: String| (StatusCode::INTERNAL_SERVER_ERROR, e);
    // The scenario as `whoruns run` reads the downloaded file.
    let scenario = whoruns::scenario::parse(&text, &s.file).map_err(|e| fail(e.messages()))?;
    let n = scenario.replications as usize * scenario.models.len();
    let outcomes = c
        .outcomes
        .get(..n)
        .ok_or_else(|| fail("the answer moved on".into()))?;
    let recorded = scenario.record(&text).map_err(|e| fail(e.to_string()))?;
    let mut frames =
        whoruns::export::Frames::of(&scenario, outcomes).map_err(|e| fail(e.to_string()))?;
    let (mut files, _) = whoruns::report::files::run(&scenario, recorded, &mut frames, false)
        .map_err(|e| fail(e.to_string()))?;
    // The manifest `whoruns run` writes beside them, so the folder is the CLI's.
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    files.push((
        crate::cli::files::MANIFEST.to_string(),
        crate::cli::files::manifest(&names).into_bytes(),
    ));
    Ok((
        scenario.name.clone(),
        whoruns::whatif::take::tar(&scenario.name, &files),
    ))
}

async fn results(State(s): State<Arc<Shared>>) -> Response {
    match tokio::task::spawn_blocking(move || take_results(&s)).await {
        Ok(Ok((name, bytes))) => attachment(&format!("{name}.tar"), "application/x-tar", bytes),
        Ok(Err((status, e))) => reason(status, e),
        Err(e) => reason(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}
