//! Operational routes: liveness, readiness, Prometheus metrics, and the per-request
//! observation middleware that feeds them.

use safeguards_app::operations::{self, NotReady};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The operational routes, documented with the API.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

/// `GET /healthz`: the process is alive.
#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "operations", summary = "The process is alive",
    responses((status = 200, description = "Alive", body = String, content_type = "text/plain")))]
pub async fn healthz() -> (StatusCode, &'static str) {
    (StatusCode::OK, "ok\n")
}

/// `GET /readyz`: the store answers and the read model's lag.
#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "operations", summary = "The store answers; the read model's lag",
    responses((status = 200, description = "Ready", body = Object), (status = 503, description = "Not ready, with the reason", body = Object)))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match operations::readiness(&state.app).await {
        Ok((store, lag)) => {
            metrics::gauge!("safeguards_projection_lag_positions")
                .set((lag.head - lag.applied).max(0) as f64);
            metrics::gauge!("safeguards_projection_lag_seconds").set(lag.seconds);
            (
                StatusCode::OK,
                Json(json!({
                    "status": "ready",
                    "store": store,
                    "projection": {
                        "applied_position": lag.applied,
                        "head_position": lag.head,
                        "behind": lag.head > lag.applied,
                        "lag_seconds": lag.seconds,
                    }
                })),
            )
                .into_response()
        }
        // The driver's error text names hosts, users and databases: it goes to the log, and the
        // answer (often public, behind a load balancer) says only which part is not ready.
        Err(NotReady::Store(e)) => {
            tracing::warn!(error = %e, "readiness: the store does not answer");
            unready("the store does not answer")
        }
        Err(NotReady::Feed(e)) => {
            tracing::warn!(error = %e, "readiness: the event feed cannot be read");
            unready("the event feed cannot be read")
        }
    }
}

fn unready(reason: &str) -> Response {
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"status": "unavailable", "reason": reason})),
    )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from(5),
    );
    response
}

/// `GET /metrics`: Prometheus text format.
#[utoipa::path(get, path = "/metrics", operation_id = "metrics", tag = "operations", summary = "Prometheus metrics",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    if let Some(lag) = operations::lag(&state.app).await {
        metrics::gauge!("safeguards_projection_lag_positions")
            .set((lag.head - lag.applied).max(0) as f64);
        metrics::gauge!("safeguards_projection_lag_seconds").set(lag.seconds);
    }
    metrics::gauge!("safeguards_projection_position").set(operations::applied(&state.app) as f64);
    operations::sample_store_metrics(&state.app);
    match &state.metrics {
        Some(handle) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; version=0.0.4",
            )],
            handle.render(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "metrics are not enabled\n").into_response(),
    }
}

/// Count every request by route and status, and time it.
pub async fn observe(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    // Labels take a bounded set of values: an invented method is "other", an unknown path
    // "unmatched", so no client can add series to the metrics.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    let started = Instant::now();
    let span = tracing::info_span!(
        "request",
        %method,
        route = %route,
        request_id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let response = {
        let _guard = span.enter();
        drop(_guard);
        tracing::Instrument::instrument(next.run(request), span.clone()).await
    };
    let status = response.status().as_u16().to_string();
    let seconds = started.elapsed().as_secs_f64();
    metrics::counter!("safeguards_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status.clone()).increment(1);
    metrics::histogram!("safeguards_http_request_duration_seconds", "method" => method.clone(), "route" => route.clone()).record(seconds);
    span.in_scope(|| {
        tracing::info!(status = %status, ms = (seconds * 1000.0).round(), "answered");
    });
    response
}
