//! Typst as a library: a small `World` whose files are our embedded templates, the form's data as
//! JSON and its QR code as SVG. Data never becomes typst markup: templates read `data.json`, so a
//! hostile name (`#`, `]`, `*`, …) prints as text and cannot run code.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The typst sources, embedded. `common.typ` holds the national header and shared pieces.
const TEMPLATES: &[(&str, &str)] = &[
    ("common.typ", include_str!("../templates/common.typ")),
    ("form01.typ", include_str!("../templates/form01.typ")),
    ("form02.typ", include_str!("../templates/form02.typ")),
    ("form03.typ", include_str!("../templates/form03.typ")),
    ("form04.typ", include_str!("../templates/form04.typ")),
    ("form05.typ", include_str!("../templates/form05.typ")),
    ("form06.typ", include_str!("../templates/form06.typ")),
    ("form07.typ", include_str!("../templates/form07.typ")),
    ("scan.typ", include_str!("../templates/scan.typ")),
    (
        "declaration.typ",
        include_str!("../templates/declaration.typ"),
    ),
];

/// The shipped fonts (SIL OFL 1.1): Be Vietnam Pro for Vietnamese, Noto Naskh Arabic for any
/// Arabic text. No system font is ever looked up, so output is the same on every machine.
const FONTS: &[&[u8]] = &[
    include_bytes!("../fonts/BeVietnamPro_400Regular.ttf"),
    include_bytes!("../fonts/BeVietnamPro_700Bold.ttf"),
    include_bytes!("../fonts/BeVietnamPro_400Regular_Italic.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic_400Regular.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic_700Bold.ttf"),
];

/// Why a render failed (a bug in a template or data that a template cannot lay out).
#[derive(Debug, thiserror::Error)]
#[error("render failed: {0}")]
pub struct RenderError(pub String);

/// What is loaded once per process: library, fonts and templates.
struct Base {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: HashMap<FileId, Source>,
}

fn file_id(name: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(format!("/{name}")).expect("valid virtual path"),
    )
    .intern()
}

static BASE: LazyLock<Base> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONTS
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    let sources = TEMPLATES
        .iter()
        .map(|(name, text)| {
            let id = file_id(name);
            (id, Source::new(id, (*text).to_owned()))
        })
        .collect();
    Base {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        sources,
    }
});

/// Serialises cache eviction: typst's memoisation caches are global.
static EVICT: Mutex<()> = Mutex::new(());

/// One compilation: a template, its data and its files (QR code, embedded images).
struct Job<'a> {
    main: FileId,
    files: &'a HashMap<FileId, Bytes>,
    today: Datetime,
}

impl World for Job<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &BASE.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &BASE.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        BASE.sources
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.get().vpath().get_with_slash().into()))
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.files.get(&id) {
            return Ok(b.clone());
        }
        BASE.sources
            .get(&id)
            .map(|s| Bytes::from_string(s.text().to_owned()))
            .ok_or_else(|| FileError::NotFound(id.get().vpath().get_with_slash().into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        BASE.fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Renders `template` (e.g. `form01.typ`) with `data` (read by the template as `data.json`) and
/// extra files (e.g. `qr.svg`, `scan.png`) to PDF bytes.
pub fn render_pdf(
    template: &str,
    data: &serde_json::Value,
    files: &[(&str, Vec<u8>)],
    today: time::Date,
) -> Result<Vec<u8>, RenderError> {
    let main = file_id(template);
    if !BASE.sources.contains_key(&main) {
        return Err(RenderError(format!("no template {template}")));
    }
    let mut map: HashMap<FileId, Bytes> = files
        .iter()
        .map(|(name, bytes)| (file_id(name), Bytes::new(bytes.clone())))
        .collect();
    let json = serde_json::to_vec(data).map_err(|e| RenderError(e.to_string()))?;
    map.insert(file_id("data.json"), Bytes::new(json));
    let today = Datetime::from_ymd(today.year(), today.month() as u8, today.day())
        .ok_or_else(|| RenderError("date out of range".into()))?;
    let job = Job {
        main,
        files: &map,
        today,
    };
    let doc = typst::compile::<PagedDocument>(&job)
        .output
        .map_err(|errs| RenderError(diagnostics(&errs)))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(template.to_owned()),
        creator: typst::foundations::Smart::Custom(Some("motcua".into())),
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options).map_err(|errs| RenderError(diagnostics(&errs)))?;
    // Bound the memoisation caches: every form has new data, so old entries are rarely reused;
    // keep what the last few compilations used (fonts, shaping of the fixed texts).
    if let Ok(_guard) = EVICT.lock() {
        typst::comemo::evict(4);
    }
    Ok(pdf)
}

fn diagnostics(errs: &[typst::diag::SourceDiagnostic]) -> String {
    errs.iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
