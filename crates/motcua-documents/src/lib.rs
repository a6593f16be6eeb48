//! # motcua-documents
//!
//! The paper a one-stop counter hands out, made verifiable:
//!
//! - [`render`]: the forms of Circular 03/2025/TT-VPCP (01–07) and digitised scans as A4 PDF,
//!   with typst as a library and shipped fonts (Be Vietnam Pro, Noto Naskh Arabic);
//! - [`pki`]: the deployment's CA, agency certificates and imported PKCS#12 identities, keys
//!   encrypted at rest;
//! - [`pdf`]: PAdES baseline signatures by incremental update (ByteRange, detached CMS/CAdES,
//!   SHA-256, the signer's certificate, signing time);
//! - [`verify`]: signature, chain and coverage checks, each failure with its own reason;
//! - [`engine`]: all of it behind the application's `DocumentEngine` port.

pub mod bench;
pub mod engine;
pub mod pdf;
pub mod pki;
pub mod qr;
pub mod render;
pub mod verify;

pub use engine::{Engine, EngineSettings};
