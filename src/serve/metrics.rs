//! `GET /metrics`: what the server did, in the Prometheus (OpenMetrics)
//! text format, encoded by the `prometheus-client` crate.
//!
//! Recording is on the path of every request (a get costs about 30 µs), so
//! it is atomics only: counters and gauges are the crate's (atomic), and
//! the histograms are [`Histogram`] below, an array of atomic counts that
//! the crate's encoder writes out (the crate's own histogram takes a lock
//! per observation). Labels are static strings: a route template, never a
//! path; a status; a one-word reason. Nothing a client sent ends up here.

use prometheus_client::encoding::{EncodeMetric, MetricEncoder, NoLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::info::Info;
use prometheus_client::metrics::{MetricType, TypedMetric};
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

type Labels<const N: usize> = [(&'static str, &'static str); N];

/// Upper bounds of the latency buckets, in seconds: a get takes tens of
/// microseconds, a durable write milliseconds, a request that waits for a
/// busy vault up to `--lock-timeout`.
const SECONDS: &[f64] = &[
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
    1.0, 2.5, 5.0, 10.0,
];

/// Upper bounds of the batch-size buckets (writes per commit; at most 512).
const BATCH: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// Every metric of one server.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<Labels<3>, Counter>,
    latency: Family<Labels<1>, Histogram, fn() -> Histogram>,
    batch_size: Histogram,
    commit_seconds: Histogram,
    open: Gauge,
    accepted: Counter,
    refused: Family<Labels<1>, Counter>,
    saturated: Counter,
    tls_failures: Family<Labels<1>, Counter>,
    store_errors: Family<Labels<1>, Counter>,
    tls_reloads: Family<Labels<1>, Counter>,
}

impl Metrics {
    pub(crate) fn new() -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("sso_secrets");
        let requests = Family::<Labels<3>, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route template, method and status",
            requests.clone(),
        );
        let latency: Family<Labels<1>, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(SECONDS, 1e-9));
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's head to its answer, by route template",
            latency.clone(),
        );
        let batch_size = Histogram::new(BATCH, 1.0);
        registry.register(
            "write_batch_size",
            "Writes committed together by the group-commit writer",
            batch_size.clone(),
        );
        let commit_seconds = Histogram::new(SECONDS, 1e-9);
        registry.register(
            "write_commit_duration_seconds",
            "Time to apply and durably commit one batch of writes",
            commit_seconds.clone(),
        );
        let open = Gauge::default();
        registry.register("open_connections", "Connections open now", open.clone());
        let accepted = Counter::default();
        registry.register(
            "connections_accepted",
            "Connections accepted",
            accepted.clone(),
        );
        let refused = Family::<Labels<1>, Counter>::default();
        registry.register(
            "connections_refused",
            "Connections closed unserved, by reason",
            refused.clone(),
        );
        let saturated = Counter::default();
        registry.register(
            "connection_limit_reached",
            "Times every --max-connections slot was in use (new connections then wait)",
            saturated.clone(),
        );
        let tls_failures = Family::<Labels<1>, Counter>::default();
        registry.register(
            "tls_handshake_failures",
            "TLS handshakes that failed, by reason",
            tls_failures.clone(),
        );
        let store_errors = Family::<Labels<1>, Counter>::default();
        registry.register(
            "store_errors",
            "Requests failed by the vault's store (corrupt, store_unreachable, busy, failure)",
            store_errors.clone(),
        );
        let tls_reloads = Family::<Labels<1>, Counter>::default();
        registry.register(
            "tls_reloads",
            "Certificate reloads on SIGHUP, by result",
            tls_reloads.clone(),
        );
        registry.register(
            "build",
            "The server's version",
            Info::new([("version", env!("CARGO_PKG_VERSION"))]),
        );
        Arc::new(Metrics {
            registry,
            requests,
            latency,
            batch_size,
            commit_seconds,
            open,
            accepted,
            refused,
            saturated,
            tls_failures,
            store_errors,
            tls_reloads,
        })
    }

    /// One answered request. `route` is the template (`unmatched` for a
    /// path no route knows).
    pub(crate) fn request(
        &self,
        route: &'static str,
        method: &'static str,
        status: u16,
        took: Duration,
    ) {
        self.requests
            .get_or_create(&[
                ("route", route),
                ("method", method),
                ("status", status_label(status)),
            ])
            .inc();
        self.latency
            .get_or_create(&[("route", route)])
            .observe(took);
    }

    /// A request failed by the store, with its reason.
    pub(crate) fn store_error(&self, reason: &'static str) {
        self.store_errors.get_or_create(&[("reason", reason)]).inc();
    }

    /// One commit of `writes` writes that took `took`.
    pub(crate) fn commit(&self, writes: usize, took: Duration) {
        self.batch_size.observe_raw(writes as u64);
        self.commit_seconds.observe(took);
    }

    /// A connection accepted; the guard counts it open until dropped.
    pub(crate) fn connection(self: &Arc<Self>) -> OpenConnection {
        self.accepted.inc();
        self.open.inc();
        OpenConnection(self.clone())
    }

    pub(crate) fn refused(&self, reason: &'static str) {
        self.refused.get_or_create(&[("reason", reason)]).inc();
    }

    pub(crate) fn saturated(&self) {
        self.saturated.inc();
    }

    pub(crate) fn tls_failure(&self, reason: &'static str) {
        self.tls_failures.get_or_create(&[("reason", reason)]).inc();
    }

    pub(crate) fn tls_reload(&self, result: &'static str) {
        self.tls_reloads.get_or_create(&[("result", result)]).inc();
    }

    /// The exposition, in the OpenMetrics text format.
    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail; an encoder error would be a
        // defect in a metric, and a partial page is then still the best
        // answer.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The `Content-Type` of [`Metrics::encode`].
pub(crate) const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// An open connection, for `sso_secrets_open_connections`.
pub(crate) struct OpenConnection(Arc<Metrics>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open.dec();
    }
}

/// The label of an HTTP status: the statuses the server answers with, as
/// static strings.
fn status_label(status: u16) -> &'static str {
    match status {
        200 => "200",
        400 => "400",
        403 => "403",
        404 => "404",
        405 => "405",
        408 => "408",
        413 => "413",
        500 => "500",
        503 => "503",
        555 => "555",
        _ => "other",
    }
}

/// A method as a static label.
pub(crate) fn method_label(method: &hyper::Method) -> &'static str {
    use hyper::Method;
    match *method {
        Method::GET => "GET",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A histogram recorded with atomics alone. Values are integers in a raw
/// unit (nanoseconds, writes) that `scale` turns into the exposed unit.
#[derive(Debug, Clone)]
pub(crate) struct Histogram(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    /// Upper bounds in the exposed unit, without +Inf.
    bounds: &'static [f64],
    /// The same bounds in raw units, for the comparison on record.
    raw_bounds: Vec<u64>,
    scale: f64,
    /// One count per bound, then one for +Inf; not cumulative.
    counts: Vec<AtomicU64>,
    sum: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64], scale: f64) -> Histogram {
        Histogram(Arc::new(Inner {
            bounds,
            // Bounds are small positive numbers: the cast is exact enough.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            raw_bounds: bounds.iter().map(|b| (b / scale).round() as u64).collect(),
            scale,
            counts: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0),
            count: AtomicU64::new(0),
        }))
    }

    fn observe(&self, d: Duration) {
        self.observe_raw(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    }

    fn observe_raw(&self, v: u64) {
        let i = self.0.raw_bounds.partition_point(|b| *b < v);
        if let Some(c) = self.0.counts.get(i) {
            c.fetch_add(1, Relaxed);
        }
        self.0.sum.fetch_add(v, Relaxed);
        self.0.count.fetch_add(1, Relaxed);
    }
}

impl TypedMetric for Histogram {
    const TYPE: MetricType = MetricType::Histogram;
}

impl EncodeMetric for Histogram {
    fn encode(&self, mut encoder: MetricEncoder) -> Result<(), std::fmt::Error> {
        let inner = &self.0;
        let buckets: Vec<(f64, u64)> = inner
            .bounds
            .iter()
            .copied()
            .chain(std::iter::once(f64::INFINITY))
            .zip(inner.counts.iter().map(|c| c.load(Relaxed)))
            .collect();
        // Read after the buckets: a scrape racing a record shows a count
        // at least the buckets' total.
        #[allow(clippy::cast_precision_loss)]
        let sum = inner.sum.load(Relaxed) as f64 * inner.scale;
        let count = buckets.iter().map(|(_, c)| c).sum::<u64>();
        encoder.encode_histogram::<NoLabelSet>(sum, count, &buckets, None)
    }

    fn metric_type(&self) -> MetricType {
        MetricType::Histogram
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_count_into_their_bucket_and_encode_cumulatively() {
        let m = Metrics::new();
        m.request("/healthz", "GET", 200, Duration::from_micros(30));
        m.request("/healthz", "GET", 200, Duration::from_micros(70));
        m.request("/healthz", "GET", 503, Duration::from_secs(30));
        m.commit(3, Duration::from_millis(2));
        let text = m.encode();
        for want in [
            r#"sso_secrets_http_requests_total{route="/healthz",method="GET",status="200"} 2"#,
            r#"sso_secrets_http_requests_total{route="/healthz",method="GET",status="503"} 1"#,
            r#"sso_secrets_http_request_duration_seconds_bucket{le="0.00005",route="/healthz"} 1"#,
            r#"sso_secrets_http_request_duration_seconds_bucket{le="0.0001",route="/healthz"} 2"#,
            r#"sso_secrets_http_request_duration_seconds_bucket{le="10.0",route="/healthz"} 2"#,
            r#"sso_secrets_http_request_duration_seconds_bucket{le="+Inf",route="/healthz"} 3"#,
            r#"sso_secrets_http_request_duration_seconds_count{route="/healthz"} 3"#,
            r#"sso_secrets_write_batch_size_bucket{le="4.0"} 1"#,
            r#"sso_secrets_write_batch_size_sum 3.0"#,
            r#"sso_secrets_build_info{version=""#,
            "# EOF",
        ] {
            assert!(text.contains(want), "{want} in\n{text}");
        }
    }
}
