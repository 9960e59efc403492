//! Logging and tracing: `tracing` to stderr (text or JSON), and OpenTelemetry spans over
//! OTLP/gRPC when an endpoint is configured. Spans and log lines never carry personal data:
//! instrumented functions skip their arguments and record only ids and counts.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _};

/// Keeps the trace exporter alive; call [`Telemetry::shutdown`] after the server stopped to
/// flush the last spans.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Flushes and stops the exporter, if any.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(error) = provider.shutdown()
        {
            eprintln!("flushing traces failed: {error}");
        }
    }
}

/// Installs the global subscriber. Safe to call more than once (later calls only return).
pub fn init(log_format: &str, otlp_endpoint: Option<&str>) -> anyhow::Result<Telemetry> {
    let filter = EnvFilter::try_from_env("EMIS_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let fmt = if log_format == "json" {
        tracing_subscriber::fmt::layer().json().with_writer(std::io::stderr).with_filter(filter).boxed()
    } else {
        let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
        tracing_subscriber::fmt::layer().with_ansi(colour).with_writer(std::io::stderr).with_filter(filter).boxed()
    };
    let provider = otlp_endpoint.map(tracer_provider).transpose()?;
    // Exported traces get requests, resolvers (DEBUG spans) and SQL statements, whatever the
    // log filter says.
    let otel = provider.as_ref().map(|provider| {
        let traced = EnvFilter::new("info,sqlx=warn,emis::graphql::tracing=debug");
        tracing_opentelemetry::layer().with_tracer(provider.tracer("emis")).with_filter(traced)
    });
    let installed = tracing_subscriber::registry().with(fmt).with(otel).try_init();
    if installed.is_err() {
        // A subscriber is already installed (tests start many servers in one process).
        return Ok(Telemetry { provider: None });
    }
    Ok(Telemetry { provider })
}

fn tracer_provider(endpoint: &str) -> anyhow::Result<SdkTracerProvider> {
    use opentelemetry_otlp::WithExportConfig as _;
    let exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic().with_endpoint(endpoint).build()?;
    let resource = opentelemetry_sdk::Resource::builder().with_service_name("emis").build();
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
}
