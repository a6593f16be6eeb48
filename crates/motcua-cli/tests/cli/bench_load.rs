//! The load benchmark's arithmetic and bounds.

use motcua_cli::bench::load::*;
use motcua_cli::bench::mix::Op;
use std::time::Duration;

#[test]
fn cpu_of_this_process_is_read() {
    let a = cpu_seconds("self").expect("/proc/self/stat");
    let mut x = 0u64;
    for i in 0..20_000_000u64 {
        x = x.wrapping_add(i * i);
    }
    assert!(x > 0);
    assert!(cpu_seconds("self").unwrap() >= a);
    assert_eq!(cpu_seconds("not-a-pid"), None);
}

#[test]
fn percentiles_use_the_nearest_rank() {
    let v: Vec<u32> = (1..=100).map(|x| x * 1000).collect();
    let cases = [
        (50.0, 50.0),
        (95.0, 95.0),
        (99.0, 99.0),
        (100.0, 100.0),
        (0.0, 1.0),
    ];
    for (p, want) in cases {
        assert_eq!(percentile_ms(&v, p), want, "p{p}");
    }
    assert_eq!(percentile_ms(&[], 99.0), 0.0);
    assert_eq!(percentile_ms(&[7000], 50.0), 7.0);
}

#[test]
fn the_timeline_shows_each_second_and_the_slowest_first() {
    let ms = Duration::from_millis;
    let mut a = WorkerSamples::default();
    a.record(Op::Intake, 0, ms(5), Ok(()));
    a.record(Op::Read, 0, ms(1), Ok(()));
    a.record(Op::Read, 2, ms(300), Ok(()));
    let mut b = WorkerSamples::default();
    b.record(Op::Action, 0, ms(9), Err("503 service.unavailable".into()));
    b.record(Op::Action, 2, ms(2), Ok(()));
    b.record(Op::Inbox, 1, ms(40), Ok(()));
    let r = phase_report(vec![a, b], 3.0);
    let t: Vec<(u32, u64, u64, f64)> = r
        .timeline
        .iter()
        .map(|s| (s.second, s.ops, s.errors, s.max_ms))
        .collect();
    assert_eq!(t, vec![(0, 2, 1, 5.0), (1, 1, 0, 40.0), (2, 2, 0, 300.0)]);
    let worst: Vec<u32> = r.slowest_seconds(2).iter().map(|s| s.second).collect();
    assert_eq!(worst, vec![2, 1]);
    // The per-operation figures count the same outcomes.
    assert_eq!(r.writes.count + r.reads.count, 5);
    assert_eq!(r.errors, 1);
}

#[test]
fn only_loopback_urls_are_loaded() {
    for ok in [
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/",
        "http://localhost:3000",
        "http://[::1]:8080",
        "http://127.1.2.3:80",
    ] {
        assert!(check_loopback(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://10.0.0.1:8080",
        "http://example.org",
        "https://127.0.0.1:8080",
        "ftp://127.0.0.1",
        "http://127.0.0.1.evil.example:80",
        "http://[2001:db8::1]:80",
    ] {
        assert!(check_loopback(bad).is_err(), "{bad}");
    }
}

#[test]
fn bounds_are_enforced() {
    let p = |d: u64, c: usize, r: Option<f64>| Pace {
        duration: Duration::from_secs(d),
        concurrency: c,
        rate: r,
        warmup: Duration::ZERO,
    };
    assert!(p(10, 8, None).checked().is_ok());
    assert!(p(10, 8, Some(500.0)).checked().is_ok());
    assert!(p(0, 8, None).checked().is_err());
    assert!(p(601, 8, None).checked().is_err());
    assert!(p(10, 0, None).checked().is_err());
    assert!(p(10, 513, None).checked().is_err());
    assert!(p(10, 8, Some(0.0)).checked().is_err());
    assert!(p(10, 8, Some(f64::NAN)).checked().is_err());
    let warm = |w: u64| Pace {
        warmup: Duration::from_secs(w),
        ..p(10, 8, None)
    };
    assert!(warm(60).checked().is_ok());
    assert!(warm(61).checked().is_err());
}
