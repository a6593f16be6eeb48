//! `motcua admin user …`: staff accounts (recorded in the security log as done by `cli`).

use super::{app_err, with_app};
use crate::args::{AdminWhat, UserWhat, role_names};
use crate::settings::Settings;
use anyhow::{Result, anyhow};
use motcua_domain::access::Role;
use motcua_domain::ids::AgencyCode;

/// `motcua admin …`.
pub(crate) async fn run(s: Settings, what: AdminWhat) -> Result<()> {
    match what {
        AdminWhat::User { what } => with_app(&s, async |app| admin_user(app, what).await).await,
        AdminWhat::AgencyContact {
            agency,
            address,
            phone,
            hours,
            clear,
        } => {
            let code = AgencyCode::parse(&agency)?;
            with_app(&s, async |app| {
                let given = motcua_domain::agency::AgencyContact {
                    address,
                    phone,
                    hours,
                };
                let a = app
                    .set_agency_contact("cli", &code, given, clear)
                    .await
                    .map_err(app_err)?;
                match a.contact {
                    Some(c) => println!(
                        "{}: {} · {} · {}",
                        a.code,
                        c.address.unwrap_or_default(),
                        c.phone.unwrap_or_default(),
                        c.hours.unwrap_or_default()
                    ),
                    None => println!("{}: no contact recorded", a.code),
                }
                Ok(())
            })
            .await
        }
    }
}

/// `motcua admin user …` (recorded in the security log as done by `cli`).
async fn admin_user(app: &motcua_app::App, what: UserWhat) -> Result<()> {
    match what {
        UserWhat::Create {
            username,
            name,
            agency,
            role,
            password_stdin,
        } => {
            let role =
                Role::parse(&role).ok_or_else(|| anyhow!("role is one of {}", role_names()))?;
            let agency = AgencyCode::parse(&agency)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let (u, generated) = app
                .create_user("cli", &username, &name, &agency, role, password.as_deref())
                .await
                .map_err(app_err)?;
            eprintln!(
                "account {} ({}) for {} as {}",
                u.username,
                u.display_name,
                u.agency,
                u.role.as_str()
            );
            if let Some(p) = generated {
                eprintln!("one-time password (shown once; to be changed at first login):");
                println!("{p}");
            }
        }
        UserWhat::Disable { username } => {
            let u = app
                .set_user_disabled("cli", &username, true)
                .await
                .map_err(app_err)?;
            println!("account {} disabled; its sessions ended", u.username);
        }
        UserWhat::Enable { username } => {
            let u = app
                .set_user_disabled("cli", &username, false)
                .await
                .map_err(app_err)?;
            println!("account {} enabled", u.username);
        }
        UserWhat::ResetPassword { username } => {
            let p = app
                .reset_password("cli", &username)
                .await
                .map_err(app_err)?;
            eprintln!(
                "one-time password for {username} (shown once; to be changed at first login):"
            );
            println!("{p}");
        }
        UserWhat::List => {
            for u in app.list_users().await.map_err(app_err)? {
                println!(
                    "{:<36} {:<16} {:<15} {}{}",
                    u.username,
                    u.role.as_str(),
                    u.agency,
                    u.display_name,
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
        }
    }
    Ok(())
}
