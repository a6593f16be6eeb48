//! `motcua demo`: a demo database (units, catalogue, Lâm Đồng agencies and accounts, generated
//! dossiers, a local CA), then serve it.

use super::{app_err, authority, init::print_init, serve::serve, with_db};
use crate::demo;
use crate::settings::Settings;
use crate::setup;
use anyhow::Result;
use std::sync::Arc;

/// `motcua demo [--dossiers N] [--no-serve]`. Dossiers are generated only into a database that
/// has none; the demo accounts get a new password on every start.
pub(crate) async fn run(mut s: Settings, dossiers: usize, no_serve: bool) -> Result<()> {
    // The demo signs its documents with a local CA (created once), agencies' certificates
    // issued on first use.
    s.pki_auto_issue = true;
    let pki = motcua_documents::pki::Pki::new(&s.data_dir);
    if !pki.has_ca() {
        let (_, written) = pki.init("demo", s.pki_passphrase.as_deref())?;
        println!(
            "local demo CA created in {}{}",
            pki.dir().display(),
            if written.is_some() {
                " (passphrase generated beside it: a demo, not a production setup)"
            } else {
                ""
            }
        );
    }
    // The national portal: an in-process simulator unless a real one is configured, so that
    // a newcomer sees dossiers arrive "at the portal" (its own page lists them).
    if s.portal.url.is_none() && !no_serve {
        let url = crate::portal::start_simulator().await?;
        println!("national portal simulator (receives every dossier and step): {url}/");
        s.portal = crate::settings::PortalConfig {
            url: Some(url),
            username: crate::portal::SIM_USERNAME.into(),
            password: Some(crate::portal::SIM_PASSWORD.into()),
            ..crate::settings::PortalConfig::default()
        };
    }
    with_db(&s, true, async |db| {
        let store = db.store();
        let (app, r) = setup::init(&s, store.clone()).await?;
        print_init(&s, &r);
        let added = authority::load_demo(&app).await?;
        if added > 0 {
            println!(
                "authority registry: {added} illustrative rules for Lâm Đồng (a planted overlap and gap: `motcua authority check --province 68`)"
            );
        }
        let (actors, accounts, password) = demo::create_accounts(&app).await?;
        if store.count_dossiers().await.map_err(|e| anyhow::anyhow!("{e}"))? == 0 && dossiers > 0 {
            let now = app.now();
            let clock = Arc::new(motcua_app::FixedClock::new(now));
            let gen_app = setup::with_documents(
                &s,
                motcua_app::App::new(store.clone(), clock.clone(), setup::app_settings(&s)?)
                    .await
                    .map_err(app_err)?,
            );
            let made = demo::generate(&gen_app, &clock, &actors, dossiers, now).await?;
            println!("generated {made} demo dossiers (applicants are generated, not real people)");
            let planted = demo::plant_broker(&gen_app, &clock, &actors, now).await?;
            println!(
                "planted a broker for the integrity review: {planted} dossiers of unrelated applicants with the one contact {} / {} (/reports/integrity)",
                demo::PLANTED_BROKER_PHONE,
                demo::PLANTED_BROKER_EMAIL
            );
        }
        println!("\nDemo staff accounts (sign in at /staff/login):");
        for a in &accounts {
            println!("  {:<15} {:<16} {}", a.agency, a.role.as_str(), a.username);
        }
        println!("Password of every demo account (new on every start): {password}");
        println!(
            "For the API, create a service token: motcua --data-dir {} token create --agency 24958.TTPVHCC --role counter_officer",
            s.data_dir.display()
        );
        if !no_serve {
            serve(&s, app).await?;
        }
        Ok(())
    })
    .await
}
