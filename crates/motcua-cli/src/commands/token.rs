//! `motcua token create|list|revoke`: scoped service tokens for integrations.

use super::{app_err, with_app};
use crate::args::{TokenWhat, role_names};
use crate::settings::Settings;
use anyhow::{Result, anyhow};
use motcua_domain::access::Role;
use motcua_domain::dossier::fmt;
use motcua_domain::ids::AgencyCode;

/// `motcua token …`. A new token's secret is printed once, on standard output.
pub(crate) async fn run(s: Settings, what: TokenWhat) -> Result<()> {
    with_app(&s, async |app| {
        match what {
            TokenWhat::Create {
                agency,
                role,
                label,
                days,
            } => {
                let role =
                    Role::parse(&role).ok_or_else(|| anyhow!("role is one of {}", role_names()))?;
                let agency = AgencyCode::parse(&agency)?;
                let (rec, secret, _) = app
                    .create_token_for(&agency, role, &label, days)
                    .await
                    .map_err(app_err)?;
                eprintln!(
                    "token {} for {} as {}, valid until {} (shown once):",
                    rec.id,
                    rec.agency,
                    role.as_str(),
                    rec.expires_at.map(fmt).unwrap_or_default()
                );
                println!("{secret}");
            }
            TokenWhat::List => {
                let now = app.now();
                for t in app.tokens().await.map_err(app_err)? {
                    let state = if t.revoked_at.is_some() {
                        "revoked"
                    } else if !t.valid_at(now) {
                        "expired"
                    } else {
                        "active"
                    };
                    println!(
                        "{}  {:<8} {:<16} {:<16} created {}  expires {}  {}",
                        t.id,
                        state,
                        t.agency,
                        t.role.as_str(),
                        fmt(t.created_at),
                        t.expires_at.map(fmt).unwrap_or_else(|| "never".into()),
                        t.label
                    );
                }
            }
            TokenWhat::Revoke { id } => {
                app.revoke_token(id).await.map_err(app_err)?;
                println!("token {id} revoked");
            }
        }
        Ok(())
    })
    .await
}
