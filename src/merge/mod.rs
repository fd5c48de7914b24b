//! Merging: three-way line merge of text (spec bodies, concurrent edits).

pub mod text;
