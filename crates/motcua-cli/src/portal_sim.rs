//! `motcua-portal-sim`: the national portal simulator on its own (issue #33), for tests that
//! restart motcua around it and for trying an integration by hand. It prints
//! `listening on http://ADDR` once it accepts connections.

use clap::Parser;
use std::path::PathBuf;

/// A simulator of the national public service portal (DVCQG): sessions, DongBoHoSoMC,
/// CapNhatTienDoHoSoMC, TraCuuHoSo, LayThuTuc and the lists; faults on request
/// (POST /_sim/faults); what it holds at /_sim/state and on its page.
#[derive(Parser, Debug)]
#[command(name = "motcua-portal-sim", version)]
struct Args {
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: String,
    /// The account it accepts.
    #[arg(long, default_value = "demo")]
    username: String,
    /// Its password (or MOTCUA_PORTAL_SIM_PASSWORD).
    #[arg(
        long,
        env = "MOTCUA_PORTAL_SIM_PASSWORD",
        default_value = "demo-portal",
        hide_env_values = true
    )]
    password: String,
    /// The dstcode header it requires.
    #[arg(long, default_value = "DVCQG")]
    dstcode: String,
    /// Procedure records for LayThuTuc: a JSON array, each with MaTTHC.
    #[arg(long)]
    catalogue: Option<PathBuf>,
    /// Faults from the start, as the JSON POST /_sim/faults takes.
    #[arg(long)]
    faults: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let a = Args::parse();
    let catalogue: Vec<serde_json::Value> = match &a.catalogue {
        Some(p) => serde_json::from_str(&std::fs::read_to_string(p)?)?,
        None => Vec::new(),
    };
    let sim = motcua_portal::sim::Sim::new(motcua_portal::sim::SimSettings {
        username: a.username,
        password: a.password,
        dstcode: Some(a.dstcode),
        catalogue,
        ..Default::default()
    });
    if let Some(f) = &a.faults {
        sim.set_faults(serde_json::from_str(f)?);
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(&a.listen).await?;
            println!("listening on http://{}", listener.local_addr()?);
            use std::io::Write as _;
            std::io::stdout().flush()?;
            motcua_portal::sim::serve_on(sim, listener).await?;
            Ok(())
        })
}
