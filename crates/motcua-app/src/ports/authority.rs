//! The store's authority role (see [`super::Store`]).

use super::*;

/// The authority registry: who is competent for what, where (rules are added and ended, never edited).
#[async_trait]
pub trait AuthorityStore: Send + Sync + 'static {
    /// Adds a rule to a province's authority registry (`Duplicate` when its id is taken there).
    async fn insert_authority_rule(&self, rule: &AuthorityRule) -> Result<(), StoreError>;
    /// Replaces a stored rule by (province, id) — only to end it; false when there is none.
    async fn replace_authority_rule(&self, rule: &AuthorityRule) -> Result<bool, StoreError>;
    /// A province's rules, every date, by id.
    async fn authority_rules(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<AuthorityRule>, StoreError>;
}
