//! Merging: three-way line merge of text, field-by-field merge of one spec, and the merge
//! of two ledger trees.

pub mod ledger;
pub mod spec;
pub mod text;
