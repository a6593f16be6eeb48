use super::*;

fn catalogue() -> Vec<Procedure> {
    serde_json::from_str(include_str!("../../../../data/procedures/seed.json")).unwrap()
}

fn services() -> Vec<LinkedService> {
    parse_services(
        include_str!("../../../../data/linked/services.json"),
        &catalogue(),
    )
    .unwrap()
}

fn birth() -> LinkedService {
    services()
        .into_iter()
        .find(|s| s.code.as_str() == "2.000986")
        .unwrap()
}

fn child(code: &str, status: Status) -> ChildView {
    ChildView {
        code: DossierCode::parse(code).unwrap(),
        status,
        result_number: matches!(status, Status::Finished | Status::Returned)
            .then(|| "12/2026".to_owned()),
        result_summary: matches!(status, Status::Finished | Status::Returned)
            .then(|| "Giấy khai sinh".to_owned()),
        declaration: None,
        reason: matches!(
            status,
            Status::Refused | Status::Stopped | Status::Withdrawn
        )
        .then(|| "Thiếu giấy chứng sinh".to_owned()),
    }
}

#[test]
fn shipped_services_are_valid_and_both_groups_are_there() {
    let all = services();
    let codes: Vec<&str> = all.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["2.000986", "1.006714"]);
    let death = &all[1];
    assert_eq!(
        death
            .step("funeral_allowance")
            .unwrap()
            .procedure_for(Some("meritorious"))
            .unwrap()
            .as_str(),
        "1.010824"
    );
    assert_eq!(
        death
            .step("funeral_allowance")
            .unwrap()
            .procedure_for(Some("nope")),
        None
    );
}

#[test]
fn invalid_definitions_are_refused() {
    let cat = catalogue();
    type Change = Box<dyn Fn(&mut LinkedService)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "not an earlier step",
            Box::new(|s| s.steps[1].after = vec!["health_insurance".into()]),
        ),
        (
            "unknown dependency",
            Box::new(|s| s.steps[1].after = vec!["nope".into()]),
        ),
        (
            "which it does not wait for",
            Box::new(|s| s.steps[1].inputs[0].from = "residence".into()),
        ),
        (
            "not in the catalogue",
            Box::new(|s| s.steps[2].procedure = ProcedureCode::parse("9.999999").unwrap()),
        ),
        (
            "listed twice",
            Box::new(|s| s.steps[2].key = "residence".into()),
        ),
        ("no steps", Box::new(|s| s.steps.clear())),
    ];
    for (want, change) in cases {
        let mut s = birth();
        change(&mut s);
        let err = s.validate(&cat).unwrap_err();
        let want = if want == "unknown dependency" {
            "not an earlier step"
        } else {
            want
        };
        assert!(err.message.contains(want), "{want}: {err}");
    }
    // A first step that waits is refused too (nothing could ever start).
    let mut s = birth();
    s.steps.swap(0, 1);
    assert!(s.validate(&cat).is_err());
}

#[test]
fn progress_table() {
    let s = birth();
    let ok = |st: Status| child("24958-260101-0001", st);
    // (case, children, expected states, done, overall)
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, ChildView)>,
        Vec<&'a str>,
        usize,
        Overall,
    );
    let cases: Vec<Case> = vec![
        (
            "nothing opened yet",
            vec![],
            vec!["ready", "waiting:birth", "waiting:birth"],
            0,
            Overall::InProgress,
        ),
        (
            "birth open",
            vec![("birth", ok(Status::Processing))],
            vec!["in_progress", "waiting:birth", "waiting:birth"],
            0,
            Overall::InProgress,
        ),
        (
            "birth under supplement",
            vec![("birth", ok(Status::SupplementRequested))],
            vec!["in_progress", "waiting:birth", "waiting:birth"],
            0,
            Overall::InProgress,
        ),
        (
            "birth finished, others not opened",
            vec![("birth", ok(Status::Finished))],
            vec!["done", "ready", "ready"],
            1,
            Overall::InProgress,
        ),
        (
            "birth returned counts as done",
            vec![("birth", ok(Status::Returned))],
            vec!["done", "ready", "ready"],
            1,
            Overall::InProgress,
        ),
        (
            "all three done",
            vec![
                ("birth", ok(Status::Returned)),
                ("residence", ok(Status::Finished)),
                ("health_insurance", ok(Status::Returned)),
            ],
            vec!["done", "done", "done"],
            3,
            Overall::Finished,
        ),
        (
            "birth refused blocks the rest",
            vec![("birth", ok(Status::Refused))],
            vec!["not_done", "blocked:birth", "blocked:birth"],
            0,
            Overall::NeedsAttention,
        ),
        (
            "birth stopped",
            vec![("birth", ok(Status::Stopped))],
            vec!["not_done", "blocked:birth", "blocked:birth"],
            0,
            Overall::NeedsAttention,
        ),
        (
            "residence withdrawn, card goes on",
            vec![
                ("birth", ok(Status::Finished)),
                ("residence", ok(Status::Withdrawn)),
                ("health_insurance", ok(Status::Processing)),
            ],
            vec!["done", "not_done", "in_progress"],
            1,
            Overall::NeedsAttention,
        ),
    ];
    for (name, kids, want, done, overall) in cases {
        let kids: BTreeMap<String, ChildView> =
            kids.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let p = progress(&s, &kids);
        let got: Vec<String> = p
            .steps
            .iter()
            .map(|(_, st)| match st {
                StepState::Waiting { on } => format!("waiting:{}", on.join(",")),
                StepState::Blocked { by } => format!("blocked:{by}"),
                StepState::Ready => "ready".into(),
                StepState::InProgress => "in_progress".into(),
                StepState::Done => "done".into(),
                StepState::NotDone => "not_done".into(),
            })
            .collect();
        assert_eq!(got, want, "{name}");
        assert_eq!(p.done, done, "{name}");
        assert_eq!(p.total, 3, "{name}");
        assert_eq!(p.overall, overall, "{name}");
        assert_eq!(
            p.problems.len(),
            want.iter().filter(|w| **w == "not_done").count(),
            "{name}"
        );
        let ready: Vec<&str> = ready_steps(&s, &kids)
            .iter()
            .map(|x| x.key.as_str())
            .collect();
        let want_ready: Vec<&str> = s
            .steps
            .iter()
            .zip(&want)
            .filter(|(_, w)| **w == "ready")
            .map(|(x, _)| x.key.as_str())
            .collect();
        assert_eq!(ready, want_ready, "{name}");
    }
}

#[test]
fn a_problem_says_what_to_do() {
    let s = birth();
    let kids = BTreeMap::from([(
        "birth".to_owned(),
        child("24958-260101-0001", Status::Refused),
    )]);
    let p = progress(&s, &kids);
    assert_eq!(p.problems[0].step, "birth");
    assert_eq!(
        p.problems[0].reason.as_deref(),
        Some("Thiếu giấy chứng sinh")
    );
    assert!(p.problems[0].what_to_do.contains("Ủy ban nhân dân xã"));
}

#[test]
fn inputs_come_from_the_prerequisite_result() {
    let s = birth();
    let kids = BTreeMap::from([(
        "birth".to_owned(),
        child("24958-260101-0001", Status::Finished),
    )]);
    let i = inputs_for(s.step("residence").unwrap(), &kids);
    assert_eq!(
        i.get("birth_registration_number").map(String::as_str),
        Some("12/2026")
    );
    assert_eq!(
        i.get("birth_registration").map(String::as_str),
        Some("Giấy khai sinh")
    );
    // Nothing before the prerequisite has its result.
    assert!(inputs_for(s.step("residence").unwrap(), &BTreeMap::new()).is_empty());
}
