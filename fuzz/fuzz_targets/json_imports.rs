//! JSON sent by administrators and integrations: procedures, authority rules, escalation rules,
//! holiday tables. Decoding and validation must refuse, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::authority::AuthorityRule;
use motcua_domain::calendar::HolidayYear;
use motcua_domain::catalogue::Procedure;
use motcua_domain::escalation::{self, EscalationRule};

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = serde_json::from_slice::<Vec<Procedure>>(data) {
        for p in &list {
            let _ = p.validate();
        }
    }
    if let Ok(rule) = serde_json::from_slice::<AuthorityRule>(data) {
        let _ = rule.validate(&[]);
    }
    if let Ok(rules) = serde_json::from_slice::<Vec<EscalationRule>>(data) {
        let _ = escalation::validate(&rules);
    }
    if let Ok(h) = serde_json::from_slice::<HolidayYear>(data) {
        let _ = h.validate();
    }
});
