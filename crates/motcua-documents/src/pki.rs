//! The deployment's keys and certificates, as files under `<data-dir>/pki/`:
//!
//! ```text
//! pki/ca.crt.pem            the local root CA (only after `motcua pki init`; tests and demos)
//! pki/ca.key.pem            its key, PKCS#8 encrypted with the passphrase (AES-256-CBC)
//! pki/trust/*.pem           further trust anchors (e.g. the government CA's root)
//! pki/agencies/CODE.crt.pem an agency's signing certificate, then its chain
//! pki/agencies/CODE.key.pem its key, encrypted like the CA's
//! ```
//!
//! Keys are never written unencrypted. The passphrase comes from configuration
//! (`MOTCUA_PKI_PASSPHRASE` or a passphrase file); see [`Passphrase`].

use std::fs;
use std::path::{Path, PathBuf};

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::symm::Cipher;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectKeyIdentifier,
};
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::{X509, X509Builder, X509NameBuilder};

/// A PKI failure, in words for the operator.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    /// Something the operator must do first or differently.
    #[error("{0}")]
    Usage(String),
    /// Files could not be read or written.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// OpenSSL refused (wrong passphrase, bad certificate, …).
    #[error("{0}")]
    Crypto(String),
}

impl From<openssl::error::ErrorStack> for PkiError {
    fn from(e: openssl::error::ErrorStack) -> Self {
        PkiError::Crypto(e.to_string())
    }
}

/// The passphrase that encrypts keys at rest.
#[derive(Clone)]
pub struct Passphrase(String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

impl Passphrase {
    /// A configured passphrase (at least 12 characters).
    pub fn new(s: impl Into<String>) -> Result<Self, PkiError> {
        let s = s.into();
        if s.chars().count() < 12 {
            return Err(PkiError::Usage(
                "the PKI passphrase must have at least 12 characters".into(),
            ));
        }
        Ok(Self(s))
    }
}

/// An agency's signing identity, decrypted in memory.
pub struct Signer {
    /// The agency's certificate.
    pub cert: X509,
    /// Its private key.
    pub key: PKey<Private>,
    /// Intermediates up to (not including) the root.
    pub chain: Vec<X509>,
}

impl Signer {
    /// The certificate's common name.
    pub fn name(&self) -> String {
        self.cert
            .subject_name()
            .entries_by_nid(openssl::nid::Nid::COMMONNAME)
            .next()
            .and_then(|e| e.data().to_string().ok())
            .unwrap_or_default()
    }
}

/// The PKI directory of a deployment.
#[derive(Debug, Clone)]
pub struct Pki {
    dir: PathBuf,
}

/// The file that holds a generated passphrase when none is configured.
pub const PASSPHRASE_FILE: &str = "passphrase";

impl Pki {
    /// The PKI under `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("pki"),
        }
    }

    /// Its directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Resolves the passphrase: the configured one, else the deployment's generated file
    /// (`pki/passphrase`, mode 0600, written by `pki init` when nothing was configured).
    pub fn passphrase(&self, configured: Option<&str>) -> Result<Passphrase, PkiError> {
        if let Some(p) = configured {
            return Passphrase::new(p);
        }
        let f = self.dir.join(PASSPHRASE_FILE);
        match fs::read_to_string(&f) {
            Ok(s) => Passphrase::new(s.trim()),
            Err(_) => Err(PkiError::Usage(
                "no PKI passphrase: set MOTCUA_PKI_PASSPHRASE (or pki_passphrase_file), or run \
                 `motcua pki init`"
                    .into(),
            )),
        }
    }

    /// Whether a local root CA exists.
    pub fn has_ca(&self) -> bool {
        self.dir.join("ca.crt.pem").exists()
    }

    /// Creates the local root CA. Returns the passphrase file written, if one was generated.
    pub fn init(
        &self,
        deployment: &str,
        configured: Option<&str>,
    ) -> Result<(X509, Option<PathBuf>), PkiError> {
        if self.has_ca() {
            return Err(PkiError::Usage(format!(
                "a CA already exists in {}",
                self.dir.display()
            )));
        }
        mkdirs(&self.dir)?;
        let (pass, written) = match configured {
            Some(p) => (Passphrase::new(p)?, None),
            None => {
                let mut b = [0u8; 24];
                openssl::rand::rand_bytes(&mut b)?;
                let p = hex::encode(b);
                let f = self.dir.join(PASSPHRASE_FILE);
                write_private(&f, p.as_bytes())?;
                (Passphrase(p), Some(f))
            }
        };
        let key = PKey::from_rsa(Rsa::generate(3072)?)?;
        let mut name = X509NameBuilder::new()?;
        name.append_entry_by_nid(openssl::nid::Nid::COUNTRYNAME, "VN")?;
        name.append_entry_by_nid(
            openssl::nid::Nid::ORGANIZATIONNAME,
            "motcua local deployment (not a government CA)",
        )?;
        name.append_entry_by_nid(
            openssl::nid::Nid::COMMONNAME,
            &format!("motcua local root CA - {deployment}"),
        )?;
        let name = name.build();
        let mut b = X509Builder::new()?;
        b.set_version(2)?;
        let sn = serial()?;
        b.set_serial_number(&sn)?;
        b.set_subject_name(&name)?;
        b.set_issuer_name(&name)?;
        b.set_pubkey(&key)?;
        let nb = Asn1Time::days_from_now(0)?;
        b.set_not_before(&nb)?;
        let na = Asn1Time::days_from_now(3650)?;
        b.set_not_after(&na)?;
        b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()?,
        )?;
        let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None))?;
        b.append_extension(ski)?;
        b.sign(&key, MessageDigest::sha256())?;
        let cert = b.build();
        write_file(&self.dir.join("ca.crt.pem"), &cert.to_pem()?)?;
        write_private(&self.dir.join("ca.key.pem"), &encrypt(&key, &pass)?)?;
        Ok((cert, written))
    }

    /// Issues an agency signing certificate from the local CA (3 years).
    pub fn issue(
        &self,
        agency_code: &str,
        agency_name: &str,
        pass: &Passphrase,
    ) -> Result<X509, PkiError> {
        if !self.has_ca() {
            return Err(PkiError::Usage(
                "no local CA: run `motcua pki init` first (or import the agency's PKCS#12)".into(),
            ));
        }
        let ca = X509::from_pem(&read(&self.dir.join("ca.crt.pem"))?)?;
        let ca_key = decrypt(&read(&self.dir.join("ca.key.pem"))?, pass)?;
        let key = PKey::from_rsa(Rsa::generate(2048)?)?;
        let mut name = X509NameBuilder::new()?;
        name.append_entry_by_nid(openssl::nid::Nid::COUNTRYNAME, "VN")?;
        name.append_entry_by_nid(openssl::nid::Nid::ORGANIZATIONNAME, agency_name)?;
        name.append_entry_by_nid(openssl::nid::Nid::ORGANIZATIONALUNITNAME, agency_code)?;
        name.append_entry_by_nid(openssl::nid::Nid::COMMONNAME, agency_name)?;
        let name = name.build();
        let mut b = X509Builder::new()?;
        b.set_version(2)?;
        let sn = serial()?;
        b.set_serial_number(&sn)?;
        b.set_subject_name(&name)?;
        b.set_issuer_name(ca.subject_name())?;
        b.set_pubkey(&key)?;
        let nb = Asn1Time::days_from_now(0)?;
        b.set_not_before(&nb)?;
        let na = Asn1Time::days_from_now(3 * 365)?;
        b.set_not_after(&na)?;
        b.append_extension(BasicConstraints::new().critical().build()?)?;
        b.append_extension(
            KeyUsage::new()
                .critical()
                .digital_signature()
                .non_repudiation()
                .build()?,
        )?;
        b.append_extension(
            ExtendedKeyUsage::new()
                .email_protection()
                // id-kp-documentSigning (RFC 9336).
                .other("1.3.6.1.5.5.7.3.36")
                .build()?,
        )?;
        let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(Some(&ca), None))?;
        b.append_extension(ski)?;
        let aki = AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&b.x509v3_context(Some(&ca), None))?;
        b.append_extension(aki)?;
        b.sign(&ca_key, MessageDigest::sha256())?;
        let cert = b.build();
        self.store_identity(agency_code, &key, &cert, &[], pass)?;
        Ok(cert)
    }

    /// Imports an agency's certificate and key from PKCS#12 (as issued by the government CA).
    pub fn import_pkcs12(
        &self,
        agency_code: &str,
        der: &[u8],
        password: &str,
        pass: &Passphrase,
    ) -> Result<X509, PkiError> {
        let parsed = Pkcs12::from_der(der)?
            .parse2(password)
            .map_err(|_| PkiError::Usage("cannot open the PKCS#12 file: wrong password?".into()))?;
        let (Some(key), Some(cert)) = (parsed.pkey, parsed.cert) else {
            return Err(PkiError::Usage(
                "the PKCS#12 file holds no key and certificate".into(),
            ));
        };
        let chain: Vec<X509> = parsed
            .ca
            .map(|s| s.into_iter().collect())
            .unwrap_or_default();
        self.store_identity(agency_code, &key, &cert, &chain, pass)?;
        Ok(cert)
    }

    /// Adds a trust anchor (PEM).
    pub fn trust(&self, pem: &[u8]) -> Result<Vec<X509>, PkiError> {
        let certs = X509::stack_from_pem(pem)?;
        if certs.is_empty() {
            return Err(PkiError::Usage("no certificate in the file".into()));
        }
        let dir = self.dir.join("trust");
        mkdirs(&dir)?;
        for c in &certs {
            let fp = hex::encode(c.digest(MessageDigest::sha256())?);
            write_file(&dir.join(format!("{}.pem", &fp[..16])), &c.to_pem()?)?;
        }
        Ok(certs)
    }

    fn store_identity(
        &self,
        agency_code: &str,
        key: &PKey<Private>,
        cert: &X509,
        chain: &[X509],
        pass: &Passphrase,
    ) -> Result<(), PkiError> {
        let safe = safe_code(agency_code)?;
        let dir = self.dir.join("agencies");
        mkdirs(&dir)?;
        let mut pem = cert.to_pem()?;
        for c in chain {
            pem.extend_from_slice(&c.to_pem()?);
        }
        write_file(&dir.join(format!("{safe}.crt.pem")), &pem)?;
        write_private(&dir.join(format!("{safe}.key.pem")), &encrypt(key, pass)?)?;
        Ok(())
    }

    /// Whether an agency has a signing identity.
    pub fn has_signer(&self, agency_code: &str) -> bool {
        safe_code(agency_code).is_ok_and(|s| {
            self.dir
                .join("agencies")
                .join(format!("{s}.crt.pem"))
                .exists()
        })
    }

    /// An agency's signing identity, if it has one.
    pub fn signer(&self, agency_code: &str, pass: &Passphrase) -> Result<Option<Signer>, PkiError> {
        if !self.has_signer(agency_code) {
            return Ok(None);
        }
        let safe = safe_code(agency_code)?;
        let dir = self.dir.join("agencies");
        let mut certs = X509::stack_from_pem(&read(&dir.join(format!("{safe}.crt.pem")))?)?;
        if certs.is_empty() {
            return Err(PkiError::Crypto(format!(
                "no certificate for {agency_code}"
            )));
        }
        let cert = certs.remove(0);
        let key = decrypt(&read(&dir.join(format!("{safe}.key.pem")))?, pass)?;
        Ok(Some(Signer {
            cert,
            key,
            chain: certs,
        }))
    }

    /// The trust anchors: the local CA (if any) and everything under `trust/`.
    pub fn anchors(&self) -> Result<Vec<X509>, PkiError> {
        let mut out = Vec::new();
        if self.has_ca() {
            out.push(X509::from_pem(&read(&self.dir.join("ca.crt.pem"))?)?);
        }
        if let Ok(entries) = fs::read_dir(self.dir.join("trust")) {
            let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                out.extend(X509::stack_from_pem(&read(&p)?)?);
            }
        }
        Ok(out)
    }

    /// The anchors as an OpenSSL store.
    pub fn trust_store(&self) -> Result<X509Store, PkiError> {
        let mut b = X509StoreBuilder::new()?;
        for c in self.anchors()? {
            b.add_cert(c)?;
        }
        Ok(b.build())
    }
}

/// An agency code made safe as a file name (codes are `[A-Za-z0-9.]`).
fn safe_code(code: &str) -> Result<String, PkiError> {
    if code.is_empty()
        || code.len() > 64
        || code.starts_with('.')
        || !code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
    {
        return Err(PkiError::Usage(format!("not an agency code: {code:?}")));
    }
    Ok(code.to_owned())
}

fn serial() -> Result<Asn1Integer, openssl::error::ErrorStack> {
    let mut bn = BigNum::new()?;
    bn.rand(127, MsbOption::MAYBE_ZERO, false)?;
    bn.to_asn1_integer()
}

fn encrypt(key: &PKey<Private>, pass: &Passphrase) -> Result<Vec<u8>, PkiError> {
    Ok(key.private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), pass.0.as_bytes())?)
}

fn decrypt(pem: &[u8], pass: &Passphrase) -> Result<PKey<Private>, PkiError> {
    PKey::private_key_from_pem_passphrase(pem, pass.0.as_bytes())
        .map_err(|_| PkiError::Usage("cannot decrypt the key: wrong PKI passphrase?".into()))
}

fn mkdirs(d: &Path) -> Result<(), PkiError> {
    fs::create_dir_all(d).map_err(|e| PkiError::Io(d.to_owned(), e))
}

fn read(p: &Path) -> Result<Vec<u8>, PkiError> {
    fs::read(p).map_err(|e| PkiError::Io(p.to_owned(), e))
}

fn write_file(p: &Path, data: &[u8]) -> Result<(), PkiError> {
    fs::write(p, data).map_err(|e| PkiError::Io(p.to_owned(), e))
}

/// Writes a secret readable by its owner only.
fn write_private(p: &Path, data: &[u8]) -> Result<(), PkiError> {
    use std::io::Write;
    let mut o = fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(p).map_err(|e| PkiError::Io(p.to_owned(), e))?;
    f.write_all(data).map_err(|e| PkiError::Io(p.to_owned(), e))
}
