//! `whoruns serve`: the what-if page on a local web server. axum on a small tokio
//! runtime answers requests; each edit's replications run on rayon in a dedicated engine
//! thread, outside the async runtime. The page's model is the library's `whatif`; this
//! file parses the arguments, binds, prints the address and serves until Ctrl-C.

mod engine;
mod routes;

use std::future::IntoFuture;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use whoruns::guard::{self, Limits};
use whoruns::whatif::Plan;

use super::common::{invalid, refuse};
use super::load;

/// Arguments of `whoruns serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario file (TOML).
    #[arg(default_value = "scenarios/baseline.toml")]
    scenario: PathBuf,
    /// Port to listen on (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8300)]
    port: u16,
    /// Address to listen on. The default, loopback, is reachable from this machine only;
    /// any other address exposes the page (and the machine's cores) to the network.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Replications of the first answer after each change.
    #[arg(long, default_value_t = 20)]
    first: u32,
    /// Add replications until every headline metric's 95% half-width is within this
    /// share of its mean, for every model.
    #[arg(long, default_value_t = 0.05, value_name = "SHARE")]
    precision: f64,
    /// The most replications an answer sharpens to.
    #[arg(long, default_value_t = 1_000)]
    max_replications: u32,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, short = 't')]
    threads: Option<usize>,
    /// Refuse edits estimated to simulate more incidents and deployments than this at
    /// --max-replications.
    #[arg(long, default_value_t = Limits::default().max_events)]
    max_events: u64,
    /// Refuse edits estimated to need more memory than this at --max-replications.
    #[arg(long, default_value = guard::DEFAULT_MAX_MEMORY, value_parser = guard::parse_bytes)]
    max_memory: u64,
}

/// Runs `whoruns serve`.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let (scenario, text) = match load::load_with_text(&args.scenario) {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    for w in &scenario.warnings {
        eprintln!("{w}");
    }
    let share = match super::common::precision_share(Some(args.precision)) {
        Ok(Some(s)) => s,
        Ok(None) => 0.05,
        Err(e) => return refuse(e),
    };
    if let Err(e) = super::common::threads(args.threads) {
        return refuse(e);
    }
    let plan = Plan {
        first: args.first.max(2),
        cap: args.max_replications.max(args.first.max(2)),
        share,
        threads: args.threads,
    };
    let limits = Limits {
        max_events: args.max_events,
        max_memory_bytes: args.max_memory,
    };
    let shown = args.scenario.display().to_string();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let addr = SocketAddr::new(args.bind, args.port);
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => return refuse(format!("cannot listen on {addr}: {e}")),
        };
        let local = listener.local_addr()?;
        if !args.bind.is_loopback() {
            eprintln!(
                "warning: listening on {local}: anyone who can reach this address can use the page and this machine's cores; the page has no login"
            );
        }
        let shared = Arc::new(engine::Shared::new(engine::Setup {
            base: text,
            file: shown,
            scenario,
            plan,
            limits,
            hosts: routes::allowed_hosts(local),
        }));
        engine::Shared::start(&shared, whoruns::whatif::Edit::default())
            .map_err(|e| anyhow::anyhow!("the scenario as stated cannot run: {e}"))?;
        let app = routes::router(shared);
        let url = match local.ip() {
            IpAddr::V6(ip) => format!("http://[{ip}]:{}/", local.port()),
            IpAddr::V4(ip) => format!("http://{ip}:{}/", local.port()),
        };
        println!("whoruns serve: the what-if page is at {url} (Ctrl-C to stop)");
        use std::io::Write as _;
        std::io::stdout().flush()?;
        // Ctrl-C or `kill` (SIGTERM: systemd, `docker stop`) stops the server: it stops
        // taking connections, and pages still open on the live answers (a stream that never
        // ends by itself) get a second to see the connection close.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            signalled().await;
            let _ = stop.send(true);
        });
        let mut gentle = stopped.clone();
        let mut firm = stopped;
        let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = gentle.wait_for(|s| *s).await;
        });
        tokio::select! {
            done = serving.into_future() => done?,
            _ = async move {
                let _ = firm.wait_for(|s| *s).await;
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            } => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn signalled() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
