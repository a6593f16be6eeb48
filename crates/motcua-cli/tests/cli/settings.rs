//! Settings: flags beat the environment beat the file beat the defaults; secrets never shown.

use motcua_cli::settings::{DatabaseTarget, Overrides, Settings};
use std::collections::HashMap;

#[test]
fn flags_beat_env_beat_file_beat_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.toml");
    std::fs::write(
        &file,
        "port = 7000\nlisten = \"0.0.0.0\"\ncode_pattern = \"{agency}-{yyyymmdd}-{seq:5}\"\n",
    )
    .unwrap();
    let env: HashMap<&str, &str> = [("MOTCUA_PORT", "7001"), ("MOTCUA_LISTEN", "::1")].into();
    let get = |k: &str| env.get(k).map(|v| v.to_string());
    let flags = Overrides {
        port: Some(7002),
        ..Default::default()
    };
    let s = Settings::load(Some(&file), &get, &flags).unwrap();
    assert_eq!(s.port, 7002);
    assert_eq!(s.listen, "::1");
    assert_eq!(s.code_pattern, "{agency}-{yyyymmdd}-{seq:5}");
    assert_eq!(s.office_hours, Settings::default().office_hours);
}

#[test]
fn unknown_keys_in_the_file_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.toml");
    std::fs::write(&file, "prot = 1\n").unwrap();
    assert!(Settings::load(Some(&file), &|_| None, &Overrides::default()).is_err());
}

#[test]
fn database_targets_and_redaction() {
    let cases = [
        ("motcua.db", "motcua.db", false),
        ("sqlite://data/m.db", "data/m.db", false),
        ("sqlite:m.db", "m.db", false),
        (
            "postgres://motcua:s3cret@db.example:5432/motcua",
            "postgres://motcua:***@db.example:5432/motcua",
            true,
        ),
        (
            "postgresql://u@h/db?password=s3cret&sslmode=require",
            "postgresql://u@h/db?password=***&sslmode=require",
            true,
        ),
        ("postgres://h/db", "postgres://h/db", true),
    ];
    for (input, shown, pg) in cases {
        let t = DatabaseTarget::parse(input);
        assert_eq!(matches!(t, DatabaseTarget::Postgres(_)), pg, "{input}");
        assert_eq!(t.describe(), shown, "{input}");
        assert!(!format!("{t:?}").contains("s3cret"));
    }
    let env: HashMap<&str, &str> = [
        ("MOTCUA_DATABASE_URL", "postgres://u:s3cret@127.0.0.1/x"),
        ("MOTCUA_DB_MAX_CONNECTIONS", "8"),
    ]
    .into();
    let get = |k: &str| env.get(k).map(|v| v.to_string());
    let s = Settings::load(None, &get, &Overrides::default()).unwrap();
    assert_eq!(s.db_max_connections, 8);
    assert!(matches!(s.database_target(), DatabaseTarget::Postgres(_)));
    assert!(!format!("{s:?}").contains("s3cret"));
    let zero: HashMap<&str, &str> = [("MOTCUA_DB_MAX_CONNECTIONS", "0")].into();
    let get = |k: &str| zero.get(k).map(|v| v.to_string());
    assert!(Settings::load(None, &get, &Overrides::default()).is_err());
}
