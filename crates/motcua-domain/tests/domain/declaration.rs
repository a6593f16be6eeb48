//! Electronic declarations: every rule of an answer as a table (each failing path named, all at
//! once, nothing normalised wrongly), the shipped declarations valid, the schema's own checks,
//! the form round trip and the rows shown.

use motcua_domain::catalogue::Procedure;
use motcua_domain::declaration::check::{age_on, parse_date};
use motcua_domain::declaration::form::{from_form, page_from_form, to_form};
use motcua_domain::declaration::{CheckContext, Declaration, Invalid};
use motcua_domain::units::{UnitDirectory, UnitsData};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::LazyLock;
use time::macros::date;

static UNITS: LazyLock<UnitDirectory> = LazyLock::new(|| {
    UnitDirectory::new(
        UnitsData::from_csv(
            include_str!("../../../../data/units/provinces_2025.csv"),
            include_str!("../../../../data/units/communes_2025.csv"),
            include_str!("../../../../data/units/mapping_2025.csv"),
        )
        .expect("shipped data parses"),
    )
});

static SEED: LazyLock<Vec<Procedure>> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../../data/procedures/seed.json")).unwrap()
});

fn declaration(code: &str) -> Declaration {
    SEED.iter()
        .find(|p| p.code.as_str() == code)
        .and_then(|p| p.cases[0].declaration.clone())
        .unwrap_or_else(|| panic!("{code} has a declaration"))
}

fn ctx() -> CheckContext<'static> {
    CheckContext {
        filing_date: date!(2026 - 03 - 10),
        units: &UNITS,
    }
}

fn birth() -> Value {
    json!({
        "child": {"name": "Nguyễn Thị Bình", "birth_date": "2026-03-01", "sex": "female",
                  "ethnicity": "Kinh", "nationality": "Việt Nam"},
        "birth_place": "Bệnh viện Đa khoa Lâm Đồng",
        "hometown": "Lâm Đồng",
        "relationship": "Mẹ",
        "mother": {"name": "Trần Thị Hoa", "birth_date": "1995-06-15", "ethnicity": "Kinh",
                   "nationality": "Việt Nam", "id": {"kind": "cccd", "number": "068195001234"}},
        "mother_residence": {"place": "Xã Phú Hội, Huyện Đức Trọng, Tỉnh Lâm Đồng", "street": "Thôn 2"},
        "father_known": "yes",
        "father": {"name": "Nguyễn Văn An", "birth_date": "1993-01-20", "ethnicity": "Kinh",
                   "nationality": "Việt Nam"},
        "father_residence": {"commune": "24958", "street": "Thôn 2"},
        "copies_wanted": false
    })
}

/// A case of a table: what, the input, the failing paths and codes expected.
type Refusal = (&'static str, Value, Vec<(&'static str, &'static str)>);
/// A way to break a declaration.
type Breakage = (&'static str, Box<dyn Fn(&mut Declaration)>);

/// The failing paths and their codes.
fn failures(e: Invalid) -> Vec<(String, &'static str)> {
    e.errors
        .into_iter()
        .map(|f| (f.path, f.problem.code()))
        .collect()
}

fn with(mut v: Value, path: &str, x: Value) -> Value {
    let mut cur = &mut v;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        cur = &mut cur[*p];
    }
    let last = parts[parts.len() - 1];
    if x.is_null() {
        cur.as_object_mut().unwrap().remove(last);
    } else {
        cur[last] = x;
    }
    v
}

#[test]
fn every_shipped_declaration_is_valid_and_names_its_form() {
    let mut with_declaration = Vec::new();
    for p in SEED.iter() {
        p.validate().unwrap_or_else(|e| panic!("{e}"));
        for c in &p.cases {
            if let Some(d) = &c.declaration {
                assert!(!d.form.basis.is_empty() && !d.form.name.is_empty());
                with_declaration.push(p.code.to_string());
            }
        }
    }
    // Birth, death, marriage, residence (CT01), household business, certified copy.
    for code in [
        "1.001193", "1.000656", "1.000894", "1.004222", "1.001612", "2.000815",
    ] {
        assert!(with_declaration.contains(&code.to_string()), "{code}");
    }
}

#[test]
fn a_complete_birth_declaration_is_normalised() {
    let a = declaration("1.001193").check(&birth(), ctx()).unwrap();
    assert_eq!(a.text("child.birth_date"), Some("2026-03-01"));
    // The old address resolved to its 2025 commune, the old name kept.
    assert_eq!(a.text("mother_residence.commune"), Some("24958"));
    assert_eq!(
        a.text("mother_residence.commune_name"),
        Some("Xã Đức Trọng")
    );
    assert!(
        a.text("mother_residence.old_name")
            .is_some_and(|o| o.contains("Phú Hội"))
    );
    assert_eq!(a.at("copies_wanted"), Some(&json!(false)));
    // The number of copies was not asked (copies_wanted = no): not stored.
    assert_eq!(a.at("copies_count"), None);
}

#[test]
fn birth_declaration_refusals_name_every_path() {
    let d = declaration("1.001193");
    let cases: Vec<Refusal> = vec![
        (
            "a child born after the filing date",
            with(birth(), "child.birth_date", json!("2026-03-11")),
            vec![("child.birth_date", "date_in_future")],
        ),
        (
            "a child born before the mother",
            with(birth(), "child.birth_date", json!("1990-01-01")),
            vec![("child.birth_date", "rule")],
        ),
        (
            "no child name, a bad sex and date",
            with(
                with(
                    with(birth(), "child.name", json!("")),
                    "child.sex",
                    json!("x"),
                ),
                "child.birth_date",
                json!("31/02/2026"),
            ),
            vec![
                ("child.name", "required"),
                ("child.birth_date", "invalid_date"),
                ("child.sex", "unknown_option"),
            ],
        ),
        (
            "the mother's ID of the wrong length and an unknown kind",
            with(
                birth(),
                "mother.id",
                json!({"kind": "cccd", "number": "12345"}),
            ),
            vec![("mother.id.number", "invalid_id")],
        ),
        (
            "an unknown question",
            with(birth(), "favourite_colour", json!("blue")),
            vec![("favourite_colour", "unknown")],
        ),
        (
            "an unknown commune code",
            with(birth(), "father_residence.commune", json!("99999")),
            vec![("father_residence.commune", "unknown_place")],
        ),
        (
            "a place that is nowhere",
            with(
                birth(),
                "mother_residence.place",
                json!("Xã Không Tồn Tại, Tỉnh Mơ"),
            ),
            vec![("mother_residence.place", "unknown_place")],
        ),
        (
            "a yes/no that is neither",
            with(birth(), "father_known", json!("maybe")),
            vec![("father_known", "unknown_option")],
        ),
        (
            "copies asked for without a number",
            with(birth(), "copies_wanted", json!(true)),
            vec![("copies_count", "required")],
        ),
        (
            "too many copies",
            with(
                with(birth(), "copies_wanted", json!("yes")),
                "copies_count",
                json!(21),
            ),
            vec![("copies_count", "too_large")],
        ),
        (
            "a hostile birth place",
            with(birth(), "birth_place", json!("Bệnh viện\u{202E}")),
            vec![("birth_place", "hostile")],
        ),
        (
            "a text where a block is expected",
            with(birth(), "mother", json!("Trần Thị Hoa")),
            vec![("mother", "wrong_type")],
        ),
        (
            "the mother's block missing: each part she must give",
            with(birth(), "mother", Value::Null),
            vec![
                ("mother.name", "required"),
                ("mother.birth_date", "required"),
                ("mother.ethnicity", "required"),
                ("mother.nationality", "required"),
            ],
        ),
        (
            "the mother's optional document left blank, as a form posts it",
            with(birth(), "mother.id", json!({"kind": "cccd", "number": ""})),
            vec![],
        ),
    ];
    for (what, input, want) in cases {
        let got = match d.check(&input, ctx()) {
            Ok(_) => vec![],
            Err(e) => failures(e),
        };
        let want: Vec<(String, &str)> = want.into_iter().map(|(p, c)| (p.to_owned(), c)).collect();
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn a_father_not_known_is_not_asked() {
    let d = declaration("1.001193");
    let mut v = with(birth(), "father_known", json!("no"));
    // Answers to the questions not asked are dropped, not refused.
    let a = d.check(&v, ctx()).unwrap();
    assert_eq!(a.at("father"), None);
    v = with(v, "father", Value::Null);
    v = with(v, "father_residence", Value::Null);
    assert!(d.check(&v, ctx()).is_ok());
    // Known, the father is required.
    let v = with(
        with(birth(), "father", Value::Null),
        "father_residence",
        Value::Null,
    );
    let got = failures(d.check(&v, ctx()).unwrap_err());
    let paths: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "father.name",
            "father.birth_date",
            "father.ethnicity",
            "father.nationality",
            "father_residence.place"
        ]
    );
    assert!(got.iter().all(|(_, c)| *c == "required"));
}

fn marriage(wife_born: &str, husband_born: &str) -> Value {
    json!({
        "wife": {"name": "Lê Thị Mai", "birth_date": wife_born, "ethnicity": "Kinh",
                 "nationality": "Việt Nam", "id": {"kind": "cccd", "number": "068300001111"}},
        "wife_residence": {"commune": "24958"},
        "wife_marriage_no": 1,
        "husband": {"name": "Phạm Văn Nam", "birth_date": husband_born, "ethnicity": "Kinh",
                    "nationality": "Việt Nam", "id": {"kind": "passport", "number": "c1234567"}},
        "husband_residence": {"commune": "24958", "street": "Tổ 3"},
        "husband_marriage_no": "1",
        "copies_wanted": "no"
    })
}

#[test]
fn both_spouses_must_be_of_marrying_age_on_the_filing_date() {
    let d = declaration("1.000894");
    // Filing 2026-03-10: she is 18 that day, he 20 that day: accepted.
    let a = d
        .check(&marriage("2008-03-10", "2006-03-10"), ctx())
        .unwrap();
    assert_eq!(a.text("husband.id.number"), Some("C1234567"));
    assert_eq!(a.at("husband_marriage_no"), Some(&json!(1)));
    let cases = [
        ("2008-03-11", "2006-03-10", vec!["wife.birth_date"]),
        ("2008-03-10", "2006-03-11", vec!["husband.birth_date"]),
        (
            "2010-01-01",
            "2007-01-01",
            vec!["wife.birth_date", "husband.birth_date"],
        ),
    ];
    for (wife, husband, want) in cases {
        let e = d.check(&marriage(wife, husband), ctx()).unwrap_err();
        let paths: Vec<&str> = e.errors.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, want, "{wife} {husband}");
        assert!(e.errors.iter().all(|f| f.problem.code() == "rule"));
    }
}

#[test]
fn ages_count_full_years() {
    for (birth, on, years) in [
        (date!(2008 - 03 - 10), date!(2026 - 03 - 10), 18),
        (date!(2008 - 03 - 11), date!(2026 - 03 - 10), 17),
        (date!(2008 - 02 - 29), date!(2026 - 02 - 28), 17),
        (date!(2008 - 02 - 29), date!(2026 - 03 - 01), 18),
    ] {
        assert_eq!(age_on(birth, on), years, "{birth} {on}");
    }
}

#[test]
fn dates_are_read_in_both_written_forms() {
    for (s, want) in [
        ("2026-03-01", Some(date!(2026 - 03 - 01))),
        ("01/03/2026", Some(date!(2026 - 03 - 01))),
        ("1/3/2026", Some(date!(2026 - 03 - 01))),
        ("01.03.2026", Some(date!(2026 - 03 - 01))),
        ("29/02/2025", None),
        ("2026-13-01", None),
        ("01/03/26", None),
        ("1899-12-31", None),
        ("", None),
        ("٠١/٠٣/٢٠٢٦", None),
        ("2026-03-01T00:00", None),
    ] {
        assert_eq!(parse_date(s), want, "{s:?}");
    }
}

fn copies(items: Value) -> Value {
    json!({ "documents": items })
}

#[test]
fn certified_copies_are_a_repeatable_group() {
    let d = declaration("2.000815");
    let ok = d
        .check(
            &copies(json!([
                {"name": "Bằng tốt nghiệp", "pages": "2", "copies": 3},
                {"name": "", "pages": "", "copies": ""},
                {"name": "Giấy khai sinh", "pages": 1, "copies": 1}
            ])),
            ctx(),
        )
        .unwrap();
    // The blank row is not an item.
    assert_eq!(ok.at("documents.1.name"), Some(&json!("Giấy khai sinh")));
    assert_eq!(ok.at("documents.0.pages"), Some(&json!(2)));
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (json!([]), vec![("documents", "required")]),
        (
            json!([{"name": "A", "pages": 0, "copies": 1}, {"name": "", "pages": 2, "copies": 51}]),
            vec![
                ("documents.0.pages", "too_small"),
                ("documents.1.name", "required"),
                ("documents.1.copies", "too_large"),
            ],
        ),
        (
            Value::Array(vec![json!({"name": "A", "pages": 1, "copies": 1}); 21]),
            vec![("documents", "too_many")],
        ),
        (json!("Bằng"), vec![("documents", "wrong_type")]),
        (
            json!([{"name": "A", "pages": "hai", "copies": 1, "colour": "x"}]),
            vec![
                ("documents.0.colour", "unknown"),
                ("documents.0.pages", "not_a_number"),
            ],
        ),
    ];
    for (items, want) in cases {
        let got = failures(d.check(&copies(items.clone()), ctx()).unwrap_err());
        let want: Vec<(String, &str)> = want.into_iter().map(|(p, c)| (p.to_owned(), c)).collect();
        assert_eq!(got, want, "{items}");
    }
}

#[test]
fn a_declaration_that_is_not_an_object_is_refused_whole() {
    let d = declaration("2.000815");
    for bad in [json!([]), json!("x"), json!(1), Value::Null] {
        let e = failures(d.check(&bad, ctx()).unwrap_err());
        assert_eq!(e, vec![(String::new(), "wrong_type")]);
    }
}

#[test]
fn household_business_capital_and_members() {
    let d = declaration("1.001612");
    let base = json!({
        "business_name": "HỘ KINH DOANH BÌNH AN",
        "business_address": {"commune": "24958", "street": "12 Quốc lộ 20"},
        "business_phone": "+84 912 345 678",
        "trades": "Bán lẻ lương thực (4721)",
        "capital": "150.000.000",
        "workers": 2,
        "owner": {"name": "Nguyễn Văn An", "birth_date": "1990-05-05", "sex": "male",
                  "ethnicity": "Kinh", "nationality": "Việt Nam",
                  "id": {"kind": "cccd", "number": "068 090 001 234"}},
        "owner_residence": {"commune": "24958"},
        "family_business": "no"
    });
    let a = d.check(&base, ctx()).unwrap();
    assert_eq!(a.at("capital"), Some(&json!(150_000_000u64)));
    assert_eq!(a.text("business_phone"), Some("0912345678"));
    assert_eq!(a.text("owner.id.number"), Some("068090001234"));
    let family = with(base.clone(), "family_business", json!("yes"));
    assert_eq!(
        failures(d.check(&family, ctx()).unwrap_err()),
        vec![("members".to_owned(), "required")]
    );
    let bad = with(
        with(base, "capital", json!("nhiều")),
        "owner.birth_date",
        json!("2010-01-01"),
    );
    assert_eq!(
        failures(d.check(&bad, ctx()).unwrap_err()),
        vec![
            ("capital".to_owned(), "not_a_number"),
            ("owner.birth_date".to_owned(), "rule")
        ]
    );
}

#[test]
fn an_ambiguous_place_asks_for_a_choice() {
    // "Phường 1" exists in many old towns: without a province it is ambiguous.
    let d = declaration("1.004222");
    let v = json!({
        "person": {"name": "A", "birth_date": "1990-01-01", "sex": "male",
                   "id": {"kind": "cccd", "number": "068090001234"}},
        "head_name": "B", "head_relationship": "Con", "head_id": {"kind": "cccd", "number": "068090001235"},
        "new_residence": {"place": "Phường 1", "street": "5 Trần Phú"},
        "request": "Đăng ký thường trú"
    });
    assert_eq!(
        failures(d.check(&v, ctx()).unwrap_err()),
        vec![("new_residence.place".to_owned(), "ambiguous_place")]
    );
    // CT01 takes only the 12-digit personal number.
    let v2 = with(v, "head_id", json!({"kind": "cmnd", "number": "123456789"}));
    let got = failures(d.check(&v2, ctx()).unwrap_err());
    assert!(
        got.contains(&("head_id.kind".to_owned(), "id_kind")),
        "{got:?}"
    );
}

#[test]
fn one_page_is_checked_alone_with_its_rules() {
    let d = declaration("1.000894");
    let mut v = marriage("2010-01-01", "2006-03-10");
    // The wife's page: her rule fails; the husband's page is not checked.
    v["husband"]["name"] = json!("");
    let e = failures(d.check_page("wife", &v, ctx()).unwrap_err());
    assert_eq!(e, vec![("wife.birth_date".to_owned(), "rule")]);
    let e = failures(d.check_page("husband", &v, ctx()).unwrap_err());
    assert_eq!(e, vec![("husband.name".to_owned(), "required")]);
}

#[test]
fn forms_post_paths_and_get_them_back() {
    let d = declaration("2.000815");
    let form: HashMap<String, String> = [
        ("documents.0.name", "Bằng"),
        ("documents.0.pages", "2"),
        ("documents.0.copies", "1"),
        ("documents.1.name", ""),
        ("documents.99.name", "ignored: index too high"),
        ("csrf", "ignored: not a question"),
        ("documents.0.name.x.y.z", "ignored: too deep"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let m = page_from_form(&d, "documents", &form);
    let a = d.check(&Value::Object(m), ctx()).unwrap();
    let back = to_form(&a.0);
    assert_eq!(
        back.get("documents.0.name").map(String::as_str),
        Some("Bằng")
    );
    assert_eq!(back.get("documents.0.pages").map(String::as_str), Some("2"));
    // Dates come back as written on forms; yes/no as yes/no.
    let b = declaration("1.001193").check(&birth(), ctx()).unwrap();
    let f = to_form(&b.0);
    assert_eq!(
        f.get("child.birth_date").map(String::as_str),
        Some("01/03/2026")
    );
    assert_eq!(f.get("father_known").map(String::as_str), Some("yes"));
    assert_eq!(
        f.get("mother.id.number").map(String::as_str),
        Some("068195001234")
    );
    // And the form of those answers checks to the same answers.
    let again = from_form(d_fields(&declaration("1.001193")).iter(), &f);
    assert_eq!(
        declaration("1.001193")
            .check(&Value::Object(again), ctx())
            .unwrap(),
        b
    );
}

fn d_fields(d: &Declaration) -> Vec<motcua_domain::declaration::Field> {
    d.fields().map(|(_, f)| f.clone()).collect()
}

#[test]
fn filed_answers_show_as_labelled_rows_in_the_language() {
    let d = declaration("1.001193");
    let a = d.check(&birth(), ctx()).unwrap();
    let vi = d.show(&a, "vi");
    let child: Vec<(&str, &str)> = vi[0]
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.value.as_str()))
        .collect();
    assert!(
        child.contains(&("Ngày, tháng, năm sinh", "01/03/2026")),
        "{child:?}"
    );
    assert!(child.contains(&("Giới tính", "Nữ")));
    let en = d.show(&a, "en");
    assert_eq!(en[0].title, "The child");
    let mother = en.iter().find(|s| s.page == "mother").unwrap();
    let residence = mother
        .rows
        .iter()
        .find(|r| r.path == "mother_residence")
        .unwrap();
    assert!(
        residence
            .value
            .starts_with("Thôn 2, Xã Đức Trọng, Tỉnh Lâm Đồng (formerly: Xã Phú Hội"),
        "{}",
        residence.value
    );
    // A page not asked is not shown.
    let no_father = d
        .check(&with(birth(), "father_known", json!("no")), ctx())
        .unwrap();
    assert!(d.show(&no_father, "vi").iter().all(|s| s.page != "father"));
}

#[test]
fn the_schema_is_checked_when_the_catalogue_takes_it() {
    let good = declaration("1.001193");
    let comps = ["TK", "GCS", "CCCD"];
    assert!(good.validate(&comps).is_ok());
    let broken: Vec<Breakage> = vec![
        (
            "repeated key",
            Box::new(|d| {
                let f = d.pages[0].fields[0].clone();
                d.pages[1].fields.push(f);
            }),
        ),
        (
            "bad key",
            Box::new(|d| d.pages[0].fields[0].key = "Child Name".into()),
        ),
        (
            "unknown replaced component",
            Box::new(|d| d.replaces_component = Some("XX".into())),
        ),
        (
            "condition on a text",
            Box::new(|d| {
                d.pages[3].when.as_mut().unwrap().field = "birth_place".into();
            }),
        ),
        (
            "condition value not an option",
            Box::new(|d| {
                d.pages[3].when.as_mut().unwrap().equals = "maybe".into();
            }),
        ),
        (
            "rule on a text",
            Box::new(|d| {
                if let motcua_domain::declaration::CrossRule::NotAfterFiling { field, .. } =
                    &mut d.rules[0]
                {
                    *field = "birth_place".into();
                }
            }),
        ),
        ("no pages", Box::new(|d| d.pages.clear())),
        ("empty page", Box::new(|d| d.pages[0].fields.clear())),
        (
            "hostile label",
            Box::new(|d| d.pages[0].fields[0].label.vi = "a\u{0}b".into()),
        ),
    ];
    for (what, f) in broken {
        let mut d = good.clone();
        f(&mut d);
        assert!(d.validate(&comps).is_err(), "{what}");
    }
}
