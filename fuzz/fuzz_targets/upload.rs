//! Uploaded files: the type is decided by the bytes, and the name is rebuilt from safe
//! characters. The first byte chooses the declared type (none, or one of the three allowed, or
//! a lie), the rest is the file and, lossily, its name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use motcua_domain::upload::{FileKind, check_file, clean_file_name};

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let declared = match first % 5 {
        0 => None,
        1 => Some("application/pdf"),
        2 => Some("image/jpeg"),
        3 => Some("image/png"),
        _ => Some("text/html"),
    };
    if let Ok(kind) = check_file(bytes, declared) {
        // Accepted only when the bytes say so, and only as what was declared.
        assert_eq!(FileKind::sniff(bytes), Some(kind));
        if let Some(d) = declared {
            assert_eq!(kind.mime(), d);
        }
    }
    let name = clean_file_name(&String::from_utf8_lossy(bytes));
    assert!(
        !name.contains('/') && !name.contains('\\') && !name.starts_with('.') && !name.contains('\0'),
        "unsafe name {name:?}"
    );
});
